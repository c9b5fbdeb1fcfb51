/** Helpers of the reading tests: gray pictures as PNG files, the whole CLI from the sources. */
import * as fs from 'fs';
import { PNG } from 'pngjs';
import type { DigitImage } from '../../lib/imaging/gray';
import { type CliRun, runSourceScript } from '../model/run-train-cli';


/** Writes a grayscale picture as an RGBA PNG. */
export function writeGrayPng(file: string, img: DigitImage): void {
  const png = new PNG({ width: img.width, height: img.height });
  for (let i = 0; i < img.gray.length; i++) {
    png.data[4 * i] = png.data[4 * i + 1] = png.data[4 * i + 2] = img.gray[i];
    png.data[4 * i + 3] = 255;
  }
  fs.writeFileSync(file, PNG.sync.write(png));
}

/** `digit-lab <args>` (every command) in a child process, from the TypeScript sources. */
export function runDigitLab(args: string[], timeoutMs = 120000): Promise<CliRun> {
  return runSourceScript(`require('./lib/cli/main').main(['node', 'digit-lab', ...process.argv.slice(1)])`, args, timeoutMs);
}
