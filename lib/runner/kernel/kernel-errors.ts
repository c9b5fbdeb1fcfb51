/**
 * tslab reports a failed cell only as stderr text plus an execute_reply with status 'error' and
 * no ename/evalue/traceback. This turns that text into an nbformat `error` output so readers, the
 * HTML export and exit codes see a real error.
 */
import { ErrorOutput, joinSource, Output } from '../document/nbformat';
import { isRunnerNote } from './output-collector';

const ERROR_LINE = /^(?:Uncaught )?((?:[A-Za-z_$][\w$]*)?(?:Error|Exception|Rejection))(?: \[[^\]]*\])?: ?(.*)$/;
const DIAGNOSTIC_LINE = /^(\S+ )?\d+:\d+ - /;

/** Names an error from one line of tslab's stderr. */
export function classifyErrorLine(line: string): { ename: string; evalue: string } {
  // Type-check diagnostics are printed as "[file ]LINE:COL - message".
  if (DIAGNOSTIC_LINE.test(line)) return { ename: 'TSError', evalue: line };
  const m = ERROR_LINE.exec(line);
  if (m) return { ename: m[1], evalue: m[2] };
  return { ename: 'Error', evalue: line };
}

/**
 * The line that says what went wrong: a diagnostic or "XxxError: message" line if any (node
 * prints the failing source line and a caret before the error itself), else the first non-empty line.
 */
export function pickErrorLine(lines: string[]): string {
  const telling = lines.find((l) => DIAGNOSTIC_LINE.test(l) || ERROR_LINE.test(l));
  return (telling ?? lines.find((l) => l.trim() !== '') ?? '').trim();
}

/**
 * When a cell failed without an `error` output, moves its trailing stderr text (what tslab printed
 * last: the diagnostics or the thrown value) into an `error` output. Earlier stderr is left alone.
 * Returns the error output (existing or new).
 */
export function synthesiseErrorOutput(outputs: Output[], reply: { ename?: string; evalue?: string; traceback?: string[] }): ErrorOutput {
  const existing = outputs.find((o): o is ErrorOutput => o.output_type === 'error');
  if (existing) return existing;
  // The runner's own notes come last; the kernel's stderr is before them, and they stay last.
  const notes: Output[] = [];
  while (outputs.length && isRunnerNote(outputs[outputs.length - 1])) notes.unshift(outputs.pop()!);
  let lines: string[] = [];
  const last = outputs[outputs.length - 1];
  if (last && last.output_type === 'stream' && last.name === 'stderr') {
    lines = joinSource(last.text).replace(/\n$/, '').split('\n');
    outputs.pop();
  }
  const first = pickErrorLine(lines);
  const guessed = first ? classifyErrorLine(first) : { ename: 'Error', evalue: 'the kernel reported an error without details' };
  const error: ErrorOutput = {
    output_type: 'error',
    ename: reply.ename || guessed.ename,
    evalue: reply.evalue || guessed.evalue,
    traceback: reply.traceback && reply.traceback.length ? reply.traceback : lines,
  };
  outputs.push(error, ...notes);
  return error;
}

/** The one line that describes an error output (for exit messages), without ANSI colours. */
export function firstErrorLine(error: ErrorOutput): string {
  const strip = (s: string) => s.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
  const line = pickErrorLine(error.traceback.map(strip));
  if (line) return line;
  return error.evalue ? `${error.ename}: ${error.evalue}` : error.ename;
}
