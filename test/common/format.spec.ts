import { strict as assert } from 'assert';
import { formatDuration, isDurationKey } from '../../lib/common/format';

describe('common/format', () => {
  it('spells durations in ms, s, and min + s', () => {
    assert.equal(formatDuration(0.85), '850 ms');
    assert.equal(formatDuration(4.24), '4.2 s');
    assert.equal(formatDuration(185), '3 min 5 s');
    assert.equal(formatDuration(-3), '0 ms');
  });

  it('rounds the whole duration, so a minute boundary never reads "1 min 60 s"', () => {
    assert.equal(formatDuration(119.6), '2 min 0 s');
    assert.equal(formatDuration(119.4), '1 min 59 s');
  });

  it('pads seconds and drops milliseconds on request (a live clock)', () => {
    assert.equal(formatDuration(125, { padSeconds: true }), '2 min 05 s');
    assert.equal(formatDuration(0.86, { milliseconds: false }), '0.9 s');
  });

  it('recognises duration keys', () => {
    assert.ok(isDurationKey('duration') && isDurationKey('trainSeconds') && isDurationKey('load_seconds'));
    assert.ok(!isDurationKey('epochs'));
  });
});
