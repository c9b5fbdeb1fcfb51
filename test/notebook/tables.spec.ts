import { strict as assert } from 'assert';
import { dataFrameHtml, formatCell, normalizeTable, tableText } from '../../lib/notebook/tables';

function cells(html: string, tag: 'td' | 'th'): string[] {
  return [...html.matchAll(new RegExp(`<${tag}(?: [^>]*)?>(.*?)</${tag}>`, "g"))].map((m) => m[1]);
}

describe('notebook: tables', () => {
  it('renders row objects: header from all keys, numbers right-aligned, text escaped', () => {
    const html = dataFrameHtml([{ digit: 0, count: 5923, note: '<b>x</b>' }, { digit: 1, count: 67420, extra: true }], { caption: 'counts & more' });
    assert.deepEqual(cells(html, 'th'), ['digit', 'count', 'note', 'extra']);
    assert.deepEqual(cells(html, 'td'), ['0', '5923', '&lt;b&gt;x&lt;/b&gt;', '', '1', '67,420', '', 'true']);
    assert.match(html, /<caption[^>]*>counts &amp; more<\/caption>/);
    assert.match(html, /<th style="[^"]*text-align:right[^"]*">count<\/th>/);
    assert.match(html, /<th style="[^"]*text-align:left[^"]*">note<\/th>/);
    assert.doesNotMatch(html, /<b>x/);
  });

  it('formats floats, percentages, arrays and missing values', () => {
    assert.equal(formatCell(0.123456, 'loss'), '0.1235');
    assert.equal(formatCell(0.98765, 'acc', { percentColumns: ['acc'] }), '98.77%');
    assert.equal(formatCell([null, 28, 28, 32], 'shape'), '[null, 28, 28, 32]');
    assert.equal(formatCell(undefined, 'x'), '');
    assert.equal(formatCell(1e-7, 'x'), '1.000e-7');
    assert.equal(formatCell(Infinity, 'x'), '∞');
  });

  it('renders a danfojs-node DataFrame and Series (index shown only when meaningful)', function () {
    this.timeout(30_000);
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const dfd = require('danfojs-node');
    const df = new dfd.DataFrame({ epoch: [1, 2], loss: [0.25, 0.125], acc: [0.9, 0.95] });
    const html = dataFrameHtml(df, { percentColumns: ['acc'] });
    assert.deepEqual(cells(html, 'th'), ['epoch', 'loss', 'acc']);
    assert.deepEqual(cells(html, 'td'), ['1', '0.2500', '90.00%', '2', '0.1250', '95.00%']);

    const labelled = new dfd.DataFrame({ n: [3, 4] }, { index: ['a', 'b'] });
    const withIndex = dataFrameHtml(labelled, { indexName: 'class' });
    assert.deepEqual(cells(withIndex, 'th'), ['class', 'n', 'a', 'b']);

    const series = new dfd.Series([5, 6], { index: ['x', 'y'] });
    const s = normalizeTable(series);
    assert.deepEqual(s.rows, [[5], [6]]);
    assert.deepEqual(s.index, ['x', 'y']);
  });

  it('picks and orders columns, naming a missing one', () => {
    const rows = [{ a: 1, b: 2, c: 3 }];
    assert.deepEqual(cells(dataFrameHtml(rows, { columns: ['c', 'a'] }), 'th'), ['c', 'a']);
    assert.throws(() => dataFrameHtml(rows, { columns: ['z'] }), /column "z" is not in the table \(columns: a, b, c\)/);
    assert.throws(() => dataFrameHtml([1, 2] as never), /table row 0 is number/);
    assert.throws(() => dataFrameHtml('x' as never), /DataFrame\/Series or an array of row objects/);
  });

  it('shortens long tables to head and tail around a gap line', () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ i }));
    const html = dataFrameHtml(rows, { maxRows: 6 });
    const shown = cells(html, 'td');
    assert.deepEqual(shown.filter((c) => /^\d+$/.test(c)), ['0', '1', '2', '97', '98', '99']);
    assert.ok(shown.some((c) => c.includes('94 more rows')));
  });

  it('renders aligned plain text', () => {
    const text = tableText([{ name: 'seed', params: 634154 }, { name: 'best', params: 12 }], { caption: 'models' });
    assert.equal(text, ['models', 'name   params', 'seed  634,154', 'best       12'].join('\n'));
  });
});
