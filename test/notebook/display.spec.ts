import { strict as assert } from 'assert';
import {
  type DisplayDataWriter,
  type DisplayEnvironment,
  displayBundle,
  encodeBundle,
  findTslabWriter,
  pickSingleMime,
  sendBundle,
} from '../../lib/notebook/display';
import { classDistributionFigure } from '../../lib/notebook/figures';
import { PLOTLY_MIME_TYPE, figureBundle, imageGridBundle, showFigure, tableBundle } from '../../lib/notebook/show';

type Sent = { content: Parameters<DisplayDataWriter>[0]; update: boolean };

function bundleEnv(): { env: DisplayEnvironment; sent: Sent[]; printed: string[] } {
  const sent: Sent[] = [];
  const printed: string[] = [];
  return { env: { kind: 'bundle', writer: (content, update) => sent.push({ content, update }), print: (t) => printed.push(t) }, sent, printed };
}

describe('notebook: display', () => {
  it('finds tslab\'s live writer in the module cache, whatever copy of tslab the kernel uses', () => {
    const writer: DisplayDataWriter = () => undefined;
    assert.equal(findTslabWriter({ '/x/node_modules/tslab/dist/jupyter.js': { exports: { lastWriteDisplayData: null } } }), null, 'not ready yet');
    assert.equal(findTslabWriter({ '/x/tslab/dist/public.js': { exports: { lastWriteDisplayData: writer } } }), null, 'other module');
    assert.equal(findTslabWriter({
      '/a/node_modules/tslab/dist/jupyter.js': { exports: { lastWriteDisplayData: null } },
      'C:\\global\\tslab\\dist\\jupyter.js': { exports: { lastWriteDisplayData: writer } },
    }), writer);
  });

  it('sends every MIME type in one display_data, binary as base64, with text/plain added', () => {
    const { env, sent } = bundleEnv();
    const kind = sendBundle({ 'text/html': '<b>x</b>', 'image/png': new Uint8Array([1, 2, 3]), 'application/json': { a: 1 } }, {}, env);
    assert.equal(kind, 'bundle');
    assert.equal(sent.length, 1);
    assert.equal(sent[0].update, false);
    assert.deepEqual(sent[0].content.data, {
      'text/plain': '<text/html, image/png, application/json>',
      'text/html': '<b>x</b>',
      'image/png': 'AQID',
      'application/json': { a: 1 },
    });
    assert.deepEqual(sent[0].content.transient, {});
  });

  it('prints text when the internal writer throws instead of breaking the cell', () => {
    const printed: string[] = [];
    const env: DisplayEnvironment = { kind: 'bundle', writer: () => { throw new Error('socket closed'); }, print: (t) => printed.push(t) };
    assert.equal(sendBundle({ 'text/html': '<p>x</p>', 'text/plain': 'x' }, {}, env), 'text');
    assert.deepEqual(printed, ['x']);
  });

  it('updates an output in place only when it has a display id', () => {
    const { env, sent } = bundleEnv();
    sendBundle({ 'text/plain': 'a' }, { displayId: 'p1' }, env);
    sendBundle({ 'text/plain': 'b' }, { displayId: 'p1', update: true }, env);
    sendBundle({ 'text/plain': 'c' }, { update: true }, env);
    assert.deepEqual(sent.map((s) => [s.content.transient.display_id, s.update]), [['p1', false], ['p1', true], [undefined, false]]);
  });

  it('falls back to one MIME type (HTML first) with the public API, and to text if that fails', () => {
    const calls: [string, unknown][] = [];
    const printed: string[] = [];
    const env: DisplayEnvironment = { kind: 'single-mime', publicApi: { raw: (m, d) => calls.push([m, d]) }, print: (t) => printed.push(t) };
    const bundle = figureBundle(classDistributionFigure([1]));
    assert.equal(sendBundle(bundle, {}, env), 'single-mime');
    assert.equal(calls[0][0], 'text/html');
    assert.match(String(calls[0][1]), /<img src="data:image\/svg\+xml;base64,/);

    const failing: DisplayEnvironment = { kind: 'single-mime', publicApi: { raw: () => { throw new Error('Not ready'); } }, print: (t) => printed.push(t) };
    assert.equal(sendBundle(bundle, {}, failing), 'text');
    assert.match(printed[0], /^<Figure: Examples per class/);
  });

  it('keeps one public-API display per id so progress updates overwrite', () => {
    const made: string[][] = [];
    const api = {
      raw: () => undefined,
      newDisplay: () => {
        const log: string[] = [];
        made.push(log);
        return { raw: (_m: string, d: string | Uint8Array) => log.push(String(d)) };
      },
    };
    const env: DisplayEnvironment = { kind: 'single-mime', publicApi: api, print: () => undefined };
    sendBundle({ 'text/plain': 'one' }, { displayId: 'z9' }, env);
    sendBundle({ 'text/plain': 'two' }, { displayId: 'z9', update: true }, env);
    assert.deepEqual(made, [['one', 'two']]);
  });

  it('prints text/plain outside a kernel and never throws there', () => {
    const printed: string[] = [];
    const original = console.log;
    console.log = (...args: unknown[]) => printed.push(args.join(' '));
    try {
      displayBundle({ 'text/html': '<i>x</i>', 'text/plain': 'plain x' });
      showFigure(classDistributionFigure([2]));
    } finally {
      console.log = original;
    }
    assert.deepEqual(printed, ['plain x', '<Figure: Examples per class (1 trace)>']);
    assert.throws(() => displayBundle({}), /at least one MIME type/);
  });

  it('picks the single most useful MIME type', () => {
    assert.equal(pickSingleMime({ 'text/plain': 'a', 'image/png': 'b' }), 'image/png');
    assert.equal(pickSingleMime({ [PLOTLY_MIME_TYPE]: {}, 'text/plain': 'a', 'text/html': 'h' }), 'text/html');
    assert.equal(pickSingleMime({ 'application/x-custom': 'z' }), 'application/x-custom');
    assert.equal(pickSingleMime({ 'application/json': { a: 1 } }), null);
  });

  it('builds figure, table and image bundles with plain JSON and text parts', () => {
    const fig = figureBundle(classDistributionFigure(new Uint8Array([1, 1])));
    const json = fig[PLOTLY_MIME_TYPE] as { data: { y: number[] }[]; config: object };
    assert.deepEqual(json.data[0].y, [0, 2, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert.ok(json.config, 'config travels with the figure');
    assert.throws(() => figureBundle({} as never), /needs `data`/);
    const table = tableBundle([{ a: 1 }]);
    assert.match(String(table['text/html']), /<table/);
    assert.equal(table['text/plain'], 'a\n1');
    const grid = imageGridBundle(new Uint8Array(784), [0]);
    assert.equal(grid['text/plain'], '<1 images>');
    assert.deepEqual(Object.keys(encodeBundle({ a: undefined, b: 'x' })), ['b']);
  });
});
