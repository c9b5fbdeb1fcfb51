/**
 * A notebook holding digit-lab's own outputs, made by the real builders (no kernel needed): a
 * table long enough to be cut, the live training progress as it ends, image grids, the mistakes
 * gallery, a prediction card and every plotly figure, next to markdown, highlighted code, streams
 * with ANSI colours and an error. The report's dark-mode test reads every text in it.
 */
import type { DisplayDataWriter } from '../../../lib/notebook/display';
import {
  confusionMatrixFigure,
  perClassBarsFigure,
  probabilityBarsFigure,
  trainingCurvesFigure,
} from '../../../lib/notebook/figures';
import { mistakesGalleryHtml } from '../../../lib/notebook/images';
import { predictionCardHtml } from '../../../lib/notebook/prediction';
import { figureBundle, imageGridBundle, tableBundle } from '../../../lib/notebook/show';
import { withThemeStyle } from '../../../lib/notebook/theme';
import { trainingProgressDisplay } from '../../../lib/notebook/training-display';
import type { Notebook, Output } from '../../../lib/runner/document/nbformat';
import { codeCell, display, markdownCell, notebook } from '../../fixtures/html/sample-notebook';

/** n 28x28 images: a bright bar whose position depends on the index. */
function images(n: number): { images: Uint8Array; labels: number[]; rows: number; cols: number } {
  const data = new Uint8Array(n * 784);
  for (let i = 0; i < n; i += 1) {
    for (let y = 4; y < 24; y += 1) for (let x = 10 + (i % 6); x < 14 + (i % 6); x += 1) data[i * 784 + y * 28 + x] = 255;
  }
  return { images: data, labels: Array.from({ length: n }, (_, i) => i % 10), rows: 28, cols: 28 };
}

/** The HTML the live progress display shows once training has ended. */
function finishedProgressHtml(): string {
  let last = '';
  const writer: DisplayDataWriter = (content) => {
    last = String(content.data['text/html']);
  };
  const show = trainingProgressDisplay({ title: 'Training seed_cnn', environment: () => ({ kind: 'bundle', writer, print: () => undefined }) });
  show({ kind: 'start', epochs: 2, trainExamples: 1000, validationExamples: 200, batchesPerEpoch: 8 });
  show({ kind: 'batch', epoch: 1, epochs: 2, batch: 4, batches: 8, loss: 0.9, acc: 0.7, examplesPerSec: 900 });
  for (const epoch of [1, 2]) {
    show({ kind: 'epoch', epochs: 2, improved: true, record: { epoch, loss: 0.5 / epoch, acc: 0.8 + epoch / 20, valLoss: 0.6 / epoch, valAcc: 0.78 + epoch / 20, lr: 0.001, seconds: 3.2, examplesPerSec: 950 } });
  }
  show({ kind: 'end', bestEpoch: 2, restoredBest: true });
  return last;
}

function html(text: string): Output {
  return display({ 'text/html': text, 'text/plain': '<html>' });
}

/** The notebook; every output is what digit-lab's display helpers send. */
export function themedNotebook(): Notebook {
  const set = images(24);
  const probabilities = [0.01, 0.02, 0.05, 0.6, 0.02, 0.2, 0.03, 0.04, 0.02, 0.01];
  const rows = Array.from({ length: 70 }, (_, i) => ({ name: `layer_${i}`, kind: i % 2 ? 'dense' : 'conv2d', params: i * 1234, share: i / 70 }));
  const matrix = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 90 + i : (i + j) % 4 === 0 ? 3 : 0)));
  return notebook(
    [
      markdownCell('# Themed outputs\n\nA paragraph with a [link](#Themed-outputs), `inline code`, **bold** text and $x^2$.\n\n> A quote.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n'),
      codeCell("const model = dl.seedCnn();\nconsole.log('ready'); // a comment\nconst n: number = 42;", [
        { output_type: 'stream', name: 'stdout', text: 'ready\n' },
        { output_type: 'stream', name: 'stderr', text: '\u001b[33mwarning:\u001b[0m slow backend \u001b[31mred\u001b[0m \u001b[32mgreen\u001b[0m \u001b[34mblue\u001b[0m\n' },
      ], 1),
      codeCell('dl.showTable(summary)', [display(tableBundle(rows, { caption: 'Model summary', percentColumns: ['share'] }))], 2),
      codeCell('train()', [html(withThemeStyle(finishedProgressHtml()))], 3),
      codeCell('dl.showImageGrid(train, [0..11])', [display(imageGridBundle(set, Array.from({ length: 12 }, (_, i) => i), { title: 'Training examples' }))], 4),
      codeCell('dl.showMistakes(test, mistakes)', [html(withThemeStyle(mistakesGalleryHtml(set, [
        { index: 1, true: 7, predicted: 1, confidence: 0.93 },
        { index: 2, true: 4, predicted: 9, confidence: 0.61 },
      ])))], 5),
      codeCell('dl.predictFile("7-ballpoint.jpg")', [html(withThemeStyle(predictionCardHtml({
        title: '7-ballpoint.jpg',
        source: { width: 30, height: 40, gray: new Uint8Array(1200).fill(220) },
        pixels: set.images.slice(0, 784),
        probabilities,
      })))], 6),
      codeCell('dl.showFigure(curves)', [display(figureBundle(trainingCurvesFigure(
        [{ loss: 0.6, acc: 0.8, valLoss: 0.65, valAcc: 0.79 }, { loss: 0.4, acc: 0.88, valLoss: 0.45, valAcc: 0.86 }],
        { testAccuracy: 0.87 },
      )))], 7),
      codeCell('dl.showFigure(confusion)', [display(figureBundle(confusionMatrixFigure(matrix)))], 8),
      codeCell('dl.showFigure(perClass)', [display(figureBundle(perClassBarsFigure(
        Array.from({ length: 10 }, (_, i) => ({ precision: 0.9 + i / 200, recall: 0.88 + i / 150, f1: 0.89 + i / 180 })),
      )))], 9),
      codeCell('dl.showFigure(probabilities)', [display(figureBundle(probabilityBarsFigure(probabilities, { trueLabel: 5 })))], 10),
      codeCell('throw new Error("boom")', [
        { output_type: 'error', ename: 'Error', evalue: 'boom', traceback: ['\u001b[31mError: boom\u001b[0m', '    at <anonymous>:1:7'] },
      ], 11),
    ],
    {
      kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' },
      language_info: { name: 'typescript', version: '5.9.3' },
    },
  );
}
