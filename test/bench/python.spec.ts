/** bench/python: finding a Python with tensorflow and keras, with fake Pythons on a temporary PATH. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { describeTried, findKerasPython, PYTHON_ENV, pythonCandidates } from '../../lib/bench/python';
import { which } from '../../lib/common/which';
import { skipIf } from '../helpers/skip';

/** A fake Python: answers the probe with `missing` as the modules it cannot find. */
function fakePython(dir: string, name: string, missing: string[], version = '3.12.1'): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, name);
  fs.writeFileSync(file, `#!/bin/sh\necho '${JSON.stringify({ version, missing })}'\n`, { mode: 0o755 });
  return file;
}

describe('bench/python: Python discovery for the Keras reference', () => {
  let root: string;
  let good: string;
  let bare: string;

  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-python-'));
    good = fakePython(path.join(root, 'good'), 'python3', []);
    bare = fakePython(path.join(root, 'bare'), 'python3', ['tensorflow', 'keras'], '3.11.2');
    fakePython(path.join(root, 'nokeras'), 'python3', ['keras']);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('finds python3 on PATH, skipping empty and missing directories', () => {
    const envPath = ['', path.join(root, 'nowhere'), path.join(root, 'good')].join(path.delimiter);
    assert.strictEqual(which('python3', envPath), good);
    assert.strictEqual(which('python3', ''), null);
  });

  it('orders the candidates: DIGIT_LAB_TF_PYTHON, python3 on PATH, the system python; --python alone', () => {
    const env = { PATH: path.join(root, 'bare'), [PYTHON_ENV]: good };
    const list = pythonCandidates({ env, systemPython: '/nonexistent/python3' });
    assert.deepStrictEqual(list.map((c) => [c.python, c.from]), [
      [good, PYTHON_ENV], [bare, 'python3 on PATH'], ['/nonexistent/python3', 'system python'],
    ]);
    assert.deepStrictEqual(pythonCandidates({ flag: '/x/python', env }).map((c) => c.from), ['--python']);
    // The same Python reached twice is tried once.
    assert.strictEqual(pythonCandidates({ env: { PATH: path.join(root, 'good'), [PYTHON_ENV]: good }, systemPython: good }).length, 1);
  });

  it('picks the first Python that has both tensorflow and keras', () => {
    const env = { PATH: [path.join(root, 'bare'), path.join(root, 'good')].join(path.delimiter), [PYTHON_ENV]: path.join(root, 'nokeras', 'python3') };
    const choice = findKerasPython({ env, systemPython: good });
    // PATH finds bare first (no tensorflow), so the system python (here: good) is the one.
    assert.strictEqual(choice.python, good);
    assert.strictEqual(choice.from, 'system python');
    assert.strictEqual(choice.version, '3.12.1');
    assert.deepStrictEqual(choice.tried.map((p) => p.ok), [false, false, true]);
    assert.match(choice.tried[0].reason, /cannot import keras$/);
    assert.match(choice.tried[1].reason, /Python 3\.11\.2 cannot import tensorflow or keras/);
  });

  it('says which Pythons were tried and what each lacked when none will do', () => {
    const env = { PATH: path.join(root, 'bare') };
    const choice = findKerasPython({ env, systemPython: path.join(root, 'missing', 'python3') });
    assert.strictEqual(choice.python, undefined);
    assert.match(choice.reason, /^no Python with tensorflow and keras: /);
    assert.ok(choice.reason.includes(`${bare} (python3 on PATH): Python 3.11.2 cannot import tensorflow or keras`), choice.reason);
    assert.ok(choice.reason.includes(`${path.join(root, 'missing', 'python3')} (system python): not found`), choice.reason);
    assert.match(choice.reason, /pass --python <exe> or set DIGIT_LAB_TF_PYTHON/);
    assert.strictEqual(describeTried(choice.tried), choice.reason.replace(/^no Python with tensorflow and keras: /, '').replace(/ \(pass --python.*$/, ''));
  });

  it('does not fall back when --python names a Python without keras, and reports a probe that fails', () => {
    const choice = findKerasPython({ flag: path.join(root, 'nokeras', 'python3'), env: { PATH: path.join(root, 'good') } });
    assert.strictEqual(choice.python, undefined);
    assert.strictEqual(choice.tried.length, 1);
    assert.match(choice.reason, /\(--python\): Python 3\.12\.1 cannot import keras$/);
    const broken = path.join(root, 'broken');
    fs.writeFileSync(broken, '#!/bin/sh\necho "ImportError: bad site" >&2\nexit 2\n', { mode: 0o755 });
    assert.match(findKerasPython({ flag: broken }).reason, /the probe failed: ImportError: bad site/);
    assert.match(findKerasPython({ flag: 'no-such-python-here' }).reason, /no-such-python-here \(--python\): not found/);
  });

  it('probes a real Python without importing anything heavy (when python3 is on PATH)', function () {
    const real = which('python3');
    skipIf(this, real ? null : 'no python3 on PATH');
    const choice = findKerasPython({ flag: real ?? undefined, modules: ['json'] });
    assert.strictEqual(choice.python, real, choice.reason);
    assert.match(choice.version ?? '', /^3\./);
  });
});
