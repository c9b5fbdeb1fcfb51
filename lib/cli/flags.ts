/** Parsing numeric command-line flags, with one-line errors that name the flag. */
import { CliError } from './common';

/** `value` as an integer >= `min`; undefined when the flag was not given. */
export function intFlag(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CliError(`${flag}: expected an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** `value` as a finite number that `ok` accepts (`expected` says which, for the error); undefined when not given. */
export function numberFlag(flag: string, value: string | undefined, ok: (n: number) => boolean, expected: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || !ok(n)) throw new CliError(`${flag}: expected ${expected}, got ${JSON.stringify(value)}`);
  return n;
}

/** A commander argParser for a flag that takes a positive number of seconds. */
export function positiveSecondsParser(flag: string): (value: string) => number {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || n <= 0) throw new CliError(`${flag} needs a positive number of seconds, got "${value}"`);
    return n;
  };
}
