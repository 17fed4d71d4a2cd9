// What made an object the workspace does not define: the custom resource an operator reads. Kept
// apart from producers.ts (which builds the views) so that the views' modules can name it.
import type { Resource } from './resource';

export interface Producer {
  /** The custom resource the operator reads. */
  readonly resource: Resource;
  readonly operator: string;
  readonly source: string;
  /** Whether the object may have ports the table does not list (never judged as missing). */
  readonly portsOpen: boolean;
}
