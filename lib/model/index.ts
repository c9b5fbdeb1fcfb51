/** The model: architectures, augmentation, the training loop, evaluation, save/load and the recipe. */
export * from './augment';
export * from './architectures';
export * from './train';
export * from './evaluate';
export * from './persist';
export { digitsToTensor } from './batches';
export { trainTestSets, runTrainRecipe, HELD_OUT_TEST_EXAMPLES } from './recipe';
export type { MemberSummary, TrainRecipeOptions, TrainRecipeSummary } from './recipe';
export { averagedEnsemble, ensembleMemberName, ensembleMemberSeed } from './ensemble';
export { SHIFTS, shiftAveragedModel, withShiftAveraging } from './shift-averaging';
export { Deskew, deskewImages, withDeskew } from './deskew-layer';
export { holdOutLast, augmentedTrainingSet, shuffledBatches, freshlyAugmentedBatches } from './fit-data';
export type { ImageBatch, AugmentedSetOptions, ShuffledBatchesOptions, FreshBatchesOptions } from './fit-data';
export { learningRateCallback, seededDropoutCallback } from './fit-callbacks';
export { MODEL_RECIPES, type ModelRecipe } from './model-recipes';
