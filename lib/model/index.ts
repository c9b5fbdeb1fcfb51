/** The model: architectures, augmentation, the training loop, evaluation, save/load and the recipe. */
export * from './augment';
export * from './architectures';
export * from './train';
export * from './evaluate';
export * from './persist';
export { digitsToTensor } from './batches';
export { trainTestSets, runTrainRecipe, HELD_OUT_TEST_EXAMPLES } from './recipe';
export type { TrainRecipeOptions, TrainRecipeSummary } from './recipe';
export { holdOutLast, augmentedTrainingSet, shuffledBatches } from './fit-data';
export type { ImageBatch, AugmentedSetOptions, ShuffledBatchesOptions } from './fit-data';
export { learningRateCallback, seededDropoutCallback } from './fit-callbacks';
