import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { imageBundleToDataUrl, MarkdownEnv, renderLatex, renderMarkdown } from '../../../lib/runner/html/markdown';
import { HeadingSlugger, TocHeading } from '../../../lib/runner/html/toc';

function env(extra: Partial<MarkdownEnv> = {}): MarkdownEnv & { headings: TocHeading[] } {
  return { slugger: new HeadingSlugger(), headings: [], ...extra } as MarkdownEnv & { headings: TocHeading[] };
}

/** The TeX sources KaTeX annotated, in order. */
function texSources(html: string): string[] {
  return [...html.matchAll(/<annotation encoding="application\/x-tex">([^<]*)<\/annotation>/g)].map((m) => m[1]);
}

describe('runner/html/markdown', () => {
  it('renders the four math delimiters with KaTeX', () => {
    const html = renderMarkdown('Inline $a_1 + b_2$ and \\(x^2\\).\n\n$$\\sum_i x_i$$\n\n\\[\\frac{1}{2}\\]\n', env());
    assert.deepEqual(texSources(html), ['a_1 + b_2', 'x^2', '\\sum_i x_i', '\\frac{1}{2}']);
    assert.equal((html.match(/class="katex-display"/g) ?? []).length, 2, 'two display equations');
    assert.ok(!html.includes('<em>'), 'underscores inside math are not emphasis');
  });

  it('keeps display math written inside a paragraph valid HTML', () => {
    const html = renderMarkdown('Loss is $$L = -\\log p$$ per digit.', env());
    assert.match(html, /^<p>Loss is <eqn><span class="katex-display">/);
    assert.ok(!html.includes('<section'));
    assert.deepEqual(texSources(html), ['L = -\\log p']);
  });

  it('renders \\[...\\] display math in the middle of a paragraph, as Jupyter does', () => {
    const html = renderMarkdown('The loss:\n\\[\nL = -\\sum_i y_i\n\\]\nwhere y is one-hot.', env());
    assert.deepEqual(texSources(html), ['\nL = -\\sum_i y_i\n']);
    assert.match(html, /<eqn><span class="katex-display">/);
    assert.ok(html.includes('where y is one-hot.'));
  });

  it('renders a bare \\begin{...}...\\end{...} environment block, as Jupyter does', () => {
    const html = renderMarkdown('\\begin{align}\na &= b \\\\\nc &= d\n\\end{align}\n\nafter', env());
    assert.equal(texSources(html).length, 1);
    assert.match(texSources(html)[0], /^\\begin\{align\}/);
    assert.ok(!html.includes('katex-error'));
    assert.ok(html.includes('<p>after</p>'));
  });

  it('leaves prices and lone dollars alone', () => {
    const html = renderMarkdown('It costs $5 and then $6 more.', env());
    assert.equal(html.trim(), '<p>It costs $5 and then $6 more.</p>');
  });

  it('shows a TeX error in place instead of failing the export', () => {
    const html = renderMarkdown('Broken $\\frac{1}{$ math', env());
    assert.match(html, /<span class="katex-error"[^>]*>\\frac\{1\}\{<\/span>/);
  });

  it('highlights fenced code blocks', () => {
    const html = renderMarkdown("```ts\nconst x: number = 1;\n```\n", env());
    assert.match(html, /<span class="hljs-keyword">const<\/span>/);
    assert.match(html, /<span class="hljs-built_in">number<\/span>/);
  });

  it('escapes code in an unknown language', () => {
    const html = renderMarkdown('```nosuchlang\n<b>&</b>\n```\n', env());
    assert.ok(html.includes('&lt;b&gt;&amp;&lt;/b&gt;'));
  });

  it('gives headings ids and records them for the table of contents', () => {
    const e = env();
    const html = renderMarkdown('# Title\n\n## Loading *the* data\n\n## Loading *the* data\n', e);
    assert.match(html, /<h1 id="Title">Title<a class="anchor-link" href="#Title"/);
    assert.match(html, /<h2 id="Loading-the-data">/);
    assert.match(html, /<h2 id="Loading-the-data-1">/);
    assert.deepEqual(e.headings.map((h) => [h.level, h.text, h.id]), [
      [1, 'Title', 'Title'],
      [2, 'Loading the data', 'Loading-the-data'],
      [2, 'Loading the data', 'Loading-the-data-1'],
    ]);
  });

  it('keeps raw HTML, as Jupyter does', () => {
    assert.match(renderMarkdown('<div class="note">hi</div>', env()), /<div class="note">hi<\/div>/);
  });

  it('resolves attachment images, in markdown and raw HTML', () => {
    const attachments = { 'my digit.png': { 'image/png': 'iVBORw0KGgo=' }, 'b.svg': { 'image/svg+xml': '<svg/>' } };
    const html = renderMarkdown('![a digit](attachment:my%20digit.png)\n\n<img src="attachment:b.svg">', env({ attachments }));
    assert.ok(html.includes('src="data:image/png;base64,iVBORw0KGgo="'));
    assert.ok(html.includes(`src="data:image/svg+xml;base64,${Buffer.from('<svg/>').toString('base64')}"`));
    assert.ok(!html.includes('attachment:'));
  });

  it('marks a missing attachment instead of pointing at nothing', () => {
    const html = renderMarkdown('![x](attachment:gone.png)', env());
    assert.match(html, /<img src="" data-missing-image="attachment:gone.png"/);
  });

  it('inlines local images relative to baseDir, and leaves them alone without it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'digit-lab-md-'));
    try {
      writeFileSync(path.join(dir, 'pic one.png'), Buffer.from('PNGDATA'));
      const source = '![p](pic%20one.png) <img src="pic one.png"> ![q](nope.png) ![d](data:image/png;base64,AA==)';
      const html = renderMarkdown(source, env({ baseDir: dir }));
      const inlined = `src="data:image/png;base64,${Buffer.from('PNGDATA').toString('base64')}"`;
      assert.equal(html.split(inlined).length - 1, 2);
      assert.match(html, /data-missing-image="nope.png"/);
      assert.ok(!renderMarkdown('![p](pic%20one.png)', env()).includes('data:'), 'no baseDir: left as written');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('turns remote images into links so the page loads nothing from the network', () => {
    const html = renderMarkdown('![the logo](https://example.com/logo.png) and [docs](https://example.com/docs)', env());
    assert.ok(!/src="https?:/.test(html));
    assert.match(html, /<a class="remote-image" href="https:\/\/example.com\/logo.png">\[image: the logo\]<\/a>/);
    assert.match(html, /<a href="https:\/\/example.com\/docs">docs<\/a>/, 'ordinary links stay links');
  });

  it('turns an image bundle into a data URL', () => {
    assert.equal(imageBundleToDataUrl({ 'image/jpeg': ['/9j/', '4AA\n'] }), 'data:image/jpeg;base64,/9j/4AA');
    assert.equal(imageBundleToDataUrl({ 'text/plain': 'x' }), null);
  });

  it('renders text/latex with or without its $$ wrapper', () => {
    for (const source of ['$$\\alpha^2$$', '\\alpha^2', '\\[\\alpha^2\\]', '$\\alpha^2$']) {
      const html = renderLatex(source);
      assert.deepEqual(texSources(html), ['\\alpha^2'], source);
      assert.match(html, /katex-display/);
    }
  });
});
