/**
 * Picks the TensorFlow.js backend: native tfjs-node when it is really installed, else the wasm
 * backend with our training kernels (multi-threaded where Node allows), else the pure-JS cpu
 * backend (warned: it trains at about one example per second). The choice and its reason are
 * returned and printed, so reports can record them.
 */
import * as os from 'os';
import * as tf from '@tensorflow/tfjs';
import { shortenBatchNormGradients } from './batch-norm-training';
import { fuseLayersInTraining } from './fused-training';
import { fuseAdamOnTensorflow } from './kernels/tensorflow/native-adam';
import { trainStepsAsFunctions } from './graph/train-step';
import { registerWasmTrainingKernels } from './kernels/register';
import { registerTensorflowKernels } from './kernels/tensorflow/register';
import { findNativeSource, loadNative } from './native/load';
import { setJsPoolThreads } from './threads/js-pool';
import { createThreadedWasmBackend, MAX_WASM_THREADS, wasmThreadsSupported } from './threads/wasm-threads';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface BackendOptions {
  /** Do not print the one-line summary. */
  quiet?: boolean;
  /** wasm threads (default: DIGIT_LAB_WASM_THREADS, else the number of CPUs, at most 8). */
  threads?: number;
  /** Where the summary goes (default: stderr, so `--json` stdout stays clean). */
  log?: (line: string) => void;
}

export interface BackendInfo {
  /** The tfjs backend now active. */
  name: 'tensorflow' | 'wasm' | 'cpu';
  /** Why this one (and why not the ones before it). */
  reason: string;
  /** wasm: XNNPACK threads in use. */
  threads?: number;
  /** wasm: whether the SIMD build runs. */
  simd?: boolean;
  /** wasm: kernels we registered (added or replaced). */
  kernels?: string[];
}

function defaultThreads(): number {
  const fromEnv = Number(process.env.DIGIT_LAB_WASM_THREADS);
  if (Number.isInteger(fromEnv) && fromEnv > 0) return Math.min(fromEnv, MAX_WASM_THREADS);
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return Math.max(1, Math.min(cpus, MAX_WASM_THREADS));
}

function resolvePreference(preference: BackendPreference | undefined): BackendPreference {
  const fromEnv = process.env.DIGIT_LAB_BACKEND?.trim().toLowerCase();
  if ((preference === undefined || preference === 'auto') && fromEnv) {
    if (!(BACKEND_PREFERENCES as readonly string[]).includes(fromEnv)) {
      throw new Error(`DIGIT_LAB_BACKEND=${fromEnv} is not one of ${BACKEND_PREFERENCES.join(', ')}`);
    }
    return fromEnv as BackendPreference;
  }
  const pref = preference ?? 'auto';
  if (!(BACKEND_PREFERENCES as readonly string[]).includes(pref)) {
    throw new Error(`unknown backend "${pref}": expected one of ${BACKEND_PREFERENCES.join(', ')}`);
  }
  return pref;
}

