/** The `digit-lab` command line: one subcommand per user task, each registered by its own module. */
import { Command } from 'commander';
import * as fs from 'fs';
import * as path from 'path';
import { digitLabRoot } from '../common/paths';
import { errorText } from './common';
import { register as registerData } from './data';
import { register as registerTrain } from './train';
import { register as registerPredict } from './predict';
import { register as registerRead } from './read';
import { register as registerBench } from './bench';
import { register as registerRun } from './run';
import { register as registerReport } from './report';
import { register as registerLab } from './lab';
import { register as registerNative } from './native';
import { register as registerHandout } from './handout';

/** Builds the program; exported so tests can inspect the declared commands and options. */
export function buildProgram(name = 'digit-lab'): Command {
  const program = new Command(name)
    .description('Handwritten digit recognition in TypeScript: data, training, notebooks and reports')
    .version(JSON.parse(fs.readFileSync(path.join(digitLabRoot(), 'package.json'), 'utf8')).version)
    .showHelpAfterError();
  for (const register of [registerData, registerTrain, registerPredict, registerRead, registerBench, registerRun, registerReport, registerLab, registerNative, registerHandout]) {
    register(program);
  }
  return program;
}

/** Entry point of the `digit-lab` and `nbconvert-ts-runner` bins. */
export function main(argv: string[], name?: string): void {
  buildProgram(name).parseAsync(argv).catch((err: unknown) => {
    process.stderr.write(errorText(err instanceof Error ? err.message : String(err)));
    process.exitCode = 1;
  });
}
