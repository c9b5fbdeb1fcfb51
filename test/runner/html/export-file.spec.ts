import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { exportNotebookFileToHtml } from '../../../lib/runner/html/export-file';
import { codeCell, markdownCell, notebook } from '../../fixtures/html/sample-notebook';

describe('runner/html/export-file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'digit-lab-export-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes NAME.html beside the notebook, titled by file name, with local images inlined', async () => {
    writeFileSync(path.join(dir, 'chart.png'), Buffer.from('PNG!'));
    const file = path.join(dir, 'My Run.ipynb');
    writeFileSync(file, JSON.stringify(notebook([markdownCell('no heading ![c](chart.png)'), codeCell('1', [])])));
    const out = await exportNotebookFileToHtml(file);
    assert.equal(out, path.join(dir, 'My Run.html'));
    const html = readFileSync(out, 'utf8');
    assert.ok(html.includes('<title>My Run</title>'));
    assert.ok(html.includes(`src="data:image/png;base64,${Buffer.from('PNG!').toString('base64')}"`));
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), [], 'no temp file left');
  });

  it('writes where it is told, with the given options', async () => {
    const file = path.join(dir, 'a.ipynb');
    writeFileSync(file, JSON.stringify(notebook([codeCell('SECRET', [{ output_type: 'stream', name: 'stdout', text: 'shown' }])])));
    const out = await exportNotebookFileToHtml(file, path.join(dir, 'out', 'report.html'), { noInput: true });
    const html = readFileSync(out, 'utf8');
    assert.ok(!html.includes('SECRET') && html.includes('shown'));
  });

  it('names the file when the notebook is not valid', async () => {
    const file = path.join(dir, 'bad.ipynb');
    writeFileSync(file, '{ not json');
    await assert.rejects(exportNotebookFileToHtml(file), (err: Error) => err.message.startsWith(`${file}: not valid JSON`));
    await assert.rejects(exportNotebookFileToHtml(path.join(dir, 'missing.ipynb')), /missing\.ipynb: cannot read notebook \(ENOENT\)/);
  });

  it('refuses to overwrite the notebook itself', async () => {
    const file = path.join(dir, 'x.ipynb');
    writeFileSync(file, JSON.stringify(notebook([])));
    await assert.rejects(exportNotebookFileToHtml(file, file), /would overwrite the notebook/);
  });
});
