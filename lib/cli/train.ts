/**
 * `digit-lab train`: train a model, evaluate it on the test set, save it.
 *
 * Modules that load TensorFlow.js are required inside the functions that use them, so that
 * registering the command (and so `digit-lab --help`) stays light; `require` rather than `import()`
 * because tsx, which runs the tests from source, cannot `import()` a .ts file from CommonJS.
 */
import { Command, Option } from 'commander';
import * as path from 'path';
import { MODEL_NAME_ALIASES, MODEL_NAMES, resolveModelName } from '../model/model-names';
import { MODEL_RECIPES, type ModelRecipe } from '../model/model-recipes';
import { modelOutputDirProblem } from '../model/output-dir';
import type { TrainRecipeOptions, TrainRecipeSummary } from '../model/recipe';
import { action, CliError, printJson } from './common';
import { addOptions, augmentFlag, BACKEND_OPTION, intFlag, namingBackendFlag, numberFlag, type OptionSpec } from './flags';

export interface TrainFlags {
  model: string;
  epochs?: string;
  batch?: string;
  augment?: string;
  copies?: string;
  /** true for --fresh, false for --no-fresh, undefined: the model's recipe. */
  fresh?: boolean;
  ensemble?: string;
  deskew?: string;
  tta?: boolean;
  data?: string;
  dataset?: string;
  dataDir?: string;
  out?: string;
  seed: string;
  validationSplit: string;
  patience?: string;
  lr?: string;
  backend?: string;
  limit?: string;
  testLimit?: string;
  checkpoint?: string;
  force?: boolean;
  progress: boolean;
  json?: boolean;
}

/** A recipe setting for `--help`: "default 128" when every model agrees, else "default: reference 5, best 4, tiny 5". */
function recipeDefaults(setting: (recipe: ModelRecipe) => string): string {
  const values = MODEL_NAMES.map((name) => setting(MODEL_RECIPES[name]));
  if (values.every((v) => v === values[0])) return `default ${values[0]}`;
  return `default by model: ${MODEL_NAMES.map((name, i) => `${name} ${values[i]}`).join(', ')}`;
}

/** The options after --model, in the order `--help` lists them. */
const TRAIN_OPTIONS: readonly OptionSpec[] = [
  ['--epochs <n>', `training epochs (${recipeDefaults((r) => String(r.epochs))})`],
  ['--batch <n>', `batch size (${recipeDefaults((r) => String(r.batchSize))})`],
  ['--augment <spec>', 'augmentation: none, reference, strong (rotation 10, shifts 0.1, zoom 0.1) or JSON augment options ' +
    `(${recipeDefaults((r) => r.augmentName)})`],
  ['--copies <k>', `augmented copies added to the training set (${recipeDefaults((r) => String(r.copies))})`],
  ['--fresh', `draw new augmented copies every epoch instead of once (${recipeDefaults((r) => (r.fresh ? 'fresh' : 'once'))})`],
  ['--no-fresh', 'make the augmented copies once'],
  ['--ensemble <k>', 'train k models (seeds seed, seed+1, ...) and save their average as one model (default 1)'],
  ['--deskew <k>', 'the last k models (of --ensemble, or 1 for a plain model; "all" for every one) read deskewed digits: ' +
    'a layer in the model shears each digit upright by its second moments before the network (default 0)'],
  ['--tta', 'test-time augmentation: the saved model averages its predictions over the picture and its four one-pixel shifts ' +
    `(${recipeDefaults((r) => (r.tta ? 'on' : 'off'))})`],
  ['--no-tta', 'save the model without shift averaging'],
  ['--data <source>', 'data source: auto, embedded, cache, a directory or a URL'],
  ['--dataset <id>', 'data set id (mnist, fashion-mnist, kmnist)'],
  ['--data-dir <dir>', 'data cache directory'],
  ['--out <dir>', 'directory to save the model in (default: data/models/<model>)'],
  ['--seed <n>', 'seed for weights, shuffling and augmentation', '1'],
  ['--validation-split <f>', 'fraction of the training set held out for validation', '0'],
  ['--patience <n>', 'stop after this many epochs without improvement'],
  ['--lr <rate>', 'initial learning rate (default: the model\'s)'],
  BACKEND_OPTION,
  ['--limit <n>', 'train on the first N training examples only'],
  ['--test-limit <n>', 'evaluate on the first N test examples only'],
  ['--checkpoint <dir>', 'save the best model after each improving epoch here'],
  ['--force', 'replace a model.json in --out or --checkpoint that digit-lab did not write'],
  ['--no-progress', 'no progress output'],
  ['--json', 'print the summary as one JSON line'],
];

/** Adds `digit-lab train`; the recipe (and TensorFlow.js) loads only when the command runs. */
export function register(program: Command): void {
  const command = program
    .command('train')
    .description('train a model, evaluate it on the official test set and save it')
    .addOption(new Option('--model <name>', 'which model (seed: the older name of reference)').choices([...MODEL_NAMES, ...Object.keys(MODEL_NAME_ALIASES)]).default('reference'));
  addOptions(command, TRAIN_OPTIONS).action(action(trainCommand));
}

