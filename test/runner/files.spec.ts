import { strict as assert } from 'assert';
import { minimalHtml } from '../../lib/runner/files';
import { Notebook } from '../../lib/runner/document/nbformat';

describe('runner/files', () => {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: 'markdown', source: '# <Title>', metadata: {} },
      {
        cell_type: 'code',
        source: 'secret()',
        metadata: {},
        execution_count: 1,
        outputs: [
          { output_type: 'stream', name: 'stdout', text: ['a < b\n'] },
          { output_type: 'error', ename: 'Error', evalue: 'boom', traceback: ['Error: boom'] },
        ],
      },
    ],
  };

  it('the fallback page escapes text and shows outputs and errors', () => {
    const html = minimalHtml(nb, 'T & U');
    assert.match(html, /<title>T &amp; U<\/title>/);
    assert.match(html, /# &lt;Title&gt;/);
    assert.match(html, /a &lt; b/);
    assert.match(html, /Error: boom/);
    assert.match(html, /secret\(\)/);
  });

  it('the fallback page hides code with noInput', () => {
    assert.doesNotMatch(minimalHtml(nb, 't', true), /secret/);
  });
});
