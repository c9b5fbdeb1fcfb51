/**
 * `digit-lab bench`: training and inference throughput of the reference CNN per backend, compared in
 * the same run with the references (Keras, when a Python has tensorflow and keras; PyTorch, when
 * /usr/bin/python3 has torch), each ratio next to its target; `--recipe` times the whole
 * reference recipe against keras_seed_recipe.py instead.
 *
 * Modules that load TensorFlow.js are required inside the functions that use them, so that
 * registering the command (and so `digit-lab --help`) stays light; `require` rather than `import()`
 * because tsx, which runs the tests from source, cannot `import()` a .ts file from CommonJS.
 */
import * as fs from 'fs';
import * as os from 'os';
import { Command } from 'commander';
import { recipeResult, referenceLine, throughputResult, type Engine, type ReferenceName, type ReferenceOutcome, type Throughput, type ThroughputReferences } from '../bench/compare';
import type { KerasRecipeResult } from '../bench/keras';
import type { RecipeBenchResult } from '../bench/recipe';
import type { SeedCnnBenchResult } from '../bench/seed-cnn';
import { action, CliError, printJson } from './common';
import { addOptions, intFlag, type OptionSpec } from './flags';

const KNOWN = ['tensorflow', 'wasm', 'cpu'] as const;
type BenchBackend = (typeof KNOWN)[number];

/** The flags as commander hands them over. */
export interface BenchFlags {
  backend?: string[];
  json?: boolean;
  reps: string;
  rounds?: string;
  steps: string;
  threads?: string;
  python?: string;
  keras?: boolean;
  torch?: boolean;
  recipe?: boolean;
  data?: string;
  epochs?: string;
  seeds?: string;
  kernels?: boolean;
  runner?: boolean;
}

/** The options of `digit-lab bench`, in the order `--help` lists them. */
export const BENCH_OPTIONS: readonly OptionSpec[] = [
  ['--backend <name...>', 'backend(s) to measure: tensorflow, wasm, cpu, all (default: tensorflow if present, and wasm; --recipe: tensorflow if present, else wasm)'],
  ['--json', 'print one JSON object per line'],
  ['--reps <n>', 'timed repetitions per round (median reported)', '3'],
  ['--rounds <n>', 'rounds, each measuring every backend and every reference back to back (in turns, which first); each ratio is the median of the per-round ratios, so load on the machine that comes and goes does not skew it (default: 5)'],
  ['--steps <n>', 'training steps per repetition, ours and the references alike (Keras\' model.fit costs about 0.3 s a call, which fewer steps would count against it)', '50'],
  ['--threads <n>', 'threads for every engine: wasm, native TensorFlow and the references (default: all CPUs)'],
  ['--python <exe>', 'Python for the Keras reference (default: $DIGIT_LAB_TF_PYTHON, python3 on PATH, /usr/bin/python3: the first with tensorflow and keras)'],
  ['--keras', 'require the Keras reference (default: run it when a Python has tensorflow and keras)'],
  ['--no-keras', 'do not run the Keras reference'],
  ['--torch', 'require the PyTorch reference (default: run it when /usr/bin/python3 has torch and ../shared/bench exists)'],
  ['--no-torch', 'do not run the PyTorch reference'],
  ['--recipe', 'instead: the whole reference recipe (digit-lab train --model seed, full MNIST) per backend and keras_seed_recipe.py; minutes each'],
  ['--data <dir>', '--recipe: the four MNIST .gz files (default: ../shared/mnist, else the data cache)'],
  ['--epochs <n>', '--recipe: epochs', '5'],
  ['--seeds <list>', '--recipe: seeds, comma-separated, each run by every backend and by Keras; the accuracy target applies to the mean, as one run moves by about 0.1 point from seed to seed (default: 1,2,3)'],
  ['--kernels', 'instead: time each wasm training kernel, stock vs ours, on the reference CNN shapes'],
  ['--runner', 'instead: per-cell overhead of the notebook runner vs `jupyter nbconvert --execute` (when installed)'],
];

/** Whether to run a reference: when available, always (failing when it cannot), or never. */
export type ReferenceMode = 'auto' | 'require' | 'skip';

