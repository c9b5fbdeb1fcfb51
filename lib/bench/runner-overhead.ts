/**
 * Runner overhead benchmark: the same notebook of N trivial cells run by our runner and, when
 * installed, by `jupyter nbconvert --execute` on the same tslab. Per-cell time is taken from the
 * kernel's own timestamps (first busy to last idle, divided by N), so start-up is excluded and
 * what remains is the round trip per cell: kernel work plus client overhead.
 */
import { execFile, spawnSync } from 'child_process';
import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { promisify } from 'util';
import { executeNotebook } from '../runner/executor';
import { localTslabSpec } from '../runner/kernel/kernelspec';
import { CodeCell, Notebook } from '../runner/document/nbformat';

export interface OverheadTiming {
  /** Wall time of the whole command or call, start-up included. */
  total_s: number;
  /** First busy to last idle, from the kernel's timestamps. */
  cells_s: number;
  per_cell_ms: number;
}

/** One JSON line of the benchmark. */
export interface RunnerOverheadResult {
  bench: 'runner-overhead';
  cells: number;
  ours: OverheadTiming;
  nbconvert: OverheadTiming | null;
  note: string;
}

function benchNotebook(cells: number): Notebook {
  const cell = (i: number): CodeCell => ({ cell_type: 'code', source: `console.log(${i});`, metadata: {}, execution_count: null, outputs: [] });
  return {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    cells: Array.from({ length: cells }, (_, i) => cell(i)),
  };
}

/** First busy to last idle over all cells that carry nbclient-style timing. */
function cellSpan(nb: Notebook): number {
  const times: number[] = [];
  for (const c of nb.cells) {
    const t = c.metadata.execution as Record<string, string> | undefined;
    if (!t) continue;
    for (const key of ['iopub.status.busy', 'iopub.status.idle', 'shell.execute_reply']) if (t[key]) times.push(Date.parse(t[key]));
  }
  return times.length ? (Math.max(...times) - Math.min(...times)) / 1000 : NaN;
}

const timing = (total: number, span: number, cells: number): OverheadTiming => ({
  total_s: +total.toFixed(3),
  cells_s: +span.toFixed(3),
  per_cell_ms: +((span * 1000) / cells).toFixed(1),
});

/** Finds a working `jupyter nbconvert`, or undefined. */
function findJupyter(): string | undefined {
  for (const candidate of ['jupyter', '/usr/bin/jupyter']) {
    if (spawnSync(candidate, ['nbconvert', '--version'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  return undefined;
}

/** Runs the benchmark once; `jupyter: false` skips the nbconvert side. */
export async function benchRunnerOverhead(options: { cells?: number; jupyter?: string | false } = {}): Promise<RunnerOverheadResult> {
  const cells = options.cells ?? 50;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'runner-bench-'));
  try {
    const input = path.join(dir, 'bench.ipynb');
    await fs.writeFile(input, JSON.stringify(benchNotebook(cells)));
    const t0 = Date.now();
    const ours = await executeNotebook(input, { kernelspecDirs: [] });
    if (!ours.ok) throw new Error(`benchmark notebook failed: ${ours.error?.reason}`);
    const oursTiming = timing((Date.now() - t0) / 1000, cellSpan(ours.notebook), cells);

    const jupyter = options.jupyter === false ? undefined : options.jupyter ?? findJupyter();
    let theirs: OverheadTiming | null = null;
    if (jupyter) {
      const spec = path.join(dir, 'jupyter', 'kernels', 'tslab');
      await fs.mkdir(spec, { recursive: true });
      await fs.writeFile(path.join(spec, 'kernel.json'), JSON.stringify({ argv: localTslabSpec().argv, display_name: 'TypeScript', language: 'typescript' }));
      const env = { ...process.env, JUPYTER_PATH: path.join(dir, 'jupyter'), JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime') };
      const t1 = Date.now();
      await promisify(execFile)(jupyter, ['nbconvert', '--to', 'notebook', '--execute', '--output', 'bench.nbconvert', input], { env, cwd: dir });
      const nb = JSON.parse(await fs.readFile(path.join(dir, 'bench.nbconvert.ipynb'), 'utf8')) as Notebook;
      theirs = timing((Date.now() - t1) / 1000, cellSpan(nb), cells);
    }
    return {
      bench: 'runner-overhead',
      cells,
      ours: oursTiming,
      nbconvert: theirs,
      note: `${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(1)}; per_cell_ms = first busy to last idle / cells${jupyter ? '' : '; nbconvert not installed'}`,
    };
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
