/**
 * `digit-lab predict IMAGE... --model DIR`: classify photos or scans of single digits.
 *
 * Modules that load TensorFlow.js are required inside the functions that use them, so that
 * registering the command (and so `digit-lab --help`) stays light; `require` rather than `import()`
 * because tsx, which runs the tests from source, cannot `import()` a .ts file from CommonJS.
 */
import { Command } from 'commander';
import type { DigitPrediction, ImageFailure } from '../model/predict-files';
import { action, CliError, printJson } from './common';
import { addOptions, BACKEND_OPTION, namingBackendFlag } from './flags';

interface PredictFlags {
  model: string;
  backend?: string;
  json?: boolean;
}

/** Adds `digit-lab predict`; the model code (and TensorFlow.js) loads only when the command runs. */
export function register(program: Command): void {
  const command = program
    .command('predict')
    .description('classify images of handwritten digits (PNG or JPEG, one digit each) with a saved model')
    .argument('<image...>', 'image files')
    .requiredOption('--model <dir>', 'model directory written by `digit-lab train`');
  addOptions(command, [BACKEND_OPTION, ['--json', 'one JSON line per image']]).action(action(predictCommand));
}

async function predictCommand(images: string[], flags: PredictFlags): Promise<void> {
  const { predictImageFiles } = require('../model/predict-files') as typeof import('../model/predict-files');
  const results = await namingBackendFlag(() => predictImageFiles(flags.model, images, flags.backend));
  for (const r of results) {
    if ('error' in r) process.stderr.write(`error: ${r.error}\n`);
    else if (flags.json) printJson(r);
    else process.stdout.write(predictionLine(r));
  }
  const failures = results.filter((r): r is ImageFailure => 'error' in r);
  if (failures.length > 0) {
    throw new CliError(`${failures.length} of ${results.length} image(s) could not be read (see above)`);
  }
}

/** `file: digit (confidence%)` and every class's probability. */
function predictionLine(r: DigitPrediction): string {
  const probs = r.probabilities.map((p, d) => `${d}:${p.toFixed(3)}`).join(' ');
  return `${r.image}: ${r.digit} (${(100 * r.confidence).toFixed(1)}%)  ${probs}\n`;
}
