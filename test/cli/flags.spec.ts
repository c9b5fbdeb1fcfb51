import { strict as assert } from 'assert';
import { REFERENCE_AUGMENTATION, STRONG_AUGMENTATION } from '../../lib/model/augment';
import { augmentFlag, parseAugmentFlag, positiveIntParser } from '../../lib/cli/flags';
import { errorText } from '../../lib/cli/common';

describe('command-line flags', () => {
  it('parses --augment', () => {
    assert.equal(parseAugmentFlag('none'), null);
    assert.deepEqual(parseAugmentFlag('reference'), { ...REFERENCE_AUGMENTATION });
    assert.deepEqual(parseAugmentFlag('strong'), { ...STRONG_AUGMENTATION });
    assert.deepEqual(parseAugmentFlag('{"rotationRange": 8}'), { rotationRange: 8 });
    assert.throws(() => parseAugmentFlag('[1]'), /must be an object/);
    assert.throws(() => parseAugmentFlag('{'), /expected none, reference, strong or a JSON object/);
  });

  it('--augment rejects unknown keys and wrong types, naming the flag and the known keys', () => {
    assert.throws(() => augmentFlag('{"foo":3}'), /^CliError: --augment: augment: unknown option "foo"; the options are rotationRange, widthShiftRange, .*interpolation, elasticRange$/);
    assert.throws(() => augmentFlag('{"rotationRange":"10"}'), /--augment: .*rotationRange must be a finite number >= 0, got "10"/);
    assert.deepEqual(augmentFlag('{"rotationRange":10,"zoomRange":[0.9,1.1]}'), { rotationRange: 10, zoomRange: [0.9, 1.1] });
  });

  it('a positive whole number flag names itself and its unit', () => {
    const parse = positiveIntParser('--timeout', 'milliseconds');
    assert.equal(parse('2500'), 2500);
    for (const bad of ['-5', '0', '1.5', 'soon', '']) {
      assert.throws(() => parse(bad), new RegExp(`^CliError: --timeout needs a positive whole number of milliseconds, got "${bad}"$`));
    }
  });

  it('an error message keeps every line: the first after "error:", the others indented', () => {
    assert.equal(errorText('bad thing'), 'error: bad thing\n');
    assert.equal(errorText('Unknown layer: X. Because:\n1. one\n\n  2. two\n'), 'error: Unknown layer: X. Because:\n  1. one\n  2. two\n');
  });
});