/** What one `digit-lab bench` run does, from its flags. */
export interface BenchPlan {
  mode: 'seed-cnn' | 'recipe' | 'kernels' | 'runner';
  backends: BenchBackend[];
  reps: number;
  /** Throughput bench: rounds of every backend then every reference (see lib/bench/rounds.ts). */
  rounds: number;
  steps: number;
  /** Threads for every engine (ours and the references): --threads, else all CPUs. */
  threads: number;
  /**
   * Whether --threads was given. Without it our backends keep the engine's defaults (all cores, as
   * `digit-lab train` runs; DIGIT_LAB_WASM_THREADS still applies), and the references get all cores.
   */
  threadsAsked: boolean;
  keras: ReferenceMode;
  torch: ReferenceMode;
  python?: string;
  data?: string;
  epochs: number;
  /** --recipe: the seeds, run one after another. */
  seeds: number[];
}

/** Prints one result: the human line, or the JSON object under --json. */
type Say = (human: string, json: object) => void;

/** Progress and notes for a person, on stderr so `--json` stdout stays one object per line. */
function note(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/**
 * The backends to measure: as asked (comma lists, 'all'), else tensorflow when a native build is
 * present and wasm; for the recipe (minutes each) tensorflow when present, else wasm.
 */
export function benchBackends(asked: string[] | undefined, options: { recipe?: boolean; nativePresent?: boolean } = {}): BenchBackend[] {
  if (!asked?.length) {
    const native = options.nativePresent ?? nativePresent();
    if (options.recipe) return native ? ['tensorflow'] : ['wasm'];
    return native ? ['tensorflow', 'wasm'] : ['wasm'];
  }
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

function nativePresent(): boolean {
  const { findNativeSource } = require('../engine/native/load') as typeof import('../engine/native/load');
  const found = findNativeSource();
  if (!found.source) note(`tensorflow backend not measured: ${found.reason}`);
  return Boolean(found.source);
}

function referenceMode(flag: boolean | undefined): ReferenceMode {
  return flag === true ? 'require' : flag === false ? 'skip' : 'auto';
}

/** Checks the flags and turns them into a plan; nothing is measured or loaded (bar the native-build check for the default backends). */
export function benchPlan(flags: BenchFlags, options: { cpus?: number; nativePresent?: boolean } = {}): BenchPlan {
  const modes = (['recipe', 'kernels', 'runner'] as const).filter((m) => flags[m]);
  if (modes.length > 1) throw new CliError(`--${modes[0]} and --${modes[1]} are separate benchmarks: choose one`);
  const mode: BenchPlan['mode'] = modes.length ? modes[0] : 'seed-cnn';
  if (mode === 'recipe' && flags.torch === true) throw new CliError('--torch: there is no PyTorch recipe reference; --recipe compares with Keras only');
  if (mode !== 'recipe' && flags.data !== undefined) throw new CliError('--data: only --recipe reads data (the throughput bench uses random images)');
  if (mode !== 'recipe' && flags.seeds !== undefined) throw new CliError('--seeds: only --recipe trains (the throughput bench uses random images)');
  if (mode !== 'seed-cnn' && flags.rounds !== undefined) throw new CliError(`--rounds: only the throughput bench runs in rounds, not --${mode}`);
  const threads = intFlag('--threads', flags.threads, 1);
  const cpus = options.cpus ?? (typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
  const needsBackends = mode === 'seed-cnn' || mode === 'recipe';
  return {
    mode,
    backends: needsBackends ? benchBackends(flags.backend, { recipe: mode === 'recipe', nativePresent: options.nativePresent }) : [],
    reps: intFlag('--reps', flags.reps, 1),
    rounds: intFlag('--rounds', flags.rounds ?? '5', 1),
    steps: intFlag('--steps', flags.steps, 1),
    threads: threads ?? cpus,
    threadsAsked: threads !== undefined,
    keras: referenceMode(flags.keras),
    torch: mode === 'recipe' ? 'skip' : referenceMode(flags.torch),
    python: flags.python,
    data: flags.data,
    epochs: intFlag('--epochs', flags.epochs ?? '5', 1),
    seeds: seedList(flags.seeds ?? '1,2,3'),
  };
}

/** `1,2,3` as [1, 2, 3]; each a whole number >= 0, none twice. */
function seedList(value: string): number[] {
  const seeds = value.split(',').map((v) => intFlag('--seeds', v.trim(), 0));
  const twice = seeds.find((s, i) => seeds.indexOf(s) !== i);
  if (twice !== undefined) throw new CliError(`--seeds: seed ${twice} is given twice`);
  return seeds;
}

/** Adds `digit-lab bench`; the benchmarks (and TensorFlow.js) load only when the command runs. */
export function register(program: Command): void {
  const command = program
    .command('bench')
    .description('Training/inference throughput of the reference CNN per backend, against Keras and PyTorch in the same run (--recipe: the whole recipe)');
  addOptions(command, BENCH_OPTIONS).action(action(benchCommand));
}

async function benchCommand(flags: BenchFlags): Promise<void> {
  const say: Say = (human, json) => (flags.json ? printJson(json) : process.stdout.write(human + '\n'));
  const plan = benchPlan(flags);
  if (plan.mode === 'runner') return benchRunner(say);
  if (plan.mode === 'kernels') return benchKernels(plan, say);
  if (plan.mode === 'recipe') return benchRecipes(plan, say);
  return benchThroughput(plan, say);
}

async function benchRunner(say: Say): Promise<void> {
  const { benchRunnerOverhead } = require('../bench/runner-overhead') as typeof import('../bench/runner-overhead');
  const r = await benchRunnerOverhead();
  const theirs = r.nbconvert ? `, nbconvert ${r.nbconvert.per_cell_ms} ms/cell (${r.nbconvert.total_s} s in all)` : ' (nbconvert not installed)';
  say(`runner: ${r.ours.per_cell_ms} ms/cell (${r.ours.total_s} s in all)${theirs}`, r);
}

async function benchKernels(plan: BenchPlan, say: Say): Promise<void> {
  const { benchWasmKernels } = require('../bench/kernels') as typeof import('../bench/kernels');
  for (const k of await benchWasmKernels({ reps: plan.reps, threads: plan.threadsAsked ? plan.threads : undefined })) {
    const stock = k.stockMs === null ? 'no stock kernel' : `stock ${k.stockMs} ms`;
    say(`${k.kernel} (${k.case}): ${stock}, ours ${k.oursMs} ms${k.speedup ? ` (${k.speedup}x)` : ''}`, k);
  }
}

/** A reference that may run: its Python, or the outcome saying why it will not. */
type ReferenceReady = { python: string } | { outcome: ReferenceOutcome<never> };

/** A reference not run: `--<name>` turns that into an error, otherwise it is reported. */
function notRun(reference: ReferenceName, mode: ReferenceMode, reason: string): ReferenceReady {
  if (mode === 'require') throw new CliError(`--${reference === 'pytorch' ? 'torch' : reference}: cannot run the ${reference} reference: ${reason}`);
  return { outcome: { reference, ok: false, reason, failed: false } };
}

/** Finds the Python for Keras (before anything is measured, so `--keras` fails at once). */
export function kerasReady(mode: ReferenceMode, python: string | undefined, script: string): ReferenceReady {
  if (mode === 'skip') return { outcome: { reference: 'keras', ok: false, reason: '--no-keras', failed: false } };
  if (!fs.existsSync(script)) return notRun('keras', mode, `${script} not found`);
  const { findKerasPython } = require('../bench/python') as typeof import('../bench/python');
  const choice = findKerasPython({ flag: python });
  if (!choice.python) return notRun('keras', mode, choice.reason);
  note(`keras reference: ${choice.python} (${choice.from}; ${choice.reason})`);
  return { python: choice.python };
}

function torchReady(mode: ReferenceMode): ReferenceReady {
  if (mode === 'skip') return { outcome: { reference: 'pytorch', ok: false, reason: '--no-torch', failed: false } };
  const { torchAvailable, TORCH_PYTHON } = require('../bench/torch') as typeof import('../bench/torch');
  const check = torchAvailable();
  return check.ok ? { python: TORCH_PYTHON } : notRun('pytorch', mode, check.reason);
}

/** Runs a reference that is ready; a failing run is reported (and fails the command), never thrown. */
async function runReference<T>(reference: ReferenceName, ready: ReferenceReady, run: (python: string) => Promise<T>): Promise<ReferenceOutcome<T>> {
  if ('outcome' in ready) return ready.outcome;
  try {
    return { reference, ok: true, python: ready.python, result: await run(ready.python) };
  } catch (err) {
    process.exitCode = 1;
    return { reference, ok: false, reason: (err as Error).message, failed: true };
  }
}

/**
 * Rounds of: the reference CNN on each backend and the references with the same threads and steps
 * (ours first in odd rounds, the references first in even ones); then one line per reference and
 * per backend, each the medians over the rounds, with the ratios taken within rounds
 * (lib/bench/rounds.ts).
 */
async function benchThroughput(plan: BenchPlan, say: Say): Promise<void> {
  const { kerasSeedCnnScript, runKerasSeedCnn } = require('../bench/keras') as typeof import('../bench/keras');
  const { runTorchBench } = require('../bench/torch') as typeof import('../bench/torch');
  const { combineReferenceRounds, combineRounds } = require('../bench/rounds') as typeof import('../bench/rounds');
  const keras = kerasReady(plan.keras, plan.python, kerasSeedCnnScript());
  const torch = torchReady(plan.torch);
  const sizes = { threads: plan.threads, steps: plan.steps, reps: plan.reps };
  const ours = new Map<string, SeedCnnBenchResult[]>();
  const failed = new Map<string, string>();
  const referenceRounds: Record<ReferenceName, ReferenceOutcome<Throughput & Engine & { threads?: number }>[]> = { keras: [], pytorch: [] };
  for (let round = 1; round <= plan.rounds; round++) {
    const label = plan.rounds > 1 ? `round ${round}/${plan.rounds}: ` : '';
    const measureOurs = async () => {
      for (const backend of plan.backends.filter((b) => !failed.has(b))) {
        const r = await benchBackend(plan, backend, label);
        if ('error' in r) failed.set(backend, r.error);
        else ours.set(backend, [...(ours.get(backend) ?? []), r]);
      }
    };
    const measureReferences = async () => {
      if ('python' in keras) note(`${label}keras_seed_cnn.py (${plan.threads} threads, ${plan.steps} steps x ${plan.reps} reps)...`);
      referenceRounds.keras.push(await runReference('keras', keras, (python) => runKerasSeedCnn({ python, ...sizes })));
      referenceRounds.pytorch.push(await runReference('pytorch', torch, (python) => {
        note(`${label}torch_seed_cnn.py (${plan.threads} threads)...`);
        return runTorchBench({ python, ...sizes });
      }));
    };
    // Every other round the references go first, so that neither side always runs on the heels of
    // the other (a machine that is busier after one of them must not count against the same side).
    if (round % 2) {
      await measureOurs();
      await measureReferences();
    } else {
      await measureReferences();
      await measureOurs();
    }
  }
  const references: ThroughputReferences = {
    keras: combineReferenceRounds(referenceRounds.keras),
    pytorch: combineReferenceRounds(referenceRounds.pytorch),
  };
  for (const outcome of Object.values(references)) {
    const line = referenceLine(outcome);
    say(line.human, line.json);
  }
  for (const backend of plan.backends) {
    const error = failed.get(backend);
    if (error !== undefined) {
      say(`${backend}: failed: ${error}`, { backend, error });
      continue;
    }
    const line = throughputResult(combineRounds(ours.get(backend) ?? []), references);
    say(line.human, line.json);
  }
}

/** Measures one backend; a failure is returned (and fails the command) so the others still run. */
async function benchBackend(plan: BenchPlan, backend: BenchBackend, label: string): Promise<SeedCnnBenchResult | { backend: string; error: string }> {
  const { benchSeedCnn } = require('../bench/seed-cnn') as typeof import('../bench/seed-cnn');
  note(`${label}reference CNN on ${backend} (${plan.steps} steps x ${plan.reps} reps)...`);
  try {
    return await benchSeedCnn(backend, { reps: plan.reps, steps: plan.steps, threads: plan.threadsAsked ? plan.threads : undefined });
  } catch (err) {
    process.exitCode = 1;
    return { backend, error: (err as Error).message.split('\n')[0] };
  }
}

/**
 * The whole recipe, seed by seed: on each backend, then keras_seed_recipe.py with the same seed on
 * the same files (so each pair runs minutes apart, not an hour); then one line per Keras run and
 * one per backend, its accuracy the mean over the seeds.
 */
async function benchRecipes(plan: BenchPlan, say: Say): Promise<void> {
  const { benchRecipe, findFullMnist } = require('../bench/recipe') as typeof import('../bench/recipe');
  const { kerasRecipeScript, runKerasRecipe } = require('../bench/keras') as typeof import('../bench/keras');
  let dataDir: string;
  try {
    dataDir = findFullMnist(plan.data);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  const keras = kerasReady(plan.keras, plan.python, kerasRecipeScript());
  note(`recipe: ${plan.epochs} epochs on full MNIST from ${dataDir}, ${plan.threads} threads, seeds ${plan.seeds.join(', ')}; ` +
    `each seed on ${plan.backends.join(', ')}${'python' in keras ? ', then in Keras' : ''} ` +
    '(minutes each: for 5 epochs Keras and tensorflow about 200 s, wasm about 800 s)');
  const ours = new Map<string, RecipeBenchResult[]>();
  const failed = new Map<string, string>();
  const kerasRuns: ReferenceOutcome<KerasRecipeResult>[] = [];
  const threads = plan.threadsAsked ? plan.threads : undefined;
  for (const seed of plan.seeds) {
    for (const backend of plan.backends.filter((b) => !failed.has(b))) {
      note(`recipe on ${backend}, seed ${seed}...`);
      try {
        const r = await benchRecipe(backend, { dataDir, epochs: plan.epochs, seed, threads, log: (line) => note(`${backend}: ${line}`) });
        note(`recipe on ${backend}, seed ${seed}: ${r.seconds} s, test accuracy ${(100 * r.testAccuracy).toFixed(2)}%`);
        ours.set(backend, [...(ours.get(backend) ?? []), r]);
      } catch (err) {
        process.exitCode = 1;
        failed.set(backend, (err as Error).message.split('\n')[0]);
      }
    }
    if (kerasRuns.some((k) => !k.ok)) continue;
    if ('python' in keras) note(`keras_seed_recipe.py, seed ${seed} (${plan.threads} threads, about 200 s for 5 epochs; silent until it ends)...`);
    const run = await runReference('keras', keras, (python) =>
      runKerasRecipe({ python, dataDir, threads: plan.threads, epochs: plan.epochs, seed, onHeartbeat: (s) => note(`keras recipe: running, ${s} s`) }));
    kerasRuns.push(run);
    say(...kerasRecipeLine(run));
  }
  const failedKeras = kerasRuns.find((k) => !k.ok);
  const kerasOutcome: ReferenceOutcome<KerasRecipeResult[]> = failedKeras && !failedKeras.ok
    ? failedKeras
    : { reference: 'keras', ok: true, python: 'python' in keras ? keras.python : '', result: kerasRuns.flatMap((k) => (k.ok ? [k.result] : [])) };
  for (const backend of plan.backends) {
    const error = failed.get(backend);
    if (error !== undefined) {
      say(`recipe on ${backend}: failed: ${error}`, { bench: 'recipe', backend, error });
      continue;
    }
    const line = recipeResult(ours.get(backend) ?? [], kerasOutcome);
    say(line.human, line.json);
  }
}

function kerasRecipeLine(outcome: ReferenceOutcome<KerasRecipeResult>): [string, object] {
  if (!outcome.ok) {
    return [`keras recipe: ${outcome.failed ? 'failed' : 'not run'}: ${outcome.reason}`, { reference: 'keras', bench: 'recipe', ok: false, failed: outcome.failed, reason: outcome.reason }];
  }
  const r = outcome.result;
  const seconds = Math.round((r.augmentSeconds + r.trainSeconds) * 10) / 10;
  return [
    `keras recipe (${r.engine}, ${outcome.python}, ${r.threads} threads, seed ${r.seed}): ${seconds} s (augment ${r.augmentSeconds} s + fit ${r.trainSeconds} s), ` +
      `test accuracy ${(100 * r.testAccuracy).toFixed(2)}%`,
    { reference: 'keras', bench: 'recipe', ok: true, python: outcome.python, seconds, ...r },
  ];
}
