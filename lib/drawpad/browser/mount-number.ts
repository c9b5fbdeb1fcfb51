/**
 * One wide "write a number" pad brought to life: loads the classifier and the judge, wires drawing
 * and clear, and reads the canvas live with lib/reading (one reading at a time: strokes drawn
 * while one runs are read as soon as it ends).
 */

/**
 * A reading takes a few hundred ms on the cpu backend and holds the page meanwhile, so mid-stroke
 * the pad reads at most once per this many times the last reading's duration (the pen stays
 * smooth); the end of a stroke is always read.
 */
const MID_STROKE_SPACING = 3;
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { attachPadDrawing, clearPadCanvas, type PadInkPhase } from './draw';
import { findNumberPadView, showNumberPadStatus, showNumberReading } from './number-view';
import type { NumberPadConfig, NumberPadDigit, NumberPadState } from './payload-types';
import { padClassifier, padJudge, readCanvas } from './read-number';
import { loadPadModel } from './recognise';

type NumberPadRoot = HTMLElement & { digitLabPadState?: NumberPadState };

const READY_HINT = 'Write a number: several digits in a row.';

/** Mounts a number pad (see mountPad); resolves once its models are loaded (or failed, which the card shows). */
export async function mountNumberPad(host: HTMLElement, config: NumberPadConfig): Promise<void> {
  if (host.dataset.dlpMounted) return;
  host.dataset.dlpMounted = '1';
  host.innerHTML = config.markup;
  const root = host.querySelector<HTMLElement>('.dlp-card');
  if (!root) throw new Error('number pad: the markup has no .dlp-card element');
  const state: NumberPadState = { status: 'loading', updates: 0, lastMs: null, text: '', digits: [], warnings: [], judged: Boolean(config.judge), busy: false };
  (root as NumberPadRoot).digitLabPadState = state;
  const view = findNumberPadView(root);
  showNumberPadStatus(view, 'loading', 'Loading the models\u2026');
  clearPadCanvas(view.canvas);

  let model: LayersModel;
  let judge: LayersModel | undefined;
  try {
    model = await loadPadModel(config.model);
    if (config.judge) judge = await loadPadModel(config.judge);
  } catch (err) {
    state.status = 'error';
    state.error = err instanceof Error ? err.message : String(err);
    showNumberPadStatus(view, 'error', `The models could not be loaded: ${state.error}`);
    return;
  }
  const classify = padClassifier(model);
  const judgeFn = judge ? padJudge(judge) : undefined;

  let frame = 0;
  let running = false;
  let again = false;
  let lastEnded = 0;
  const update = async () => {
    frame = 0;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      const started = performance.now();
      const result = await readCanvas(view.canvas, classify, judgeFn, config.lowConfidence);
      state.lastMs = performance.now() - started;
      state.updates += 1;
      const digits: NumberPadDigit[] = result.lines.flatMap((line) => line.digits.map((d) => ({
        digit: d.digit, probability: d.probability, runnerUp: d.runnerUp, lowConfidence: d.lowConfidence, box: d.box, probabilities: d.probabilities,
      })));
      state.text = result.text;
      state.digits = digits;
      state.warnings = result.warnings;
      delete state.error;
      showNumberReading(view, result.text, digits);
      showNumberPadStatus(view, 'ready', digits.length ? 'Keep writing, or clear to start again.' : READY_HINT);
    } catch (err) {
      state.error = err instanceof Error ? err.message : String(err);
      showNumberPadStatus(view, 'error', `Reading failed: ${state.error}`);
    } finally {
      running = false;
      lastEnded = performance.now();
      if (again) {
        again = false;
        schedule();
      } else if (!frame) {
        state.busy = false;
      }
    }
  };
  const schedule = () => {
    state.busy = true;
    if (!frame) frame = requestAnimationFrame(() => void update());
  };

  const onInk = (phase: PadInkPhase) => {
    if (phase === 'up' || performance.now() - lastEnded >= MID_STROKE_SPACING * (state.lastMs ?? 0)) schedule();
    else state.busy = true; // the stroke's end will be read
  };
  attachPadDrawing(view.canvas, onInk);
  view.clear.addEventListener('click', () => {
    clearPadCanvas(view.canvas);
    schedule();
  });
  state.status = 'ready';
  showNumberReading(view, '', []);
  showNumberPadStatus(view, 'ready', READY_HINT);
}
