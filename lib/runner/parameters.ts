/**
 * Papermill-style parameters for TypeScript notebooks on tslab.
 *
 * The rule (checked against tslab 1.0.22): tslab compiles each cell as its own module and lets a
 * later cell redeclare a name from an earlier one, and later cells then see the new declaration.
 * So the injected cell, placed right after the cell tagged `parameters`:
 * - assigns (`name = value;`) when the parameters cell declares `let name` or `var name`: the
 *   declared type is kept and the value is type-checked against it (a wrong type fails in the
 *   injected cell, naming the parameter);
 * - redeclares (`const name = value;`) when it is declared with `const` or not at all.
 * Declare parameters with `let` and an explicit type (`let epochs: number = 3;`) to get checking.
 */
import { randomBytes } from 'crypto';
import { Cell, CodeCell, joinSource, Notebook, splitLines } from './document/nbformat';

export type ParameterValue = number | boolean | string | null | unknown[] | Record<string, unknown>;

/** Types a command-line value: number, true/false, null, JSON array/object/string, else the raw string. */
export function parseParameterValue(raw: string): ParameterValue {
  const t = raw.trim();
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number(t);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (t === 'null') return null;
  if (/^[[{"]/.test(t)) {
    try {
      return JSON.parse(t) as ParameterValue;
    } catch {
      // Not JSON after all: keep the text.
    }
  }
  return raw;
}

/** Turns ['a', '1', 'b', 'x'] (from repeated -p NAME VALUE) into typed parameters. */
export function parseParameterPairs(values: string[]): Record<string, ParameterValue> {
  if (values.length % 2 !== 0) throw new Error(`-p needs NAME VALUE pairs; got ${values.length} value(s): ${values.join(' ')}`);
  const out: Record<string, ParameterValue> = {};
  for (let i = 0; i < values.length; i += 2) {
    const name = values[i];
    if (!/^[A-Za-z_$][\w$]*$/.test(name)) throw new Error(`parameter name "${name}" is not a valid TypeScript identifier`);
    out[name] = parseParameterValue(values[i + 1]);
  }
  return out;
}

function hasTag(cell: Cell, tag: string): boolean {
  return Array.isArray(cell.metadata?.tags) && cell.metadata.tags.includes(tag);
}

/** Names declared at the start of a statement in `source`, with their keyword. */
export function declaredNames(source: string): Map<string, 'let' | 'var' | 'const'> {
  const names = new Map<string, 'let' | 'var' | 'const'>();
  const re = /(?:^|[;\n{])\s*(?:export\s+)?(let|var|const)\s+([A-Za-z_$][\w$]*)/g;
  for (const m of source.replace(/\/\/[^\n]*/g, '').matchAll(re)) names.set(m[2], m[1] as 'let' | 'var' | 'const');
  return names;
}

/** The TypeScript source of the injected cell. */
export function parametersSource(params: Record<string, ParameterValue>, declared: Map<string, 'let' | 'var' | 'const'>): string {
  const lines = ['// Parameters injected by nbconvert-ts-runner'];
  for (const [name, value] of Object.entries(params)) {
    const literal = JSON.stringify(value);
    const kind = declared.get(name);
    lines.push(kind === 'let' || kind === 'var' ? `${name} = ${literal};` : `const ${name} = ${literal};`);
  }
  // tslab echoes the value of a cell's last expression; an assignment would print the parameter.
  if (/^\w+ = /.test(lines[lines.length - 1])) lines.push("undefined; // ends the cell quietly (tslab would echo the last assignment's value)");
  return lines.join('\n');
}

/**
 * Returns a copy of the notebook's cell list with the parameters cell injected (replacing an
 * earlier injected cell, as when re-running an output notebook). No parameters: unchanged.
 */
export function injectParameters(nb: Notebook, params: Record<string, ParameterValue>): Notebook {
  if (Object.keys(params).length === 0) return nb;
  const cells = nb.cells.filter((c) => !hasTag(c, 'injected-parameters'));
  const at = cells.findIndex((c) => hasTag(c, 'parameters'));
  const declared = at >= 0 ? declaredNames(joinSource(cells[at].source)) : new Map();
  const cell: CodeCell = {
    cell_type: 'code',
    metadata: { tags: ['injected-parameters'] },
    execution_count: null,
    outputs: [],
    source: splitLines(parametersSource(params, declared)),
  };
  if (nb.nbformat_minor >= 5) cell.id = `injected-${randomBytes(4).toString('hex')}`;
  cells.splice(at + 1, 0, cell);
  return { ...nb, cells };
}
