/**
 * The whole training recipe behind `digit-lab train`: load the data, pick the backend, build the
 * model, train, evaluate on the official test set, save. Kept apart from the CLI so a notebook or
 * a script can run the same recipe and get the same summary object.
 */
import * as path from 'path';
import type * as tf from '@tensorflow/tfjs';
import type { AugmentOptions } from './augment';
import { loadMnist, type ImageSet, type MnistData } from '../data';
import { evaluateModel, EvaluationReport } from './evaluate';
import { createModel, defaultLearningRateSchedule, ModelName, resolveModelName } from './architectures';
import { checkModelOutputDir, saveModel } from './persist';
import { trainModel, type TrainResult } from './train';
import { averagedEnsemble, ensembleMemberName, ensembleMemberSeed } from './ensemble';
import { withShiftAveraging } from './shift-averaging';
import { withDeskew } from './deskew-layer';
import { chooseTrainingBackend } from '../engine/choose';
import { indexRange, selectImages } from './batches';
import { EpochRecord, ProgressMode, TrainingEvent } from './train-progress';

/** How many training examples become the test set when a source has no test split. */
export const HELD_OUT_TEST_EXAMPLES = 2000;

/** Options of the recipe (the CLI flags, parsed). */
export interface TrainRecipeOptions {
  /** The model ('seed' is accepted as the older name of 'reference'). */
  model: ModelName | 'seed';
  epochs: number;
  batchSize: number;
  /** Augmentation options, or null for none. */
  augment: AugmentOptions | null;
  copies: number;
  /** New augmented copies every epoch (default: made once). */
  freshAugmentation?: boolean;
  /**
   * Models to train, with seeds seed, seed + 1, ..., and average into one saved model
   * (default 1: a plain model).
   */
  members?: number;
  /**
   * How many models read deskewed pictures (the last ones of an ensemble; default 0): a Deskew
   * layer in front of each shears its digits upright (lib/model/deskew-layer.ts). Deskewed
   * members err on other digits than plain ones, so a mixed ensemble beats either kind alone.
   */
  deskewMembers?: number;
  /**
   * Save a model that averages its predictions over the picture and its four one-pixel shifts
   * (test-time augmentation, withShiftAveraging); the summary reports the accuracy with and without.
   */
  shiftAveraging?: boolean;
  /** loadMnist's source: auto, embedded, cache, a directory or a URL. */
  data?: string;
  dataset?: string;
  dataDir?: string;
  /** Directory to save the trained model in. */
  out: string;
  seed: number;
  validationSplit: number;
  /** Early-stopping patience in epochs (undefined: no early stopping). */
  patience?: number;
  learningRate?: number;
  backend?: string;
  /** Train on the first `limit` training examples only. */
  limit?: number;
  /** Evaluate on the first `testLimit` test examples only. */
  testLimit?: number;
  checkpointDir?: string;
  /** Replace a model.json in `out` or `checkpointDir` that digit-lab did not write (default: refuse). */
  overwriteForeignModel?: boolean;
  progress: ProgressMode;
  onProgress?: (event: TrainingEvent) => void | Promise<void>;
  /** Where notes for the user go (default stderr). */
  log?: (line: string) => void;
}

/** What the recipe reports (the final JSON line of `digit-lab train --json`). */
export interface TrainRecipeSummary {
  model: ModelName;
  parameters: number;
  epochs: number;
  batchSize: number;
  augment: AugmentOptions | null;
  copies: number;
  /** Whether the augmented copies were drawn anew every epoch. */
  fresh: boolean;
  seed: number;
  /** How many of the models read deskewed pictures (the last ones of an ensemble). */
  deskewMembers: number;
  /** Each member of an ensemble (absent for a plain model): its seed, test accuracy and training. */
  members?: MemberSummary[];
  dataset: string;
  dataSource: { kind: string; location: string; subset: boolean; note?: string };
  trainExamples: number;
  validationExamples: number;
  testExamples: number;
  /** Where the test examples came from: the official test split or held-out training examples. */
  testSplit: 'official' | 'held-out';
  testAccuracy: number;
  testLoss: number;
  /** With shift averaging: the accuracy of the same model without it. */
  unshiftedTestAccuracy?: number;
  backend: string;
  backendReason: string;
  /** Seconds of training (of all members, for an ensemble). */
  trainSeconds: number;
  totalSeconds: number;
  stoppedEarly: boolean;
  bestEpoch: number;
  out: string;
  history: EpochRecord[];
  /** The full evaluation (confusion matrix, per-class metrics, mistakes); not printed by the CLI. */
  evaluation: EvaluationReport;
}

