import { strict as assert } from 'node:assert';
import { escapeHtml, jsonForScript, scriptForInline } from '../../lib/common/html';

describe('runner/html/escape', () => {
  it('escapes the five HTML special characters', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('writes JSON that cannot end its script element and still parses back', () => {
    const value = { s: '</script><!-- \u2028 -->' };
    const json = jsonForScript(value);
    assert.ok(!/[<>\u2028]/.test(json));
    assert.deepEqual(JSON.parse(json), value);
  });

  it('keeps inline scripts from closing early', () => {
    assert.equal(scriptForInline('a = "</script>"; b = "</SCRIPT "'), 'a = "<\\/script>"; b = "<\\/SCRIPT "');
  });
});
