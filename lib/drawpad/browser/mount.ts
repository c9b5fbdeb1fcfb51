/**
 * One pad brought to life: loads its model, wires drawing, clear and live recognition (at most
 * once per animation frame, so a fast stroke never queues up work).
 */
import { argmax } from '../../common/arrays';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { attachPadDrawing, clearPadCanvas } from './draw';
import type { PadConfig, PadState } from './payload-types';
import { loadPadModel, recogniseCanvas } from './recognise';
import { findPadView, showPadRecognition, showPadStatus } from './render';

type PadRoot = HTMLElement & { digitLabPadState?: PadState };

/**
 * Mounts a pad: replaces the host's notice with the card from `config.markup`, then loads the
 * model; resolves once it is loaded (or failed, which the card shows).
 */
export async function mountPad(host: HTMLElement, config: PadConfig): Promise<void> {
  if (host.dataset.dlpMounted) return; // mounted already (an output re-rendered in place)
  host.dataset.dlpMounted = '1';
  host.innerHTML = config.markup;
  const root = host.querySelector<HTMLElement>('.dlp-card');
  if (!root) throw new Error('drawing pad: the markup has no .dlp-card element');
  const state: PadState = { status: 'loading', updates: 0, lastMs: null, digit: null, confidence: null, probabilities: null, input: null };
  (root as PadRoot).digitLabPadState = state;
  const view = findPadView(root);
  showPadStatus(view, 'loading', 'Loading the model\u2026');
  clearPadCanvas(view.canvas);

  let model: LayersModel;
  try {
    model = await loadPadModel(config.model);
  } catch (err) {
    state.status = 'error';
    state.error = err instanceof Error ? err.message : String(err);
    showPadStatus(view, 'error', `The model could not be loaded: ${state.error}`);
    return;
  }

  let frame = 0;
  const update = () => {
    frame = 0;
    try {
      const started = performance.now();
      const result = recogniseCanvas(model, view.canvas, config.preprocess);
      state.lastMs = performance.now() - started;
      state.updates += 1;
      state.input = result ? Array.from(result.input) : null;
      state.probabilities = result ? Array.from(result.probabilities) : null;
      state.digit = result ? argmax(state.probabilities!) : null;
      state.confidence = state.digit === null ? null : state.probabilities![state.digit];
      showPadRecognition(view, result);
      showPadStatus(view, 'ready', result ? 'Keep drawing, or clear to start again.' : 'Draw a digit in the box.');
    } catch (err) {
      state.error = err instanceof Error ? err.message : String(err);
      showPadStatus(view, 'error', `Recognition failed: ${state.error}`);
    }
  };
  const schedule = () => {
    if (!frame) frame = requestAnimationFrame(update);
  };

  attachPadDrawing(view.canvas, schedule);
  view.clear.addEventListener('click', () => {
    clearPadCanvas(view.canvas);
    schedule();
  });
  state.status = 'ready';
  showPadRecognition(view, null);
  showPadStatus(view, 'ready', 'Draw a digit in the box.');
}
