import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { outputPaths } from '../../../lib/runner/files';
import { readNotebook, writeFileAtomic } from '../../../lib/runner/document/io';

describe('runner/notebook-io', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nbio-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports unreadable, non-JSON and non-notebook files by name', async () => {
    const file = path.join(dir, 'x.ipynb');
    await assert.rejects(readNotebook(file), new RegExp(`${file}: cannot read notebook \\(ENOENT\\)`));
    fs.writeFileSync(file, '{oops');
    await assert.rejects(readNotebook(file), new RegExp(`${file}: not valid JSON`));
    fs.writeFileSync(file, JSON.stringify({ nbformat: 3, cells: [] }));
    await assert.rejects(readNotebook(file), /nbformat 3 is not supported/);
    fs.writeFileSync(file, JSON.stringify({ nbformat: 4, cells: [{ cell_type: 'code' }] }));
    await assert.rejects(readNotebook(file), /cell 1 has no source/);
  });

  it('fills optional fields of a minimal notebook', async () => {
    const file = path.join(dir, 'min.ipynb');
    fs.writeFileSync(file, JSON.stringify({ nbformat: 4, cells: [{ cell_type: 'code', source: '1' }] }));
    const nb = await readNotebook(file);
    assert.deepEqual(nb.cells[0], { cell_type: 'code', source: '1', metadata: {}, outputs: [], execution_count: null });
  });

  it('replaces files whole and leaves no temp files', async () => {
    const file = path.join(dir, 'sub', 'out.html');
    await writeFileAtomic(file, 'first');
    await writeFileAtomic(file, 'second');
    assert.equal(fs.readFileSync(file, 'utf8'), 'second');
    assert.deepEqual(fs.readdirSync(path.dirname(file)), ['out.html']);
  });

  it('keeps the old file when the new one cannot be written', async () => {
    const file = path.join(dir, 'out.ipynb');
    fs.writeFileSync(file, 'good');
    // A directory where the temp file's folder should be makes the write fail before the rename.
    await assert.rejects(writeFileAtomic(path.join(file, 'nested'), 'x'), /cannot write|ENOTDIR|EEXIST/);
    assert.equal(fs.readFileSync(file, 'utf8'), 'good');
  });

  it('derives DIR/NAME.ipynb and .html, and refuses to overwrite the input', () => {
    assert.deepEqual(outputPaths('/n/a.ipynb', {}), { ipynbPath: '/n/a.out.ipynb', htmlPath: '/n/a.out.html' });
    assert.deepEqual(outputPaths('/n/a.ipynb', { outputDir: '/r', output: 'rep.html' }), { ipynbPath: '/r/rep.ipynb', htmlPath: '/r/rep.html' });
    assert.throws(() => outputPaths('/n/a.ipynb', { output: 'a' }), /would overwrite the input/);
    assert.throws(() => outputPaths('/n/a.ipynb', { output: 'x/y' }), /without folders/);
  });
});
