/**
 * The walkthrough notebook as a teacher uses it: its hand-written network is the library's
 * reference model layer for layer, it runs top to bottom (every exercise's solution included)
 * on the real tslab kernel, and the student handout made from it runs too.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { executeNotebook } from '../../lib/runner';
import { handoutNotebook, HANDOUT_PLACEHOLDER } from '../../lib/runner/document/handout';
import { type Notebook, joinSource } from '../../lib/runner/document/nbformat';
import { seedCnn, modelSummaryRows } from '../../lib/model/architectures';

const ROOT = path.resolve(__dirname, '..', '..');
const NOTEBOOKS = path.join(ROOT, 'notebooks');
const WALKTHROUGH = path.join(NOTEBOOKS, 'Digit_Recognizer.ipynb');

type AnyCell = Notebook['cells'][number] & { outputs?: { output_type: string; ename?: string; evalue?: string; text?: string | string[] }[] };

function readWalkthrough(): Notebook {
  return JSON.parse(fs.readFileSync(WALKTHROUGH, 'utf8')) as Notebook;
}

function tags(cell: Notebook['cells'][number]): string[] {
  return (cell.metadata.tags as string[] | undefined) ?? [];
}

function cellById(nb: Notebook, id: string): Notebook['cells'][number] {
  const cell = nb.cells.find((c) => c.id === id);
  assert.ok(cell, `the walkthrough has a cell with id ${id}`);
  return cell;
}

function errorsOf(nb: Notebook): string[] {
  return (nb.cells as AnyCell[]).flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error').map((o) => `${c.id}: ${o.ename}: ${o.evalue}`));
}

/** Small parameters: the embedded digits, 1,000 of them, one epoch; the model goes to a temp folder. */
function smallRun(modelDir: string) {
  return { dataSource: 'embedded', trainLimit: 1000, epochs: 1, sampleCount: 12, modelDir };
}

