/**
 * Ensembles: several copies of one model trained by the same recipe from different seeds, whose
 * class probabilities are averaged. Their mistakes differ enough that the average beats each of
 * them (see the README's table), and as one functional model (the members are nested models) an
 * ensemble saves, loads and predicts like any other model, so `predict`, `evaluate`, the reader,
 * the pad and the notebook take it as it is.
 */
import * as tf from '@tensorflow/tfjs';
import { compileAdam } from './architectures';

/** The name of member `index` (1-based) of an ensemble: the members of one model need distinct names. */
export function ensembleMemberName(index: number): string {
  return `member_${index}`;
}

/** The seed of member `index` (1-based) of an ensemble trained with `seed`: seed, seed + 1, ... */
export function ensembleMemberSeed(seed: number, index: number): number {
  return seed + index - 1;
}

/**
 * One model whose output is the mean of the members' outputs. The members must share their input
 * shape and have distinct names (ensembleMemberName); the result owns them (disposing it disposes
 * them). Compiled like the members (Adam, categorical cross-entropy, accuracy) so that a saved and
 * loaded ensemble can still be evaluated with tfjs's own `evaluate`.
 */
export function averagedEnsemble(members: readonly tf.LayersModel[], name = 'ensemble'): tf.LayersModel {
  if (members.length < 2) throw new Error(`an ensemble needs at least 2 members, got ${members.length}`);
  const names = new Set(members.map((m) => m.name));
  if (names.size !== members.length) throw new Error(`the members of an ensemble need distinct names, got ${members.map((m) => m.name).join(', ')}`);
  const shape = members[0].inputs[0].shape.slice(1);
  const input = tf.input({ shape: shape as number[], name: `${name}_input` });
  const outputs = members.map((m) => m.apply(input) as tf.SymbolicTensor);
  const mean = tf.layers.average({ name: `${name}_mean` }).apply(outputs) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: mean, name });
  return compileAdam(model, 1e-3);
}
