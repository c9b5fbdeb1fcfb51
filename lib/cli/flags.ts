/**
 * Declaring and parsing command-line flags, with one-line errors that name the flag. Nothing here
 * loads TensorFlow.js: the subcommands use it while registering, which `--help` must keep cheap.
 */
import type { Command } from 'commander';
import { type AugmentOptions, REFERENCE_AUGMENTATION, STRONG_AUGMENTATION, validateAugmentOptions } from '../model/augment-options';
import { CliError } from './common';

/** A command-line option: its flags, its help text and, when it has one, its default value. */
export type OptionSpec = readonly [flags: string, description: string, defaultValue?: string];

/** The `--backend` option of the commands that pick a backend through the engine. */
export const BACKEND_OPTION: OptionSpec = ['--backend <name>', 'backend: auto, tensorflow, wasm or cpu'];

/** Declares the options on `command`, in the order given (and so listed by `--help`). */
export function addOptions(command: Command, options: readonly OptionSpec[]): Command {
  for (const [flags, description, defaultValue] of options) command.option(flags, description, defaultValue);
  return command;
}

/** `value` as an integer >= `min`; undefined when the flag was not given. */
export function intFlag(flag: string, value: string, min: number): number;
export function intFlag(flag: string, value: string | undefined, min: number): number | undefined;
export function intFlag(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new CliError(`${flag}: expected an integer >= ${min}, got ${JSON.stringify(value)}`);
  return n;
}

/** `value` as a finite number that `ok` accepts (`expected` says which, for the error); undefined when not given. */
export function numberFlag(flag: string, value: string, ok: (n: number) => boolean, expected: string): number;
export function numberFlag(flag: string, value: string | undefined, ok: (n: number) => boolean, expected: string): number | undefined;
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

/** A commander argParser for a flag that takes a positive whole number of `unit` (e.g. milliseconds). */
export function positiveIntParser(flag: string, unit: string): (value: string) => number {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n) || n <= 0) throw new CliError(`${flag} needs a positive whole number of ${unit}, got "${value}"`);
    return n;
  };
}

/** Parses `--augment`: none, reference, strong, or a JSON object of AugmentOptions. */
export function parseAugmentFlag(value: string): AugmentOptions | null {
  if (value === 'none') return null;
  if (value === 'reference') return { ...REFERENCE_AUGMENTATION };
  if (value === 'strong') return { ...STRONG_AUGMENTATION };
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new Error(`--augment: expected none, reference, strong or a JSON object, got ${JSON.stringify(value)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`--augment: the JSON must be an object like {"rotationRange":10}, got ${value}`);
  }
  return parsed as AugmentOptions;
}

/**
 * `--augment` parsed and its options checked, so that a bad value fails at once rather than after
 * the data has loaded; the CliError always names the flag.
 */
export function augmentFlag(value: string): AugmentOptions | null {
  try {
    const augment = parseAugmentFlag(value);
    if (augment) validateAugmentOptions(augment);
    return augment;
  } catch (err) {
    const message = (err as Error).message;
    throw new CliError(message.startsWith('--augment') ? message : `--augment: ${message}`);
  }
}

/**
 * Runs `work`, and puts the flag in front of the engine's error for an unknown backend name, so
 * the command line says `--backend: unknown backend ...` while the engine speaks of no flags.
 */
export async function namingBackendFlag<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    // Required, not imported: the engine loads TensorFlow.js (already loaded by the time this runs).
    const { UnknownBackendError } = require('../engine/choose') as typeof import('../engine/choose');
    if (err instanceof UnknownBackendError) throw new CliError(`--backend: ${err.message}`);
    throw err;
  }
}
