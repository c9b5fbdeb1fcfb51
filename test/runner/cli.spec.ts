import { strict as assert } from 'assert';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'notebooks');
const CLI = path.join(__dirname, 'helpers', 'run-cli.ts');

interface CliResult {
  code: number | null;
  stderr: string;
}

const children = new Set<ChildProcess>();

/** Runs `digit-lab run ARGS` from sources; `tmp` becomes the child's TMPDIR so its kernels are findable. */
function runCli(args: string[], tmp: string, onStderr?: (text: string, child: ChildProcess) => void): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', CLI, ...args], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'ignore', 'pipe'] });
    children.add(child);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      onStderr?.(stderr, child);
    });
    child.on('exit', (code) => {
      children.delete(child);
      resolve({ code, stderr });
    });
  });
}

/** Kernel processes whose command line mentions `dir` (their connection file lives there). */
function kernelsUnder(dir: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', dir], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

describe('runner CLI (digit-lab run / nbconvert-ts-runner) @slow', function () {
  this.timeout(90000);
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-cli-'));
    for (const f of ['errors', 'parameters', 'outputs', 'timeout']) fs.copyFileSync(path.join(FIXTURES, `${f}.ipynb`), path.join(dir, `${f}.ipynb`));
  });
  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
    for (const pid of kernelsUnder(dir)) process.kill(Number(pid), 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('exits 0 and writes DIR/NAME.out.ipynb and .html by default; parameters are typed and recorded', async () => {
    const r = await runCli([path.join(dir, 'parameters.ipynb'), '-p', 'epochs', '7', '-p', 'model', 'mlp'], dir);
    assert.equal(r.code, 0, r.stderr);
    const nb = JSON.parse(fs.readFileSync(path.join(dir, 'parameters.out.ipynb'), 'utf8'));
    assert.deepEqual(nb.metadata.papermill.parameters, { epochs: 7, model: 'mlp' });
    assert.match(nb.cells[3].outputs[0].text.join(''), /^mlp x7 @0\.1\n/);
    assert.match(fs.readFileSync(path.join(dir, 'parameters.out.html'), 'utf8'), /<html/i);
  });

  it('exits non-zero with "cell N: <first error line>", still writing both files, replacing earlier ones whole', async () => {
    const out = path.join(dir, 'reports');
    const good = await runCli([path.join(dir, 'outputs.ipynb'), '--output-dir', out, '--output', 'report'], dir);
    assert.equal(good.code, 0, good.stderr);
    const r = await runCli([path.join(dir, 'errors.ipynb'), '--output-dir', out, '--output', 'report', '--no-input'], dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^error: cell 3: 1:7 - Type 'string' is not assignable to type 'number'\.; wrote the partial results to \S+report\.ipynb and \S+report\.html$/m);
    const nb = JSON.parse(fs.readFileSync(path.join(out, 'report.ipynb'), 'utf8'));
    assert.equal(nb.metadata.digit_lab.run.status, 'failed');
    assert.equal(nb.cells[2].outputs[0].output_type, 'error');
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    assert.match(html, /not assignable/);
    assert.doesNotMatch(html, /not a number/, '--no-input reaches the HTML export: no code shown');
    assert.doesNotMatch(html, /every output type/i, 'the HTML is the new report, not the old one');
    assert.deepEqual(fs.readdirSync(out).sort(), ['report.html', 'report.ipynb'], 'no temp files left behind');
    assert.deepEqual(kernelsUnder(dir), []);
  });

  it('keeps earlier outputs when the run cannot start at all (bad option, unreadable notebook)', async () => {
    fs.writeFileSync(path.join(dir, 'errors.out.ipynb'), 'earlier good report');
    const bad = await runCli([path.join(dir, 'errors.ipynb'), '--timeout', 'soon'], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--timeout needs a positive number of seconds, got "soon"/);
    fs.writeFileSync(path.join(dir, 'broken.ipynb'), '{');
    const broken = await runCli([path.join(dir, 'broken.ipynb'), '--output', 'errors.out'], dir);
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /broken\.ipynb: not valid JSON/);
    assert.equal(fs.readFileSync(path.join(dir, 'errors.out.ipynb'), 'utf8'), 'earlier good report');
  });

  describe('pre-flight: problems are found before the kernel starts, in one line naming the option', () => {
    /** Runs the CLI expecting a pre-flight failure: exit 1, one error line, no kernel started. */
    async function refused(args: string[]): Promise<string> {
      const r = await runCli([...args, '--log-output'], dir);
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stderr, /starting kernel/, 'no kernel was started');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      return lines[0];
    }

    it('--output-dir below a regular file', async () => {
      fs.writeFileSync(path.join(dir, 'plain'), 'x');
      const line = await refused([path.join(dir, 'outputs.ipynb'), '--output-dir', path.join(dir, 'plain', 'sub')]);
      assert.equal(line, `error: --output-dir ${path.join(dir, 'plain', 'sub')}: ${path.join(dir, 'plain')} is a file, not a folder`);
    });

    it('a symlinked --output-dir that would overwrite the input notebook', async () => {
      const input = path.join(dir, 'outputs.ipynb');
      const before = fs.readFileSync(input);
      fs.symlinkSync(dir, path.join(dir, 'same'));
      const line = await refused([input, '--output-dir', path.join(dir, 'same'), '--output', 'outputs']);
      assert.match(line, /^error: --output-dir \S+same: \S+outputs\.ipynb is the input notebook/);
      assert.deepEqual(fs.readFileSync(input), before);
    });

    it('--cwd that does not exist', async () => {
      assert.equal(await refused([path.join(dir, 'outputs.ipynb'), '--cwd', '/nonexistent']), 'error: --cwd /nonexistent: no such folder; the run executed no cell, so nothing was written');
    });

    it('unknown parameters (listing the known ones, suggesting the near one) and values of the wrong type', async () => {
      const nb = path.join(dir, 'parameters.ipynb');
      assert.match(await refused([nb, '-p', 'nosuch', '3']), /^error: -p nosuch: unknown parameter nosuch; the parameters cell of \S+parameters\.ipynb declares epochs, model, rate \(--allow-unknown-parameters/);
      assert.match(await refused([nb, '-p', 'epoch', '1']), /^error: -p epoch: unknown parameter epoch \(did you mean epochs\?\)/);
      assert.match(await refused([path.join(dir, 'outputs.ipynb'), '-p', 'epochs', '1']), /^error: -p epochs: \S+outputs\.ipynb has no parameters cell/);
      assert.match(await refused([nb, '-p', 'epochs', 'ten']), /^error: -p epochs: expected a number \(the parameters cell declares `let epochs: number = 1`\), got a string: "ten"/);
      assert.deepEqual(fs.readdirSync(dir).filter((f) => f.includes('.out.')), [], 'nothing written');
    });
  });

  it('--allow-unknown-parameters injects a new name; a wrong-type value in the injected cell names it and the parameter', async () => {
    const nb = path.join(dir, 'parameters.ipynb');
    const ok = await runCli([nb, '-p', 'extra', '3', '--allow-unknown-parameters'], dir);
    assert.equal(ok.code, 0, ok.stderr);
    const bad = await runCli([nb, '-p', 'model', 'rnn'], dir);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: the injected parameters cell \(-p model\): \d+:\d+ - Type '"rnn"' is not assignable to type '"cnn" \| "mlp"'/m);
  });

  describe('a run that executes no cell keeps the previous outputs byte for byte', () => {
    let out: string;
    let good: { ipynb: Buffer; html: Buffer };
    beforeEach(async () => {
      out = path.join(dir, 'reports');
      const r = await runCli([path.join(dir, 'outputs.ipynb'), '--output-dir', out], dir);
      assert.equal(r.code, 0, r.stderr);
      good = { ipynb: fs.readFileSync(path.join(out, 'outputs.out.ipynb')), html: fs.readFileSync(path.join(out, 'outputs.out.html')) };
    });
    const assertKept = (stderr: string) => {
      assert.match(stderr, /the run executed no cell, so the previous outputs were kept \(\S+outputs\.out\.ipynb and \S+outputs\.out\.html\)$/m);
      assert.deepEqual(fs.readFileSync(path.join(out, 'outputs.out.ipynb')), good.ipynb);
      assert.deepEqual(fs.readFileSync(path.join(out, 'outputs.out.html')), good.html);
      assert.deepEqual(fs.readdirSync(out).sort(), ['outputs.out.html', 'outputs.out.ipynb']);
    };

    it('an unknown --kernel', async () => {
      const r = await runCli([path.join(dir, 'outputs.ipynb'), '--output-dir', out, '--kernel', 'typo'], dir);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: --kernel typo: no kernel named "typo"/m);
      assertKept(r.stderr);
    });

    it('a --startup-timeout that expires', async () => {
      const r = await runCli([path.join(dir, 'outputs.ipynb'), '--output-dir', out, '--startup-timeout', '0.01'], dir);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /^error: kernel "tslab" .*failed to start/m);
      assertKept(r.stderr);
      assert.deepEqual(kernelsUnder(dir), []);
    });

    it('SIGINT during kernel start-up', async () => {
      let sent = false;
      const r = await runCli([path.join(dir, 'outputs.ipynb'), '--output-dir', out, '--log-output'], dir, (text, child) => {
        if (!sent && text.includes('starting kernel')) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 150);
        }
      });
      assert.ok(sent, r.stderr);
      assert.doesNotMatch(r.stderr, /--- cell/, 'interrupted before any cell ran');
      assert.equal(r.code, 130, r.stderr);
      assertKept(r.stderr);
      assert.deepEqual(kernelsUnder(dir), []);
    });
  });

  it('on SIGTERM kills the kernel, writes both files and exits 143', async () => {
    let sent = false;
    const r = await runCli([path.join(dir, 'timeout.ipynb'), '--log-output'], dir, (text, child) => {
      if (!sent && text.includes('--- cell 2')) {
        sent = true;
        setTimeout(() => child.kill('SIGTERM'), 500);
      }
    });
    assert.ok(sent, r.stderr);
    assert.equal(r.code, 143, r.stderr);
    assert.match(r.stderr, /error: cell 2: kernel died \(run stopped by SIGTERM\)/);
    assert.ok(fs.existsSync(path.join(dir, 'timeout.out.ipynb')));
    assert.ok(fs.existsSync(path.join(dir, 'timeout.out.html')));
    assert.deepEqual(kernelsUnder(dir), [], 'no kernel left running');
  });
});
