/**
 * The judge alone, without its pair head, from the joined model (lib/bench/read-pair.ts): the
 * sides of cuts need only the one-or-two verdict, and the pair head is most of the model's work.
 * Shared by the Node adapter (lib/reading/model.ts) and the browser pad.
 */
import { model as layersModel, type LayersModel, type SymbolicTensor } from '@tensorflow/tfjs-layers';
import { JUDGE_JOIN_LAYER } from './judge';

const branches = new WeakMap<LayersModel, LayersModel>();

/** `model` without its pair head (the same layers and weights), or `model` itself if it has none. */
export function judgeBranch(model: LayersModel): LayersModel {
  let branch = branches.get(model);
  if (!branch) {
    const join = model.layers.find((l) => l.name === JUDGE_JOIN_LAYER);
    const inputs = join?.input;
    branch = Array.isArray(inputs) ? layersModel({ inputs: model.inputs, outputs: inputs[0] as SymbolicTensor }) : model;
    branches.set(model, branch);
  }
  return branch;
}
