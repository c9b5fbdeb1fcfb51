/** `digit-lab predict IMAGE... --model DIR`: classify photos or scans of single digits. */
import { Command } from 'commander';
import * as fs from 'fs';
import { preprocessImageFile } from '../image';
import { predictDigits } from '../evaluate';
import { loadModel } from '../persist';
import { chooseTrainingBackend } from '../training/backend';
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

/** Loads the model in `modelDir` and classifies each image file. */
export async function predictImageFiles(modelDir: string, files: string[], backend?: string): Promise<DigitPrediction[]> {
  for (const file of files) {
    if (!fs.existsSync(file)) throw new CliError(`${file}: no such file`);
  }
  await chooseTrainingBackend(backend);
  const { model } = await loadModel(modelDir);
  try {
    const pixels: Float32Array[] = [];
    for (const file of files) {
      try {
        pixels.push((await preprocessImageFile(file)).pixels);
      } catch (err) {
        const message = (err as Error).message;
        throw new CliError(message.includes(file) ? message : `${file}: ${message}`);
      }
    }
    const probabilities = await predictDigits(model, pixels);
    return probabilities.map((p, i) => {
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
      for (const r of results) {
        if (flags.json) {
          printJson(r);
        } else {
          const probs = r.probabilities.map((p, d) => `${d}:${p.toFixed(3)}`).join(' ');
          process.stdout.write(`${r.image}: ${r.digit} (${(100 * r.confidence).toFixed(1)}%)  ${probs}\n`);
        }
      }
    }));
}
