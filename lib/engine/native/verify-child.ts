/**
 * Child-process entry of verifyNative: loads the tfjs-node package named in argv[2] and compares
 * a small conv gradient on it with our wasm engine (stock wasm has no conv gradient kernels).
 * Prints one JSON line.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from '../kernels/register';

function gradients(): number[][] {
  return tf.tidy(() => {
    const x = tf.randomUniform([2, 9, 9, 3], -1, 1, 'float32', 7);
    const w = tf.randomUniform([3, 3, 3, 4], -1, 1, 'float32', 11);
    const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same').relu().square().sum();
    return tf.grads(f)([x, w]).map((g) => Array.from(g.dataSync()));
  });
}

async function main(): Promise<void> {
  process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
  require(process.argv[2]);
  if (!(await tf.setBackend('tensorflow'))) throw new Error('the tensorflow backend did not start');
  const native = gradients();
  const tensorflowVersion = String((tf.backend() as unknown as { binding: { TF_Version: string } }).binding.TF_Version);
  registerWasmTrainingKernels();
  if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not start');
  const wasm = gradients();
  let diff = 0;
  let scale = 0;
  native.forEach((g, i) => g.forEach((v, j) => {
    diff = Math.max(diff, Math.abs(v - wasm[i][j]));
    scale = Math.max(scale, Math.abs(wasm[i][j]));
  }));
  process.stdout.write(JSON.stringify({ backend: 'tensorflow', tensorflowVersion, gradientDifference: scale ? diff / scale : diff }) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
