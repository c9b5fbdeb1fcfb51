/**
 * Normalised outputs for golden comparisons: text joined, stack-frame lines and absolute paths
 * removed (they change with node versions and checkouts), binary images reduced to a hash of the
 * decoded bytes (line wrapping of base64 varies), ids and times dropped.
 */
import { createHash } from 'crypto';
import * as path from 'path';
import { Notebook, Output } from '../../../lib/runner/document/nbformat';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const join = (v: unknown) => (Array.isArray(v) ? v.join('') : String(v));
const cleanText = (text: string) =>
  text
    .split('\n')
    .filter((l) => !/^\s+at /.test(l))
    .join('\n')
    .split(ROOT)
    .join('<root>')
    .replace(/^\s*code: 'ERR_SCRIPT_EXECUTION_INTERRUPTED'\n\}\n?/m, '')
    .replace(/ \{\n$/, '\n');

function normaliseData(data: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [mime, value] of Object.entries(data)) {
    if (/^image\/(png|jpeg|gif)$/.test(mime)) {
      out[mime] = `<${mime} sha256:${createHash('sha256').update(Buffer.from(join(value).replace(/\s/g, ''), 'base64')).digest('hex').slice(0, 16)}>`;
    } else if (mime.includes('json')) {
      out[mime] = value;
    } else {
      out[mime] = join(value);
    }
  }
  return out;
}

function normaliseOutput(o: Output): Record<string, unknown> {
  switch (o.output_type) {
    case 'stream':
      return { output_type: 'stream', name: o.name, text: cleanText(join(o.text)) };
    case 'error':
      return { output_type: 'error', ename: o.ename, evalue: cleanText(o.evalue), traceback: cleanText(o.traceback.join('\n')).split('\n') };
    case 'display_data':
      return { output_type: 'display_data', data: normaliseData(o.data) };
    case 'execute_result':
      return { output_type: 'execute_result', data: normaliseData(o.data) };
  }
}

export interface NormalisedCell {
  cell: number;
  execution_count: number | null;
  outputs: Record<string, unknown>[];
}

/** Our golden form: every code cell's count and normalised outputs. */
export function normaliseNotebook(nb: Notebook): NormalisedCell[] {
  return nb.cells.flatMap((c, i) => (c.cell_type === 'code' ? [{ cell: i + 1, execution_count: c.execution_count, outputs: c.outputs.map(normaliseOutput) }] : []));
}

/**
 * The form shared with `jupyter nbconvert --execute`: execution counts dropped (nbclient takes
 * them from execute_input, which tslab never sends) and our error outputs turned back into the
 * stderr text they came from (nbclient keeps tslab's stderr as a stream).
 */
export function normaliseForCrossCheck(nb: Notebook): Array<Record<string, unknown>[]> {
  return normaliseNotebook(nb).map(({ outputs }) => {
    const merged: Record<string, unknown>[] = [];
    for (const o of outputs) {
      const asStream = o.output_type === 'error' ? { output_type: 'stream', name: 'stderr', text: (o.traceback as string[]).join('\n') + '\n' } : o;
      const last = merged[merged.length - 1];
      if (last && last.output_type === 'stream' && asStream.output_type === 'stream' && last.name === asStream.name) last.text = String(last.text) + String(asStream.text);
      else merged.push({ ...asStream });
    }
    return merged;
  });
}
