/** The reading benchmark end to end: the test digits, the backend and model, then `benchReading`. */
import { chooseTrainingBackend } from '../engine/choose';
import { findMnistDataset, loadMnist } from '../data';
import { loadMnistFromDirectory } from '../data/load';
import type { ImageSet } from '../data/types';
import { loadModel } from '../model/persist';
import { trainTestSets } from '../model/recipe';
import { loadJudgeModel, modelClassifier, modelJudge } from '../reading/model';
import { benchReading, type ReadConditionResult } from './read';
import { findFullMnist } from './recipe';

/** Options of `runReadBench`. */
export interface RunReadBenchOptions {
  modelDir: string;
  backend: string;
  /** Folder with the four MNIST .gz files (default: ../shared/mnist, else the data cache). */
  data?: string;
  count: number;
  seed: number;
  log: (line: string) => void;
}

/**
 * The digits the numbers are composed of: the official MNIST test set; without full MNIST, the
 * 2,000 embedded digits held out from training (said so in the log).
 */
async function testDigits(data: string | undefined, log: (line: string) => void): Promise<ImageSet> {
  let dir: string;
  try {
    dir = findFullMnist(data);
  } catch (err) {
    if (data) throw err;
    log(`${(err as Error).message.split(';')[0]}: composing from the held-out embedded digits instead (a subset; not the official test set)`);
    return trainTestSets(await loadMnist({ source: 'embedded', quiet: true })).test;
  }
  const spec = findMnistDataset('mnist');
  if (!spec) throw new Error('internal: mnist is missing from the data catalogue');
  log(`composing numbers from the MNIST test set in ${dir}`);
  const test = loadMnistFromDirectory(dir, spec).test;
  if (!test) throw new Error(`${dir}: no test split`);
  return test;
}

/** Loads the digits and the model on `backend`, then runs every condition. */
export async function runReadBench(options: RunReadBenchOptions): Promise<ReadConditionResult[]> {
  const test = await testDigits(options.data, options.log);
  const backend = await chooseTrainingBackend(options.backend, { quiet: true });
  const { model } = await loadModel(options.modelDir);
  const judge = await loadJudgeModel();
  options.log(`model ${options.modelDir} on ${backend.name}; ${options.count} numbers per condition`);
  try {
    return await benchReading(test, modelClassifier(model), { count: options.count, seed: options.seed, log: options.log, read: { judge: modelJudge(judge) } });
  } finally {
    model.dispose();
    judge.dispose();
  }
}
