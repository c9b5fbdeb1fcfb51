/**
 * Outputs follow the host's theme: every text/background pair digit-lab's HTML outputs use has at
 * least 4.5:1 contrast with JupyterLab's light and dark values, the HTML report's light and dark
 * values, and the light fallbacks (hosts without Jupyter's variables); the outputs' inline styles
 * take their colours from those variables; the plotly dark-theme rules and the pictures' own
 * colours read well too.
 */
import { strict as assert } from 'node:assert';
import { confusionMatrixFigure } from '../../lib/notebook/figures';
import { imageGridHtml, mistakesGalleryHtml } from '../../lib/notebook/images';
import { predictionCardHtml } from '../../lib/notebook/prediction';
import { figureBundle, imageGridBundle, tableBundle } from '../../lib/notebook/show';
import { dataFrameHtml } from '../../lib/notebook/tables';
import {
  VIZ_COLORS,
  VIZ_CSS,
  VIZ_CSS_TEXT_PAIRS,
  VIZ_HEATMAP_SCALE,
  VIZ_THEME_STYLE,
  colorAt,
  readableTextColor,
} from '../../lib/notebook/theme';
import { renderProgressHtml } from '../../lib/notebook/training-display';
import { plotlyDarkThemeCss } from '../../lib/runner/html/plotly-theme';
import { PAGE_COLOURS } from '../../lib/runner/html/styles';
import { contrastRatio, cssContrast } from '../helpers/contrast';
import { JUPYTERLAB_THEMES } from '../helpers/jupyterlab-theme';

/** Where our outputs are shown, with the variables each defines. */
const HOSTS: Record<string, Record<string, string>> = {
  'no Jupyter variables (fallbacks)': {},
  'JupyterLab light': JUPYTERLAB_THEMES.light,
  'JupyterLab Dark': JUPYTERLAB_THEMES.dark,
  'HTML report, light': PAGE_COLOURS.light,
  'HTML report, dark': PAGE_COLOURS.dark,
};
const DARK_HOSTS = { 'JupyterLab Dark': JUPYTERLAB_THEMES.dark, 'HTML report, dark': PAGE_COLOURS.dark, 'no Jupyter variables, dark page': { '--jp-layout-color0': '#111111' } };

