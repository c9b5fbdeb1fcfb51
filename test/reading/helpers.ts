/** Helpers of the reading tests: gray pictures as PNG files, the whole CLI from the sources. */
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PNG } from 'pngjs';
import type { DigitImage } from '../../lib/imaging/gray';

const ROOT = path.resolve(__dirname, '..', '..');

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
export function runDigitLab(args: string[], timeoutMs = 120000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const script = `require('./lib/cli/main').main(['node', 'digit-lab', ...process.argv.slice(1)])`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', '-e', script, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}
