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

/** The kinds of value a parameter can hold, as the pre-flight type check tells them apart. */
export type ValueKind = 'number' | 'string' | 'boolean' | 'null' | 'array' | 'object';

/** One name declared in a parameters cell. */
export interface DeclaredParameter {
  keyword: 'let' | 'var' | 'const';
  /** The type annotation as written (absent when none). */
  type?: string;
  /** The initializer as written (absent when none). */
  initializer?: string;
  /** The kinds of value the declaration accepts; absent when they cannot be told from the text. */
  kinds?: ValueKind[];
}

/** The kind of a parameter value. */
export function valueKind(value: ParameterValue): ValueKind {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value as 'number' | 'string' | 'boolean' | 'object';
}

/** Blanks out comments and the insides of string literals, keeping offsets, so scanning sees only code. */
function maskCommentsAndStrings(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; ) {
    const two = source.slice(i, i + 2);
    if (two === '//' || two === '/*') {
      const end = two === '//' ? source.indexOf('\n', i) : source.indexOf('*/', i + 2) + 2;
      const stop = end <= (two === '//' ? -1 : 1) ? source.length : end;
      out += source.slice(i, stop).replace(/[^\n]/g, ' ');
      i = stop;
    } else if (`'"\``.includes(source[i])) {
      const quote = source[i];
      let j = i + 1;
      while (j < source.length && source[j] !== quote && !(quote !== '`' && source[j] === '\n')) j += source[j] === '\\' ? 2 : 1;
      const stop = Math.min(j + 1, source.length);
      out += quote + source.slice(i + 1, stop - 1).replace(/[^\n]/g, '_') + (stop - 1 > i ? source[stop - 1] : '');
      i = stop;
    } else {
      out += source[i++];
    }
  }
  return out;
}

/**
 * Where the type (isType) or initializer starting at `from` in masked code ends: at the first of
 * `stops` outside brackets. A parameters cell holds literals, so a line end outside brackets ends it.
 */
function scanTo(masked: string, from: number, stops: string, isType: boolean): number {
  let depth = 0;
  for (let i = from; i < masked.length; i++) {
    const c = masked[i];
    if (c === '=' && masked[i + 1] === '>') i++;
    else if ('([{'.includes(c) || (isType && c === '<')) depth++;
    else if (')]}'.includes(c) || (isType && c === '>')) depth = Math.max(0, depth - 1);
    else if (depth === 0 && stops.includes(c)) return i;
  }
  return masked.length;
}

/** The kinds a type annotation admits: a union of number/string/boolean/null, their literals and arrays. */
function kindsOfType(type: string): ValueKind[] | undefined {
  const kinds = new Set<ValueKind>();
  for (const raw of type.split('|')) {
    const t = raw.trim();
    if (t === '') continue;
    if (t === 'number' || /^[-+]?(\d|\.\d)/.test(t)) kinds.add('number');
    else if (t === 'string' || /^['"`]/.test(t)) kinds.add('string');
    else if (t === 'boolean' || t === 'true' || t === 'false') kinds.add('boolean');
    else if (t === 'null' || t === 'undefined') kinds.add('null');
    else if (t.endsWith('[]') || t.startsWith('Array<') || t.startsWith('[')) kinds.add('array');
    else return undefined;
  }
  return kinds.size ? [...kinds] : undefined;
}

/** The kind of a literal initializer (an unannotated declaration takes its type from it). */
function kindOfLiteral(init: string): ValueKind[] | undefined {
  const t = init.trim();
  if (/^[-+]?(\d[\d_]*\.?[\d_]*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return ['number'];
  if (/^(['"]).*\1$/s.test(t) || /^`[^`]*`$/.test(t)) return ['string'];
  if (t === 'true' || t === 'false') return ['boolean'];
  if (t.startsWith('[')) return ['array'];
  if (t.startsWith('{')) return ['object'];
  return undefined;
}

/** The names a parameters cell declares (top-level let/var/const, also several per statement), with their types. */
export function declaredParameters(source: string): Map<string, DeclaredParameter> {
  const found = new Map<string, DeclaredParameter>();
  const masked = maskCommentsAndStrings(source);
  const re = /(?:^|[;\n{])\s*(?:export\s+)?(let|var|const)\s+/g;
  for (const m of masked.matchAll(re)) {
    const keyword = m[1] as DeclaredParameter['keyword'];
    let at = m.index! + m[0].length;
    for (;;) {
      const name = /^([A-Za-z_$][\w$]*)\s*/.exec(masked.slice(at));
      if (!name) break;
      const decl: DeclaredParameter = { keyword };
      at += name[0].length;
      if (masked[at] === ':') {
        const end = scanTo(masked, at + 1, '=,;\n', true);
        decl.type = source.slice(at + 1, end).trim();
        at = end;
      }
      if (masked[at] === '=') {
        const end = scanTo(masked, at + 1, ',;\n', false);
        decl.initializer = source.slice(at + 1, end).trim();
        at = end;
      }
      decl.kinds = decl.type !== undefined ? kindsOfType(decl.type) : decl.initializer !== undefined ? kindOfLiteral(decl.initializer) : undefined;
      found.set(name[1], decl);
      if (masked[at] !== ',') break;
      at++;
      at += /^\s*/.exec(masked.slice(at))![0].length;
    }
  }
  return found;
}

/** Names declared at the start of a statement in `source`, with their keyword. */
export function declaredNames(source: string): Map<string, 'let' | 'var' | 'const'> {
  return new Map([...declaredParameters(source)].map(([name, d]) => [name, d.keyword]));
}

/** The cell tagged `parameters` (the first one), if any. */
export function parametersCell(nb: Notebook): Cell | undefined {
  return nb.cells.find((c) => hasTag(c, 'parameters') && !hasTag(c, 'injected-parameters'));
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
