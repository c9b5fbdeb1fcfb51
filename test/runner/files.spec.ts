import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { KernelStartupError, PreflightError } from '../../lib/runner/document/errors';
import { CodeCell, Notebook } from '../../lib/runner/document/nbformat';
import { minimalHtml, RunNotebookOptions, runNotebookToFiles } from '../../lib/runner/files';
import { Script, scriptedStarter, steps } from './helpers/scripted-kernel';

describe('runner/files', () => {
  const nb: Notebook = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: 'markdown', source: '# <Title>', metadata: {} },
      {
        cell_type: 'code',
        source: 'secret()',
        metadata: {},
        execution_count: 1,
        outputs: [
          { output_type: 'stream', name: 'stdout', text: ['a < b\n'] },
          { output_type: 'error', ename: 'Error', evalue: 'boom', traceback: ['Error: boom'] },
        ],
      },
    ],
  };

  it('the fallback page escapes text and shows outputs and errors', () => {
    const html = minimalHtml(nb, 'T & U');
    assert.match(html, /<title>T &amp; U<\/title>/);
    assert.match(html, /# &lt;Title&gt;/);
    assert.match(html, /a &lt; b/);
    assert.match(html, /Error: boom/);
    assert.match(html, /secret\(\)/);
  });

  it('the fallback page hides code with noInput', () => {
    assert.doesNotMatch(minimalHtml(nb, 't', true), /secret/);
  });
});

describe('runner/files: pre-flight and keeping earlier outputs', () => {
  let dir: string;
  const code = (source: string, tags?: string[]): CodeCell => ({ cell_type: 'code', source, metadata: tags ? { tags } : {}, execution_count: null, outputs: [] });
  const write = (name: string, ...cells: CodeCell[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells }));
    return file;
  };
  const echo: Script = (src, k) => steps.cell(k.executionCount, src.startsWith('fail') ? [steps.stderr(`1:1 - ${src}\n`)] : [steps.stdout(`${src}\n`)], src.startsWith('fail') ? 'error' : 'ok');
  /** Options that run on the scripted kernel and record whether a kernel was started. */
  const scripted = (state: { started: boolean }): RunNotebookOptions => ({ kernel: 'tslab', kernelspecDirs: [], startKernel: scriptedStarter(echo, () => (state.started = true)) });
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runner-files-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses an output folder below a regular file before the kernel starts, naming --output-dir', async () => {
    const nb = write('nb.ipynb', code('a'));
    fs.writeFileSync(path.join(dir, 'plain'), 'x');
    const state = { started: false };
    const outputDir = path.join(dir, 'plain', 'sub');
    await assert.rejects(runNotebookToFiles(nb, { ...scripted(state), outputDir }), (e: Error) => e instanceof PreflightError && e.message === `--output-dir ${outputDir}: ${path.join(dir, 'plain')} is a file, not a folder`);
    assert.equal(state.started, false);
  });

  it('refuses an output that is a folder, and creates a missing output folder', async () => {
    const nb = write('nb.ipynb', code('a'));
    fs.mkdirSync(path.join(dir, 'nb.out.ipynb'));
    await assert.rejects(runNotebookToFiles(nb, scripted({ started: false })), /nb\.out\.ipynb is a folder; choose another --output/);
    const r = await runNotebookToFiles(nb, { ...scripted({ started: false }), outputDir: path.join(dir, 'new', 'deeper') });
    assert.equal(r.ok, true);
    assert.ok(fs.existsSync(path.join(dir, 'new', 'deeper', 'nb.out.html')));
  });

  it('refuses to overwrite the input through a symlinked --output-dir', async () => {
    const nb = write('nb.ipynb', code('a'));
    const before = fs.readFileSync(nb, 'utf8');
    fs.symlinkSync(dir, path.join(dir, 'link'));
    const state = { started: false };
    await assert.rejects(runNotebookToFiles(nb, { ...scripted(state), outputDir: path.join(dir, 'link'), output: 'nb' }), /^PreflightError: --output-dir .*link: .*nb\.ipynb is the input notebook/);
    assert.equal(fs.readFileSync(nb, 'utf8'), before);
    assert.equal(state.started, false);
  });

  it('a run that executes no cell keeps the previous outputs byte for byte and says so', async () => {
    const nb = write('nb.ipynb', code('let epochs = 1;', ['parameters']), code('a'));
    fs.writeFileSync(path.join(dir, 'nb.out.ipynb'), 'good ipynb');
    fs.writeFileSync(path.join(dir, 'nb.out.html'), 'good html');
    const failedStart: RunNotebookOptions = {
      kernel: 'tslab',
      kernelspecDirs: [],
      startKernel: () => Promise.reject(new KernelStartupError('kernel "tslab" failed to start: no kernel_info reply within 0.01 s')),
    };
    for (const options of [failedStart, { ...scripted({ started: false }), parameters: { epoch: 3 } }, { ...scripted({ started: false }), kernel: 'typo' }]) {
      const r = await runNotebookToFiles(nb, options);
      assert.equal(r.ok, false);
      assert.equal(r.written, false);
      assert.equal(r.outputsNote, `the run executed no cell, so the previous outputs were kept (${path.join(dir, 'nb.out.ipynb')} and ${path.join(dir, 'nb.out.html')})`);
      assert.equal(fs.readFileSync(path.join(dir, 'nb.out.ipynb'), 'utf8'), 'good ipynb');
      assert.equal(fs.readFileSync(path.join(dir, 'nb.out.html'), 'utf8'), 'good html');
    }
    fs.rmSync(path.join(dir, 'nb.out.ipynb'));
    fs.rmSync(path.join(dir, 'nb.out.html'));
    const none = await runNotebookToFiles(nb, failedStart);
    assert.equal(none.outputsNote, 'the run executed no cell, so nothing was written');
    assert.deepEqual(fs.readdirSync(dir), ['nb.ipynb']);
  });

  it('a non-string kernelspec.name fails naming the notebook file and the field', async () => {
    const nb = path.join(dir, 'nb.ipynb');
    fs.writeFileSync(nb, JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: ['tslab'], display_name: 'T' } }, cells: [code('a')] }));
    const r = await runNotebookToFiles(nb, { kernelspecDirs: [] });
    assert.equal(r.ok, false);
    assert.equal(r.reason, `${nb}: metadata.kernelspec.name: must be a non-empty string, got ["tslab"] (fix the notebook's metadata or pass --kernel NAME)`);
    assert.ok(r.error instanceof PreflightError);
  });

  it('a run that fails after executing a cell replaces the outputs and says so', async () => {
    const nb = write('nb.ipynb', code('a'), code('fail here'));
    fs.writeFileSync(path.join(dir, 'nb.out.ipynb'), 'good ipynb');
    const r = await runNotebookToFiles(nb, scripted({ started: false }));
    assert.equal(r.ok, false);
    assert.equal(r.written, true);
    assert.equal(r.reason, 'cell 2: 1:1 - fail here');
    assert.equal(r.outputsNote, `wrote the partial results to ${r.ipynbPath} and ${r.htmlPath}`);
    assert.equal(JSON.parse(fs.readFileSync(r.ipynbPath, 'utf8')).metadata.digit_lab.run.status, 'failed');
  });
});
