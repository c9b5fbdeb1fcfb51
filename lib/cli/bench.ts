/**
 * `digit-lab bench`: training and inference throughput of the seed CNN per backend, and (when
 * available) the PyTorch reference measured in the same run, with the ratio our target is set on.
 */
import * as os from 'os';
import { Command } from 'commander';
import { benchWasmKernels } from '../bench/kernels';
import { benchSeedCnn, SeedCnnBenchResult } from '../bench/seed-cnn';
import { runTorchBench, torchAvailable, TorchBenchResult } from '../bench/torch';
import { detectTfjsNode } from '../engine';
import { action, CliError, printJson } from './common';
import { intFlag } from './flags';
import { benchRunnerOverhead } from '../bench/runner-overhead';

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
}

/** The backends to measure: as asked (comma lists, 'all'), else tfjs-node if real, and wasm. */
export function benchBackends(asked: string[] | undefined): BenchBackend[] {
  if (!asked?.length) return detectTfjsNode().available ? ['tensorflow', 'wasm'] : ['wasm'];
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

function humanLine(r: SeedCnnBenchResult): string {
  const threads = r.threads ? `, ${r.threads} thread${r.threads > 1 ? 's' : ''}` : '';
  return `${r.backend}${threads}: train ${r.trainExamplesPerSec} ex/s (batch ${r.trainBatch}), infer ${r.inferExamplesPerSec} ex/s (batch ${r.inferBatch})`;
}

export function register(program: Command): void {
  program
    .command('bench')
    .description('Training/inference throughput of the seed CNN per backend (and PyTorch in the same run)')
    .option('--backend <name...>', 'backend(s) to measure: tensorflow, wasm, cpu, all (default: tfjs-node if installed, and wasm)')
    .option('--json', 'print one JSON object per line')
    .option('--reps <n>', 'timed repetitions (median reported)', '5')
    .option('--steps <n>', 'training steps per repetition', '5')
    .option('--threads <n>', 'wasm threads (default: all CPUs)')
    .option('--torch', 'also run the PyTorch reference (default: when /usr/bin/python3 has torch and ../shared/bench exists)')
    .option('--no-torch', 'do not run the PyTorch reference')
    .option('--kernels', 'instead: time each wasm training kernel, stock vs ours, on the seed CNN shapes')
    .option('--runner', 'instead: per-cell overhead of the notebook runner vs `jupyter nbconvert --execute` (when installed)')
    .action(action(async (flags: BenchFlags & { runner?: boolean }) => {
      if (flags.runner) {
        const r = await benchRunnerOverhead();
        const theirs = r.nbconvert ? `, nbconvert ${r.nbconvert.per_cell_ms} ms/cell (${r.nbconvert.total_s} s in all)` : ' (nbconvert not installed)';
        return void (flags.json ? printJson(r) : process.stdout.write(`runner: ${r.ours.per_cell_ms} ms/cell (${r.ours.total_s} s in all)${theirs}\n`));
      }
      const reps = intFlag('--reps', flags.reps, 1)!;
      const steps = intFlag('--steps', flags.steps, 1)!;
      const threads = intFlag('--threads', flags.threads, 1);
      const backends = benchBackends(flags.backend);
      const say = (human: string, json: object) => (flags.json ? printJson(json) : process.stdout.write(human + '\n'));
      if (flags.kernels) {
        for (const k of await benchWasmKernels({ reps, threads })) {
          const stock = k.stockMs === null ? 'no stock kernel' : `stock ${k.stockMs} ms`;
          say(`${k.kernel} (${k.case}): ${stock}, ours ${k.oursMs} ms${k.speedup ? ` (${k.speedup}x)` : ''}`, k);
        }
        return;
      }

      const ours: SeedCnnBenchResult[] = [];
      for (const backend of backends) {
        const r = await benchSeedCnn(backend, { reps, steps, threads });
        ours.push(r);
        say(humanLine(r), r);
      }

      const torchCheck = flags.torch === false ? { ok: false, reason: '--no-torch' } : torchAvailable();
      if (!torchCheck.ok) {
        if (flags.torch === true) throw new CliError(`--torch: cannot run the PyTorch reference: ${torchCheck.reason}`);
        return;
      }
      let torch: TorchBenchResult;
      try {
        const torchThreads = threads ?? ours.find((r) => r.threads)?.threads ?? os.cpus().length;
        torch = await runTorchBench({ threads: torchThreads, steps, reps });
      } catch (err) {
        say(`pytorch: failed: ${(err as Error).message}`, { engine: 'pytorch', error: (err as Error).message });
        process.exitCode = 1;
        return;
      }
      say(`${torch.engine}, ${torch.threads} threads: train ${torch.trainExamplesPerSec} ex/s, infer ${torch.inferExamplesPerSec} ex/s`, torch);
      for (const r of ours) {
        const ratio = Math.round((r.trainExamplesPerSec / torch.trainExamplesPerSec) * 1000) / 1000;
        const inferRatio = Math.round((r.inferExamplesPerSec / torch.inferExamplesPerSec) * 1000) / 1000;
        const line = {
          compare: 'train-throughput-vs-pytorch',
          backend: r.backend,
          ratio,
          inferRatio,
          target: TORCH_RATIO_TARGET,
          meetsTarget: ratio >= TORCH_RATIO_TARGET,
        };
        say(`${r.backend} / pytorch: train ${ratio}x, infer ${inferRatio}x (target >= ${TORCH_RATIO_TARGET}x on train: ${line.meetsTarget ? 'met' : 'NOT met'})`, line);
      }
    }));
}