describe('the walkthrough notebook', () => {
  it('writes its code for people: imports in the first code cell, no line over 100 characters, typed parameters, no casts to ModelName', () => {
    const nb = readWalkthrough();
    const code = nb.cells.filter((c) => c.cell_type === 'code').map((c) => ({ id: c.id, source: joinSource(c.source) }));
    code.slice(1).forEach((c) => assert.doesNotMatch(c.source, /^\s*import\b/m, `${c.id}: imports belong in the first cell`));
    for (const c of code) {
      for (const line of c.source.split('\n')) assert.ok(line.length <= 100, `${c.id}: a line of ${line.length} characters: ${line}`);
      assert.doesNotMatch(c.source, /as dl\.ModelName/, `${c.id} casts to ModelName`);
    }
    const params = nb.cells.find((c) => tags(c).includes('parameters'));
    assert.ok(params);
    for (const line of joinSource(params.source).split('\n').filter((l) => l.trim())) assert.match(line, /^let \w+: [^=]+ = .+;$/, `typed: ${line}`);
    assert.match(joinSource(params.source), /let modelName: "reference" \| "best" \| "seed" = "reference";/);
  });

  it('has 4 to 6 "Try it" exercises, each followed by a solution code cell tagged solution', () => {
    const nb = readWalkthrough();
    const tasks = nb.cells.map((c, i) => [c, i] as const).filter(([c]) => c.cell_type === 'markdown' && /^> \*\*Try it:/.test(joinSource(c.source)));
    assert.ok(tasks.length >= 4 && tasks.length <= 6, `${tasks.length} exercises`);
    for (const [task, i] of tasks) {
      assert.match(joinSource(task.source), /What to[\s>]*expect/, `${task.id} says what to expect`);
      const next = nb.cells[i + 1];
      assert.equal(next.cell_type, 'code', `${task.id} is followed by code`);
      assert.deepEqual(tags(next), ['solution'], `${task.id}'s next cell is tagged solution`);
    }
    assert.equal(nb.cells.filter((c) => tags(c).includes('solution')).length, tasks.length, 'one solution per exercise');
  });

  it('keeps the run information (engine, checksums, versions) in an appendix at the end', () => {
    const nb = readWalkthrough();
    const appendix = nb.cells.findIndex((c) => c.cell_type === 'markdown' && /^## Appendix/.test(joinSource(c.source)));
    assert.ok(appendix > 0, 'an appendix heading');
    const after = nb.cells.slice(appendix).map((c) => joinSource(c.source)).join('\n');
    const before = nb.cells.slice(0, appendix).map((c) => joinSource(c.source)).join('\n');
    for (const caption of ['Engine', 'Checksums (SHA-256)', 'Versions']) {
      assert.ok(after.includes(`"${caption}"`), `${caption} in the appendix`);
      assert.ok(!before.includes(`caption: "${caption}"`), `${caption} not before it`);
    }
  });

  describe('on the tslab kernel @slow', function () {
    this.timeout(300_000);
    let dir = '';
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'digit-lab-walkthrough-'));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("builds the library's reference network: the same layers, output shapes, parameter counts, initial weights and optimizer", async () => {
      const nb = readWalkthrough();
      const probe = `
const summary = dl.modelSummaryRows(network).map((r) => ({ type: r.type, outputShape: r.outputShape, params: r.params }));
const sums = network.getWeights().map((w) => ({ shape: w.shape, sum: w.sum().dataSync()[0], absSum: w.abs().sum().dataSync()[0] }));
const optimizer = network.optimizer.getConfig();
console.log(JSON.stringify({ summary: summary, sums: sums, loss: network.loss, optimizer: optimizer, optimizerClass: network.optimizer.getClassName() }));`;
      const small: Notebook = {
        ...nb,
        cells: [
          nb.cells.find((c) => c.cell_type === 'code')!,
          nb.cells.find((c) => tags(c).includes('parameters'))!,
          cellById(nb, 'network'),
          { cell_type: 'code', id: 'probe', metadata: {}, execution_count: null, outputs: [], source: probe },
        ],
      };
      const file = path.join(dir, 'network.ipynb');
      fs.writeFileSync(file, JSON.stringify(small));
      const result = await executeNotebook(file, { cwd: NOTEBOOKS, parameters: { seed: 7 } });
      assert.equal(result.ok, true, result.error?.message);
      const last = result.notebook.cells[result.notebook.cells.length - 1] as AnyCell;
      const printed = JSON.parse((last.outputs ?? []).map((o) => joinSource(o.text ?? '')).join('')) as {
        summary: { type: string; outputShape: (number | null)[]; params: number }[];
        sums: { shape: number[]; sum: number; absSum: number }[];
        loss: string; optimizer: Record<string, number>; optimizerClass: string;
      };
      const library = seedCnn({ seed: 7 });
      try {
        assert.deepEqual(printed.summary, modelSummaryRows(library).map((r) => ({ type: r.type, outputShape: r.outputShape, params: r.params })));
        const weights = library.getWeights();
        assert.deepEqual(printed.sums.map((s) => s.shape), weights.map((w) => w.shape));
        weights.forEach((w, i) => {
          const absSum = w.abs().sum().dataSync()[0];
          assert.ok(Math.abs(printed.sums[i].absSum - absSum) <= 1e-3 * Math.max(1, absSum), `weight ${i}: ${printed.sums[i].absSum} vs ${absSum}`);
          assert.ok(Math.abs(printed.sums[i].sum - w.sum().dataSync()[0]) <= 1e-3 * Math.max(1, absSum), `weight ${i} sum`);
        });
        assert.equal(printed.loss, library.loss);
        assert.equal(printed.optimizerClass, library.optimizer.getClassName());
        assert.deepEqual(printed.optimizer, library.optimizer.getConfig());
      } finally {
        library.dispose();
      }
    });

    it('runs top to bottom with small parameters; every solution cell runs, with output and no error', async () => {
      const result = await executeNotebook(WALKTHROUGH, { cwd: NOTEBOOKS, parameters: smallRun(path.join(dir, 'model')), allowErrors: true });
      assert.deepEqual(errorsOf(result.notebook), []);
      assert.equal(result.ok, true, result.error?.message);
      const solutions = (result.notebook.cells as AnyCell[]).filter((c) => tags(c).includes('solution'));
      assert.ok(solutions.length >= 4);
      for (const cell of solutions) assert.ok((cell.outputs ?? []).length > 0, `${cell.id} shows something`);
    });

    it('trains the "best" model by its recipe: fresh copies every epoch, the one-cycle rate, the compact network, shift averaging', async () => {
      const nb = readWalkthrough();
      const upToTraining = nb.cells.slice(0, nb.cells.findIndex((c) => c.id === cellById(nb, 'cell-23').id) + 1);
      const probe = `
const optimizer = model.optimizer as unknown as { learningRate: number };
const lastLayer = predictor.layers[predictor.layers.length - 1].name;
console.log(JSON.stringify({ name: model.name, fresh: freshCopies, perEpoch: picturesPerEpoch, rate: optimizer.learningRate, lastLayer: lastLayer }));`;
      const small: Notebook = {
        ...nb,
        cells: [...upToTraining.filter((c) => !tags(c).includes('solution')), { cell_type: 'code', id: 'probe', metadata: {}, execution_count: null, outputs: [], source: probe }],
      };
      const file = path.join(dir, 'best.ipynb');
      fs.writeFileSync(file, JSON.stringify(small));
      const params = { ...smallRun(path.join(dir, 'best-model')), trainLimit: 400, epochs: 2, modelName: 'best' };
      const result = await executeNotebook(file, { cwd: NOTEBOOKS, parameters: params, allowErrors: true });
      assert.deepEqual(errorsOf(result.notebook), []);
      const text = (result.notebook.cells as AnyCell[]).flatMap((c) => (c.outputs ?? []).map((o) => joinSource(o.text ?? ''))).join('');
      // 400 digits less the 10% held out for validation, each with a fresh copy per epoch.
      assert.match(text, /trained on 720 pictures per epoch in /);
      const printed = JSON.parse(text.trim().split('\n').pop()!) as { name: string; fresh: boolean; perEpoch: number; rate: number; lastLayer: string };
      assert.deepEqual({ name: printed.name, fresh: printed.fresh, perEpoch: printed.perEpoch }, { name: 'compact_cnn', fresh: true, perEpoch: 720 });
      // The recipe's shift averaging: evaluated (and later saved and used) through the wrapped model.
      assert.equal(printed.lastLayer, 'compact_cnn_shifts_mean');
      assert.ok(Math.abs(printed.rate - 3e-3) < 1e-9, `the schedule gave the rate back after training: ${printed.rate}`);
    });

    it('makes a handout without solution code that runs top to bottom', async () => {
      const nb = readWalkthrough();
      const { notebook, solutions } = handoutNotebook(nb);
      assert.equal(solutions, nb.cells.filter((c) => tags(c).includes('solution')).length);
      const text = JSON.stringify(notebook);
      for (const cell of nb.cells.filter((c) => tags(c).includes('solution'))) {
        for (const line of joinSource(cell.source).split('\n').filter((l) => l.trim().length > 20)) {
          assert.ok(!text.includes(JSON.stringify(line).slice(1, -1)), `solution code left in the handout: ${line}`);
        }
        assert.equal(joinSource(notebook.cells.find((c) => c.id === cell.id)!.source), HANDOUT_PLACEHOLDER);
      }
      const file = path.join(dir, 'handout.ipynb');
      fs.writeFileSync(file, JSON.stringify(notebook));
      const result = await executeNotebook(file, { cwd: NOTEBOOKS, parameters: smallRun(path.join(dir, 'handout-model')), allowErrors: true });
      assert.deepEqual(errorsOf(result.notebook), []);
      assert.equal(result.ok, true, result.error?.message);
    });
  });
});