/** One member of an ensemble, as the summary reports it. */
export interface MemberSummary {
  seed: number;
  /** Whether the member reads deskewed pictures. */
  deskew: boolean;
  testAccuracy: number;
  trainSeconds: number;
  epochs: number;
  bestEpoch: number;
  history: EpochRecord[];
}

/** Splits the data into training and test sets, holding out the last examples when there is no test split. */
export function trainTestSets(data: MnistData, limit?: number, testLimit?: number): {
  train: ImageSet; test: ImageSet; testSplit: 'official' | 'held-out';
} {
  let train: ImageSet = data.train;
  let test: ImageSet;
  let testSplit: 'official' | 'held-out' = 'official';
  if (data.test) {
    test = data.test;
  } else {
    if (train.count <= HELD_OUT_TEST_EXAMPLES) throw new Error(`the data has no test split and only ${train.count} training examples`);
    const keep = train.count - HELD_OUT_TEST_EXAMPLES;
    test = selectImages(train, indexRange(keep, HELD_OUT_TEST_EXAMPLES));
    train = selectImages(train, indexRange(0, keep));
    testSplit = 'held-out';
  }
  if (limit !== undefined && limit < train.count) train = selectImages(train, indexRange(0, limit));
  if (testLimit !== undefined && testLimit < test.count) test = selectImages(test, indexRange(0, testLimit));
  return { train, test, testSplit };
}

/** The models of one training run, each with its training result (and, for an ensemble, its summary). */
interface TrainedMembers {
  members: tf.LayersModel[];
  runs: TrainResult[];
  /** Empty for a plain model. */
  summaries: MemberSummary[];
}

/**
 * Trains `count` models by the recipe: one plain model with the recipe's seed, or the members of
 * an ensemble with seeds seed, seed + 1, ..., each evaluated on `test`. On a failure the models
 * made so far are disposed before the error goes on.
 */
async function trainMembers(
  options: TrainRecipeOptions, modelName: ModelName, count: number, train: ImageSet, test: ImageSet, log: (line: string) => void,
): Promise<TrainedMembers> {
  const trained: TrainedMembers = { members: [], runs: [], summaries: [] };
  try {
    for (let index = 1; index <= count; index++) {
      const seed = ensembleMemberSeed(options.seed, index);
      if (count > 1) log(`member ${index} of ${count} (seed ${seed})`);
      const deskew = index > count - (options.deskewMembers ?? 0);
      const name = count === 1 ? undefined : ensembleMemberName(index);
      const net = createModel(modelName, { seed, learningRate: options.learningRate, name: deskew && name !== undefined ? `${name}_net` : name });
      const member = deskew ? compiledLike(withDeskew(net, name ?? `${net.name}_deskewed`), net) : net;
      trained.members.push(member);
      const checkpointDir = options.checkpointDir === undefined || count === 1 ? options.checkpointDir : path.join(options.checkpointDir, `member-${index}`);
      const run = await trainModel(member, train, {
        epochs: options.epochs,
        batchSize: options.batchSize,
        validationSplit: options.validationSplit,
        augment: options.augment ? { options: options.augment, copies: options.copies, fresh: options.freshAugmentation } : undefined,
        seed,
        learningRateSchedule: defaultLearningRateSchedule(modelName),
        scheduleEveryBatch: true,
        earlyStopping: options.patience === undefined ? undefined : { patience: options.patience },
        checkpointDir,
        checkpointMetadata: { modelName: modelName },
        overwriteForeignCheckpoint: options.overwriteForeignModel,
        progress: options.progress,
        onProgress: options.onProgress,
      });
      trained.runs.push(run);
      if (count === 1) continue;
      const accuracy = (await evaluateModel(member, test)).accuracy;
      log(`member ${index}: test accuracy ${(100 * accuracy).toFixed(2)}% after ${run.seconds.toFixed(1)} s of training`);
      trained.summaries.push({
        seed: run.seed, deskew, testAccuracy: accuracy, trainSeconds: run.seconds, epochs: run.history.length, bestEpoch: run.bestEpoch, history: run.history,
      });
    }
  } catch (err) {
    trained.members.forEach((member) => member.dispose());
    throw err;
  }
  return trained;
}

/** `wrapper` compiled with `net`'s optimizer and loss, so the recipe trains it as it would `net`. */
function compiledLike(wrapper: tf.LayersModel, net: tf.LayersModel): tf.LayersModel {
  wrapper.compile({ optimizer: net.optimizer, loss: net.loss, metrics: ['accuracy'] });
  return wrapper;
}

