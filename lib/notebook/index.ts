/**
 * Display helpers for the notebook and the HTML export: plotly figure builders, static SVG
 * fallbacks, image grids, tables, MIME-bundle display in the tslab kernel and live progress.
 *
 * In a cell:
 *   showTable(new dfd.DataFrame(rows), { caption: 'Label counts' });
 *   showFigure(classDistributionFigure({ train: data.train.labels, test: data.test.labels }));
 *   showImageGrid(data.train, [0, 1, 2, 3], { cols: 4 });           // captions = the set's labels
 *   const { history } = await trainModel(model, data.train, { onProgress: trainingProgressDisplay() });
 *   showFigure(trainingCurvesFigure(history, { testAccuracy: report.accuracy }));
 *   showFigure(confusionMatrixFigure(report.confusion));
 *   showMistakes(data.test, report.misclassified);
 */
export * from './figure-types';
export {
  type FigureOptions,
  type ClassDistributionOptions,
  type HistoryPoint,
  type TrainingCurvesOptions,
  type ConfusionMatrixOptions,
  type PerClassMetricRow,
  type PerClassBarsOptions,
  type ProbabilityBarsOptions,
  countLabels,
  classDistributionFigure,
  trainingCurvesFigure,
  confusionMatrixFigure,
  perClassBarsFigure,
  probabilityBarsFigure,
} from './figures';
export { figureSvg, figureFallbackHtml, svgImgTag } from './svg';
export {
  type DisplayMimeBundle,
  type DisplayOptions,
  type DisplayEnvironment,
  type DisplayDataWriter,
  type PublicDisplayApi,
  displayBundle,
  sendBundle,
  displayEnvironment,
  findTslabWriter,
  isInTslabKernel,
  newDisplayId,
} from './display';
export {
  PLOTLY_MIME_TYPE,
  figureBundle,
  tableBundle,
  imageGridBundle,
  showFigure,
  showTable,
  showHtml,
  showMarkdown,
  showPng,
  showImageGrid,
  showAugmentation,
  showMistakes,
} from './show';
export {
  type PixelArray,
  type ImageSetLike,
  type ImageSource,
  type ImageRenderOptions,
  type ImageGridOptions,
  type ImageGridHtmlOptions,
  type AugmentationViewOptions,
  type MistakeExample,
  type MistakesGalleryOptions,
  digitPng,
  imageGridPng,
  imageGridHtml,
  augmentationComparisonHtml,
  mistakesGalleryHtml,
} from './images';
export { type DataFrameLike, type TableInput, type TableOptions, dataFrameHtml, tableText } from './tables';
export {
  type TrainingProgressEventLike,
  type TrainingProgressOptions,
  trainingProgressDisplay,
} from './training-display';
export { type GreyImageLike, type PredictionCardInput, predictionCardHtml, showPrediction } from './prediction';
export { VIZ_COLORS, VIZ_CSS } from './theme';
export { type FitProgressOptions, FitProgressCallback, fitProgressCallback } from './fit-progress';
export { type PhotoStep, photoPipelineSteps, photoStepsHtml, showPhotoSteps } from './photo-steps';
export { readingStepsHtml, showReadingSteps } from './reading-view';
