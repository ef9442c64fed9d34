import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';

/** Bytes and object counts on the heap, by kind of object (constructor name, or V8's internal kind). */
export type HeapComposition = Map<string, { count: number; bytes: number }>;

/** What one kind of object adds per unit (e.g. per session) between two snapshots. */
export interface HeapGrowth {
  kind: string;
  countPerUnit: number;
  bytesPerUnit: number;
}

interface SnapshotFile {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
  nodes: number[];
  strings: string[];
}

/**
 * Takes a heap snapshot (V8 collects garbage first) and sums shallow sizes by kind: objects and
 * closures by constructor name, everything else by V8's node type and name (`(array) (object
 * elements)`, `(hidden) system / EphemeronHashTable`), strings and numbers lumped together.
 */
export function heapComposition(): HeapComposition {
  const file = v8.writeHeapSnapshot(path.join(os.tmpdir(), `userscope-bench-${process.pid}-${Date.now()}.heapsnapshot`));
  try {
    const snapshot = JSON.parse(readFileSync(file, 'utf8')) as SnapshotFile;
    const fields = snapshot.snapshot.meta.node_fields;
    const types = snapshot.snapshot.meta.node_types[0];
    const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field));
    const composition: HeapComposition = new Map();
    for (let at = 0; at < snapshot.nodes.length; at += fields.length) {
      const type = types[snapshot.nodes[at + typeAt]];
      const name = snapshot.strings[snapshot.nodes[at + nameAt]];
      const kind = kindOf(type, name);
      const entry = composition.get(kind) ?? { count: 0, bytes: 0 };
      entry.count++;
      entry.bytes += snapshot.nodes[at + sizeAt];
      composition.set(kind, entry);
    }
    return composition;
  } finally {
    rmSync(file, { force: true });
  }
}

/** Growth from `before` to `after`, divided by `units`, largest first. */
export function heapGrowth(before: HeapComposition, after: HeapComposition, units: number): HeapGrowth[] {
  const kinds = new Set([...before.keys(), ...after.keys()]);
  return [...kinds]
    .map((kind) => {
      const [b, a] = [before.get(kind), after.get(kind)];
      return {
        kind,
        countPerUnit: ((a?.count ?? 0) - (b?.count ?? 0)) / units,
        bytesPerUnit: ((a?.bytes ?? 0) - (b?.bytes ?? 0)) / units,
      };
    })
    .sort((x, y) => y.bytesPerUnit - x.bytesPerUnit);
}

function kindOf(type: string, name: string): string {
  switch (type) {
    case 'object':
    case 'closure':
      return type === 'closure' ? '(closure)' : name;
    case 'string':
    case 'concatenated string':
    case 'sliced string':
      return '(string)';
    case 'number':
      return '(heap number)';
    case 'code':
      return '(code)';
    case 'array':
      // V8 leaves the backing stores of Map, Set and WeakMap hash tables unnamed.
      return name ? `(array) ${name}` : '(array) hash-table storage';
    default:
      return `(${type}) ${name.length > 40 ? `${name.slice(0, 40)}…` : name}`;
  }
}
