import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { AffineParams, AugmentFillMode, affineMatrixFor, applyAffineTransforms } from '../../lib/model/augment';
import { describeEachBackend } from '../helpers/backends';

/** Outputs of Keras' own apply_affine_transform; see fixtures/keras_affine_golden.py. */
interface KerasGolden {
  generator: string;
  images: Array<{
    height: number;
    width: number;
    image: number[][];
    cases: Array<{ params: AffineParams; fillMode: AugmentFillMode; cval: number; output: number[][] }>;
  }>;
}

const golden = JSON.parse(
  fs.readFileSync(path.join(__dirname, 'fixtures', 'keras-affine.json'), 'utf8'),
) as KerasGolden;

describeEachBackend(`augment matches Keras' apply_affine_transform (${golden.generator})`, () => {
  beforeEach(() => tf.engine().startScope());
  afterEach(() => tf.engine().endScope());

  for (const entry of golden.images) {
    const { height, width } = entry;
    for (const c of entry.cases) {
      const p = c.params;
      const name = `${height}x${width}, ${c.fillMode}: theta ${p.theta}, shift (${p.tx}, ${p.ty}), shear ${p.shear}, zoom (${p.zx}, ${p.zy})`;
      it(name, () => {
        const image = tf.tensor4d(entry.image.flat(), [1, height, width, 1]);
        const out = applyAffineTransforms(image, p, { fillMode: c.fillMode, cval: c.cval }).dataSync();
        const m = affineMatrixFor(p, height, width).xy;
        let compared = 0;
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            // Keras' scipy 'wrap' has a period one pixel short of the documented one: compare
            // only the pixels that sample inside the image for that mode.
            const sx = m[0][0] * x + m[0][1] * y + m[0][2];
            const sy = m[1][0] * x + m[1][1] * y + m[1][2];
            const inside = sx >= -1e-6 && sx <= width - 1 + 1e-6 && sy >= -1e-6 && sy <= height - 1 + 1e-6;
            if (c.fillMode === 'wrap' && !inside) continue;
            const expected = c.output[y][x];
            const actual = out[y * width + x];
            assert.ok(Math.abs(actual - expected) < 1e-4, `pixel (x ${x}, y ${y}): ${actual} vs Keras ${expected}`);
            compared++;
          }
        }
        assert.ok(compared >= (height * width) / 3, `only ${compared} pixels compared`);
      });
    }
  }
});
