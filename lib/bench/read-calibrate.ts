/**
 * Fitting the reader's "one digit or two?" calibration (lib/reading/pair-odds.ts) on numbers
 * composed from MNIST *training* digits only, under every condition of the reading benchmark:
 * each piece the judge's pair head reads is labelled by how many of the composed digits have
 * their centre inside it. Run with `npx tsx lib/bench/read-calibrate.ts [MNIST_DIR] [MODEL_DIR]`
 * (defaults: ../shared/mnist, data/models/reference or seed); it rewrites PAIR_CALIBRATION in
 * lib/reading/pair-odds.ts. COUNT sets the numbers per condition (default 600).
 */
import * as fs from 'fs';
import * as path from 'path';
import { digitLabRoot, referenceModelDir } from '../common/paths';
import { findMnistDataset } from '../data';
import { loadMnistFromDirectory } from '../data/load';
import type { ImageSet } from '../data/types';
import { chooseTrainingBackend } from '../engine/choose';
import { loadModel } from '../model/persist';
import { loadJudgeModel, modelClassifier, modelJudge } from '../reading/model';
import { fitPairCalibration, pairOdds, type PairCalibration, type PairEvidence } from '../reading/pair-odds';
import { readText, type DigitClassifier } from '../reading/read';
import type { PieceJudge } from '../reading/judge';
import { conditionNumbers, CONDITIONS } from './read';

/** One piece the pair head read, and whether it really is two digits. */
export interface LabelledPiece {
  evidence: PairEvidence;
  two: boolean;
}

/**
 * Reads `count` numbers per benchmark condition composed from `set` and collects every piece the
 * pair head read, labelled; pieces holding no digit's centre or more than two are left out.
 */
export async function collectPairEvidence(set: ImageSet, classify: DigitClassifier, judge: PieceJudge, count: number, seed: number): Promise<LabelledPiece[]> {
  const out: LabelledPiece[] = [];
  for (const [c, condition] of CONDITIONS.entries()) {
    for (const picture of conditionNumbers(set, condition, count, seed * 1000 + c)) {
      const centres = picture.boxes.flat().map(([x, y, w, h]) => [x + w / 2, y + h / 2]);
      await readText(picture.image, classify, {
        judge,
        observePair: (evidence, [x, y, w, h]) => {
          const inside = centres.filter(([cx, cy]) => cx >= x && cx <= x + w && cy >= y && cy <= y + h).length;
          if (inside === 1 || inside === 2) out.push({ evidence, two: inside === 2 });
        },
      });
    }
  }
  return out;
}

/** How many pieces a calibration gets wrong (called two when one, or one when two). */
export function pairErrors(pieces: LabelledPiece[], calibration: PairCalibration): { falsePairs: number; missedPairs: number } {
  let falsePairs = 0;
  let missedPairs = 0;
  for (const p of pieces) {
    const two = pairOdds(p.evidence, calibration) > 0.5;
    if (two && !p.two) falsePairs++;
    if (!two && p.two) missedPairs++;
  }
  return { falsePairs, missedPairs };
}

async function main(): Promise<void> {
  const root = digitLabRoot();
  const [dir = path.join(root, '..', 'shared', 'mnist'), modelDir = referenceModelDir()] = process.argv.slice(2);
  await chooseTrainingBackend(process.env.BACKEND ?? 'wasm', { quiet: true });
  const spec = findMnistDataset('mnist');
  if (!spec) throw new Error('internal: mnist is missing from the data catalogue');
  const train = loadMnistFromDirectory(dir, spec).train;
  const { model } = await loadModel(modelDir);
  const judge = await loadJudgeModel();
  const count = Number(process.env.COUNT ?? 600);
  console.log(`reading ${count} numbers per condition composed from MNIST training digits, model ${modelDir}`);
  const pieces = await collectPairEvidence(train, modelClassifier(model), modelJudge(judge), count, 77);
  const twos = pieces.filter((p) => p.two).length;
  console.log(`${pieces.length} pieces read by the pair head: ${twos} pairs, ${pieces.length - twos} single digits`);
  const calibration = fitPairCalibration(pieces);
  const errors = pairErrors(pieces, calibration);
  console.log(`fitted: ${errors.falsePairs} single digits called pairs, ${errors.missedPairs} pairs called single digits`);
  const file = path.join(root, 'lib', 'reading', 'pair-odds.ts');
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  const block = `export const PAIR_CALIBRATION: PairCalibration = {\n  weights: [${calibration.weights.map(round).join(', ')}],\n  bias: ${round(calibration.bias)},\n};`;
  const text = fs.readFileSync(file, 'utf8');
  const next = text.replace(/export const PAIR_CALIBRATION: PairCalibration = \{[^}]*\};/, block);
  if (next === text && !text.includes(block)) throw new Error(`${file}: PAIR_CALIBRATION not found`);
  const temp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(temp, next);
  fs.renameSync(temp, file);
  console.log(`wrote ${file}:\n${block}`);
  model.dispose();
  judge.dispose();
}

if (require.main === module) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
