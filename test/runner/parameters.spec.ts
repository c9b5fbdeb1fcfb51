import { strict as assert } from 'assert';
import { CodeCell, Notebook } from '../../lib/runner/document/nbformat';
import { declaredNames, declaredParameters, injectParameters, parseParameterPairs, parseParameterValue } from '../../lib/runner/parameters';
import { nearestName } from '../../lib/runner/preflight';

const code = (source: string, tags?: string[]): CodeCell => ({ cell_type: 'code', source, metadata: tags ? { tags } : {}, execution_count: null, outputs: [] });
const nb = (...cells: CodeCell[]): Notebook => ({ nbformat: 4, nbformat_minor: 4, metadata: {}, cells });
const src = (cell: Notebook['cells'][number]) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

describe('runner/parameters', () => {
  it('types command-line values: number, boolean, null, JSON, else string', () => {
    assert.equal(parseParameterValue('3'), 3);
    assert.equal(parseParameterValue('-0.5e-3'), -0.0005);
    assert.equal(parseParameterValue('true'), true);
    assert.equal(parseParameterValue('false'), false);
    assert.equal(parseParameterValue('null'), null);
    assert.deepEqual(parseParameterValue('{"a":[1,2]}'), { a: [1, 2] });
    assert.deepEqual(parseParameterValue('[1, "x"]'), [1, 'x']);
    assert.equal(parseParameterValue('"quoted"'), 'quoted');
    assert.equal(parseParameterValue('cnn'), 'cnn');
    assert.equal(parseParameterValue('{not json'), '{not json');
    assert.equal(parseParameterValue('1.2.3'), '1.2.3');
  });

  it('pairs NAME VALUE arguments and rejects odd counts and bad names', () => {
    assert.deepEqual(parseParameterPairs(['a', '1', 'b', 'x']), { a: 1, b: 'x' });
    assert.throws(() => parseParameterPairs(['a']), /NAME VALUE pairs/);
    assert.throws(() => parseParameterPairs(['not-valid', '1']), /not a valid TypeScript identifier/);
  });

  it('finds let/var/const declarations, ignoring comments', () => {
    const names = declaredNames('let epochs: number = 1;\nconst rate = 0.1; var old = 2\n// let commented = 3\nexport let exported = 1;');
    assert.deepEqual([...names], [['epochs', 'let'], ['rate', 'const'], ['old', 'var'], ['exported', 'let']]);
  });

  it('reads the kind of value each declaration admits, from its type or else its literal', () => {
    const decls = declaredParameters(
      'let epochs: number = 5;\nlet model: "cnn" | "mlp" = "cnn"; const rate = 0.1\nlet a = "x;y", b = [1, 2], c = { k: 1 };\n' +
        '/* let hidden = 1 */ let maybe: string | null = null;\nlet list: Array<number> = [];\nlet fn: (x: number) => number = (x) => x;\nlet call = make();\nlet flag = false;',
    );
    const kinds = Object.fromEntries([...decls].map(([name, d]) => [name, d.kinds]));
    assert.deepEqual(kinds, {
      epochs: ['number'],
      model: ['string'],
      rate: ['number'],
      a: ['string'],
      b: ['array'],
      c: ['object'],
      maybe: ['string', 'null'],
      list: ['array'],
      fn: undefined,
      call: undefined,
      flag: ['boolean'],
    });
    assert.equal(decls.get('model')!.type, '"cnn" | "mlp"');
    assert.equal(decls.get('a')!.initializer, '"x;y"');
  });

  it('suggests the known name a typo was meant to be, and nothing for a different name', () => {
    assert.equal(nearestName('epoch', ['epochs', 'model']), 'epochs');
    assert.equal(nearestName('BatchSize', ['batchSize']), 'batchSize');
    assert.equal(nearestName('nosuch', ['epochs', 'model']), undefined);
  });

  it('injects after the parameters cell: assigns let/var names, redeclares const and unknown names', () => {
    const out = injectParameters(nb(code('a'), code('let epochs = 1;\nconst rate = 0.1;', ['parameters']), code('b')), { epochs: 5, rate: 0.5, extra: { k: [1] } });
    assert.equal(out.cells.length, 4);
    assert.deepEqual(out.cells[2].metadata.tags, ['injected-parameters']);
    assert.equal(src(out.cells[2]), '// Parameters injected by nbconvert-ts-runner\nepochs = 5;\nconst rate = 0.5;\nconst extra = {"k":[1]};');
    assert.equal(out.cells[2].id, undefined, 'no cell ids before nbformat 4.5');
  });

  it('injects at the top without a parameters cell, replaces an earlier injected cell, and adds ids for 4.5', () => {
    const first = injectParameters({ ...nb(code('a')), nbformat_minor: 5 }, { x: 1 });
    assert.deepEqual(first.cells[0].metadata.tags, ['injected-parameters']);
    assert.match(first.cells[0].id!, /^[A-Za-z0-9_-]+$/);
    const again = injectParameters(first, { x: 2 });
    assert.equal(again.cells.length, 2);
    assert.match(src(again.cells[0]), /const x = 2;/);
    assert.equal(injectParameters(first, {}), first, 'no parameters: unchanged');
  });
});
