import { strict as assert } from 'assert';
import { ChildProcess, execFile, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { executeNotebook } from '../../lib/runner/executor';
import { Notebook } from '../../lib/runner/document/nbformat';
import { serializeNotebook } from '../../lib/runner/document/io';
import { normaliseForCrossCheck } from './helpers/normalise';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'notebooks');
const running = new Set<ChildProcess>();

/** execFile as a promise, remembering the child so a failed test can still stop it. */
function run(cmd: string, args: string[], options: { env: NodeJS.ProcessEnv; cwd: string }): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, options, (err, _stdout, stderr) => {
      running.delete(child);
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${stderr || err.message}`));
      else resolve();
    });
    running.add(child);
  });
}

/** The jupyter command if nbconvert is installed (Debian: jupyter-nbconvert + jupyter-client). */
function findJupyter(): string | undefined {
  for (const candidate of ['/usr/bin/jupyter', 'jupyter']) {
    const probe = spawnSync(candidate, ['nbconvert', '--version'], { encoding: 'utf8' });
    if (probe.status === 0) return candidate;
  }
  return undefined;
}

describe('runner cross-check with jupyter nbconvert --execute @slow', function () {
  this.timeout(120000);
  let jupyter: string | undefined;
  let dir: string;

  before(function () {
    jupyter = findJupyter();
    if (!jupyter) {
      console.log('      (skipped: `jupyter nbconvert` is not installed; apt install jupyter-nbconvert jupyter-client)');
      this.skip();
    }
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-nbconvert-'));
    // A tslab kernelspec in a private JUPYTER_PATH, running the project's tslab with this node.
    const spec = path.join(dir, 'jupyter', 'kernels', 'tslab');
    fs.mkdirSync(spec, { recursive: true });
    fs.writeFileSync(
      path.join(spec, 'kernel.json'),
      JSON.stringify({ argv: [process.execPath, path.join(ROOT, 'node_modules', 'tslab', 'bin', 'tslab'), 'kernel', '--config-path', '{connection_file}'], display_name: 'TypeScript', language: 'typescript' }),
    );
  });
  after(() => {
    for (const child of running) child.kill('SIGKILL');
    // nbconvert's kernels keep their connection files in our JUPYTER_RUNTIME_DIR: stop any left.
    const left = dir ? spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean) : [];
    for (const pid of left) process.kill(Number(pid), 'SIGKILL');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs a fixture through nbconvert and through our runner (same kernelspec), in parallel. */
  async function both(name: string, allowErrors: boolean): Promise<{ theirs: Notebook; ours: Notebook }> {
    const input = path.join(dir, `${name}.ipynb`);
    fs.copyFileSync(path.join(FIXTURES, `${name}.ipynb`), input);
    const env = { ...process.env, JUPYTER_PATH: path.join(dir, 'jupyter'), JUPYTER_RUNTIME_DIR: path.join(dir, 'runtime') };
    const args = ['nbconvert', '--to', 'notebook', '--execute', '--output', `${name}.nbconvert`, ...(allowErrors ? ['--allow-errors'] : []), input];
    const [, result] = await Promise.all([
      run(jupyter!, args, { env, cwd: dir }),
      executeNotebook(input, { allowErrors, kernelspecDirs: [path.join(dir, 'jupyter', 'kernels')] }),
    ]);
    assert.equal((result.notebook.metadata.digit_lab as any).run.kernel.source, path.join(dir, 'jupyter', 'kernels', 'tslab'), 'we used the registered kernelspec');
    return { theirs: JSON.parse(fs.readFileSync(path.join(dir, `${name}.nbconvert.ipynb`), 'utf8')), ours: result.notebook };
  }

  it('gives the same outputs for every output type, display updates and clear_output', async () => {
    const { theirs, ours } = await both('outputs', false);
    assert.deepEqual(normaliseForCrossCheck(ours), normaliseForCrossCheck(theirs));
    // Our notebook passes nbformat's own schema validation.
    const file = path.join(dir, 'ours.ipynb');
    fs.writeFileSync(file, serializeNotebook(ours));
    const check = spawnSync('/usr/bin/python3', ['-c', 'import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], as_version=4))', file], { encoding: 'utf8' });
    assert.equal(check.status, 0, check.stderr);
  });

  it('gives the same outputs up to the first error (our error outputs hold the same stderr text)', async () => {
    const { theirs, ours } = await both('errors', true);
    // nbclient sends the next request at once, inside the 200 ms in which tslab aborts requests
    // after an error, so nbconvert's later cells come back empty; we wait and retry. Compare
    // the cells up to and including the first failure.
    const upToFirstError = 2;
    assert.deepEqual(normaliseForCrossCheck(ours).slice(0, upToFirstError), normaliseForCrossCheck(theirs).slice(0, upToFirstError));
    assert.match(String((normaliseForCrossCheck(ours)[1][0] as any).text), /not assignable/);
  });
});
