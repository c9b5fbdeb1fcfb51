/**
 * The kernel never outlives the runner: the runner CLI (from sources) on the real tslab kernel is
 * killed in the ways a user or a system kills it, and the kernel, what the kernel started, and the
 * kernel's temp folder must be gone soon after.
 */
import { strict as assert } from 'assert';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(__dirname, 'helpers', 'run-cli.ts');
/** The bound: the kernel and its children are gone this soon after the runner. */
const GONE_WITHIN_MS = 2000;

const code = (source: string) => ({ cell_type: 'code', source, metadata: {}, execution_count: null, outputs: [] });
/** Cell 1 starts a child of the kernel and prints both pids; cell 2 waits for a minute. */
const LONG_RUNNING = {
  nbformat: 4,
  nbformat_minor: 5,
  metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
  cells: [
    code(`const sleeper = require('child_process').spawn('sleep', ['120'], { stdio: 'ignore' });\nconsole.log(\`PIDS \${process.pid} \${sleeper.pid}\`);`),
    code('await new Promise((resolve) => setTimeout(resolve, 60000));'),
  ],
};

interface Cli {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

const started = new Set<ChildProcess>();

/** Starts `digit-lab run ARGS` from sources with `tmp` as its TMPDIR (where kernel folders go). */
function startCli(args: string[], tmp: string): Cli {
  const child = spawn(process.execPath, ['-r', 'tsx/cjs', CLI, ...args], { cwd: ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'ignore', 'pipe'] });
  started.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (status) => resolve(status)));
  return { child, stderr: () => stderr, exited };
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** True while `pid` runs (a zombie waiting for a parent that never reaps counts as gone). */
function running(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\S+ \(.*\) [ZX]/s.test(stat);
  } catch {
    return false;
  }
}

/** The kernel's and its child's pids, once the first cell printed them. */
function kernelPids(cli: Cli): Promise<number[]> {
  return waitFor('the kernel to print its pid', () => {
    const m = /PIDS (\d+) (\d+)/.exec(cli.stderr());
    return m ? [Number(m[1]), Number(m[2])] : undefined;
  }, 60000);
}

const kernelDirs = (tmp: string) => fs.readdirSync(tmp).filter((n) => n.startsWith('digit-lab-kernel-'));

/** A pid no process has now: one that just exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('runner: no orphaned kernel @slow', function () {
  this.timeout(90000);
  let dir: string;
  let pids: number[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-orphans-'));
    fs.writeFileSync(path.join(dir, 'long.ipynb'), JSON.stringify(LONG_RUNNING));
    pids = [];
  });
  afterEach(() => {
    for (const c of started) c.kill('SIGKILL');
    started.clear();
    for (const pid of pids) if (running(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('kill -9 of the runner: the kernel and its child are gone within 2 s, and so is its temp folder', async () => {
    const cli = startCli([path.join(dir, 'long.ipynb'), '--log-output'], dir);
    pids = await kernelPids(cli);
    assert.ok(pids.every(running), 'the kernel and its child run while the runner does');
    assert.equal(kernelDirs(dir).length, 1, 'the kernel has its connection folder');
    cli.child.kill('SIGKILL');
    await cli.exited;
    const t0 = Date.now();
    await waitFor('the kernel and its child to end', () => (pids.some(running) ? undefined : true), GONE_WITHIN_MS);
    assert.ok(Date.now() - t0 <= GONE_WITHIN_MS);
    await waitFor('the connection folder to be removed', () => (kernelDirs(dir).length ? undefined : true), GONE_WITHIN_MS);
  });

  it('SIGHUP (the terminal closed): the kernel is gone, the outputs so far are written, exit 129', async () => {
    const cli = startCli([path.join(dir, 'long.ipynb'), '--log-output'], dir);
    pids = await kernelPids(cli);
    cli.child.kill('SIGHUP');
    const status = await cli.exited;
    await waitFor('the kernel and its child to end', () => (pids.some(running) ? undefined : true), GONE_WITHIN_MS);
    assert.equal(status, 129, cli.stderr());
    assert.match(cli.stderr(), /kernel died \(run stopped by SIGHUP\)/);
    const nb = JSON.parse(fs.readFileSync(path.join(dir, 'long.out.ipynb'), 'utf8'));
    assert.match(nb.cells[0].outputs[0].text.join(''), /^PIDS \d+ \d+\n$/, 'what ran is kept');
    assert.equal(nb.cells[1].metadata.digit_lab.status, 'dead');
    assert.ok(fs.existsSync(path.join(dir, 'long.out.html')));
    assert.deepEqual(kernelDirs(dir), []);
  });

  it('SIGINT during kernel start-up says the start-up was interrupted, and leaves no kernel', async () => {
    const cli = startCli([path.join(dir, 'long.ipynb'), '--log-output'], dir);
    // The watchdog's command line names the connection folder: the kernel is being started.
    await waitFor('the kernel to be starting', () => (kernelDirs(dir).length ? true : undefined), 30000);
    cli.child.kill('SIGINT');
    const status = await cli.exited;
    assert.match(cli.stderr(), /start-up was interrupted \(SIGINT\)/);
    assert.doesNotMatch(cli.stderr(), /SIGKILL/);
    assert.equal(status, 130, cli.stderr());
    await waitFor('the connection folder to be removed', () => (kernelDirs(dir).length ? undefined : true), GONE_WITHIN_MS);
  });

  it('the next start removes kernel folders whose runner is gone, and only those', async () => {
    const stale = path.join(dir, `digit-lab-kernel-${deadPid()}-abcdef`);
    const inUse = path.join(dir, `digit-lab-kernel-${process.pid}-abcdef`);
    for (const d of [stale, inUse]) {
      fs.mkdirSync(d);
      fs.writeFileSync(path.join(d, 'connection.json'), '{}');
    }
    fs.writeFileSync(path.join(dir, 'quick.ipynb'), JSON.stringify({ ...LONG_RUNNING, cells: [code('console.log(1)')] }));
    const cli = startCli([path.join(dir, 'quick.ipynb')], dir);
    assert.equal(await cli.exited, 0, cli.stderr());
    assert.deepEqual(kernelDirs(dir), [path.basename(inUse)]);
  });
});
