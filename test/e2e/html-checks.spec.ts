/** The HTML checks the report spec relies on: they must catch what they claim to catch. */
import { strict as assert } from 'assert';
import { externalReferences, markupOnly, occurrences, pageText } from './html-checks';

describe('e2e/html-checks', () => {
  describe('externalReferences', () => {
    it('accepts a self-contained page', () => {
      const page = [
        '<html><head><style>@font-face{src:url(data:font/woff2;base64,AAAA)}</style></head><body>',
        '<p>See <a href="https://plotly.com/">plotly</a> and <a href="#top">top</a>.</p>',
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="a > b">',
        `<img src='data:image/svg+xml,<svg xmlns="http://www.w3.org/2000/svg"></svg>'>`,
        '<script>var u = "https://cdn.example.com/x.js"; document.write(\'<script src="https://x">\');</script>',
        '<link rel="icon" href="data:image/png;base64,AAAA">',
        '</body></html>',
      ].join('\n');
      assert.deepEqual(externalReferences(page), []);
    });

    it('finds network and file references in src, <link> and <script> tags and in CSS', () => {
      const page = [
        '<html><head><link rel="stylesheet" href="https://cdn.example.com/k.css">',
        '<style>@import "https://fonts.example.com/f.css"; .x{background:url(//cdn.example.com/a.png)}</style>',
        '<script src="https://cdn.plot.ly/plotly.min.js"></script>',
        '</head><body><img src="images/local.png"><iframe src=//example.com/embed></iframe></body></html>',
      ].join('\n');
      const found = externalReferences(page);
      assert.equal(found.length, 6, found.join('\n'));
      for (const needle of ['k.css', 'f.css', 'a.png', 'plotly.min.js', 'local.png', 'embed']) {
        assert.ok(found.some((f) => f.includes(needle)), `missed ${needle}`);
      }
    });
  });

  it('markupOnly empties scripts and styles but keeps their tags', () => {
    assert.equal(markupOnly('<p>a</p><script type="x">b<c></script><style>d</style>'), '<p>a</p><script type="x"></script><style></style>');
  });

  it('pageText drops tags and decodes entities', () => {
    assert.equal(pageText('<p><strong>Test accuracy: 98.50%</strong> &amp; <code>x = &quot;y&quot;</code></p><script>z</script>'), 'Test accuracy: 98.50% & x = "y"');
  });

  it('occurrences counts non-overlapping matches', () => {
    assert.equal(occurrences('abcabcab', 'abc'), 2);
    assert.equal(occurrences('aaaa', 'aa'), 2);
    assert.equal(occurrences('abc', 'x'), 0);
  });
});
