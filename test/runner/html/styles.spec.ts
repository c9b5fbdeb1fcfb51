/**
 * The report's own colours, light and dark: every text colour of the page has at least 4.5:1 on
 * each background it is drawn on, ANSI colours included, and the dark set only applies on screens
 * whose reader asks for it.
 */
import { strict as assert } from 'node:assert';
import { ANSI_COLOURS, ANSI_COLOURS_DARK, PAGE_CSS, PAGE_COLOURS } from '../../../lib/runner/html/styles';
import { highlightCss } from '../../../lib/runner/html/assets';
import { contrastRatio } from '../../helpers/contrast';

/** Text colour -> the backgrounds it appears on (names of PAGE_COLOURS entries). */
const PAIRS: [string, string[]][] = [
  ['--text', ['--page-bg', '--code-bg', '--stripe', '--toc-bg', '--error-bg', '--stderr-bg']],
  ['--muted', ['--page-bg', '--toc-bg', '--code-bg']],
  ['--accent', ['--page-bg', '--toc-bg']],
  ['--prompt', ['--page-bg']],
  ['--error-border', ['--page-bg', '--error-bg']],
];

describe('runner/html/styles: light and dark colours', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`page text reads at 4.5:1 or more (${scheme})`, () => {
      const c = PAGE_COLOURS[scheme];
      for (const [fg, bgs] of PAIRS) {
        for (const bg of bgs) {
          const ratio = contrastRatio(c[fg], c[bg]);
          assert.ok(ratio >= 4.5, `${scheme}: ${fg} ${c[fg]} on ${bg} ${c[bg]} is ${ratio.toFixed(2)}:1`);
        }
      }
    });

    it(`ANSI colours read on the page, stream and error backgrounds (${scheme})`, () => {
      const c = PAGE_COLOURS[scheme];
      const palette = scheme === 'light' ? ANSI_COLOURS : ANSI_COLOURS_DARK;
      for (const [name, colour] of Object.entries(palette)) {
        if (scheme === 'light' && (name === 'white' || name === 'bright-white')) continue;
        for (const bg of ['--page-bg', '--stderr-bg', '--error-bg']) {
          const ratio = contrastRatio(colour, c[bg]);
          assert.ok(ratio >= 4.5, `${scheme}: ansi ${name} ${colour} on ${bg} ${c[bg]} is ${ratio.toFixed(2)}:1`);
        }
      }
    });
  }

  it('switches to the dark set only on screens that prefer dark; print stays light', () => {
    const media = PAGE_CSS.indexOf('@media screen and (prefers-color-scheme: dark)');
    assert.ok(media > 0);
    assert.ok(PAGE_CSS.indexOf(`--page-bg: ${PAGE_COLOURS.dark['--page-bg']}`) > media, 'dark values inside the media query');
    assert.ok(PAGE_CSS.indexOf(`--page-bg: ${PAGE_COLOURS.light['--page-bg']}`) < media, 'light values are the default');
    assert.match(PAGE_CSS.slice(media), /\.js-plotly-plot \.main-svg\{background:transparent!important\}/, 'charts follow the dark page');
    assert.match(highlightCss(), /@media screen and \(prefers-color-scheme: dark\)\{.*\.hljs\{color:#c9d1d9/s, 'code gets the dark highlight theme');
  });
});
