/**
 * Per-kernel timings on the wasm backend for the seed and best CNNs' training shapes (batch 128): the stock
 * tfjs-backend-wasm kernel (where one exists) against ours. Wall time is what training feels;
 * CPU time (all threads of the process) is steadier on a shared machine.
 */
import * as tf from '@tensorflow/tfjs';
import type { NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';
import { initBackend } from '../engine';
import { stockKernel } from '../engine/kernels/wasm-scope';

export interface KernelTiming {
  kernel: string;
  case: string;
  /** Median ms per call; null where the stock backend has no such kernel. */
  stockMs: number | null;
  oursMs: number;
  stockCpuMs: number | null;
  oursCpuMs: number;
  speedup: number | null;
  threads?: number;
}

interface KernelCase {
  kernel: string;
  label: string;
  inputs: Record<string, number[]>;
  attrs: NamedAttrMap;
}

const B = 128;
const CASES: KernelCase[] = [
  { kernel: 'Conv2DBackpropFilter', label: 'conv1 3x3x1->64', inputs: { x: [B, 28, 28, 1], dy: [B, 26, 26, 64] },
    attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 64] } },
  { kernel: 'Conv2DBackpropFilter', label: 'conv2 2x2x64->128', inputs: { x: [B, 13, 13, 64], dy: [B, 12, 12, 128] },
    attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [2, 2, 64, 128] } },
  { kernel: 'Conv2DBackpropInput', label: 'conv2 2x2x64->128', inputs: { dy: [B, 12, 12, 128], filter: [2, 2, 64, 128] },
    attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', inputShape: [B, 13, 13, 64] } },
  { kernel: 'MaxPoolGrad', label: 'pool1 26->13 x64', inputs: { dy: [B, 13, 13, 64], input: [B, 26, 26, 64], output: [B, 13, 13, 64] },
    attrs: { filterSize: [2, 2], strides: [2, 2], pad: 'valid' } },
  { kernel: 'MaxPoolGrad', label: 'pool2 12->6 x128', inputs: { dy: [B, 6, 6, 128], input: [B, 12, 12, 128], output: [B, 6, 6, 128] },
    attrs: { filterSize: [2, 2], strides: [2, 2], pad: 'valid' } },
  { kernel: 'Sum', label: 'conv1 bias grad', inputs: { x: [B, 26, 26, 64] }, attrs: { axis: [0, 1, 2], keepDims: false } },
  { kernel: 'BatchMatMul', label: 'dense1 weight grad (xᵀ·dy)', inputs: { a: [B, 4608], b: [B, 128] },
    attrs: { transposeA: true, transposeB: false } },
  { kernel: 'BatchMatMul', label: 'dense1 input grad (dy·Wᵀ)', inputs: { a: [B, 128], b: [4608, 128] },
    attrs: { transposeA: false, transposeB: true } },
  { kernel: 'Tile', label: 'batch-norm broadcast', inputs: { x: [1, 1, 1, 64] }, attrs: { reps: [B, 14, 14, 1] } },
  // The best model (compactCnn): where its training step spends most of its time.
  { kernel: 'Conv2DBackpropFilter', label: 'best conv1 3x3x1->24', inputs: { x: [B, 28, 28, 1], dy: [B, 26, 26, 24] },
    attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 1, 24] } },
  { kernel: 'Conv2DBackpropFilter', label: 'best conv2 3x3x24->48', inputs: { x: [B, 13, 13, 24], dy: [B, 11, 11, 48] },
    attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 24, 48] } },
  { kernel: 'Conv2DBackpropInput', label: 'best conv2 3x3x24->48', inputs: { dy: [B, 11, 11, 48], filter: [3, 3, 24, 48] },
    attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', inputShape: [B, 13, 13, 24] } },
  { kernel: 'Conv2DBackpropFilter', label: 'best conv3 3x3x48->48', inputs: { x: [B, 11, 11, 48], dy: [B, 9, 9, 48] },
    attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', filterShape: [3, 3, 48, 48] } },
  { kernel: 'Conv2DBackpropInput', label: 'best conv3 3x3x48->48', inputs: { dy: [B, 9, 9, 48], filter: [3, 3, 48, 48] },
    attrs: { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', inputShape: [B, 11, 11, 48] } },
  { kernel: 'MaxPoolGrad', label: 'best pool1 26->13 x24', inputs: { dy: [B, 13, 13, 24], input: [B, 26, 26, 24], output: [B, 13, 13, 24] },
    attrs: { filterSize: [2, 2], strides: [2, 2], pad: 'valid' } },
];

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Times `run` on fresh inputs each call (the wasm matmul caches work per input tensor). */
function timeCalls(make: () => tf.Tensor[], run: (inputs: tf.Tensor[]) => TensorInfo, reps: number): { ms: number; cpuMs: number } {
  const backend = tf.backend();
  const walls: number[] = [];
  // The result is a bare TensorInfo (not engine-tracked): read it to wait for it, then free it.
  const cpus: number[] = [];
  for (let i = 0; i <= reps; i++) {
    const inputs = make();
    inputs.forEach((t) => t.dataSync());
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const out = run(inputs);
    backend.readSync(out.dataId);
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    backend.disposeData(out.dataId);
    tf.dispose(inputs);
    if (i > 0) {
      walls.push(wall);
      cpus.push((cpu.user + cpu.system) / 1000);
    }
  }
  return { ms: median(walls), cpuMs: median(cpus) };
}

/** Measures every case: stock kernel (if any) and ours, median of `reps` calls after one warm-up. */
export async function benchWasmKernels(options: { reps?: number; threads?: number; stock?: boolean } = {}): Promise<KernelTiming[]> {
  const reps = options.reps ?? 5;
  const info = await initBackend('wasm', { quiet: true, threads: options.threads });
  const backend = tf.backend();
  const out: KernelTiming[] = [];
  for (const c of CASES) {
    const names = Object.keys(c.inputs);
    const make = () => names.map((n) => tf.randomUniform(c.inputs[n], -1, 1));
    const named = (inputs: tf.Tensor[]) => Object.fromEntries(names.map((n, i) => [n, inputs[i]]));
    const oursFn = tf.getKernel(c.kernel, 'wasm')!.kernelFunc;
    const ours = timeCalls(make, (inputs) => oursFn({ inputs: named(inputs), backend, attrs: c.attrs }) as TensorInfo, reps);
    const stockFn = options.stock === false ? undefined : stockKernel(c.kernel);
    const stock = stockFn
      ? timeCalls(make, (inputs) => stockFn({ inputs: named(inputs), backend, attrs: c.attrs }) as TensorInfo, Math.min(reps, 3))
      : null;
    out.push({
      kernel: c.kernel,
      case: c.label,
      stockMs: stock ? round(stock.ms) : null,
      oursMs: round(ours.ms),
      stockCpuMs: stock ? round(stock.cpuMs) : null,
      oursCpuMs: round(ours.cpuMs),
      speedup: stock ? round(stock.ms / ours.ms) : null,
      threads: info.threads,
    });
  }
  return out;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
