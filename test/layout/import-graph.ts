/** The import graph of lib/: which module imports which, read from the sources as text. */
import * as fs from 'fs';
import * as path from 'path';

/** One relative import: from a file to the file it resolves to (both relative to the root). */
export interface ImportEdge {
  from: string;
  to: string;
}

const SPECIFIER = /(?:\bfrom|\bimport|\brequire)\s*\(?\s*['"](\.[^'"]*)['"]/g;

/** Every .ts file below `dir`, relative to `root`, with '/' separators. */
export function sourceFiles(root: string, dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isDirectory()) out.push(...sourceFiles(root, rel));
    else if (entry.name.endsWith('.ts')) out.push(rel);
  }
  return out.sort();
}

/** The relative imports of `files` that resolve to one of them (type-only imports included). */
export function importEdges(root: string, files: string[]): ImportEdge[] {
  const known = new Set(files);
  const edges: ImportEdge[] = [];
  for (const from of files) {
    const source = fs.readFileSync(path.join(root, from), 'utf8');
    for (const match of source.matchAll(SPECIFIER)) {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(from), match[1]));
      const to = [`${target}.ts`, `${target}/index.ts`].find((candidate) => known.has(candidate));
      if (to) edges.push({ from, to });
    }
  }
  return edges;
}

/**
 * For one folder, the graph between its parts: each subfolder is a node, and the folder's own
 * loose files together are the node '.'. A cycle here is a folder-level cycle (say `train.ts`
 * importing `training/` while a file in `training/` imports `train.ts`).
 */
export function folderGraph(edges: ImportEdge[], folder: string): Map<string, Set<string>> {
  const part = (file: string): string | null => {
    if (!file.startsWith(`${folder}/`)) return null;
    const rest = file.slice(folder.length + 1).split('/');
    return rest.length > 1 ? rest[0] : '.';
  };
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of edges) {
    const a = part(from);
    const b = part(to);
    if (a === null || b === null || a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  return graph;
}

/** The cycles of a directed graph, one per strongly connected group of two or more nodes (Tarjan). */
export function cyclesOf(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, index.get(w)!));
      }
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      group.push(w);
    } while (w !== v);
    if (group.length > 1) cycles.push(group.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
