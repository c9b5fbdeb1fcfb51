import { strict as assert } from 'assert';
import * as path from 'path';
import { decodeImageFile } from '../../lib/imaging/node';
import { preprocessDigit } from '../../lib/imaging/preprocess';
import { photoPipelineSteps, photoStepsHtml } from '../../lib/notebook/photo-steps';

const SAMPLES = path.resolve(__dirname, '..', '..', 'data', 'samples');

describe('notebook/photo-steps: the photo pipeline as a strip of pictures', () => {
  it('shows six steps of a pencil photo, the last one exactly preprocessDigit\'s output', async () => {
    const photo = await decodeImageFile(path.join(SAMPLES, '3-pencil.png'));
    const steps = photoPipelineSteps(photo);
    assert.deepEqual(steps.map((s) => s.title.slice(0, 2)), ['1.', '2.', '3.', '4.', '5.', '6.']);
    assert.deepEqual([...steps[5].pixels], [...preprocessDigit(photo).pixels]);
    assert.match(steps[1].note, /inverted/, 'dark pencil on paper is inverted');
    const box = preprocessDigit(photo).box;
    assert.deepEqual([steps[3].width, steps[3].height], [box.width, box.height], 'cropped to the ink box');
    // Fitted into 20x20: the ink spans 19-20 pixels along its longer side.
    const rows = new Set<number>();
    const cols = new Set<number>();
    steps[4].pixels.forEach((v, i) => { if (v > 0) { rows.add(Math.floor(i / 28)); cols.add(i % 28); } });
    assert.ok(Math.max(rows.size, cols.size) >= 19 && Math.max(rows.size, cols.size) <= 21, `${rows.size}x${cols.size}`);
    for (const s of steps) assert.equal(s.pixels.length, s.width * s.height);
    const html = photoStepsHtml(steps, 'pencil');
    assert.equal(html.match(/<img /g)?.length, 6);
    assert.ok(html.length < 120_000, `the strip is ${html.length} characters`);
  });

  it('does not invert light chalk on a dark board', async () => {
    const steps = photoPipelineSteps(await decodeImageFile(path.join(SAMPLES, '5-chalkboard.png')));
    assert.match(steps[1].note, /already bright/);
  });
});
