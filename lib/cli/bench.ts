/**
 * `digit-lab bench`: training and inference throughput of the seed CNN per backend, and (when
 * available) the PyTorch reference measured in the same run, with the ratio our target is set on.
 *
 * Modules that load TensorFlow.js are required inside the functions that use them, so that
 * registering the command (and so `digit-lab --help`) stays light; `require` rather than `import()`
 * because tsx, which runs the tests from source, cannot `import()` a .ts file from CommonJS.
 */
import * as os from 'os';
import { Command } from 'commander';
import type { SeedCnnBenchResult } from '../bench/seed-cnn';
import type { TorchBenchResult } from '../bench/torch';
import { action, CliError, printJson } from './common';
import { addOptions, intFlag, type OptionSpec } from './flags';

/** Our wasm training throughput must be at least this fraction of PyTorch's (DESIGN.md targets). */
export const TORCH_RATIO_TARGET = 0.5;

const KNOWN = ['tensorflow', 'wasm', 'cpu'] as const;
type BenchBackend = (typeof KNOWN)[number];

interface BenchFlags {
  backend?: string[];
  json?: boolean;
  reps: string;
  steps: string;
  threads?: string;
  torch?: boolean;
  kernels?: boolean;
  runner?: boolean;
}

const BENCH_OPTIONS: readonly OptionSpec[] = [
  ['--backend <name...>', 'backend(s) to measure: tensorflow, wasm, cpu, all (default: tfjs-node if installed, and wasm)'],
  ['--json', 'print one JSON object per line'],
  ['--reps <n>', 'timed repetitions (median reported)', '5'],
  ['--steps <n>', 'training steps per repetition', '5'],
  ['--threads <n>', 'wasm threads (default: all CPUs)'],
  ['--torch', 'also run the PyTorch reference (default: when /usr/bin/python3 has torch and ../shared/bench exists)'],
  ['--no-torch', 'do not run the PyTorch reference'],
  ['--kernels', 'instead: time each wasm training kernel, stock vs ours, on the seed CNN shapes'],
  ['--runner', 'instead: per-cell overhead of the notebook runner vs `jupyter nbconvert --execute` (when installed)'],
];

/** How much each measurement of one run does. */
interface BenchSizes {
  reps: number;
  steps: number;
  threads?: number;
}

/** Prints one result: the human line, or the JSON object under --json. */
type Say = (human: string, json: object) => void;

/** The backends to measure: as asked (comma lists, 'all'), else tfjs-node if real, and wasm. */
export function benchBackends(asked: string[] | undefined): BenchBackend[] {
  if (!asked?.length) return defaultBenchBackends();
  const names = asked.flatMap((a) => a.split(',')).map((a) => a.trim().toLowerCase()).filter(Boolean);
  const out: BenchBackend[] = [];
  for (const name of names) {
    const list = name === 'all' ? [...KNOWN] : [name];
    for (const n of list) {
      if (!(KNOWN as readonly string[]).includes(n)) throw new CliError(`--backend: unknown backend "${n}" (expected ${KNOWN.join(', ')} or all)`);
      if (!out.includes(n as BenchBackend)) out.push(n as BenchBackend);
    }
  }
  return out;
}

function defaultBenchBackends(): BenchBackend[] {
  const { findNativeSource } = require('../engine/native/load') as typeof import('../engine/native/load');
  return findNativeSource().source ? ['tensorflow', 'wasm'] : ['wasm'];
}

/** Adds `digit-lab bench`; the benchmarks (and TensorFlow.js) load only when the command runs. */
export function register(program: Command): void {
  const command = program
    .command('bench')
    .description('Training/inference throughput of the seed CNN per backend (and PyTorch in the same run)');
  addOptions(command, BENCH_OPTIONS).action(action(benchCommand));
}

async function benchCommand(flags: BenchFlags): Promise<void> {
  const say: Say = (human, json) => (flags.json ? printJson(json) : process.stdout.write(human + '\n'));
  if (flags.runner) return benchRunner(say);
  const sizes: BenchSizes = {
    reps: intFlag('--reps', flags.reps, 1),
    steps: intFlag('--steps', flags.steps, 1),
    threads: intFlag('--threads', flags.threads, 1),
  };
  const backends = benchBackends(flags.backend);
  if (flags.kernels) return benchKernels(sizes, say);
  const ours = await benchEachBackend(backends, sizes, say);
  await compareWithTorch(flags.torch, ours, sizes, say);
}

