import { strict as assert } from 'node:assert';
import type { Output } from '../../../lib/runner/document/nbformat';
import { coalesceStreams, OutputContext, pickMimeType, PLOTLY_MIME, renderMimeBundle, renderOutput } from '../../../lib/runner/html/outputs';
import { HeadingSlugger } from '../../../lib/runner/html/toc';

function context(): OutputContext {
  return { markdown: { slugger: new HeadingSlugger(), headings: [] }, usesPlotly: false, plotCount: 0 };
}

const ALL_TYPES = {
  [PLOTLY_MIME]: { data: [] },
  'text/html': '<b>h</b>',
  'text/markdown': '*m*',
  'image/svg+xml': '<svg></svg>',
  'text/latex': '$x$',
  'image/png': 'iVBORw0KGgo=',
  'image/jpeg': '/9j/4AA=',
  'application/json': { a: 1 },
  'text/plain': 'p',
};

describe('runner/html/outputs', () => {
  it('picks MIME types in nbconvert order with plotly first', () => {
    const order: string[] = [];
    const bundle: Record<string, unknown> = { ...ALL_TYPES };
    while (Object.keys(bundle).length) {
      const mime = pickMimeType(bundle)!;
      order.push(mime);
      delete bundle[mime];
    }
    assert.deepEqual(order, [PLOTLY_MIME, 'text/html', 'text/markdown', 'image/svg+xml', 'text/latex', 'image/png', 'image/jpeg', 'application/json', 'text/plain']);
    assert.equal(pickMimeType({ 'application/x-unknown': 1 }), null);
  });

  it('passes trusted HTML and SVG through', () => {
    assert.match(renderMimeBundle({ 'text/html': ['<table>', '<tr><td>1</td></tr></table>'] }, {}, context()), /<table><tr><td>1<\/td><\/tr><\/table>/);
    assert.match(renderMimeBundle({ 'image/svg+xml': '<svg id="s"></svg>' }, {}, context()), /<svg id="s"><\/svg>/);
  });

  it('escapes plain text', () => {
    const html = renderMimeBundle({ 'text/plain': "Tensor <float32> & 'x'" }, {}, context());
    assert.ok(html.includes('<pre>Tensor &lt;float32&gt; &amp; &#39;x&#39;</pre>'));
  });

  it('inlines PNG and JPEG as data URLs with their size metadata', () => {
    const png = renderMimeBundle({ 'image/png': 'iVBO\nRw0=\n' }, { 'image/png': { width: 112, height: 56 } }, context());
    assert.match(png, /<img src="data:image\/png;base64,iVBORw0=" width="112" height="56"/);
    const jpeg = renderMimeBundle({ 'image/jpeg': '/9j/4AA=' }, { width: '64' }, context());
    assert.match(jpeg, /<img src="data:image\/jpeg;base64,\/9j\/4AA=" width="64"/);
  });

  it('typesets text/latex and renders text/markdown', () => {
    assert.match(renderMimeBundle({ 'text/latex': '$$\\beta$$' }, {}, context()), /class="katex-display"/);
    assert.match(renderMimeBundle({ 'text/markdown': '**bold** $x$' }, {}, context()), /<strong>bold<\/strong>.*class="katex"/s);
  });

  it('keeps headings of markdown outputs out of the table of contents', () => {
    const ctx = context();
    const html = renderMimeBundle({ 'text/markdown': '## From output' }, {}, ctx);
    assert.match(html, /<h2 id="From-output">/);
    assert.deepEqual(ctx.markdown.headings, []);
  });

  it('pretty-prints and highlights application/json, escaped', () => {
    const html = renderMimeBundle({ 'application/json': { tag: '<b>', n: 2 } }, {}, context());
    assert.match(html, /<span class="hljs-attr">&quot;tag&quot;<\/span>/);
    assert.ok(html.includes('&quot;&lt;b&gt;&quot;'));
  });

  it('embeds a plotly figure as safe JSON and flags the page', () => {
    const ctx = context();
    const figure = { data: [{ y: [1, 2], name: '</script><b>' }], layout: { title: 'T' }, config: { displaylogo: true } };
    const html = renderMimeBundle({ [PLOTLY_MIME]: figure, 'text/html': '<div>fallback</div>' }, {}, ctx);
    assert.equal(ctx.usesPlotly, true);
    assert.match(html, /<div class="plotly-figure" id="plotly-figure-1"><\/div>/);
    assert.ok(!html.includes('</script><b>'), 'no early end of the data script');
    assert.ok(!html.includes('fallback'));
    const json = /<script type="application\/json"[^>]*>(.*)<\/script>/s.exec(html)![1];
    const payload = JSON.parse(json);
    assert.equal(payload.data[0].name, '</script><b>');
    assert.equal(payload.config.displaylogo, true, "the figure's own config wins");
    assert.equal(payload.config.responsive, true);
    renderMimeBundle({ [PLOTLY_MIME]: figure }, {}, ctx);
    assert.equal(ctx.plotCount, 2);
  });

  it('says so when no MIME type can be shown', () => {
    assert.match(renderMimeBundle({ 'application/x-widget': {} }, {}, context()), /application\/x-widget cannot be shown/);
  });

  it('renders streams with ANSI colours and stderr marked', () => {
    const html = renderOutput({ output_type: 'stream', name: 'stderr', text: ['\u001b[31mfail <x>\u001b[0m\n'] }, context());
    assert.match(html, /class="output-stream output-stderr"><pre><span class="ansi-red-fg">fail &lt;x&gt;<\/span>/);
  });

  it('renders errors from the traceback, or from name and value when it is empty', () => {
    const withTrace = renderOutput({ output_type: 'error', ename: 'TypeError', evalue: 'bad', traceback: ['\u001b[31mTypeError\u001b[0m: bad', '  at <cell>:1'] }, context());
    assert.match(withTrace, /class="output-error" data-ename="TypeError"><pre><span class="ansi-red-fg">TypeError<\/span>: bad\n  at &lt;cell&gt;:1<\/pre>/);
    const bare = renderOutput({ output_type: 'error', ename: 'Error', evalue: 'a < b', traceback: [] }, context());
    assert.match(bare, /<pre>Error: a &lt; b<\/pre>/);
  });

  it('joins consecutive streams of the same name only', () => {
    const outputs: Output[] = [
      { output_type: 'stream', name: 'stdout', text: 'progress 10%\r' },
      { output_type: 'stream', name: 'stdout', text: ['progress 100%\n'] },
      { output_type: 'stream', name: 'stderr', text: 'warn\n' },
      { output_type: 'stream', name: 'stdout', text: 'after\n' },
    ];
    const merged = coalesceStreams(outputs);
    assert.equal(merged.length, 3);
    assert.deepEqual(merged[0], { output_type: 'stream', name: 'stdout', text: 'progress 10%\rprogress 100%\n' });
    assert.match(renderOutput(merged[0], context()), /<pre>progress 100%\n<\/pre>/);
  });
});

describe('runner/html/outputs with a malformed plotly figure', () => {
  it('falls back to the next representation', () => {
    const ctx = context();
    const html = renderMimeBundle({ [PLOTLY_MIME]: '{not json', 'text/plain': 'Figure' }, {}, ctx);
    assert.match(html, /<pre>Figure<\/pre>/);
    assert.equal(ctx.usesPlotly, false);
  });
});
