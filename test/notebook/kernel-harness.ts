/**
 * Runs notebook cells on the real tslab kernel through Debian's `jupyter nbconvert --execute`,
 * with lib/notebook compiled on its own (so others' unfinished modules cannot break this test).
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PROJECT_ROOT, kernelspecMetadata, killRecordedKernels, registerTslabKernel, tslabUnavailable } from '../helpers/jupyter';

export { PROJECT_ROOT };

/** The kernelspec the viz kernel tests register and run. */
export const VIZ_KERNEL = { name: 'tslab-viz-test', displayName: 'TypeScript (viz test)' };

/** Output of an executed cell, as nbformat stores it. */
export interface CellOutput {
  output_type: string;
  name?: string;
  text?: string | string[];
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  transient?: unknown;
}

/** Why the kernel test cannot run here, or null when it can. */
export function kernelTestUnavailable(): string | null {
  const probe = spawnSync('jupyter', ['nbconvert', '--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return 'jupyter nbconvert is not installed (Debian package jupyter-nbconvert)';
  return tslabUnavailable();
}

/** A scratch area: the compiled notebook library (inside dist/, so node_modules resolves) and a JUPYTER_PATH. */
export interface KernelSandbox {
  /** Absolute path of the compiled lib/notebook/index (no extension), for `import ... from`. */
  notebookModule: string;
  jupyterPath: string;
  workDir: string;
  cleanup(): void;
}

/** Compiles lib/notebook into a private folder under dist/ and registers a tslab kernelspec. */
export function createKernelSandbox(): KernelSandbox {
  const outDir = fs.mkdtempSync(path.join(PROJECT_ROOT, 'dist', '.viz-kernel-test-'));
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'viz-kernel-'));
  const pidFile = path.join(workDir, 'kernel-pids');
  const cleanup = () => {
    killRecordedKernels(pidFile);
    fs.rmSync(outDir, { recursive: true, force: true });
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  try {
    const tsconfig = path.join(workDir, 'tsconfig.json');
    fs.writeFileSync(tsconfig, JSON.stringify({
      extends: path.join(PROJECT_ROOT, 'tsconfig.json'),
      compilerOptions: { rootDir: path.join(PROJECT_ROOT, 'lib'), outDir, sourceMap: false, declaration: true },
      include: [],
      files: [path.join(PROJECT_ROOT, 'lib', 'notebook', 'index.ts')],
    }));
    const tsc = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', tsconfig], { encoding: 'utf8' });
    if (tsc.status !== 0) throw new Error(`compiling lib/notebook failed:\n${tsc.stdout}${tsc.stderr}`);
    // Recorded kernel pids let cleanup end a kernel that nbconvert left behind (e.g. when
    // nbconvert itself was killed on a timeout).
    registerTslabKernel(path.join(workDir, 'jupyter'), VIZ_KERNEL, pidFile);
    return { notebookModule: path.join(outDir, 'notebook', 'index'), jupyterPath: path.join(workDir, 'jupyter'), workDir, cleanup };
  } catch (e) {
    cleanup();
    throw e;
  }
}

/**
 * Executes the cells in a fresh tslab kernel and returns each cell's outputs. nbconvert applies
 * update_display_data to the output with the same display_id, so updated outputs show their last state.
 */
export function executeCells(sandbox: KernelSandbox, sources: string[], timeoutSeconds = 60): CellOutput[][] {
  const nb = {
    cells: sources.map((source, i) => ({ cell_type: 'code', id: `cell-${i}`, execution_count: null, metadata: {}, outputs: [], source })),
    metadata: kernelspecMetadata(VIZ_KERNEL),
    nbformat: 4,
    nbformat_minor: 5,
  };
  const input = path.join(sandbox.workDir, 'cells.ipynb');
  const output = path.join(sandbox.workDir, 'cells.out.ipynb');
  fs.writeFileSync(input, JSON.stringify(nb));
  const run = spawnSync('jupyter', ['nbconvert', '--to', 'notebook', '--execute', `--ExecutePreprocessor.timeout=${timeoutSeconds}`, `--ExecutePreprocessor.kernel_name=${VIZ_KERNEL.name}`, '--output', output, input], {
    encoding: 'utf8',
    cwd: sandbox.workDir,
    env: { ...process.env, JUPYTER_PATH: sandbox.jupyterPath },
    timeout: (timeoutSeconds + 60) * 1000,
    killSignal: 'SIGKILL',
  });
  if (run.status !== 0) throw new Error(`nbconvert failed (status ${run.status}):\n${run.stderr.slice(-3000)}`);
  const executed = JSON.parse(fs.readFileSync(output, 'utf8')) as { cells: { outputs: CellOutput[] }[] };
  return executed.cells.map((c) => c.outputs);
}

/** The SVG documents inside an HTML fragment's data-URL images (our chart fallbacks). */
export function svgsInHtml(html: string): string[] {
  return [...html.matchAll(/src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
}

/** Joins nbformat's multiline strings. */
export function joinText(value: unknown): string {
  return Array.isArray(value) ? value.join('') : String(value ?? '');
}
