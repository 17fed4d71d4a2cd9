// What each question of the graph reads, so that the Analyzer re-runs a rule of workspace reach
// only when something it read changed. READ_SCOPES names every public member of TrafficGraph (a
// mapped type over its keys): a new or renamed question fails to compile until its scope is
// written here, instead of silently making every rule re-run. `trackReads` wraps a graph so that
// each question reports its scope to a ReadLog.
import type { Resource } from '../model/resource';
import type { Service } from '../model/service';
import type { Workload } from '../model/workload';
import type { TrafficGraph } from './trafficGraph';

/** Namespaces an answer depends on (undefined and '' for cluster-scoped objects). */
type Namespaces = readonly (string | undefined)[];

/**
 * The scope of one member: for a question, the namespaces its answer depends on (from its
 * arguments; or 'everything' for some arguments), or 'everything' (lists across namespaces: any
 * change may change the answer); for a yes/no property about the whole workspace, 'fact' (valid
 * while the answer is the same); for the set of namespaces, 'namespaceSet' (the Analyzer runs every
 * rule again when it changes, so its reads need no log). A question whose answer keeps its identity
 * while it is the same (a derived graph inherits it) may be 'answer': valid while the same question,
 * asked again of the new graph, gives the same object.
 */
export type ReadScope<M> = M extends (...args: infer A) => unknown
  ? ((...args: A) => Namespaces | 'everything') | 'everything' | 'answer'
  : M extends boolean
    ? 'fact' | 'everything'
    : M extends ReadonlySet<string>
      ? 'namespaceSet' | 'everything'
      : 'everything';

const ofResource = (r: Resource): Namespaces => [r.namespace];
const ofWorkload = (w: Workload): Namespaces => [w.template.namespace, w.resource.namespace];
const ofService = (s: Service): Namespaces => [s.resource.namespace ?? 'default'];
const namespace = (ns: string): Namespaces => [ns];

/** The scope of every public member of the graph. */
export const READ_SCOPES = {
  resources: 'everything',
  workloads: 'everything',
  services: 'everything',
  ingresses: 'everything',
  networkPolicies: 'everything',
  namespaces: 'namespaceSet',
  routes: 'everything',
  hasGateways: 'fact',
  hasCniPolicies: 'fact',
  hasAttachmentDefinitions: 'fact',
  workload: ofResource,
  service: ofResource,
  ingress: ofResource,
  networkPolicy: ofResource,
  route: ofResource,
  produced: ofResource,
  canJudgeSelectionIn: namespace,
  // The directories behind it change only in a full load, when every rule runs again.
  hidesResourcesNear: 'everything',
  labelKeyUsedNear: namespace,
  hiddenProducerNear: namespace,
  hiddenProducersIn: namespace,
  servicesIn: namespace,
  gatewaysIn: namespace,
  gatewaysNamed: namespace,
  referenceGrantsIn: namespace,
  attachmentDefinitions: namespace,
  servicesNamed: namespace,
  workloadsIn: namespace,
  hasServicesIn: namespace,
  policiesSelecting: ofWorkload,
  disruptionBudgetsFor: ofWorkload,
  autoscalersOf: ofWorkload,
  // Service references read ConfigMaps of the workload's namespace, and the set of namespaces
  // (compared as a whole by the Analyzer).
  serviceReferences: ofWorkload,
  manualEndpointsOf: ofService,
  workloadsSelectedBy: ofService,
  backendTargets: (i) => [i.resource.namespace ?? 'default'],
  workloadsSelecting: (_selector, ns) => [ns],
  selectsSomeWorkload: (_selector, ns) => [ns],
  workloadCandidates: (_selector, ns) => [ns],
  namespacesWithWorkloads: () => [''],
  // Namespace objects are cluster-scoped.
  namespaceLabels: () => [''],
  resolveServicePort: () => [],
  // Across namespaces or deploy units.
  filesAppliedTogether: 'everything',
  // Definitions of one object share its id, and with it its namespace ('' for cluster-scoped ones).
  definitionsAppliedWith: ofResource,
  servicesAppliedNear: 'everything',
  // The Ingresses of one deploy unit claiming one host and path: an index entry, the same list object
  // while none of them changed (a derived index shares unchanged entries). An edit in a bundle no
  // longer re-runs the check of every Ingress in it.
  ingressesClaimingNear: 'answer',
  // The Analyzer's, not a rule's: compares two graphs.
  answersAsIn: 'everything',
  hostPortWorkloadsAppliedNear: 'everything',
  // Controllers may be anywhere, but the list is the same object while no controller changed
  // (inheritControllers): every edit no longer re-runs the check of every Ingress.
  ingressControllers: 'answer',
  sameFileOrBuild: 'everything',
  appliedTogether: 'everything',
  isCollectionDirectory: 'everything',
  attachmentDefinitionsNamed: 'everything',
  instancesIn: (scope: 'namespace' | 'directory' | 'build', key: string) =>
    scope === 'namespace' ? [key] : 'everything',
  resourcesWithId: 'everything',
  servicesSelecting: 'everything',
  routesTo: 'everything',
} as const satisfies { readonly [K in keyof TrafficGraph]: ReadScope<TrafficGraph[K]> };

