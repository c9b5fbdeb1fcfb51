import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findJupyterPython } from '../../../lib/cli/lab';
import { skipIf } from '../../helpers/skip';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const SCRIPT = path.join(__dirname, 'fixtures', 'kernel-requests.py');

/** Registers a kernel named `name` under `jupyterPath` that runs `code` (with tsx) on the connection file. */
function registerKernel(jupyterPath: string, name: string, code: string): void {
  const dir = path.join(jupyterPath, 'kernels', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify({
    argv: [process.execPath, '-r', require.resolve('tsx/cjs'), '-e', code, '{connection_file}'],
    display_name: name,
    language: 'typescript',
  }));
}

/** What jupyter_client saw talking to kernel `name` as Lab's console would. */
function talkTo(python: string, jupyterPath: string, name: string, waitSeconds: number) {
  const run = spawnSync(python, [SCRIPT, name, String(waitSeconds)], { cwd: ROOT, encoding: 'utf8', timeout: 120000, env: { ...process.env, JUPYTER_PATH: jupyterPath } });
  assert.equal(run.status, 0, `kernel-requests.py failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as {
    history: { msg_type: string; content: unknown } | null;
    comm: { msg_type: string; content: unknown } | null;
    streams: string[];
  };
}

describe('runner/kernel the patched tslab (what digit-lab lab registers and the runner starts) @slow', () => {
  let python: string | null;
  let jupyterPath: string;

  before(function () {
    python = findJupyterPython();
    skipIf(this, python ? null : 'no Python with jupyter_client here (Debian: apt-get install jupyter-client)');
    jupyterPath = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-kernel-requests-'));
    const entry = JSON.stringify(path.join(ROOT, 'lib', 'runner', 'kernel', 'tslab-kernel.ts'));
    registerKernel(jupyterPath, 'patched', `require(${entry}).startTslabKernel(process.argv[1])`);
    registerKernel(jupyterPath, 'stock', `require('tslab/dist/main').startKernel({ configPath: process.argv[1], enableFindLocal: false })`);
  });
  after(() => jupyterPath && fs.rmSync(jupyterPath, { recursive: true, force: true }));

  it("answers Lab's console requests (history, comm info) with no error text in any cell", function () {
    this.timeout(180000);
    const seen = talkTo(python!, jupyterPath, 'patched', 30);
    assert.deepEqual(seen.history, { msg_type: 'history_reply', content: { status: 'ok', history: [] } });
    assert.deepEqual(seen.comm, { msg_type: 'comm_info_reply', content: { status: 'ok', comms: {} } });
    assert.equal(seen.streams.join(''), 'after\n');
  });

  it('stock tslab is what the patch is for: history_request leaves "unknown msg_type" in a cell', function () {
    this.timeout(180000);
    // The control: if tslab ever answers these itself, the patch (and this test) can go.
    const seen = talkTo(python!, jupyterPath, 'stock', 3);
    assert.equal(seen.history, null, 'stock tslab does not answer history_request');
    assert.match(seen.streams.join(''), /unknown msg_type: history_request/);
  });
});
