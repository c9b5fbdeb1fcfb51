import { strict as assert } from 'node:assert';
import { highlightCode, isHighlightable } from '../../../lib/runner/html/highlight';

describe('runner/html/highlight', () => {
  it('knows TypeScript under its usual names', () => {
    for (const name of ['typescript', 'TypeScript', 'ts', 'tslab']) assert.ok(isHighlightable(name), name);
    assert.ok(!isHighlightable('cobol'));
    assert.ok(!isHighlightable(undefined));
  });

  it('highlights TypeScript and escapes what it does not know', () => {
    assert.equal(highlightCode('type A = 1;', 'ts'), '<span class="hljs-keyword">type</span> A = <span class="hljs-number">1</span>;');
    assert.equal(highlightCode('a < b && c', 'cobol'), 'a &lt; b &amp;&amp; c');
    assert.equal(highlightCode('a < b', undefined), 'a &lt; b');
  });
});
