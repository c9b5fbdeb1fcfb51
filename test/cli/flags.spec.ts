import { strict as assert } from 'assert';
import { REFERENCE_AUGMENTATION, STRONG_AUGMENTATION } from '../../lib/model/augment';
import { parseAugmentFlag } from '../../lib/cli/flags';

describe('command-line flags', () => {
  it('parses --augment', () => {
    assert.equal(parseAugmentFlag('none'), null);
    assert.deepEqual(parseAugmentFlag('reference'), { ...REFERENCE_AUGMENTATION });
    assert.deepEqual(parseAugmentFlag('strong'), { ...STRONG_AUGMENTATION });
    assert.deepEqual(parseAugmentFlag('{"rotationRange": 8}'), { rotationRange: 8 });
    assert.throws(() => parseAugmentFlag('[1]'), /must be an object/);
    assert.throws(() => parseAugmentFlag('{'), /expected none, reference, strong or a JSON object/);
  });
});
