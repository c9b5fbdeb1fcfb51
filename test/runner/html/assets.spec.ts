import { strict as assert } from 'node:assert';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { classListsIn, highlightCss, katexCss, packageDir, plotlyScript } from '../../../lib/runner/html/assets';
import { renderMarkdown } from '../../../lib/runner/html/markdown';
import { HeadingSlugger } from '../../../lib/runner/html/toc';

function mathClasses(markdown: string): string[][] {
  return classListsIn(renderMarkdown(markdown, { slugger: new HeadingSlugger() }));
}

describe('runner/html/assets', () => {
  it('collects the distinct class lists of elements', () => {
    assert.deepEqual(classListsIn('<span class="b a"><i class=\'c\'>x</i><b class="a  b">y</b></span>'), [['a', 'b'], ['c']]);
  });

  it('adds no KaTeX CSS to a page without math', () => {
    assert.deepEqual(katexCss([['hljs']]), { css: '', fontFamilies: [], fontBytes: 0 });
  });

  it('inlines only the woff2 fonts of the families the math uses', () => {
    const info = katexCss(mathClasses('$x + 1$'));
    assert.deepEqual(info.fontFamilies, ['KaTeX_Main', 'KaTeX_Math']);
    const faces = info.css.match(/@font-face\{[^}]*\}/g) ?? [];
    assert.equal(faces.length, 6, 'Main has four faces, Math two');
    for (const face of faces) {
      assert.match(face, /src:url\(data:font\/woff2;base64,[A-Za-z0-9+/=]+\) format\("woff2"\)/);
      assert.ok(!/\.woff\)|\.ttf\)|fonts\//.test(face), 'no file references left');
    }
    const fontsDir = path.join(packageDir('katex'), 'dist', 'fonts');
    const expected = ['Main-Regular', 'Main-Bold', 'Main-Italic', 'Main-BoldItalic', 'Math-Italic', 'Math-BoldItalic']
      .map((name) => statSync(path.join(fontsDir, `KaTeX_${name}.woff2`)).size)
      .reduce((a, b) => a + b, 0);
    assert.equal(info.fontBytes, expected);
  });

  it('adds the font families that special math alphabets and big operators need', () => {
    const info = katexCss(mathClasses('$\\mathcal{L} = \\mathbb{R}$\n\n$$\\sum_{i} \\left( \\frac{a}{b} \\right)$$'));
    // A display sum is a large operator (Size2); \\left( around a fraction is a size-2 delimiter.
    assert.deepEqual(info.fontFamilies, ['KaTeX_AMS', 'KaTeX_Caligraphic', 'KaTeX_Main', 'KaTeX_Math', 'KaTeX_Size2']);
  });

  it('keeps KaTeX layout rules and drops every relative url()', () => {
    const { css } = katexCss(mathClasses('$y$'));
    assert.ok(css.includes('.katex{'));
    assert.deepEqual(css.match(/url\((?!data:)[^)]*\)/g) ?? [], []);
  });

  it('provides the highlight.js theme without its licence banner links', () => {
    const css = highlightCss();
    assert.ok(css.includes('.hljs-keyword'));
    assert.ok(!/https?:\/\//.test(css));
  });

  it('provides plotly.js from node_modules', () => {
    const script = plotlyScript();
    assert.equal(script, readFileSync(require.resolve('plotly.js-dist-min'), 'utf8'));
    assert.ok(script.length > 1_000_000);
  });
});
