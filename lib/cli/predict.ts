/** `digit-lab predict IMAGE... --model DIR`: classify photos or scans of single digits. */
import { Command } from 'commander';
import * as fs from 'fs';
import { preprocessImageFile } from '../imaging/node';
import { predictDigits } from '../model/evaluate';
import { loadModel } from '../model/persist';
import { chooseTrainingBackend } from '../engine/choose';
import { action, CliError, printJson } from './common';

interface PredictFlags {
  model: string;
  backend?: string;
  json?: boolean;
}

/** One image's answer. */
export interface DigitPrediction {
  image: string;
  digit: number;
  confidence: number;
  probabilities: number[];
}

/** An image that could not be read, with the reason (naming the file). */
export interface ImageFailure {
  image: string;
  error: string;
}

/**
 * Loads the model in `modelDir` and classifies each image file. A bad image does not stop the
 * others: it comes back as an ImageFailure in its place, so a glob with one stray file still
 * answers for every picture.
 */
export async function predictImageFiles(modelDir: string, files: string[], backend?: string): Promise<(DigitPrediction | ImageFailure)[]> {
  await chooseTrainingBackend(backend);
  const { model } = await loadModel(modelDir);
  try {
    const inputs: (Float32Array | ImageFailure)[] = [];
    for (const file of files) {
      if (!fs.existsSync(file)) {
        inputs.push({ image: file, error: `${file}: no such file` });
        continue;
      }
      try {
        inputs.push((await preprocessImageFile(file)).pixels);
      } catch (err) {
        const message = (err as Error).message;
        inputs.push({ image: file, error: message.includes(file) ? message : `${file}: ${message}` });
      }
    }
    const good = inputs.filter((x): x is Float32Array => x instanceof Float32Array);
    const probabilities = good.length > 0 ? await predictDigits(model, good) : [];
    let next = 0;
    return inputs.map((input, i) => {
      if (!(input instanceof Float32Array)) return input;
      const p = probabilities[next++];
      const digit = p.indexOf(Math.max(...p));
      return { image: files[i], digit, confidence: p[digit], probabilities: p };
    });
  } finally {
    model.dispose();
  }
}

export function register(program: Command): void {
  program
    .command('predict')
    .description('classify images of handwritten digits (PNG or JPEG, one digit each) with a saved model')
    .argument('<image...>', 'image files')
    .requiredOption('--model <dir>', 'model directory written by `digit-lab train`')
    .option('--backend <name>', 'backend: auto, tensorflow, wasm or cpu')
    .option('--json', 'one JSON line per image')
    .action(action(async (images: string[], flags: PredictFlags) => {
      const results = await predictImageFiles(flags.model, images, flags.backend);
      const failures = results.filter((r): r is ImageFailure => 'error' in r);
      for (const r of results) {
        if ('error' in r) {
          process.stderr.write(`error: ${r.error}\n`);
        } else if (flags.json) {
          printJson(r);
        } else {
          const probs = r.probabilities.map((p, d) => `${d}:${p.toFixed(3)}`).join(' ');
          process.stdout.write(`${r.image}: ${r.digit} (${(100 * r.confidence).toFixed(1)}%)  ${probs}\n`);
        }
      }
      if (failures.length > 0) {
        throw new CliError(`${failures.length} of ${results.length} image(s) could not be read (see above)`);
      }
    }));
}