export type GraphMember = keyof typeof READ_SCOPES;

/** The yes/no properties about the whole workspace. */
export type FactName = { [K in GraphMember]: (typeof READ_SCOPES)[K] extends 'fact' ? K : never }[GraphMember];

const isFact = (name: GraphMember): name is FactName => READ_SCOPES[name] === 'fact';

const MEMBERS = Object.keys(READ_SCOPES) as GraphMember[];

/** Every fact, for comparing two graphs' answers. */
export const FACTS: readonly FactName[] = MEMBERS.filter(isFact);

/** Where a tracked graph reports what a question read. */
export interface ReadLog {
  namespaces(read: Namespaces): void;
  everything(): void;
  fact(name: FactName, answer: boolean): void;
  answer(read: AnswerRead): void;
}

/** A question of scope 'answer' and what it answered. */
export interface AnswerRead {
  readonly name: GraphMember;
  readonly args: readonly unknown[];
  readonly value: unknown;
}

/** Whether the graph answers the question as it did (the same object). */
export function sameAnswer(graph: TrafficGraph, read: AnswerRead): boolean {
  const question = graph[read.name] as unknown as (...args: unknown[]) => unknown;
  return question.apply(graph, read.args as unknown[]) === read.value;
}

/**
 * The graph as code whose reads are logged sees it: each public member reports its scope to the
 * current log (none: nothing is logged), then answers as the graph does. Answers are the graph's
 * own (questions run on the graph itself, so their inner questions are not logged).
 */
export function trackReads(graph: TrafficGraph, currentLog: () => ReadLog | undefined): TrafficGraph {
  const tracked: TrafficGraph = Object.create(graph);
  for (const name of MEMBERS) {
    const scope: 'everything' | 'fact' | 'namespaceSet' | 'answer' | ((...args: never[]) => Namespaces | 'everything') =
      READ_SCOPES[name];
    const member: unknown = graph[name];
    if (typeof member === 'function') {
      const question = member as (...args: unknown[]) => unknown;
      if (scope === 'answer') {
        Object.defineProperty(tracked, name, {
          value: (...args: unknown[]) => {
            const value = question.apply(graph, args);
            currentLog()?.answer({ name, args, value });
            return value;
          },
        });
        continue;
      }
      const namespacesOf = scope as 'everything' | ((...args: unknown[]) => Namespaces | 'everything');
      Object.defineProperty(tracked, name, {
        value: (...args: unknown[]) => {
          const log = currentLog();
          if (log) {
            const read = namespacesOf === 'everything' ? namespacesOf : Reflect.apply(namespacesOf, undefined, args);
            if (read === 'everything') log.everything();
            else log.namespaces(read);
          }
          return question.apply(graph, args);
        },
      });
    } else {
      Object.defineProperty(tracked, name, {
        get: () => {
          const answer = graph[name];
          const log = currentLog();
          if (log) {
            if (isFact(name)) log.fact(name, graph[name]);
            else if (scope !== 'namespaceSet') log.everything();
          }
          return answer;
        },
      });
    }
  }
  return tracked;
}
