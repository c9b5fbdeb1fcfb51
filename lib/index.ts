/**
 * digit-lab: the notebook-facing API. A notebook imports everything from here, including the one
 * TensorFlow.js instance the library uses (`tf`), so tensors made in a cell work with the library.
 */
import * as tf from '@tensorflow/tfjs';
export { tf };
export * from './data';
export * from './engine';
export * from './augment';
export * from './models';
export * from './train';
export * from './evaluate';
export * from './persist';
export * from './image';
export * from './viz';
export { trainTestSets, runTrainRecipe, HELD_OUT_TEST_EXAMPLES } from './training/recipe';
export type { TrainRecipeOptions, TrainRecipeSummary } from './training/recipe';
