/** `digit-lab train`: train a model, evaluate it on the test set, save it. */
import { Command, Option } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { AugmentOptions, augmentImages } from '../model/augment';
import { MODEL_NAMES, ModelName } from '../model/architectures';
import { parseAugmentFlag, runTrainRecipe } from '../model/recipe';
import { action, CliError, printJson } from './common';
import { intFlag, numberFlag } from './flags';

interface TrainFlags {
  model: string;
  epochs: string;
  batch: string;
  augment: string;
  copies: string;
  fresh?: boolean;
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
  progress: boolean;
  json?: boolean;
}

export function register(program: Command): void {
  program
    .command('train')
    .description('train a model, evaluate it on the official test set and save it')
    .addOption(new Option('--model <name>', 'which model').choices([...MODEL_NAMES]).default('seed'))
    .option('--epochs <n>', 'training epochs', '5')
    .option('--batch <n>', 'batch size', '128')
    .option('--augment <spec>', 'augmentation: none, reference, strong (rotation 10, shifts 0.1, zoom 0.1) or JSON augment options', 'reference')
    .option('--copies <k>', 'augmented copies added to the training set', '1')
    .option('--fresh', 'draw new augmented copies every epoch instead of once')
    .option('--data <source>', 'data source: auto, embedded, cache, a directory or a URL')
    .option('--dataset <id>', 'data set id (mnist, fashion-mnist, kmnist)')
    .option('--data-dir <dir>', 'data cache directory')
    .option('--out <dir>', 'directory to save the model in (default: data/models/<model>)')
    .option('--seed <n>', 'seed for weights, shuffling and augmentation', '1')
    .option('--validation-split <f>', 'fraction of the training set held out for validation', '0')
    .option('--patience <n>', 'stop after this many epochs without improvement')
    .option('--lr <rate>', 'initial learning rate (default: the model\'s)')
    .option('--backend <name>', 'backend: auto, tensorflow, wasm or cpu')
    .option('--limit <n>', 'train on the first N training examples only')
    .option('--test-limit <n>', 'evaluate on the first N test examples only')
    .option('--checkpoint <dir>', 'save the best model after each improving epoch here')
    .option('--no-progress', 'no progress output')
    .option('--json', 'print the summary as one JSON line')
    .action(action(async (flags: TrainFlags) => {
      const model = flags.model as ModelName;
      let augment: AugmentOptions | null;
      try {
        augment = parseAugmentFlag(flags.augment);
        // Check the options now rather than after the data has loaded.
        if (augment) tf.tidy(() => augmentImages(tf.zeros([1, 28, 28, 1]) as tf.Tensor4D, augment as AugmentOptions, 0));
      } catch (err) {
        throw new CliError((err as Error).message.startsWith('--augment') ? (err as Error).message : `--augment: ${(err as Error).message}`);
      }
      const summary = await runTrainRecipe({
        model,
        epochs: intFlag('--epochs', flags.epochs, 1)!,
        batchSize: intFlag('--batch', flags.batch, 1)!,
        augment,
        copies: intFlag('--copies', flags.copies, 0)!,
        freshAugmentation: flags.fresh === true,
        data: flags.data,
        dataset: flags.dataset,
        dataDir: flags.dataDir,
        out: flags.out ?? `data/models/${model}`,
        seed: intFlag('--seed', flags.seed, 0)!,
        validationSplit: numberFlag('--validation-split', flags.validationSplit, (n) => n >= 0 && n < 1, 'a fraction in [0, 1)')!,
        patience: intFlag('--patience', flags.patience, 1),
        learningRate: numberFlag('--lr', flags.lr, (n) => n > 0, 'a positive number'),
        backend: flags.backend,
        limit: intFlag('--limit', flags.limit, 1),
        testLimit: intFlag('--test-limit', flags.testLimit, 1),
        checkpointDir: flags.checkpoint,
        progress: flags.progress ? 'auto' : 'none',
      });
      if (flags.json) {
        const { evaluation: _omitted, ...line } = summary;
        printJson(line);
        return;
      }
      const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
      process.stdout.write(
        `${summary.model} model: test accuracy ${pct(summary.testAccuracy)} on ${summary.testExamples} ` +
        `${summary.testSplit === 'official' ? 'official test' : 'held-out'} examples\n` +
        `trained ${summary.epochs} epochs on ${summary.trainExamples} examples in ${summary.trainSeconds.toFixed(1)} s ` +
        `(${summary.backend} backend)\nsaved to ${summary.out}\n`,
      );
    }));
}
