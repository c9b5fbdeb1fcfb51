/**
 * The walkthrough's data cell offline: with nothing cached and the mirror unreachable, `auto`
 * falls back to the embedded digits and says why once, in the table, not again on stderr.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { executeNotebook } from '../../lib/runner';
import { PROJECT_ROOT, createProjectSandbox, ensureLibraryBuilt, joinText, type ProjectSandbox } from './helpers';

describe('the walkthrough offline: the download failure is told once @slow', function () {
  this.timeout(180_000);
  let sandbox: ProjectSandbox | undefined;
  const saved = { dir: process.env.DIGIT_LAB_DATA_DIR, mirror: process.env.DIGIT_LAB_MNIST_MIRROR };

  before(() => {
    ensureLibraryBuilt();
    sandbox = createProjectSandbox('digit-lab-e2e-offline-');
  });
  after(() => {
    for (const [key, value] of [['DIGIT_LAB_DATA_DIR', saved.dir], ['DIGIT_LAB_MNIST_MIRROR', saved.mirror]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    sandbox?.cleanup();
  });

  it('shows the reason in the "notes" row and writes nothing to stderr', async () => {
    const nb = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'notebooks', 'Digit_Recognizer.ipynb'), 'utf8'));
    const dataCell = nb.cells.findIndex((c: { source: string[] | string }) => joinText(c.source).includes('loadMnist('));
    assert.ok(dataCell > 0, 'the walkthrough has a data cell');
    nb.cells = nb.cells.slice(0, dataCell + 1);
    const file = path.join(sandbox!.notebooksDir, 'data-only.ipynb');
    fs.writeFileSync(file, JSON.stringify(nb));
    // The kernel inherits these: an empty cache, and a mirror nothing answers on.
    process.env.DIGIT_LAB_DATA_DIR = path.join(sandbox!.root, 'empty-cache');
    process.env.DIGIT_LAB_MNIST_MIRROR = 'http://127.0.0.1:9/mnist/';
    const result = await executeNotebook(file, { parameters: { dataSource: 'auto' } });
    assert.equal(result.ok, true, result.error?.message);
    const last = result.notebook.cells[result.notebook.cells.length - 1];
    assert.equal(last.cell_type, 'code');
    const outputs = (last as { outputs: unknown[] }).outputs as { output_type: string; name?: string; data?: Record<string, unknown> }[];
    assert.deepEqual(outputs.filter((o) => o.output_type === 'stream' && o.name === 'stderr').map((o) => o), [], 'nothing on stderr');
    const html = outputs.map((o) => joinText(o.data?.['text/html'])).join('');
    assert.equal(html.split('download failed').length - 1, 1, 'the reason appears once');
    assert.match(html, /notes/);
    assert.match(html, /127\.0\.0\.1:9/);
  });
});
