import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { executeNotebook } from '../../../lib/runner';
import { handoutNotebook, HANDOUT_PLACEHOLDER } from '../../../lib/runner/document/handout';
import type { Notebook } from '../../../lib/runner/document/nbformat';
import { joinSource } from '../../../lib/runner/document/nbformat';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** A small lesson: an exercise (markdown), its code solution, a markdown solution, and run outputs. */
function lesson(): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' }, course: 'digits' },
    cells: [
      { cell_type: 'code', id: 'setup', metadata: {}, execution_count: 1, outputs: [{ output_type: 'stream', name: 'stdout', text: ['ready\n'] }], source: 'const x = 2;\nconsole.log("ready");' },
      { cell_type: 'markdown', id: 'task', metadata: { tags: ['exercise'] }, source: '**Try it:** square `x`.' },
      { cell_type: 'code', id: 'answer', metadata: { tags: ['solution'], collapsed: true }, execution_count: 2, outputs: [{ output_type: 'execute_result', execution_count: 2, data: { 'text/plain': '4' }, metadata: {} }], source: 'x * x' },
      { cell_type: 'markdown', id: 'why', metadata: { tags: ['solution'] }, source: 'Because 2 × 2 = 4.' },
      { cell_type: 'code', id: 'after', metadata: { tags: ['keep'] }, execution_count: 3, outputs: [], source: 'console.log(x + 1);' },
    ],
  };
}

describe('runner/document handout', () => {
  it('replaces each solution cell by "// your code here" (a code cell, id and tags kept) and clears every output', () => {
    const input = lesson();
    const copy = structuredClone(input);
    const { notebook, solutions, cleared } = handoutNotebook(input);
    assert.deepEqual(input, copy, 'the input is left as it was');
    assert.equal(solutions, 2);
    assert.equal(cleared, 2, 'setup and after had run; the answer counts as a solution');
    const byId = Object.fromEntries(notebook.cells.map((c) => [c.id, c]));
    for (const id of ['answer', 'why']) {
      assert.equal(byId[id].cell_type, 'code');
      assert.equal(joinSource(byId[id].source), HANDOUT_PLACEHOLDER);
      assert.deepEqual(byId[id].metadata.tags, ['solution']);
    }
    assert.equal(byId.answer.metadata.collapsed, true, 'other metadata kept');
    assert.deepEqual(notebook.cells.filter((c) => c.cell_type === 'code').map((c) => [(c as { outputs: unknown[] }).outputs.length, (c as { execution_count: unknown }).execution_count]), [[0, null], [0, null], [0, null], [0, null]]);
    assert.equal(joinSource(byId.setup.source), joinSource(input.cells[0].source), 'other code is unchanged');
    assert.deepEqual(byId.task, input.cells[1], 'the exercise text is unchanged');
    assert.equal(notebook.metadata.course, 'digits');
    assert.doesNotMatch(JSON.stringify(notebook), /x \* x|2 × 2/, 'no solution text is left anywhere');
  });

  describe('digit-lab handout @slow', function () {
    this.timeout(120_000);
    let dir: string;
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['-r', 'tsx/cjs', '-e', "require('./lib/cli/main').main(['node','digit-lab',...process.argv.slice(1)])", ...args], { cwd: ROOT, encoding: 'utf8' });

    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-handout-'));
      fs.writeFileSync(path.join(dir, 'lesson.ipynb'), JSON.stringify(lesson()));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('writes NAME-handout.ipynb, which the runner executes top to bottom', async () => {
      const run = cli('handout', path.join(dir, 'lesson.ipynb'));
      assert.equal(run.status, 0, run.stderr);
      assert.match(run.stdout, /lesson-handout\.ipynb: 2 solution cells replaced/);
      const result = await executeNotebook(path.join(dir, 'lesson-handout.ipynb'), { kernelspecDirs: [] });
      assert.equal(result.ok, true, result.error?.message);
      const printed = result.notebook.cells.flatMap((c) => (c.cell_type === 'code' ? c.outputs : [])).map((o) => joinSource((o as { text?: string[] }).text ?? ''));
      assert.deepEqual(printed, ['ready\n', '3\n']);
    });

    it('refuses to write over its input, even through a symlinked folder, and leaves it untouched', () => {
      const input = path.join(dir, 'lesson.ipynb');
      const before = fs.readFileSync(input);
      fs.symlinkSync(dir, path.join(dir, 'link'));
      for (const output of [input, path.join(dir, 'link', 'lesson.ipynb')]) {
        const run = cli('handout', input, '--output', output);
        assert.equal(run.status, 1);
        assert.match(run.stderr, /--output .* is the notebook itself/);
      }
      assert.ok(fs.readFileSync(input).equals(before));
    });

    it('names the file when the notebook is not one', () => {
      fs.writeFileSync(path.join(dir, 'bad.ipynb'), '{"cells": 3}');
      const run = cli('handout', path.join(dir, 'bad.ipynb'));
      assert.equal(run.status, 1);
      assert.match(run.stderr, /bad\.ipynb/);
      assert.equal(fs.existsSync(path.join(dir, 'bad-handout.ipynb')), false);
    });
  });
});
