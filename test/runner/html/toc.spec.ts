import { strict as assert } from 'node:assert';
import { HeadingSlugger, renderToc } from '../../../lib/runner/html/toc';

describe('runner/html/toc', () => {
  it('makes Jupyter-style ids, unique within the page', () => {
    const slugger = new HeadingSlugger();
    assert.equal(slugger.slug('Training the model'), 'Training-the-model');
    assert.equal(slugger.slug('Training the model'), 'Training-the-model-1');
    assert.equal(slugger.slug('Training the model'), 'Training-the-model-2');
    assert.equal(slugger.slug('Training-the-model-1 '), 'Training-the-model-1-1');
    assert.equal(slugger.slug('  '), 'section');
  });

  it('nests entries by level and leaves out a lone H1 (the page title)', () => {
    const html = renderToc([
      { level: 1, text: 'Title', id: 'Title' },
      { level: 2, text: 'Data', id: 'Data' },
      { level: 3, text: 'Loading <fast>', id: 'Loading-<fast>' },
      { level: 2, text: 'Model', id: 'Model' },
      { level: 4, text: 'Too deep', id: 'Too-deep' },
    ]);
    assert.ok(!html.includes('>Title<'));
    assert.ok(!html.includes('Too deep'));
    assert.ok(html.includes('<ul><li><a href="#Data">Data</a><ul><li><a href="#Loading-%3Cfast%3E">Loading &lt;fast&gt;</a></li></ul></li><li><a href="#Model">Model</a></li></ul>'));
  });

  it('keeps the list well formed when a level is skipped', () => {
    const html = renderToc([
      { level: 2, text: 'A', id: 'A' },
      { level: 4, text: 'B', id: 'B' },
      { level: 2, text: 'C', id: 'C' },
    ], 4);
    const opens = (html.match(/<(ul|li)[ >]/g) ?? []).length;
    const closes = (html.match(/<\/(ul|li)>/g) ?? []).length;
    assert.equal(opens, closes);
    assert.ok(html.indexOf('B') < html.indexOf('>C<'));
  });

  it('renders nothing without headings', () => {
    assert.equal(renderToc([]), '');
  });
});
