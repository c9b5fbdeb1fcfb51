/**
 * `digit-lab native`: build TensorFlow.js's native backend from the user's pip TensorFlow (see
 * lib/engine/native/build.ts), check it, or remove it. The engine is required lazily so that
 * `digit-lab --help` loads nothing heavy.
 */
import { Command } from 'commander';
import { action, CliError, printJson } from './common';
import { addOptions, type OptionSpec } from './flags';

interface NativeFlags {
  python?: string;
  tensorflow?: string;
  force?: boolean;
  remove?: boolean;
  json?: boolean;
}

const NATIVE_OPTIONS: readonly OptionSpec[] = [
  ['--python <exe>', 'the Python whose environment has TensorFlow (default: python3 on PATH, then /usr/bin/python3)'],
  ['--tensorflow <dir>', 'the TensorFlow package folder itself (…/site-packages/tensorflow), instead of asking Python'],
  ['--force', 'rebuild even when a build for this TensorFlow exists'],
  ['--remove', 'delete the native build (training goes back to wasm)'],
  ['--json', 'print the result as one JSON object'],
];

export function register(program: Command): void {
  const command = program
    .command('native')
    .description('Build the native TensorFlow backend (tfjs-node) from your pip TensorFlow: `pip install tensorflow-cpu`, then run this');
  addOptions(command, NATIVE_OPTIONS).action(
    action(async (flags: NativeFlags) => {
      const native = require('../engine/native/build') as typeof import('../engine/native/build');
      const { NativeSetupError } = require('../engine/native/errors') as typeof import('../engine/native/errors');
      const { nativeDir } = require('../engine/native/paths') as typeof import('../engine/native/paths');
      if (flags.remove) {
        const removed = native.removeNative();
        if (flags.json) printJson({ removed });
        else process.stderr.write(removed.length ? `removed ${removed.join(', ')}\n` : `no native build in ${nativeDir()}\n`);
        return;
      }
      const progress = (line: string) => process.stderr.write(`digit-lab native: ${line}\n`);
      try {
        const result = await native.buildNative({ python: flags.python, tensorflow: flags.tensorflow, force: flags.force, progress });
        if (flags.json) {
          printJson({ tensorflow: result.tensorflow, addon: result.addon, backend: result.backend, seconds: round(result.seconds), built: result.built, gradientDifference: result.gradientDifference });
        } else {
          process.stdout.write(
            `${result.built ? 'built' : 'already built'}: backend "tensorflow" on TensorFlow ${result.tensorflow.version} (${result.tensorflow.location})\n` +
              `addon: ${result.addon}\n` +
              `check: a conv gradient agrees with wasm to ${result.gradientDifference.toExponential(1)} (relative)\n` +
              `in ${round(result.seconds)} s; digit-lab now trains on it (undo: digit-lab native --remove)\n`,
          );
        }
      } catch (err) {
        if (err instanceof NativeSetupError) throw new CliError(err.message);
        throw err;
      }
    }),
  );
}

function round(seconds: number): number {
  return Math.round(seconds * 10) / 10;
}
