/**
 * `digit-lab read IMAGE... [--model DIR] [--json]`: read the numbers written in pictures, digit by
 * digit; `--bench` instead measures reading on numbers composed from MNIST test digits.
 *
 * Modules that load TensorFlow.js are required inside the functions that use them, so that
 * registering the command (and so `digit-lab --help`) stays light; `require` rather than `import()`
 * because tsx, which runs the tests from source, cannot `import()` a .ts file from CommonJS.
 */
import { Command } from 'commander';
import { referenceModelDir } from '../common/paths';
import type { ImageFailure } from '../model/predict-files';
import type { FileReading } from '../reading/files';
import { action, CliError, printJson } from './common';
import { addOptions, BACKEND_OPTION, intFlag, namingBackendFlag } from './flags';

interface ReadFlags {
  model?: string;
  backend?: string;
  json?: boolean;
  bench?: boolean;
  count: string;
  seed: string;
  data?: string;
}

/** Adds `digit-lab read`; the model code (and TensorFlow.js) loads only when the command runs. */
export function register(program: Command): void {
  const command = program
    .command('read')
    .description('read the numbers written in images (PNG or JPEG; several digits, several lines) with a saved model')
    .argument('[image...]', 'image files');
  addOptions(command, [
    ['--model <dir>', 'model directory written by `digit-lab train` (default: data/models/reference)'],
    BACKEND_OPTION,
    ['--json', 'one JSON line per image: file, text, lines (text, digits with digit, probability, runnerUp, box) and warnings'],
    ['--bench', 'instead: read numbers composed from MNIST test digits under several conditions and report accuracy and speed (default backend: wasm)'],
    ['--count <n>', '--bench: numbers per condition', '300'],
    ['--seed <n>', '--bench: seed of the composed numbers', '1'],
    ['--data <dir>', '--bench: the four MNIST .gz files (default: ../shared/mnist, else the data cache)'],
  ]).action(action(readCommand));
}


async function readCommand(images: string[], flags: ReadFlags): Promise<void> {
  if (flags.bench) {
    if (images.length > 0) throw new CliError('--bench reads composed numbers, not image files: give one or the other');
    return benchCommand(flags);
  }
  if (images.length === 0) throw new CliError('no image given: digit-lab read IMAGE... (or --bench)');
  const { readImageFiles } = require('../reading/files') as typeof import('../reading/files');
  const results = await namingBackendFlag(() => readImageFiles(flags.model ?? referenceModelDir(), images, flags.backend));
  for (const r of results) {
    if ('error' in r) process.stderr.write(`error: ${r.error}\n`);
    else if (flags.json) printJson(readingJson(r));
    else process.stdout.write(`${r.image}: ${r.text.replace(/\n/g, ' / ')}${r.warnings.length ? `  (${r.warnings.join('; ')})` : ''}\n`);
  }
  const failures = results.filter((r): r is ImageFailure => 'error' in r);
  if (failures.length > 0) {
    throw new CliError(`${failures.length} of ${results.length} image(s) could not be read (see above)`);
  }
}

const round = (p: number) => Math.round(p * 10000) / 10000;

/** The documented JSON shape of one file's reading. */
export function readingJson(r: FileReading): object {
  return {
    file: r.image,
    text: r.text,
    lines: r.lines.map((line) => ({
      text: line.text,
      digits: line.digits.map((d) => ({
        digit: d.digit,
        probability: round(d.probability),
        runnerUp: { digit: d.runnerUp.digit, probability: round(d.runnerUp.probability) },
        box: d.box,
        ...(d.lowConfidence ? { lowConfidence: true } : {}),
      })),
    })),
    warnings: r.warnings,
  };
}

async function benchCommand(flags: ReadFlags): Promise<void> {
  const { runReadBench } = require('../bench/read-run') as typeof import('../bench/read-run');
  const count = intFlag('--count', flags.count, 1);
  const seed = intFlag('--seed', flags.seed, 0);
  const note = (line: string) => process.stderr.write(`bench: ${line}\n`);
  let results;
  try {
    results = await namingBackendFlag(() => runReadBench({ modelDir: flags.model ?? referenceModelDir(), backend: flags.backend ?? 'wasm', data: flags.data, count, seed, log: note }));
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  for (const r of results) {
    if (flags.json) printJson(r);
    else {
      process.stdout.write(`${r.condition} (${r.description}): ${(100 * r.wholeNumberAccuracy).toFixed(1)}% of ${r.numbers} numbers, ` +
        `${(100 * r.digitAccuracy).toFixed(2)}% of digits, ${r.msPerNumber} ms per picture\n`);
    }
  }
}
