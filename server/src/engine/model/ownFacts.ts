// What is read of a resource's own tree after its views (its fields' values and spans, for rules
// and for the graph's later questions): a reader asks `fact.of(resource)` instead of walking
// `resource.node`, so that an analysis that reads every instance's facts ahead, while its trees are
// at hand, needs the trees no more.
//
// A one-shot analysis does (readOwnFacts, as each file is read: workspace/load.ts): it then lets
// each file's trees go, which were what a cold check held most of (about half of it at 100,000
// files). A long-lived Analyzer does not: a fact not read ahead is read from the tree when asked,
// and nothing is kept (the language server keeps its views between runs, within 3 KB per resource;
// facts would add about 0.4 KB).
//
// A fact depends on the resource alone, never on the graph or the settings, and holds no tree
// node; what a reader needs of other instances still goes through the graph's questions
// (graph/readScopes.ts records those).
import type { Resource } from './resource';

interface AnyFact {
  readonly kinds: ReadonlySet<string> | undefined;
  readonly read: (resource: Resource) => unknown;
}

/** Every fact, in the order declared: a fact's index is its place here. */
const FACTS: AnyFact[] = [];

/** A reading ahead that threw: thrown to each reader that asks, as reading when asked would have. */
class ReadFailure {
  constructor(readonly error: unknown) {}
}

/**
 * An instance's facts: [index, value, index, value, ...] for those that are not undefined (most
 * instances have none, or one or two: a Service's fixed cluster IPs, a StatefulSet's serviceName).
 */
type FactTable = readonly unknown[];
const NO_FACTS: FactTable = Object.freeze([]);
const tables = new WeakMap<Resource, FactTable>();

export class OwnFact<F> implements AnyFact {
  readonly index = FACTS.length;

  /**
   * kinds: the only kinds of resource it is read for (undefined: any); read: the fact, undefined
   * when there is none. Declared once, at a module's top level.
   */
  constructor(
    readonly kinds: ReadonlySet<string> | undefined,
    readonly read: (resource: Resource) => F | undefined,
  ) {
    FACTS.push(this);
  }

  of(resource: Resource): F | undefined {
    const table = tables.get(resource);
    if (table === undefined) return this.read(resource);
    for (let i = 0; i < table.length; i += 2) {
      if (table[i] !== this.index) continue;
      const value = table[i + 1];
      if (value instanceof ReadFailure) throw value.error;
      return value as F;
    }
    return undefined;
  }
}

/** The facts read ahead for an instance (undefined: none were), for tests of what is kept. */
export function factsReadAhead(resource: Resource): readonly unknown[] | undefined {
  const table = tables.get(resource);
  return table?.filter((_, i) => i % 2 === 1);
}

/** Reads the instance's facts now (its tree is at hand) and keeps them, unless they were read. */
export function readOwnFacts(resource: Resource): void {
  if (!tables.has(resource)) tables.set(resource, readTable(resource));
}

function readTable(resource: Resource): FactTable {
  let table: unknown[] | undefined;
  for (let i = 0; i < FACTS.length; i++) {
    const fact = FACTS[i];
    if (fact.kinds !== undefined && !fact.kinds.has(resource.kind)) continue;
    let value: unknown;
    try {
      value = fact.read(resource);
    } catch (error) {
      value = new ReadFailure(error);
    }
    if (value !== undefined) (table ??= []).push(i, value);
  }
  return table ?? NO_FACTS;
}
