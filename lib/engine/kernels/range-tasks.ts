/**
 * The range tasks of our wasm kernels, by id. JS pool workers require this file to run them, so
 * it and the loops it imports load no TensorFlow.js at run time (type imports only).
 */
import type { RangeTaskModule } from '../threads/range-task';
import { maxPoolGradTask } from './loops/max-pool-grad';
import { patchesTask, transposedPatchesTask, transposeTask } from './loops/patches';
import { sumRowsTask } from './loops/sum-rows';

export const rangeTasks = {
  sumRows: sumRowsTask,
  maxPoolGrad: maxPoolGradTask,
  transposedPatches: transposedPatchesTask,
  patches: patchesTask,
  transpose: transposeTask,
};

/** The kernels' task table, for runRangeTask. */
export const kernelTasks: RangeTaskModule<typeof rangeTasks> = { file: __filename, rangeTasks };
