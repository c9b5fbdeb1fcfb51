/**
 * digit-lab: the notebook-facing API. A notebook imports everything from here, including the one
 * TensorFlow.js instance the library uses (`tf`), so tensors made in a cell work with the library.
 */
import * as tf from '@tensorflow/tfjs';
export { tf };
export * from './data';
export * from './imaging';
export * from './engine';
export * from './model';
export * from './reading';
export * from './notebook';
export * from './drawpad/node';
