/**
 * Browser entry point of the drawing pad (bundled by scripts/bundle-browser.js into
 * dist/browser/digit-pad-runtime.js): TensorFlow.js core + layers + the cpu backend, the MNIST
 * preprocessing, lib/reading (the number pad) and the pads' UI. It installs one page-wide global; pads that reached the page
 * before it wait in a queue and are mounted as soon as it runs.
 */
import '@tensorflow/tfjs-backend-cpu';
import { PAD_RUNTIME_GLOBAL, PAD_RUNTIME_QUEUE, PAD_RUNTIME_VERSION } from './constants';
import { mountPad } from './mount';
import { mountNumberPad } from './mount-number';
import type { NumberPadConfig, PadConfig } from './payload-types';

/** The page-wide API. */
export interface PadRuntime {
  version: number;
  /** Mounts a digit pad, or a number pad when `config.kind` is 'number'. */
  mount: (host: HTMLElement, config: PadConfig | NumberPadConfig) => Promise<void>;
}

function mount(host: HTMLElement, config: PadConfig | NumberPadConfig): Promise<void> {
  return 'kind' in config && config.kind === 'number' ? mountNumberPad(host, config) : mountPad(host, config as PadConfig);
}

type PadBoot = (runtime: PadRuntime) => void;
type PadGlobals = Record<string, unknown>;

const page = globalThis as unknown as PadGlobals;
// Counts evaluations of this bundle in the page: the inline guard should keep it at 1.
page.__digitLabPadLoads = ((page.__digitLabPadLoads as number | undefined) ?? 0) + 1;
if (!page[PAD_RUNTIME_GLOBAL]) {
  const runtime: PadRuntime = { version: PAD_RUNTIME_VERSION, mount };
  page[PAD_RUNTIME_GLOBAL] = runtime;
  const waiting = Array.isArray(page[PAD_RUNTIME_QUEUE]) ? (page[PAD_RUNTIME_QUEUE] as PadBoot[]) : [];
  // From now on a pad's boot call runs at once instead of waiting.
  page[PAD_RUNTIME_QUEUE] = { push: (boot: PadBoot) => boot(runtime) };
  for (const boot of waiting) boot(runtime);
}