describe('notebook/theme: outputs follow the host theme', () => {
  for (const [host, vars] of Object.entries(HOSTS)) {
    it(`every text colour has 4.5:1 on its background: ${host}`, () => {
      for (const [fg, bg] of VIZ_CSS_TEXT_PAIRS) {
        const ratio = cssContrast(VIZ_CSS[fg], VIZ_CSS[bg], vars, VIZ_CSS.background);
        assert.ok(ratio >= 4.5, `${fg} on ${bg}: ${ratio.toFixed(2)}:1 (${VIZ_CSS[fg]} on ${VIZ_CSS[bg]})`);
      }
    });
  }

  it('the report defines every Jupyter variable the outputs use, light and dark', () => {
    const used = new Set(Object.values(VIZ_CSS).map((expr) => /var\((--[\w-]+)/.exec(expr)![1]));
    for (const scheme of ['light', 'dark'] as const) {
      for (const name of used) assert.ok(PAGE_COLOURS[scheme][name], `${scheme} report defines ${name}`);
    }
  });

  it('the fallbacks are the light palette', () => {
    assert.equal(VIZ_CSS.text, `var(--jp-content-font-color1, ${VIZ_COLORS.text})`);
    assert.equal(VIZ_CSS.highlightText, `var(--jp-error-color1, ${VIZ_COLORS.highlightText})`);
    assert.equal(VIZ_CSS.background, `var(--jp-layout-color0, ${VIZ_COLORS.background})`);
  });

  it('HTML outputs take every text and background colour from the theme variables', () => {
    const set = { images: new Uint8Array(784 * 3).fill(200), labels: [1, 2, 3], rows: 28, cols: 28 };
    const rows = Array.from({ length: 12 }, (_, i) => ({ name: `row ${i}`, value: i / 3 }));
    const outputs = {
      table: dataFrameHtml(rows, { caption: 'Rows', maxRows: 6, index: true }),
      grid: imageGridHtml(set, [0, 1, 2], { title: 'Images' }),
      mistakes: mistakesGalleryHtml(set, [{ index: 0, true: 1, predicted: 7, confidence: 0.9 }]),
      card: predictionCardHtml({ title: '7.jpg', source: { width: 4, height: 4, gray: new Uint8Array(16) }, pixels: set.images.slice(0, 784), probabilities: [0.1, 0.9] }),
      progress: renderProgressHtml({ title: 'Training', status: 'epoch 1/2', epochs: 2, epochFraction: 0.5, overallFraction: 0.25, running: { loss: 1, acc: 0.5 }, records: [{ epoch: 1, loss: 1, acc: 0.5, lr: 0.001, seconds: 1, examplesPerSec: 10 }], done: false, footer: 'note' }),
    };
    // Progress bar fills are pictures of progress, not text or background: they keep the palette.
    const barFills = new Set<string>([VIZ_COLORS.train, VIZ_COLORS.test]);
    for (const [name, html] of Object.entries(outputs)) {
      const declarations = [...html.matchAll(/style="([^"]*)"/g)].flatMap((m) => m[1].replace(/&quot;/g, '"').split(';'));
      const colours = declarations.filter((d) => /^(color|background|background-color|border|border-(top|bottom|left|right))\s*:/.test(d));
      assert.ok(colours.length > 0, `${name} has coloured elements`);
      for (const d of colours) {
        const value = d.slice(d.indexOf(':') + 1).trim();
        if (d.startsWith('background:') && barFills.has(value)) continue;
        assert.match(value, /var\(--jp-[\w-]+, #[0-9a-fA-F]{6}\)/, `${name}: "${d}" follows the theme`);
      }
    }
    assert.ok(outputs.table.includes(`color:${VIZ_CSS.text}`.replace(/"/g, '&quot;')), 'table cells set their own text colour');
    assert.ok(outputs.mistakes.includes(`color:${VIZ_CSS.highlightText}`), 'mistake captions use the highlight text colour');
  });

  it('HTML bundles carry the theme style; plotly bundles keep a white card for hosts without it', () => {
    const set = { images: new Uint8Array(784).fill(9), labels: [4], rows: 28, cols: 28 };
    assert.ok(String(tableBundle([{ a: 1 }])['text/html']).endsWith(VIZ_THEME_STYLE));
    assert.ok(String(imageGridBundle(set, [0])['text/html']).endsWith(VIZ_THEME_STYLE));
    assert.match(VIZ_THEME_STYLE, /^<style class="digit-lab-theme">.*body\[data-jp-theme-light="false"\] \.js-plotly-plot \.main-svg\{background:transparent!important\}/);
    const fig = figureBundle(confusionMatrixFigure([[1, 0], [0, 1]]))['application/vnd.plotly.v1+json'] as { layout: Record<string, unknown> };
    assert.equal(fig.layout.paper_bgcolor, VIZ_COLORS.background, 'without the style a chart stays a readable white card');
    assert.equal((fig.layout.font as { color: string }).color, VIZ_COLORS.text);
  });

  it('the plotly dark rules give chart text 4.5:1 on dark pages', () => {
    const css = plotlyDarkThemeCss('');
    const fills = [...css.matchAll(/\{fill:(var\([^!]*\))!important\}/g)].map((m) => m[1]);
    assert.ok(fills.length >= 2, `text rules found in ${css}`);
    for (const [host, vars] of Object.entries(DARK_HOSTS)) {
      for (const fill of fills) {
        const ratio = cssContrast(fill, 'var(--jp-layout-color0)', vars);
        assert.ok(ratio >= 4.5, `${host}: ${fill} on the page: ${ratio.toFixed(2)}:1`);
      }
    }
  });

  it('heatmap counts read on every cell colour of the scale', () => {
    for (let i = 0; i <= 200; i += 1) {
      const cell = colorAt(VIZ_HEATMAP_SCALE, i / 200);
      const ratio = contrastRatio(readableTextColor(cell), cell);
      assert.ok(ratio >= 4.5, `${readableTextColor(cell)} on ${cell}: ${ratio.toFixed(2)}:1`);
    }
    const fig = confusionMatrixFigure([[5, 0], [1, 4]]);
    for (const a of fig.layout.annotations!) {
      const z = (fig.data[0] as { z: number[][] }).z[['0', '1'].indexOf(String(a.y))][['0', '1'].indexOf(String(a.x))];
      const ratio = contrastRatio(a.font!.color!, colorAt(VIZ_HEATMAP_SCALE, z));
      assert.ok(ratio >= 4.5, `count ${a.text}: ${ratio.toFixed(2)}:1`);
    }
  });
});
