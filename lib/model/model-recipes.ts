/**
 * Each model's training recipe: what `digit-lab train --model <name>` and the notebook use unless
 * told otherwise. Apart from the architectures so that the command line can show the defaults
 * without loading TensorFlow.js.
 */
import { type AugmentOptions, REFERENCE_AUGMENTATION, STRONG_AUGMENTATION } from './augment-options';
import type { ModelName } from './model-names';

/** How a model is trained by default. */
export interface ModelRecipe {
  epochs: number;
  batchSize: number;
  /** Augmentation of the added copies, by the name `--augment` takes, and the options it stands for. */
  augmentName: 'reference' | 'strong';
  augment: Readonly<AugmentOptions>;
  /** Augmented copies added to the training set. */
  copies: number;
  /** New augmented copies every epoch rather than one set made once. */
  fresh: boolean;
  /**
   * Save the model wrapped in shift averaging (it predicts on the picture and its four one-pixel
   * shifts and averages them: test-time augmentation, withShiftAveraging).
   */
  tta: boolean;
}

/**
 * The recipes. 'reference' is the reference notebook's (5 epochs, batch 128, one augmented copy
 * made once); 'best' draws a fresh strongly augmented copy every epoch, which pays because its
 * batch norm and dropout keep it from fitting the originals too early, and averages over shifts
 * when it predicts, which gained 0.03 points on average for five predictions a picture (see the
 * README's table).
 */
export const MODEL_RECIPES: Readonly<Record<ModelName, Readonly<ModelRecipe>>> = Object.freeze({
  reference: Object.freeze({ epochs: 5, batchSize: 128, augmentName: 'reference', augment: REFERENCE_AUGMENTATION, copies: 1, fresh: false, tta: false }),
  best: Object.freeze({ epochs: 4, batchSize: 128, augmentName: 'strong', augment: STRONG_AUGMENTATION, copies: 1, fresh: true, tta: true }),
  tiny: Object.freeze({ epochs: 5, batchSize: 128, augmentName: 'reference', augment: REFERENCE_AUGMENTATION, copies: 1, fresh: false, tta: false }),
});
