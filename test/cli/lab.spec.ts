import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findJupyterPython } from '../../lib/cli/lab';
import { skipIf } from '../helpers/skip';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'bin', 'digit-lab.js');

describe('digit-lab lab @slow', () => {
  let dataDir: string;

  before(function () {
    skipIf(this, findJupyterPython() ? null : 'no Python with jupyter_client here (Debian: apt-get install jupyter-client)');
    skipIf(this, fs.existsSync(path.join(ROOT, 'dist', 'lib', 'cli', 'main.js')) ? null : 'dist/ is not built (npm run build)');
  });
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-lab-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it("registers this checkout's tslab, through `digit-lab kernel`, as the only new kernel (--no-open), where Jupyter finds it", function () {
    this.timeout(60000);
    const env = { ...process.env, JUPYTER_DATA_DIR: dataDir };
    const run = spawnSync(process.execPath, [CLI, 'lab', '--no-open'], { env, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const spec = JSON.parse(fs.readFileSync(path.join(dataDir, 'kernels', 'tslab', 'kernel.json'), 'utf8'));
    assert.equal(spec.language, 'typescript');
    assert.deepEqual(spec.argv, [process.execPath, CLI, 'kernel', '--config-path', '{connection_file}']);
    // Only the TypeScript kernel: `tslab install` would add a JavaScript one too.
    assert.deepEqual(fs.readdirSync(path.join(dataDir, 'kernels')), ['tslab']);
    const list = spawnSync(findJupyterPython()!, ['-c', 'from jupyter_client.kernelspec import KernelSpecManager as K; print(K().find_kernel_specs()["tslab"])'], { env, encoding: 'utf8' });
    assert.equal(list.stdout.trim(), path.join(dataDir, 'kernels', 'tslab'), list.stderr);
    // And it starts, runs cells and answers Lab's console (what test/runner/kernel/tslab-kernel covers in depth).
    const script = path.join(ROOT, 'test', 'runner', 'kernel', 'fixtures', 'kernel-requests.py');
    const talk = spawnSync(findJupyterPython()!, [script, 'tslab', '30'], { env, cwd: ROOT, encoding: 'utf8', timeout: 120000 });
    assert.equal(talk.status, 0, talk.stderr);
    const seen = JSON.parse(talk.stdout.trim().split('\n').pop()!);
    assert.equal(seen.history?.msg_type, 'history_reply');
    assert.equal(seen.streams.join(''), 'after\n');
  });
});