async function benchRunner(say: Say): Promise<void> {
  const { benchRunnerOverhead } = require('../bench/runner-overhead') as typeof import('../bench/runner-overhead');
  const r = await benchRunnerOverhead();
  const theirs = r.nbconvert ? `, nbconvert ${r.nbconvert.per_cell_ms} ms/cell (${r.nbconvert.total_s} s in all)` : ' (nbconvert not installed)';
  say(`runner: ${r.ours.per_cell_ms} ms/cell (${r.ours.total_s} s in all)${theirs}`, r);
}

async function benchKernels(sizes: BenchSizes, say: Say): Promise<void> {
  const { benchWasmKernels } = require('../bench/kernels') as typeof import('../bench/kernels');
  for (const k of await benchWasmKernels({ reps: sizes.reps, threads: sizes.threads })) {
    const stock = k.stockMs === null ? 'no stock kernel' : `stock ${k.stockMs} ms`;
    say(`${k.kernel} (${k.case}): ${stock}, ours ${k.oursMs} ms${k.speedup ? ` (${k.speedup}x)` : ''}`, k);
  }
}

async function benchEachBackend(backends: BenchBackend[], sizes: BenchSizes, say: Say): Promise<SeedCnnBenchResult[]> {
  const { benchSeedCnn } = require('../bench/seed-cnn') as typeof import('../bench/seed-cnn');
  const results: SeedCnnBenchResult[] = [];
  for (const backend of backends) {
    const r = await benchSeedCnn(backend, sizes);
    results.push(r);
    say(throughputLine(r), r);
  }
  return results;
}

function throughputLine(r: SeedCnnBenchResult): string {
  const threads = r.threads ? `, ${r.threads} thread${r.threads > 1 ? 's' : ''}` : '';
  return `${r.backend}${threads}: train ${r.trainExamplesPerSec} ex/s (batch ${r.trainBatch}), infer ${r.inferExamplesPerSec} ex/s (batch ${r.inferBatch})`;
}

/**
 * Runs the PyTorch reference (when --torch, or by default when it is available) and says how our
 * throughput compares; a failing reference is reported and sets a failing exit status.
 */
async function compareWithTorch(torchFlag: boolean | undefined, ours: SeedCnnBenchResult[], sizes: BenchSizes, say: Say): Promise<void> {
  const { runTorchBench, torchAvailable } = require('../bench/torch') as typeof import('../bench/torch');
  const torchCheck = torchFlag === false ? { ok: false, reason: '--no-torch' } : torchAvailable();
  if (!torchCheck.ok) {
    if (torchFlag === true) throw new CliError(`--torch: cannot run the PyTorch reference: ${torchCheck.reason}`);
    return;
  }
  let torch: TorchBenchResult;
  try {
    const threads = sizes.threads ?? ours.find((r) => r.threads)?.threads ?? os.cpus().length;
    torch = await runTorchBench({ threads, steps: sizes.steps, reps: sizes.reps });
  } catch (err) {
    say(`pytorch: failed: ${(err as Error).message}`, { engine: 'pytorch', error: (err as Error).message });
    process.exitCode = 1;
    return;
  }
  say(`${torch.engine}, ${torch.threads} threads: train ${torch.trainExamplesPerSec} ex/s, infer ${torch.inferExamplesPerSec} ex/s`, torch);
  for (const r of ours) {
    const line = torchComparison(r, torch);
    say(`${r.backend} / pytorch: train ${line.ratio}x, infer ${line.inferRatio}x (target >= ${TORCH_RATIO_TARGET}x on train: ${line.meetsTarget ? 'met' : 'NOT met'})`, line);
  }
}

/** Our throughput over PyTorch's (3 decimals), and whether training meets TORCH_RATIO_TARGET. */
function torchComparison(r: SeedCnnBenchResult, torch: TorchBenchResult) {
  const ratio = Math.round((r.trainExamplesPerSec / torch.trainExamplesPerSec) * 1000) / 1000;
  const inferRatio = Math.round((r.inferExamplesPerSec / torch.inferExamplesPerSec) * 1000) / 1000;
  return {
    compare: 'train-throughput-vs-pytorch',
    backend: r.backend,
    ratio,
    inferRatio,
    target: TORCH_RATIO_TARGET,
    meetsTarget: ratio >= TORCH_RATIO_TARGET,
  };
}
