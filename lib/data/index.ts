/** The data layer: IDX files, the data set catalogue, download + cache, and loaders. */
export type { ImageSet, MnistData, MnistSource, MnistSourceKind } from './types';
export { loadMnist, loadMnistFromDirectory } from './load';
export type { LoadMnistOptions } from './load';
export { imageSetToTensors } from './tensors';
export type { ImageSetTensorOptions } from './tensors';
export { labelHistogram, summarizeMnistData } from './summary';
export type { MnistDataSummary } from './summary';
export {
  IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, IDX_TYPE_UBYTE, IdxFormatError, encodeIdx, gunzipIdxBytes, isGzipBytes, parseIdx, readIdx, writeIdx,
} from './idx';
export type { IdxArray, IdxExpectation } from './idx';
export { MNIST_DATASETS, findMnistDataset, mirrorEnvVariable, mirrorsForDataset, mnistDatasetFiles } from './catalogue';
export type { MnistDatasetSpec, MnistFileSpec } from './catalogue';
export { DownloadError, downloadMnistFile } from './download';
export type { DownloadOptions, DownloadProgress, DownloadAttempt, DownloadedFile } from './download';
export { DATA_DIR_ENV, datasetCacheDir, resolveDataDir } from './cache';
export { digitLabRoot } from '../common/paths';
export { EMBEDDED_SHUFFLE_SEED, embeddedMnistPermutation, loadEmbeddedMnist } from './embedded';
export type { EmbeddedMnist, EmbeddedOrder } from './embedded';
export { checkMnistFile } from './verify';
