import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { findKernelspec, kernelArgv, kernelspecSearchDirs } from '../../../lib/runner/kernel/kernelspec';

describe('runner/kernel/kernelspec', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kspec-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('searches JUPYTER_PATH first, then the user and system data dirs', () => {
    const dirs = kernelspecSearchDirs({ JUPYTER_PATH: `/a${path.delimiter}/b`, JUPYTER_DATA_DIR: '/user' });
    assert.deepEqual(dirs.slice(0, 3), ['/a/kernels', '/b/kernels', '/user/kernels']);
  });

  it('reads a registered kernelspec and fills {connection_file}', () => {
    fs.mkdirSync(path.join(dir, 'tslab'));
    fs.writeFileSync(path.join(dir, 'tslab', 'kernel.json'), JSON.stringify({ argv: ['tslab', 'kernel', '--config-path', '{connection_file}'], display_name: 'TS', language: 'typescript', interrupt_mode: 'message', env: { A: '1' } }));
    const spec = findKernelspec('tslab', [dir]);
    assert.equal(spec.source, path.join(dir, 'tslab'));
    assert.equal(spec.interrupt_mode, 'message');
    assert.deepEqual(spec.env, { A: '1' });
    assert.deepEqual(kernelArgv(spec, '/tmp/c.json'), ['tslab', 'kernel', '--config-path', '/tmp/c.json']);
  });

  it("falls back to the project's (patched) tslab run by this node when none is registered", () => {
    const spec = findKernelspec('tslab', [dir]);
    assert.equal(spec.source, 'local tslab');
    assert.equal(spec.argv[0], process.execPath);
    const entry = spec.argv[spec.argv.length - 3];
    assert.match(path.basename(entry), /^tslab-entry\.(ts|js)$/);
    assert.ok(fs.existsSync(entry), `${entry} exists`);
    assert.deepEqual(spec.argv.slice(-2), ['--config-path', '{connection_file}']);
    assert.deepEqual(findKernelspec('jslab', [dir]).argv.slice(-1), ['--js']);
  });

  it('names the file for a broken kernel.json and the places searched for an unknown kernel', () => {
    fs.mkdirSync(path.join(dir, 'bad'));
    fs.writeFileSync(path.join(dir, 'bad', 'kernel.json'), '{"argv": []}');
    assert.throws(() => findKernelspec('bad', [dir]), new RegExp(`${path.join(dir, 'bad', 'kernel.json')}: "argv" must be`));
    assert.throws(() => findKernelspec('python9', [dir]), new RegExp(`no kernel named "python9": searched ${dir}`));
  });
});
