import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { digitPadHtml, digitPadRuntimeHtml, drawDigitPad, PAD_CANVAS_SIZE, showDrawDigitPad } from '../../lib/drawpad/node';
import { builtPadRuntime } from './fixtures';

function tinyModel(name: string): tf.LayersModel {
  const model = tf.sequential({ name });
  model.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
  model.add(tf.layers.dense({ units: 10, activation: 'softmax' }));
  return model;
}

/** The bodies of the page's <script> elements, with their opening tags. */
function scripts(html: string): { open: string; body: string }[] {
  return [...html.matchAll(/(<script[^>]*>)([\s\S]*?)<\/script>/g)].map((m) => ({ open: m[1], body: m[2] }));
}

/** Sets environment variable `name`, or deletes it for undefined (assigning undefined would store "undefined"). */
function setEnv(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

/** Runs `fn` with environment variable `name` set to `value` (unset when undefined), then puts it back. */
function withEnv(name: string, value: string | undefined, fn: () => void): void {
  const saved = process.env[name];
  setEnv(name, value);
  try {
    fn();
  } finally {
    setEnv(name, saved);
  }
}

describe('drawpad/markup', function () {
  this.timeout(60_000);
  let runtimeFile: string;
  before(async function () {
    runtimeFile = await builtPadRuntime();
  });

  it('builds the browser runtime without tfjs-node, AMD registration or "</script"', function () {
    const code = fs.readFileSync(runtimeFile, 'utf8');
    assert.ok(code.length > 100_000 && code.length < 1_000_000, `runtime is ${code.length} bytes`);
    assert.doesNotMatch(code, /<\/script/i);
    assert.doesNotMatch(code, /define\.amd/, 'UMD wrappers must not see RequireJS');
    assert.match(code, /digitLabPad/);
  });

  it('holds a notice, the card, the model and the runtime once', function () {
    const html = digitPadHtml(tinyModel('tiny'));
    const visible = html.split('<script')[0];
    assert.match(visible, /^<div class="dlp-host" id="dlp-[0-9a-f]{12}"><p class="dlp-notice"><strong>Draw a digit<\/strong> — This drawing pad needs JavaScript, which Jupyter runs only in trusted notebooks/);
    assert.doesNotMatch(visible, /<canvas|<style/, 'nothing inert shows where scripts do not run');
    const all = scripts(html);
    assert.equal(all.length, 3, 'config, runtime, boot');
    assert.equal((html.match(/<script/g) ?? []).length, 3, 'no stray script tags inside the embedded code');
    const config = JSON.parse(all[0].body);
    assert.equal(config.model.encoding, 'compact');
    assert.equal(config.model.compression, 'gzip');
    assert.equal(config.model.modelTopology.config.name, 'tiny');
    const card: string = config.markup;
    assert.match(card, /^<style>\.dlp-card\{/);
    assert.match(card, new RegExp(`<canvas class="dlp-canvas" data-dlp="canvas" width="${PAD_CANVAS_SIZE}" height="${PAD_CANVAS_SIZE}"`));
    assert.match(card, /<button type="button" class="dlp-clear" data-dlp="clear">Clear<\/button>/);
    assert.equal(card.match(/data-dlp="row"/g)?.length, 10);
    assert.match(card, /tiny · 7,850 parameters · compact weights, 8 KB/);
    assert.ok(all[1].body.startsWith('if(!window.digitLabPad&&!window.__digitLabPadLoading){'), 'the runtime runs only where the page lacks it');
    assert.match(all[2].body, /__digitLabPadQueue/);
  });

  it("leaves the runtime out with runtime: 'shared', and offers it on its own", function () {
    const html = digitPadHtml(tinyModel('tiny'), { runtime: 'shared', encoding: 'float16' });
    assert.equal(scripts(html).length, 2);
    assert.ok(html.length < 40_000, `a shared pad of a small model is small (${html.length} bytes)`);
    assert.ok(digitPadRuntimeHtml().startsWith('<script>if(!window.digitLabPad&&!window.__digitLabPadLoading){'));
  });

  it('escapes names and model JSON so they cannot end the script early', function () {
    const html = digitPadHtml(tinyModel('x</script><b>bold'), { runtime: 'shared', title: 'A <i>pad</i>' });
    assert.doesNotMatch(html, /<b>bold|<i>pad/);
    assert.match(html, /<strong>A &lt;i&gt;pad&lt;\/i&gt;<\/strong>/);
    const config = JSON.parse(scripts(html)[0].body);
    assert.equal(config.model.modelTopology.config.name, 'x</script><b>bold');
    assert.match(config.markup, /x&lt;\/script&gt;&lt;b&gt;bold/);
  });

  it('gives each pad its own id', function () {
    const model = tinyModel('tiny');
    const ids = [1, 2, 3].map(() => /id="(dlp-[0-9a-f]{12})"/.exec(digitPadHtml(model, { runtime: 'shared' }))![1]);
    assert.equal(new Set(ids).size, 3);
  });

  it('returns the HTML outside a kernel; showDrawDigitPad prints its plain-text form', function () {
    const html = drawDigitPad(tinyModel('tiny'), { runtime: 'shared' });
    assert.equal(typeof html, 'string');
    assert.match(html!, /dlp-host/);
    const printed: unknown[] = [];
    const log = console.log;
    console.log = (...args: unknown[]) => printed.push(...args);
    try {
      assert.equal(showDrawDigitPad(tinyModel('tiny2'), { runtime: 'shared' }), undefined);
    } finally {
      console.log = log;
    }
    assert.deepEqual(printed, ['[drawing pad for tiny2: open the notebook in Jupyter (trusted) or the HTML report]']);
  });

  it('says how to build a missing runtime (and puts DIGIT_LAB_PAD_RUNTIME back as it was, set or not)', function () {
    const entry = () => Object.entries(process.env).filter(([k]) => k === 'DIGIT_LAB_PAD_RUNTIME');
    const original = process.env.DIGIT_LAB_PAD_RUNTIME;
    try {
      for (const before of [undefined, '/elsewhere/digit-pad-runtime.js']) {
        withEnv('DIGIT_LAB_PAD_RUNTIME', before, () => {
          withEnv('DIGIT_LAB_PAD_RUNTIME', '/nonexistent/digit-pad-runtime.js', () => {
            assert.throws(() => digitPadHtml(tinyModel('tiny')), /\/nonexistent\/digit-pad-runtime\.js is missing; build it with `node scripts\/bundle-browser\.js`/);
          });
          assert.deepEqual(entry(), before === undefined ? [] : [['DIGIT_LAB_PAD_RUNTIME', before]], 'the variable is as it was');
        });
      }
    } finally {
      setEnv('DIGIT_LAB_PAD_RUNTIME', original);
    }
    assert.equal(process.env.DIGIT_LAB_PAD_RUNTIME, original);
  });

  it('rejects an unknown runtime mode', function () {
    assert.throws(() => digitPadHtml(tinyModel('tiny'), { runtime: 'cdn' as never }), /runtime must be 'embed' or 'shared'/);
  });
});
