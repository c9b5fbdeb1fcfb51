import { strict as assert } from 'assert';
import type { DisplayDataWriter, DisplayEnvironment } from '../../lib/notebook/display';
import { formatElapsed, trainingProgressDisplay } from '../../lib/notebook/training-display';

type Sent = { content: Parameters<DisplayDataWriter>[0]; update: boolean };

const start = { kind: 'start', epochs: 2, batchesPerEpoch: 4, trainExamples: 512, validationExamples: 64 };
const batch = (epoch: number, b: number) => ({ kind: 'batch', epoch, epochs: 2, batch: b, batches: 4, loss: 1 / b, acc: 0.5, examplesPerSec: 1234.4 });
const epochEnd = (epoch: number) => ({
  kind: 'epoch',
  epochs: 2,
  record: { epoch, loss: 0.5 / epoch, acc: 0.8 + epoch / 100, valLoss: 0.6, valAcc: 0.79, lr: 0.001, seconds: 2.5, examplesPerSec: 204.8 },
  improved: true,
});

function kernelEnv(): { environment: () => DisplayEnvironment; sent: Sent[] } {
  const sent: Sent[] = [];
  const env: DisplayEnvironment = { kind: 'bundle', writer: (content, update) => sent.push({ content, update }), print: () => assert.fail('no printing in a kernel') };
  return { environment: () => env, sent };
}

describe('notebook: training progress', () => {
  it('draws one output and updates it in place through a run', () => {
    let clock = 0;
    const { environment, sent } = kernelEnv();
    const onProgress = trainingProgressDisplay({ title: 'Seed CNN', minIntervalMs: 500, now: () => clock, environment });
    onProgress(start);
    for (let b = 1; b <= 4; b++) {
      clock += 200;
      onProgress(batch(1, b));
    }
    onProgress(epochEnd(1));
    onProgress({ kind: 'end', stoppedEarly: true, bestEpoch: 1, restoredBest: true });

    const ids = new Set(sent.map((s) => s.content.transient.display_id));
    assert.equal(ids.size, 1, 'one display id throughout');
    assert.ok(/^[0-9a-f]{16}$/.test([...ids][0]!));
    assert.deepEqual(sent.map((s) => s.update), [false, ...sent.slice(1).map(() => true)]);
    // Draws: start (t=0), batch 3 (t=600; batches 1, 2 and 4 came within 500 ms of a draw), epoch, end.
    assert.equal(sent.length, 4, `draws: ${sent.map((s) => String(s.content.data['text/plain']).split('\n')[1]).join(' | ')}`);
    const batchHtml = String(sent[1].content.data['text/html']);
    assert.match(batchHtml, /epoch 1\/2 · batch 3\/4/);
    assert.match(batchHtml, /1234 examples\/s · elapsed 0\.6 s/);
    assert.match(batchHtml, /width:75%/, 'epoch bar at 3 of 4 batches');
    assert.match(batchHtml, /width:37.5%/, 'overall bar at 3/8');

    const last = sent[sent.length - 1].content.data;
    assert.match(String(last['text/html']), /done after 1 epoch in 0\.8 s \(stopped early\)/);
    assert.match(String(last['text/html']), /weights restored from the best epoch, 1/);
    assert.match(String(last['text/html']), />81\.00%</, 'history table shows accuracy as percent');
    assert.match(String(last['text/plain']), /epoch\s+loss\s+acc\s+valLoss\s+valAcc\s+lr\s+seconds\s+examplesPerSec/);
  });

  it('prints one line per epoch outside a kernel and ignores batches there', () => {
    const printed: string[] = [];
    const env: DisplayEnvironment = { kind: 'text', print: (t) => printed.push(t) };
    let clock = 1000;
    const onProgress = trainingProgressDisplay({ environment: () => env, now: () => clock });
    onProgress(start);
    onProgress(batch(1, 1));
    onProgress(epochEnd(1));
    onProgress({ kind: 'augment', copy: 1, copies: 1, done: 10, total: 100 });
    onProgress({ kind: 'something-new' });
    clock += 150_000;
    onProgress({ kind: 'end', stoppedEarly: false, bestEpoch: 1, restoredBest: false });
    assert.deepEqual(printed, [
      'Training: 512 training examples, 64 for validation; 2 epochs of 4 batches',
      'epoch 1/2 · loss 0.5000 · acc 81.00% · val_loss 0.6000 · val_acc 79.00% · 2.5 s',
      'Training: done after 1 epoch in 2 min 30 s',
    ]);
  });

  it('formats durations', () => {
    assert.equal(formatElapsed(12_345), '12.3 s');
    assert.equal(formatElapsed(125_000), '2 min 05 s');
    assert.equal(formatElapsed(-5), '0.0 s');
  });

  it('shows augmentation progress', () => {
    const { environment, sent } = kernelEnv();
    const onProgress = trainingProgressDisplay({ minIntervalMs: 0, now: () => 0, environment });
    onProgress({ kind: 'augment', copy: 1, copies: 2, done: 30, total: 120 });
    assert.equal(sent.length, 1);
    assert.match(String(sent[0].content.data['text/html']), /augmenting: copy 1\/2, 30\/120 images/);
    assert.match(String(sent[0].content.data['text/html']), /width:25%/);
  });
});
