import { strict as assert } from 'assert';
import { consoleProgress, EpochRecord, formatEpochLine, TrainingEvent } from '../../lib/model/train-progress';

class FakeStream {
  text = '';
  constructor(readonly isTTY: boolean) {}
  write(s: string): boolean {
    this.text += s;
    return true;
  }
  // cli-progress asks a TTY stream for these.
  columns = 100;
  cursorTo(): boolean { return true; }
  clearLine(): boolean { return true; }
  moveCursor(): boolean { return true; }
}

const record: EpochRecord = { epoch: 2, loss: 0.12345, acc: 0.9612, valLoss: 0.2, valAcc: 0.95, lr: 0.001, seconds: 12.34, examplesPerSec: 987.6 };
const batch = (b: number): TrainingEvent => ({ kind: 'batch', epoch: 2, epochs: 5, batch: b, batches: 10, loss: 0.5, acc: 0.8, examplesPerSec: 100 });

describe('training progress', () => {
  it('formats an epoch as one compact line', () => {
    assert.equal(formatEpochLine(record, 5), 'epoch 2/5  loss 0.1235  acc 0.9612  val_loss 0.2000  val_acc 0.9500  lr 0.00100  12.3s  988 ex/s');
    const { valLoss: _a, valAcc: _b, ...noVal } = record;
    assert.doesNotMatch(formatEpochLine(noVal, 5), /val_/);
  });

  it('prints a line per epoch (and a heartbeat line on long epochs) when not on a TTY', () => {
    const stream = new FakeStream(false);
    let t = 0;
    const show = consoleProgress('auto', stream, { lineIntervalSec: 10, now: () => t })!;
    show({ kind: 'start', epochs: 5, batchesPerEpoch: 10, trainExamples: 1000, validationExamples: 0 });
    show(batch(1));
    t = 11;
    show(batch(2));
    t = 12;
    show(batch(3));
    show({ kind: 'epoch', epochs: 5, record, improved: true });
    const lines = stream.text.trim().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0], /training on 1000 examples, 10 batches per epoch/);
    assert.equal(lines[1], 'epoch 2/5  batch 2/10  loss 0.5000  acc 0.8000  100 ex/s');
    assert.match(lines[2], /^epoch 2\/5  loss 0\.1235/);
  });

  it('draws a bar within the epoch on a TTY', () => {
    const stream = new FakeStream(true);
    const show = consoleProgress('auto', stream)!;
    show(batch(5));
    show({ kind: 'epoch', epochs: 5, record, improved: false });
    assert.match(stream.text, /epoch 2\/5 \[.*\] 5\/10 loss 0\.5000/);
    assert.match(stream.text, /\(no improvement\)\n$/);
  });

  it('shows nothing in mode none', () => {
    assert.equal(consoleProgress('none', new FakeStream(true)), undefined);
  });
});
