import { strict as assert } from 'assert';
import { recipeOptions, type TrainFlags } from '../../lib/cli/train';
import { MODEL_RECIPES } from '../../lib/model/model-recipes';
import { REFERENCE_AUGMENTATION, STRONG_AUGMENTATION } from '../../lib/model/augment-options';

describe('digit-lab train: flags over the model recipe', () => {
  const flags = (model: string, more: Partial<TrainFlags> = {}): TrainFlags =>
    ({ model, seed: '1', validationSplit: '0', progress: true, ...more });

  it('--model best alone trains by the best recipe: strong fresh copies, its epochs, shift averaging', () => {
    const options = recipeOptions(flags('best'));
    assert.deepEqual(options.augment, { ...STRONG_AUGMENTATION });
    assert.equal(options.freshAugmentation, true);
    assert.equal(options.shiftAveraging, true);
    assert.equal(options.epochs, MODEL_RECIPES.best.epochs);
    assert.equal(options.copies, 1);
    assert.equal(options.batchSize, 128);
  });

  it('the reference keeps the reference notebook recipe: 5 epochs, one copy made once', () => {
    const options = recipeOptions(flags('seed'));
    assert.equal(options.model, 'reference');
    assert.deepEqual(options.augment, { ...REFERENCE_AUGMENTATION });
    assert.equal(options.freshAugmentation, false);
    assert.equal(options.shiftAveraging, false);
    assert.equal(options.epochs, 5);
  });

  it('every flag given wins over the recipe, --no-fresh and --no-tta included', () => {
    const options = recipeOptions(flags('best', { epochs: '12', batch: '64', augment: 'none', copies: '2', fresh: false, tta: false }));
    assert.equal(options.epochs, 12);
    assert.equal(options.batchSize, 64);
    assert.equal(options.augment, null);
    assert.equal(options.copies, 2);
    assert.equal(options.freshAugmentation, false);
    assert.equal(options.shiftAveraging, false);
    assert.equal(recipeOptions(flags('reference', { fresh: true, augment: 'strong' })).freshAugmentation, true);
    assert.equal(recipeOptions(flags('reference', { tta: true })).shiftAveraging, true);
  });

  it('--deskew k deskews the last k members, "all" every one (default none), and refuses more than are trained', () => {
    assert.equal(recipeOptions(flags('best')).deskewMembers, 0);
    assert.equal(recipeOptions(flags('best', { ensemble: '4', deskew: '2' })).deskewMembers, 2);
    assert.equal(recipeOptions(flags('best', { ensemble: '3', deskew: 'all' })).deskewMembers, 3);
    assert.equal(recipeOptions(flags('best', { deskew: 'all' })).deskewMembers, 1);
    assert.throws(() => recipeOptions(flags('best', { ensemble: '2', deskew: '3' })), /--deskew: 3 models cannot read deskewed digits when 2 are trained/);
    assert.throws(() => recipeOptions(flags('best', { deskew: 'some' })), /--deskew/);
  });

  it('--ensemble k trains k members (default one plain model) and refuses fewer than one', () => {
    assert.equal(recipeOptions(flags('best')).members, 1);
    assert.equal(recipeOptions(flags('best', { ensemble: '3' })).members, 3);
    assert.throws(() => recipeOptions(flags('best', { ensemble: '0' })), /--ensemble/);
  });
});
