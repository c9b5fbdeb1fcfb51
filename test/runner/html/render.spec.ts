import { strict as assert } from 'node:assert';
import { renderNotebookHtml } from '../../../lib/runner/html';
import { plotlyScript } from '../../../lib/runner/html/assets';
import type { Notebook } from '../../../lib/runner/document/nbformat';
import { codeCell, display, markdownCell, notebook, SAMPLE_PLOTLY, sampleNotebook } from '../../fixtures/html/sample-notebook';

/** The page without the contents of its script elements (JS and JSON are text, not loads). */
function withoutScriptBodies(html: string): string {
  return html.replace(/(<script\b[^>]*>)[\s\S]*?(<\/script>)/gi, '$1$2');
}

/** Every attribute or CSS reference in the page that would load or link something remote. */
function remoteReferences(html: string): string[] {
  const page = withoutScriptBodies(html);
  const found: string[] = [];
  for (const m of page.matchAll(/\b(src|href|srcset|poster|action|data)\s*=\s*["']?\s*((?:https?:)?\/\/[^"'\s>]*)/gi)) found.push(m[0]);
  for (const m of page.matchAll(/url\(\s*["']?\s*((?:https?:)?\/\/[^)"']*)/gi)) found.push(m[0]);
  for (const m of page.matchAll(/@import[^;]*/gi)) found.push(m[0]);
  for (const m of page.matchAll(/<(link|script)\b[^>]*\b(href|src)=[^>]*>/gi)) found.push(m[0]);
  return found;
}

function occurrences(haystack: string, needle: string): number {
  let count = 0;
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + needle.length)) count += 1;
  return count;
}

describe('runner/html/render renderNotebookHtml', () => {
  let sampleHtml: string;
  before(() => {
    sampleHtml = renderNotebookHtml(sampleNotebook(), { footer: { parameters: { epochs: 3 } } });
  });

  it('is a complete document with nothing loaded from outside the page', () => {
    assert.ok(sampleHtml.startsWith('<!DOCTYPE html>'));
    assert.ok(sampleHtml.trimEnd().endsWith('</html>'));
    assert.deepEqual(remoteReferences(sampleHtml), []);
  });

  it('finds remote references when they are there (the check itself works)', () => {
    const html = '<img src="https://x/y.png"><div style="background:url(//cdn/z.png)"></div><script src="http://cdn/p.js"></script><script>var a="https://ok";</script>';
    assert.equal(remoteReferences(html).length, 4);
  });

  it('embeds plotly.js once, and only when a plotly output exists', () => {
    const marker = plotlyScript().slice(0, 300);
    assert.equal(occurrences(sampleHtml, marker), 1);
    const twoCharts = notebook([
      codeCell('a', [display({ 'application/vnd.plotly.v1+json': SAMPLE_PLOTLY })]),
      codeCell('b', [display({ 'application/vnd.plotly.v1+json': SAMPLE_PLOTLY })]),
    ]);
    const html = renderNotebookHtml(twoCharts);
    assert.equal(occurrences(html, marker), 1);
    assert.equal(occurrences(html, 'class="plotly-figure"'), 2);
    const noCharts = renderNotebookHtml(notebook([codeCell('c', [display({ 'text/plain': 'x' })])]));
    assert.equal(occurrences(noCharts, marker), 0);
    assert.ok(!noCharts.includes('<script'), 'no scripts at all without charts');
  });

  it('renders every output type of the sample', () => {
    for (const kind of ['output-html', 'output-image', 'output-svg', 'output-latex', 'output-json', 'output-markdown', 'output-text', 'output-plotly', 'output-stdout', 'output-stderr', 'output-error']) {
      assert.ok(sampleHtml.includes(`class="${kind}`) || sampleHtml.includes(` ${kind}"`), kind);
    }
    assert.equal(occurrences(sampleHtml, '<img src="data:image/'), 3);
  });

  it('highlights code cells as TypeScript', () => {
    assert.ok(sampleHtml.includes('<code class="hljs language-typescript"><span class="hljs-keyword">const</span> images'));
  });

  it('titles the page from the first H1 and builds the table of contents', () => {
    assert.ok(sampleHtml.includes('<title>Digit Recognizer</title>'));
    assert.ok(!sampleHtml.includes('class="nb-title"'), 'the notebook shows its own H1');
    const toc = /<nav class="toc"[\s\S]*?<\/nav>/.exec(sampleHtml)![0];
    assert.deepEqual([...toc.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]), ['Loading-the-data', 'Outputs-of-every-kind', 'Training']);
    for (const id of ['Loading-the-data', 'Outputs-of-every-kind', 'Training']) assert.ok(sampleHtml.includes(`id="${id}"`));
  });

  it('puts the title cell above the table of contents and the rest below', () => {
    const h1 = sampleHtml.indexOf('<h1 id="Digit-Recognizer"');
    const toc = sampleHtml.indexOf('<nav class="toc"');
    const section = sampleHtml.indexOf('<h2 id="Loading-the-data"');
    assert.ok(h1 > 0 && h1 < toc && toc < section, `order: h1 ${h1}, toc ${toc}, first section ${section}`);
    const codeFirst = renderNotebookHtml(notebook([codeCell('x', []), markdownCell('# Late title\n\n## A')]));
    assert.ok(codeFirst.indexOf('<nav class="toc"') < codeFirst.indexOf('<h1 id="Late-title"'), 'no lead when code comes first');
  });

  it('uses the title option when the notebook has no H1, escaped', () => {
    const html = renderNotebookHtml(notebook([markdownCell('no heading')]), { title: 'Report <v2> & co' });
    assert.ok(html.includes('<title>Report &lt;v2&gt; &amp; co</title>'));
    assert.ok(html.includes('<h1 class="nb-title">Report &lt;v2&gt; &amp; co</h1>'));
    assert.ok(renderNotebookHtml(notebook([])).includes('<title>Notebook</title>'));
  });

  it('shows prompts and cell timing by default, and hides prompts on request', () => {
    const nb = notebook([
      codeCell('1', [], 4, { metadata: { execution: { 'iopub.execute_input': '2026-01-01T00:00:00.000Z', 'shell.execute_reply': '2026-01-01T00:00:02.500Z' } } }),
    ]);
    const html = renderNotebookHtml(nb);
    assert.ok(html.includes('In&nbsp;[4]:'));
    assert.ok(html.includes('<span class="duration">2.5 s</span>'));
    assert.ok(!renderNotebookHtml(nb, { showPrompts: false }).includes('In&nbsp;['));
  });

  it('hides code with noInput, keeping outputs and dropping cells left empty', () => {
    const nb = notebook([
      markdownCell('# Report'),
      codeCell('const secret = 42;', [], 1),
      codeCell('console.log(answer)', [{ output_type: 'stream', name: 'stdout', text: 'the answer\n' }], 2),
    ]);
    const html = renderNotebookHtml(nb, { noInput: true });
    assert.ok(!html.includes('secret'));
    assert.ok(!html.includes('console'));
    assert.ok(!html.includes('class="input'));
    assert.ok(!html.includes('In&nbsp;['));
    assert.ok(html.includes('the answer'));
    assert.equal(occurrences(html, 'class="cell code-cell'), 1);
    assert.ok(html.includes('<body class="notebook-page no-input">'));
  });

  it('puts kernel, run summary and footer options in the footer, escaped', () => {
    const footer = /<footer class="run-info">[\s\S]*?<\/footer>/.exec(sampleHtml)![0];
    assert.match(footer, /<th scope="row">Kernel<\/th><td>TypeScript \(tslab\)<\/td>/);
    assert.match(footer, /<th scope="row">Language<\/th><td>typescript 5.9.3<\/td>/);
    assert.match(footer, /<th scope="row">Backend<\/th><td>wasm<\/td>/);
    assert.match(footer, /<th scope="row">Duration Seconds<\/th><td>42.5 s<\/td>/);
    assert.match(footer, /<th scope="row">Parameters<\/th><td><table><tr><th scope="row">Epochs<\/th><td>3<\/td>/);
    const html = renderNotebookHtml(notebook([]), { footer: { note: '<b>x</b>', tags: ['a', 'b'], deep: { a: { b: { c: { d: 1 } } } } } });
    assert.ok(html.includes('<td>&lt;b&gt;x&lt;/b&gt;</td>'));
    assert.ok(html.includes('<td>a, b</td>'));
    assert.ok(html.includes('<code>{&quot;d&quot;:1}</code>'), 'deep values fall back to JSON');
  });

  it('warns at the top of the page when the run failed, linking the failing cell', () => {
    const nb = notebook([markdownCell('# T'), codeCell('ok', [], 1), codeCell('bad', [{ output_type: 'error', ename: 'E', evalue: 'v', traceback: [] }], 2)], {
      digit_lab: { run: { status: 'failed', reason: 'cell 2: E <v>' } },
    });
    const html = renderNotebookHtml(nb);
    assert.ok(html.includes('<div class="run-failed" role="alert"><strong>This run did not finish cleanly</strong>: cell 2: E &lt;v&gt;. <a href="#cell-3">Go to the failing cell.</a></div>'));
    assert.ok(html.indexOf('run-failed') < html.indexOf('<h1'));
    assert.ok(html.includes('<section class="cell code-cell cell-failed" id="cell-3"'));
    assert.ok(!sampleHtml.includes('class="run-failed"'), 'no banner for a run without a failed status');
  });

  it('says what is wrong with something that is not a notebook', () => {
    assert.throws(() => renderNotebookHtml({} as Notebook), /no "cells" list/);
    assert.throws(() => renderNotebookHtml({ nbformat: 3, cells: [] } as unknown as Notebook), /nbformat 3 is not supported/);
  });
});
