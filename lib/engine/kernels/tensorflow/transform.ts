/**
 * tfjs's `Transform` kernel (tf.image.transform) for the tensorflow backend, which tfjs-node 4.22
 * lacks, run as TensorFlow's own `ImageProjectiveTransformV3`: the op tfjs's cpu kernel was written
 * to copy, so the sampling rules (coordinate mapping per fill mode, bilinear weights, the fill
 * value outside the image) are the same by construction.
 *
 * Known differences from tfjs's cpu kernel, none of which the library's augmentation meets:
 * - nearest: TensorFlow rounds half away from zero (std::round), JavaScript's Math.round rounds
 *   half up, so a sample exactly at -0.5 (reachable only with fillMode 'constant') reads the fill
 *   value here and pixel 0 on cpu. TensorFlow also computes coordinates in float32 where the cpu
 *   kernel uses doubles, so a coordinate within ~1e-6 of a .5 may round the other way.
 * - batches: the tfjs 4.22 cpu kernel transforms only the first image of a batch (it returns
 *   inside its batch loop); this one transforms every image.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc, TensorInfo, TransformAttrs } from '@tensorflow/tfjs';
import { asNativeBackend, nativeDtype, NativeOpAttr } from './native-op';

const INTERPOLATION: Record<TransformAttrs['interpolation'], string> = { nearest: 'NEAREST', bilinear: 'BILINEAR' };

const FILL_MODE: Record<TransformAttrs['fillMode'], string> = {
  constant: 'CONSTANT',
  reflect: 'REFLECT',
  wrap: 'WRAP',
  nearest: 'NEAREST',
};

function lookUp(table: Record<string, string>, value: unknown, what: string): string {
  // Attrs reach a kernel untyped through runKernel, so a typo must fail here, not in TensorFlow.
  if (typeof value === 'string' && Object.prototype.hasOwnProperty.call(table, value)) return table[value];
  throw new Error(`Transform: ${what} must be one of ${Object.keys(table).join(', ')}, got ${String(value)}`);
}

/** Runs tfjs's Transform as TensorFlow's ImageProjectiveTransformV3 on tfjs-node's backend. */
export const transformTensorflow: KernelFunc = ({ inputs, attrs, backend }) => {
  const native = asNativeBackend(backend, 'Transform');
  const { image, transforms } = inputs as { image: TensorInfo; transforms: TensorInfo };
  const { interpolation, fillMode, fillValue, outputShape } = attrs as unknown as TransformAttrs;
  if (image.shape.length !== 4) throw new Error(`Transform: image must be rank 4, got shape [${image.shape.join(', ')}]`);
  const [, height, width] = image.shape;
  const [outHeight, outWidth] = outputShape ?? [height, width];
  const opAttrs: NativeOpAttr[] = [
    { name: 'dtype', type: native.binding.TF_ATTR_TYPE, value: nativeDtype(native, image.dtype, 'Transform') },
    { name: 'interpolation', type: native.binding.TF_ATTR_STRING, value: lookUp(INTERPOLATION, interpolation, 'interpolation') },
    { name: 'fill_mode', type: native.binding.TF_ATTR_STRING, value: lookUp(FILL_MODE, fillMode, 'fillMode') },
  ];
  // The op takes the output size and fill value as tensors, not attributes. fill_value is float32
  // whatever the image dtype; TensorFlow casts it (int32 images: truncated, as the cpu kernel's fill).
  const size = tf.tensor1d([outHeight, outWidth], 'int32');
  const fill = tf.scalar(fillValue ?? 0, 'float32');
  const matrices = transforms.dtype === 'float32' ? undefined : tf.cast(transforms as tf.Tensor, 'float32');
  try {
    return native.executeSingleOutput('ImageProjectiveTransformV3', opAttrs, [image, matrices ?? transforms, size, fill]);
  } finally {
    size.dispose();
    fill.dispose();
    matrices?.dispose();
  }
};

/** The Transform kernel for the `tensorflow` backend. */
export const transformTensorflowConfig: KernelConfig = {
  kernelName: tf.Transform,
  backendName: 'tensorflow',
  kernelFunc: transformTensorflow,
};
