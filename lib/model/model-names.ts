/**
 * The model names the CLI and notebook accept ('tiny' is for smoke tests). Apart from the
 * architectures so that the command line can list them without loading TensorFlow.js.
 */
export type ModelName = 'seed' | 'best' | 'tiny';

/** Every ModelName, in the order `--help` lists them. */
export const MODEL_NAMES: readonly ModelName[] = ['seed', 'best', 'tiny'];
