import { strict as assert } from 'assert';
import * as tf from '@tensorflow/tfjs';
import { JUDGE_HEIGHT, JUDGE_NOT_A_PAIR, JUDGE_WIDTH } from '../../lib/reading/judge';
import { judgeBranch } from '../../lib/reading/judge-branch';
import { loadJudgeModel, modelJudge } from '../../lib/reading/model';
import { seededRandom } from '../../lib/common/random';

describe('reading: the judge without its pair head', () => {
  it('gives the very verdicts of the joined model, without the pair values, and is made once', async () => {
    const model = await loadJudgeModel();
    try {
      const random = seededRandom(3);
      const inputs = Array.from({ length: 4 }, () => Float32Array.from({ length: JUDGE_HEIGHT * JUDGE_WIDTH }, () => (random() < 0.2 ? random() : 0)));
      const judge = modelJudge(model);
      const full = await judge(inputs);
      const alone = await judge(inputs, { pairs: false });
      assert.equal(full[0].length, JUDGE_NOT_A_PAIR + 1, 'the joined model: 3 verdicts and 101 pair values');
      assert.equal(alone[0].length, 3);
      full.forEach((v, i) => v.slice(0, 3).forEach((p, k) => assert.ok(Math.abs(p - alone[i][k]) < 1e-5, `piece ${i} class ${k}: ${p} vs ${alone[i][k]}`)));
      assert.equal(judgeBranch(model), judgeBranch(model), 'one branch model per judge');
    } finally {
      model.dispose();
    }
  });

  it('leaves a model without a pair head as it is', () => {
    const plain = tf.sequential({ layers: [tf.layers.dense({ inputShape: [2], units: 3 })] });
    assert.equal(judgeBranch(plain), plain);
    plain.dispose();
  });
});
