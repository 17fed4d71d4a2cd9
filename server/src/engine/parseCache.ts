// Keeps each file's parse for as long as its text is unchanged, so that re-analysing a workspace
// after one edit parses one file. Keyed by path; a changed text replaces the entry.
import { parseYaml, type ParsedFile } from './syntax';
import type { WorkspaceFile } from './workspace';

export class ParseCache {
  private readonly entries = new Map<string, { text: string; parsed: ParsedFile }>();

  readonly parse = (file: WorkspaceFile): ParsedFile => {
    const hit = this.entries.get(file.path);
    if (hit && hit.text === file.text) return hit.parsed;
    const parsed = parseYaml(file.text);
    this.entries.set(file.path, { text: file.text, parsed });
    return parsed;
  };

  delete(path: string): void {
    this.entries.delete(path);
  }

  get size(): number {
    return this.entries.size;
  }
}