/** Runs the recipe end to end and returns its summary; the model is saved to `options.out`. */
export async function runTrainRecipe(options: TrainRecipeOptions): Promise<TrainRecipeSummary> {
  const started = performance.now();
  const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
  const modelName = resolveModelName(options.model);
  const overwrite = { overwriteForeignModel: options.overwriteForeignModel };
  checkModelOutputDir(options.out, overwrite);
  if (options.checkpointDir) checkModelOutputDir(options.checkpointDir, overwrite);
  const backend = await chooseTrainingBackend(options.backend);

  const data = await loadMnist({ source: options.data, dataset: options.dataset, dataDir: options.dataDir });
  const { train, test, testSplit } = trainTestSets(data, options.limit, options.testLimit);
  log(`data: ${data.dataset} from ${data.source.kind} ${data.source.location}${data.source.subset ? ' (subset)' : ''}` +
    (data.source.note ? `; ${data.source.note}` : ''));
  if (testSplit === 'held-out') log(`the source has no test split: the last ${HELD_OUT_TEST_EXAMPLES} training examples are held out as the test set`);

  const memberCount = options.members ?? 1;
  if (!Number.isInteger(memberCount) || memberCount < 1) throw new Error(`members must be a whole number of at least 1, got ${memberCount}`);
  const deskewMembers = options.deskewMembers ?? 0;
  if (!Number.isInteger(deskewMembers) || deskewMembers < 0 || deskewMembers > memberCount) {
    throw new Error(`deskewMembers must be a whole number from 0 to the number of members (${memberCount}), got ${deskewMembers}`);
  }
  const { members, runs, summaries: memberSummaries } = await trainMembers(options, modelName, memberCount, train, test, log);
  let model: tf.LayersModel | undefined;
  try {
    model = memberCount === 1 ? members[0] : averagedEnsemble(members, `${modelName}_ensemble`);
    let unshiftedTestAccuracy: number | undefined;
    if (options.shiftAveraging) {
      unshiftedTestAccuracy = (await evaluateModel(model, test)).accuracy;
      log(`test accuracy ${(100 * unshiftedTestAccuracy).toFixed(2)}% before averaging over shifts`);
      model = withShiftAveraging(model);
    }
    const result = runs[0];
    const trainSeconds = runs.reduce((sum, run) => sum + run.seconds, 0);
    const evaluation = await evaluateModel(model, test);
    const dataSource = { ...data.source };
    const out = path.resolve(options.out);
    await saveModel(model, out, {
      modelName: modelName,
      testAccuracy: evaluation.accuracy,
      testExamples: evaluation.examples,
      testSplit,
      dataset: data.dataset,
      dataSource: `${dataSource.kind}: ${dataSource.location}`,
      backend: backend.name,
      epochs: result.history.length,
      seed: options.seed,
      ...(options.shiftAveraging ? { shiftAveraging: true, unshiftedTestAccuracy } : {}),
      ...(deskewMembers > 0 ? { deskewMembers } : {}),
      ...(memberCount > 1 ? { members: memberSummaries.map((m) => ({ seed: m.seed, deskew: m.deskew, testAccuracy: m.testAccuracy })) } : {}),
      augment: options.augment ? { ...options.augment, copies: options.copies } : null,
    }, overwrite);
    log(`saved the model to ${out}`);
    return {
      model: modelName,
      parameters: model.countParams(),
      epochs: result.history.length,
      batchSize: options.batchSize,
      augment: options.augment,
      copies: options.augment ? options.copies : 0,
      fresh: options.augment !== null && options.copies > 0 && options.freshAugmentation === true,
      seed: result.seed,
      deskewMembers,
      ...(memberCount > 1 ? { members: memberSummaries } : {}),
      dataset: data.dataset,
      dataSource,
      trainExamples: result.trainExamples,
      validationExamples: result.validationExamples,
      testExamples: evaluation.examples,
      testSplit,
      testAccuracy: evaluation.accuracy,
      testLoss: evaluation.loss,
      ...(unshiftedTestAccuracy === undefined ? {} : { unshiftedTestAccuracy }),
      backend: backend.name,
      backendReason: backend.reason,
      trainSeconds,
      totalSeconds: (performance.now() - started) / 1000,
      stoppedEarly: result.stoppedEarly,
      bestEpoch: result.bestEpoch,
      out,
      history: result.history,
      evaluation,
    };
  } finally {
    // An ensemble owns its members; members left over by a failure are disposed one by one.
    if (model !== undefined) model.dispose();
    else members.forEach((member) => member.dispose());
  }
}
