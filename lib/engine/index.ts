/** The training engine: backend choice and the wasm training kernels. */
export { initBackend, BACKEND_PREFERENCES } from './backend';
export { detectTfjsNode, detectNativeBuild, findNativeSource } from './native/load';
export type { BackendInfo, BackendOptions, BackendPreference } from './backend';
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from './kernels/register';
export { wasmThreadsSupported, MAX_WASM_THREADS } from './threads/wasm-threads';
export { fuseLayersInTraining, layersFusedInTraining } from './fused-training';
export { shortenBatchNormGradients, batchNormGradientsShortened } from './batch-norm-training';
export { fuseAdamOnTensorflow, adamFusedOnTensorflow } from './kernels/tensorflow/native-adam';
export { predictTensor, opByOpReason } from './graph/predict';
export { MODEL_FUNCTION_ENV } from './graph/function-backend';
export { trainStepsAsFunctions, trainStepReason } from './graph/train-step';
