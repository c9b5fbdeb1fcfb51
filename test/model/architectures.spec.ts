import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { compactCnn, createModel, defaultLearningRateSchedule, modelSummaryRows, MODEL_NAMES, oneCycleRate, referenceCnn, resolveModelName, seedCnn } from '../../lib/model/architectures';
import { describeEachBackend } from '../helpers/backends';

describeEachBackend('models', (backend) => {
  it('keeps the weights it builds on this backend', () => {
    const model = referenceCnn({ seed: 1 });
    assert.equal(tf.getBackend(), backend);
    const tensorInfo = (tf.engine() as unknown as { state: { tensorInfo: WeakMap<object, { backend: tf.KernelBackend }> } }).state.tensorInfo;
    for (const w of model.weights) assert.equal(tensorInfo.get(w.read().dataId)?.backend, tf.backend(), `${w.name} is held by ${backend}`);
    model.dispose();
  });

  it('the reference CNN has the reference architecture and 634,154 parameters', () => {
    const model = referenceCnn();
    assert.equal(model.name, 'reference_cnn');
    assert.equal(model.countParams(), 634154);
    const rows = modelSummaryRows(model);
    assert.deepEqual(rows.map((r) => r.type), ['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D', 'Flatten', 'Dense', 'Dense', 'Dense', 'Dense']);
    assert.deepEqual(rows[0].outputShape, [null, 26, 26, 64]);
    assert.deepEqual(rows[4].outputShape, [null, 4608]);
    assert.deepEqual(rows.map((r) => r.params), [640, 0, 32896, 0, 0, 589952, 8256, 2080, 330]);
    model.dispose();
  });

  it('createModel builds every named model, compiled, ending in 10 classes', () => {
    for (const name of MODEL_NAMES) {
      const model = createModel(name, { seed: 1 });
      assert.ok(model.optimizer, `${name} is compiled`);
      const rows = modelSummaryRows(model);
      assert.deepEqual(rows[rows.length - 1].outputShape, [null, 10]);
      assert.equal(rows.reduce((s, r) => s + r.params, 0), model.countParams());
      model.dispose();
    }
    const best = createModel('best');
    assert.ok(modelSummaryRows(best).some((r) => r.type === 'BatchNormalization'));
    assert.ok(modelSummaryRows(best).some((r) => r.type === 'Dropout'));
    best.dispose();
    assert.throws(() => createModel('huge' as never), /unknown model "huge"/);
  });

  it("'best' is the compact CNN: batch norm only after the cheap first convolution, 231,930 parameters", () => {
    const model = createModel('best', { seed: 1 });
    assert.equal(model.name, 'compact_cnn');
    assert.equal(model.countParams(), 231930);
    const rows = modelSummaryRows(model);
    assert.deepEqual(rows.map((r) => r.type), [
      'Conv2D', 'MaxPooling2D', 'Conv2D', 'BatchNormalization', 'Activation', 'Conv2D', 'BatchNormalization', 'Activation',
      'MaxPooling2D', 'Flatten', 'Dense', 'BatchNormalization', 'Activation', 'Dropout', 'Dense',
    ]);
    assert.deepEqual(rows[1].outputShape, [null, 13, 13, 24]);
    assert.deepEqual(rows[9].outputShape, [null, 768]);
    model.dispose();
    const narrow = compactCnn({ filters: 8, units: 16 });
    assert.deepEqual(modelSummaryRows(narrow)[5].outputShape, [null, 9, 9, 16]);
    narrow.dispose();
  });

  it('the same seed gives the same initial weights', () => {
    const a = createModel('best', { seed: 9 });
    const b = createModel('best', { seed: 9 });
    a.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), b.getWeights()[i].dataSync()));
    a.dispose();
    b.dispose();
  });
});

describe('models: learning-rate schedules', () => {
  it('the best model warms up and then decays its rate (one-cycle, by fractional epoch); the seed recipe keeps it constant', () => {
    const schedule = defaultLearningRateSchedule('best')!;
    assert.equal(schedule, oneCycleRate);
    const peak = 3e-3;
    const near = (a: number, b: number) => Math.abs(a - b) < 1e-12;
    assert.ok(near(schedule(0, peak, 4), 0.1 * peak), 'starts at 10% of the peak');
    assert.ok(schedule(0.3, peak, 4) > schedule(0.1, peak, 4), 'rises during the warm-up');
    assert.ok(near(schedule(0.6, peak, 4), peak), 'peaks at 15% of the run');
    const later = [1, 1.5, 2, 3, 3.9].map((e) => schedule(e, peak, 4));
    later.forEach((rate, i) => assert.ok(i === 0 || rate < later[i - 1], `falls after the peak (${later.join(', ')})`));
    assert.ok(near(schedule(4, peak, 4), 0.01 * peak), 'ends at 1% of the peak');
    assert.ok(schedule(3.9, peak, 4) < 0.03 * peak);
    assert.equal(defaultLearningRateSchedule('reference'), undefined);
  });

  it("'seed' is still accepted as the reference model's older name; unknown names list the accepted ones", () => {
    assert.deepEqual([...MODEL_NAMES], ['reference', 'best', 'tiny']);
    assert.equal(resolveModelName('seed'), 'reference');
    assert.equal(seedCnn, referenceCnn);
    const model = createModel('seed', { seed: 1 });
    assert.equal(model.name, 'reference_cnn');
    model.dispose();
    assert.throws(() => resolveModelName('resnet'), /unknown model "resnet": expected one of reference, best, tiny \(or seed, an older name\)/);
  });
});
