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

  it("registers this checkout's tslab as the TypeScript kernel (--no-open), where Jupyter then finds it", function () {
    this.timeout(60000);
    const env = { ...process.env, JUPYTER_DATA_DIR: dataDir };
    const run = spawnSync(process.execPath, [CLI, 'lab', '--no-open'], { env, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const spec = JSON.parse(fs.readFileSync(path.join(dataDir, 'kernels', 'tslab', 'kernel.json'), 'utf8'));
    assert.equal(spec.language, 'typescript');
    assert.equal(spec.argv[0], path.join(ROOT, 'node_modules', '.bin', 'tslab'));
    assert.ok(fs.existsSync(spec.argv[0]), `${spec.argv[0]} exists`);
    assert.deepEqual(spec.argv.slice(1), ['kernel', '--config-path', '{connection_file}']);
    const list = spawnSync(findJupyterPython()!, ['-c', 'from jupyter_client.kernelspec import KernelSpecManager as K; print(K().find_kernel_specs()["tslab"])'], { env, encoding: 'utf8' });
    assert.equal(list.stdout.trim(), path.join(dataDir, 'kernels', 'tslab'), list.stderr);
  });
});