async function tryTensorflow(): Promise<BackendInfo> {
  if (!tf.findBackendFactory('tensorflow')) {
    const found = findNativeSource();
    if (!found.source) throw new Error(found.reason);
    try {
      loadNative(found.source);
    } catch (err) {
      throw new Error(`${found.source.describe} failed to load: ${(err as Error).message.split('\n')[0]}`);
    }
    nativeLoaded = found.source.describe;
  }
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${nativeLoaded ?? 'tfjs-node'} loaded but its backend did not start`);
  registerTensorflowKernels();
  fuseAdamOnTensorflow();
  trainStepsAsFunctions();
  return { name: 'tensorflow', reason: `native TensorFlow: ${nativeLoaded ?? 'tfjs-node registered by the caller'}` };
}

/** What tryTensorflow loaded, for the reason line of later calls. */
let nativeLoaded: string | undefined;

/** One wasm backend per process: the threaded build cannot be re-created cheaply. */
let wasmSetup: Promise<Omit<BackendInfo, 'name' | 'reason'> & { note: string }> | undefined;

function setUpWasm(threads: number): Promise<Omit<BackendInfo, 'name' | 'reason'> & { note: string }> {
  wasmSetup ??= (async () => {
    const kernels = registerWasmTrainingKernels();
    if (threads > 1 && wasmThreadsSupported()) {
      let started: number | undefined;
      const registry = (tf.engine() as unknown as { registryFactory: Record<string, { factory: () => Promise<tf.KernelBackend> }> })
        .registryFactory;
      const stockFactory = registry.wasm?.factory;
      tf.removeBackend('wasm');
      tf.registerBackend('wasm', async () => {
        const made = await createThreadedWasmBackend(threads);
        started = made.threads;
        return made.backend;
      }, 2);
      if (await tf.setBackend('wasm')) {
        // Our JS kernel loops share the heap and use as many threads as XNNPACK does.
        setJsPoolThreads(started ?? 1);
        return { threads: started, simd: true, kernels, note: `threaded SIMD build, ${started} threads` };
      }
      // Threads failed (reason already logged by tfjs): fall back to the stock single-threaded build.
      tf.removeBackend('wasm');
      if (stockFactory) tf.registerBackend('wasm', stockFactory, 2);
    }
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to start');
    const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const why = threads > 1 ? 'threads unavailable in this Node' : '1 thread requested';
    return { threads: 1, simd, kernels, note: `single-threaded ${simd ? 'SIMD ' : ''}build (${why})` };
  })();
  wasmSetup.catch(() => { wasmSetup = undefined; });
  return wasmSetup;
}

async function tryWasm(threads: number): Promise<BackendInfo> {
  const setup = await setUpWasm(threads);
  if (tf.getBackend() !== 'wasm' && !(await tf.setBackend('wasm'))) throw new Error('the wasm backend failed to start');
  const { note, ...rest } = setup;
  return { name: 'wasm', reason: note, ...rest };
}

async function useCpu(): Promise<BackendInfo> {
  if (!(await tf.setBackend('cpu'))) throw new Error('the cpu backend failed to start');
  return { name: 'cpu', reason: 'pure-JS cpu backend: correct but very slow to train (about 1 example/s for the seed CNN)' };
}

function summary(info: BackendInfo): string {
  const extra = info.name === 'wasm' ? `; kernels: ${(info.kernels ?? []).join(', ')}` : '';
  return `digit-lab: TensorFlow.js backend "${info.name}" (${info.reason}${extra})`;
}

/**
 * Selects and initialises the backend. `auto` (default; or DIGIT_LAB_BACKEND when set) tries
 * tfjs-node, then wasm, then cpu; an explicit preference uses that one or throws saying why not.
 * Calling again is cheap and switches backends if asked for a different one.
 */
export async function initBackend(preference?: BackendPreference, options: BackendOptions = {}): Promise<BackendInfo> {
  const pref = resolvePreference(preference);
  const threads = options.threads ?? defaultThreads();
  fuseLayersInTraining();
  shortenBatchNormGradients();
  let info: BackendInfo;
  if (pref === 'tensorflow') info = await tryTensorflow();
  else if (pref === 'wasm') info = await tryWasm(threads);
  else if (pref === 'cpu') info = await useCpu();
  else {
    const skipped: string[] = [];
    try {
      info = await tryTensorflow();
    } catch (err) {
      skipped.push(`tensorflow: ${(err as Error).message}`);
      try {
        info = await tryWasm(threads);
      } catch (err2) {
        skipped.push(`wasm: ${(err2 as Error).message}`);
        info = await useCpu();
      }
    }
    if (skipped.length) info = { ...info, reason: `${info.reason}; skipped ${skipped.join('; ')}` };
  }
  if (!options.quiet) {
    const log = options.log ?? ((line: string) => process.stderr.write(line + '\n'));
    log(summary(info));
    if (info.name === 'cpu') log('digit-lab: warning: training on the cpu backend is very slow; use wasm (the default) where possible');
  }
  return info;
}
