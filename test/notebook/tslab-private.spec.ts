import { strict as assert } from 'assert';
import { readFileSync } from 'fs';
import * as path from 'path';
import { TSLAB_CHECKED_VERSION, TSLAB_JUPYTER_MODULE, TSLAB_WRITER_EXPORT } from '../../lib/notebook/tslab-private';

const TSLAB_DIR = path.dirname(require.resolve('tslab/package.json'));

function tslabFile(relative: string): string {
  return readFileSync(path.join(TSLAB_DIR, relative), 'utf8');
}

describe('notebook: tslab private API', () => {
  it('is used with the tslab version it was checked against', () => {
    const installed = (JSON.parse(tslabFile('package.json')) as { version: string }).version;
    assert.equal(
      installed,
      TSLAB_CHECKED_VERSION,
      `tslab ${installed} is installed, but lib/notebook/tslab-private.ts was checked against tslab ${TSLAB_CHECKED_VERSION}: ` +
        're-check the private API described in its header against the new tslab (dist/jupyter.js, dist/executor.js), ' +
        'then update TSLAB_CHECKED_VERSION',
    );
  });

  it('finds the private writer where the installed tslab keeps it', () => {
    const jupyterJs = path.join(TSLAB_DIR, 'dist', 'jupyter.js');
    assert.match(jupyterJs, TSLAB_JUPYTER_MODULE, 'the module-cache pattern matches the installed file');
    const source = tslabFile('dist/jupyter.js');
    assert.match(source, new RegExp(`\\bexports\\.${TSLAB_WRITER_EXPORT} = writeDisplayData;`), `jupyter.js sets ${TSLAB_WRITER_EXPORT} to the cell's writer`);
    const declaration = tslabFile('dist/jupyter.d.ts');
    assert.match(declaration, new RegExp(`\\b${TSLAB_WRITER_EXPORT}: \\(data: DisplayData, update: boolean\\) => void;`), 'the writer takes (content, update)');
  });

  it('finds the cell global that carries the kernel\'s require', () => {
    assert.match(tslabFile('dist/executor.js'), /globalThis\.__tslab__ = x;[\s\S]{0,40}\(\{\s*exports,\s*require: req,/);
  });
});
