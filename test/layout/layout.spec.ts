/**
 * The shape of lib/: each top-level folder is one role, imports point down the layers below, no
 * folder (at any depth) takes part in an import cycle, and the command line loads TensorFlow.js
 * only for the commands that use it.
 */
import { strict as assert } from 'assert';
import { spawnSync } from 'child_process';
import * as path from 'path';
import { cyclesOf, folderGraph, importEdges, sourceFiles } from './import-graph';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The layers, lowest first: a folder may import only from folders of a lower layer. `.` is
 * lib/index.ts, the notebook-facing API on top. The runner stands apart from the model side.
 */
const LAYERS: Record<string, number> = {
  common: 0,
  data: 1, imaging: 1, runner: 1,
  engine: 2,
  model: 3,
  reading: 4,
  notebook: 5,
  drawpad: 6,
  bench: 7,
  cli: 8,
  '.': 9,
};

describe('lib/ layout', () => {
  const files = sourceFiles(ROOT, 'lib');
  const edges = importEdges(ROOT, files);

  it('reads the imports (sanity: the graph is not empty and resolves index imports)', () => {
    assert.ok(files.length > 50, `${files.length} files`);
    assert.ok(edges.some((e) => e.from === 'lib/index.ts' && e.to === 'lib/model/index.ts'), 'lib/index.ts -> lib/model/index.ts');
    assert.ok(edges.some((e) => e.from === 'lib/model/train.ts' && e.to.startsWith('lib/model/')), 'model/train.ts imports its neighbours');
  });

  it('has no folder-level import cycle, at any depth', () => {
    const folders = [...new Set(files.map((f) => path.posix.dirname(f)))];
    const found = folders.flatMap((folder) => cyclesOf(folderGraph(edges, folder)).map((c) => `${folder}: ${c.join(' <-> ')}`));
    assert.deepEqual(found, []);
  });

  it('names a layer for every top-level folder', () => {
    const tops = [...new Set(files.map((f) => (f.split('/').length > 2 ? f.split('/')[1] : '.')))].sort();
    assert.deepEqual(tops.filter((t) => !(t in LAYERS)), [], 'add new folders to LAYERS');
  });

  it('imports point down the layers (common < data, imaging, runner < engine < model < reading < notebook < drawpad < bench < cli)', () => {
    const top = (f: string) => (f.split('/').length > 2 ? f.split('/')[1] : '.');
    const upward = edges
      .filter((e) => top(e.from) !== top(e.to) && !(LAYERS[top(e.to)] < LAYERS[top(e.from)]))
      .map((e) => `${e.from} -> ${e.to}`);
    assert.deepEqual(upward, []);
  });

  it('the runner depends on nothing but itself and common/', () => {
    const outside = edges
      .filter((e) => e.from.startsWith('lib/runner/') && !e.to.startsWith('lib/runner/') && !e.to.startsWith('lib/common/'))
      .map((e) => `${e.from} -> ${e.to}`);
    assert.deepEqual(outside, []);
  });

  it('the checks find a cycle and an upward import when there is one', () => {
    const cyclic = [
      { from: 'lib/train.ts', to: 'lib/training/batches.ts' },
      { from: 'lib/training/recipe.ts', to: 'lib/train.ts' },
    ];
    assert.deepEqual(cyclesOf(folderGraph(cyclic, 'lib')), [['.', 'training']]);
    assert.deepEqual(cyclesOf(folderGraph(cyclic.slice(0, 1), 'lib')), []);
    assert.deepEqual(cyclesOf(folderGraph(edges, 'lib').set('common', new Set(['cli']))).length, 1);
  });
});

describe('the command line loads TensorFlow.js lazily', function () {
  this.timeout(60000);

  /** Runs the CLI from the sources with `args` and lists the loaded modules that match. */
  function loadedModules(bin: 'digit-lab' | 'nbconvert-ts-runner', args: string[]): { tfjs: string[]; commander: boolean; stdout: string } {
    const argv = bin === 'digit-lab' ? args : ['run', ...args];
    const script = `
      process.on('exit', () => {
        const loaded = Object.keys(require.cache);
        process.stderr.write('\\n@@' + JSON.stringify({
          tfjs: loaded.filter((k) => k.includes('@tensorflow')),
          commander: loaded.some((k) => k.includes('commander')),
        }));
      });
      require('./lib/cli/main').main(['node', ${JSON.stringify(bin)}, ...${JSON.stringify(argv)}], ${JSON.stringify(bin)});`;
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 50000 });
    const report = run.stderr.split('@@').pop() ?? '';
    assert.equal(run.status, 0, run.stderr);
    return { ...(JSON.parse(report) as { tfjs: string[]; commander: boolean }), stdout: run.stdout };
  }

  it('nbconvert-ts-runner --help loads no TensorFlow.js', () => {
    const r = loadedModules('nbconvert-ts-runner', ['--help']);
    assert.ok(r.commander && /--output-dir/.test(r.stdout), 'the help was printed');
    assert.deepEqual(r.tfjs, []);
  });

  it('digit-lab --help and train --help load no TensorFlow.js', () => {
    for (const args of [['--help'], ['train', '--help'], ['predict', '--help'], ['bench', '--help'], ['report', '--help']]) {
      const r = loadedModules('digit-lab', args);
      assert.ok(r.commander && /Usage:/.test(r.stdout), `${args.join(' ')}: the help was printed`);
      assert.deepEqual(r.tfjs, [], `${args.join(' ')} loaded TensorFlow.js`);
    }
  });

  it('the check sees TensorFlow.js when a module does load it', () => {
    const script = `require('./lib/model/architectures'); console.log(Object.keys(require.cache).some((k) => k.includes('@tensorflow')))`;
    const direct = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(direct.stdout.trim(), 'true', direct.stderr);
  });
});