async function trainCommand(flags: TrainFlags): Promise<void> {
  const options = recipeOptions(flags);
  checkOutputFlag('--out', options.out, options.overwriteForeignModel);
  if (options.checkpointDir !== undefined) checkOutputFlag('--checkpoint', options.checkpointDir, options.overwriteForeignModel);
  const { runTrainRecipe } = require('../model/recipe') as typeof import('../model/recipe');
  const summary = await namingBackendFlag(() => runTrainRecipe(options));
  if (flags.json) {
    const { evaluation: _omitted, ...line } = summary;
    printJson(line);
  } else {
    process.stdout.write(summaryText(summary));
  }
}

/**
 * The recipe's options from the flags, each checked (and a bad one reported) before anything loads;
 * what a flag leaves out comes from the model's recipe (MODEL_RECIPES).
 */
export function recipeOptions(flags: TrainFlags): TrainRecipeOptions {
  const model = resolveModelName(flags.model);
  const recipe = MODEL_RECIPES[model];
  const members = intFlag('--ensemble', flags.ensemble, 1) ?? 1;
  if (flags.deskew !== undefined && flags.deskew !== 'all' && (intFlag('--deskew', flags.deskew, 0) ?? 0) > members) {
    throw new CliError(`--deskew: ${flags.deskew} models cannot read deskewed digits when ${members} ${members === 1 ? 'is' : 'are'} trained (see --ensemble)`);
  }
  return {
    model,
    augment: flags.augment === undefined ? { ...recipe.augment } : augmentFlag(flags.augment),
    epochs: intFlag('--epochs', flags.epochs, 1) ?? recipe.epochs,
    batchSize: intFlag('--batch', flags.batch, 1) ?? recipe.batchSize,
    copies: intFlag('--copies', flags.copies, 0) ?? recipe.copies,
    freshAugmentation: flags.fresh ?? recipe.fresh,
    members,
    deskewMembers: flags.deskew === 'all' ? members : intFlag('--deskew', flags.deskew, 0) ?? 0,
    shiftAveraging: flags.tta ?? recipe.tta,
    data: flags.data,
    dataset: flags.dataset,
    dataDir: flags.dataDir,
    out: flags.out ?? `data/models/${model}`,
    seed: intFlag('--seed', flags.seed, 0),
    validationSplit: numberFlag('--validation-split', flags.validationSplit, (n) => n >= 0 && n < 1, 'a fraction in [0, 1)'),
    patience: intFlag('--patience', flags.patience, 1),
    learningRate: numberFlag('--lr', flags.lr, (n) => n > 0, 'a positive number'),
    backend: flags.backend,
    limit: intFlag('--limit', flags.limit, 1),
    testLimit: intFlag('--test-limit', flags.testLimit, 1),
    checkpointDir: flags.checkpoint,
    overwriteForeignModel: flags.force === true,
    progress: flags.progress ? 'auto' : 'none',
  };
}

/**
 * Fails unless a model can be saved in `dir`: a file in the way, an unwritable parent or someone
 * else's model is found now, before the data loads and the epochs run, not when the model is saved.
 */
function checkOutputFlag(flag: string, dir: string, force: boolean | undefined): void {
  const problem = modelOutputDirProblem(dir, { overwriteForeignModel: force });
  if (problem === undefined) return;
  const foreignOnly = !force && modelOutputDirProblem(dir, { overwriteForeignModel: true }) === undefined;
  throw new CliError(`${flag}: cannot save the model to ${path.resolve(dir)}: ${problem}${foreignOnly ? ' (or pass --force to replace it)' : ''}`);
}

/** The summary for a person: test accuracy, what was trained, and where the model went. */
function summaryText(summary: TrainRecipeSummary): string {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  const members = summary.members;
  const what = members === undefined ? `${summary.model} model` : `${summary.model} ensemble of ${members.length}`;
  const unshifted = summary.unshiftedTestAccuracy === undefined ? '' : ` (${pct(summary.unshiftedTestAccuracy)} without the shifts)`;
  return `${what}: test accuracy ${pct(summary.testAccuracy)}${unshifted} on ${summary.testExamples} ` +
    `${summary.testSplit === 'official' ? 'official test' : 'held-out'} examples\n` +
    (members === undefined ? '' : `members (seeds ${members.map((m) => m.seed).join(', ')}): ${members.map((m) => pct(m.testAccuracy)).join(', ')}\n`) +
    `trained ${members === undefined ? '' : `${members.length} x `}${summary.epochs} epochs on ${summary.trainExamples} examples in ${summary.trainSeconds.toFixed(1)} s ` +
    `(${summary.backend} backend)\nsaved to ${summary.out}\n`;
}
