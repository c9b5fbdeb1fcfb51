import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';

const NOTEBOOKS = path.resolve(__dirname, '..', '..', 'notebooks');

/** `value` with every object's keys sorted, as Python's json.dumps(sort_keys=True) orders them. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** The bytes Jupyter's server writes for `nb` on save (nbformat.write: sorted keys, indent 1, final newline). */
function asJupyterWrites(nb: unknown): string {
  return `${JSON.stringify(sortKeys(nb), null, 1)}\n`;
}

/** The language_info tslab's kernel_info_reply carries; Lab copies it into the notebook on open. */
function tslabLanguageInfo(): unknown {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { JupyterHandlerImpl } = require('tslab/dist/jupyter');
  return new JupyterHandlerImpl(null, false).handleKernel().language_info;
}

describe('the committed notebooks are stored as Jupyter writes them (opening one changes nothing)', () => {
  const files = fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb'));

  it('there are notebooks to check', () => assert.ok(files.length > 0));

  for (const file of files) {
    it(`${file}: key order, indentation and final newline as nbformat.write produces`, () => {
      const text = fs.readFileSync(path.join(NOTEBOOKS, file), 'utf8');
      assert.ok(text === asJupyterWrites(JSON.parse(text)), `${file} differs from what Jupyter would save; rewrite it with nbformat.write`);
    });

    it(`${file}: language_info exactly as the tslab kernel reports it, so Lab does not mark it modified`, () => {
      const nb = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, file), 'utf8'));
      assert.deepEqual(nb.metadata.language_info, tslabLanguageInfo());
    });

    it(`${file}: no outputs or execution counts are stored`, () => {
      const nb = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS, file), 'utf8'));
      for (const cell of nb.cells.filter((c: { cell_type: string }) => c.cell_type === 'code')) {
        assert.deepEqual([cell.outputs, cell.execution_count], [[], null], `cell ${cell.id}`);
      }
    });
  }
});
