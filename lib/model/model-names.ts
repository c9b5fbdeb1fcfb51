/**
 * The model names the CLI and notebook accept ('tiny' is for smoke tests). Apart from the
 * architectures so that the command line can list them without loading TensorFlow.js.
 */
export type ModelName = 'reference' | 'best' | 'tiny';

/** Every ModelName, in the order `--help` lists them. */
export const MODEL_NAMES: readonly ModelName[] = ['reference', 'best', 'tiny'];

/** Older names still accepted: `seed` was the reference model's name before it was called so. */
export const MODEL_NAME_ALIASES: Readonly<Record<string, ModelName>> = { seed: 'reference' };

/** A name or alias as the ModelName it stands for; throws naming the accepted ones otherwise. */
export function resolveModelName(name: string): ModelName {
  if ((MODEL_NAMES as readonly string[]).includes(name)) return name as ModelName;
  const aliased = MODEL_NAME_ALIASES[name];
  if (aliased) return aliased;
  throw new Error(`unknown model "${name}": expected one of ${MODEL_NAMES.join(', ')} (or ${Object.keys(MODEL_NAME_ALIASES).join(', ')}, an older name)`);
}
