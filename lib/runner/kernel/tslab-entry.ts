/**
 * Entry point of the project's tslab kernel, patched (./tslab-kernel):
 *
 *   node tslab-entry.js --config-path CONNECTION_FILE [--js]
 */
import { startTslabKernel } from './tslab-kernel';

const args = process.argv.slice(2);
const at = args.indexOf('--config-path');
if (at < 0 || !args[at + 1]) {
  console.error('usage: tslab-entry --config-path CONNECTION_FILE [--js]');
  process.exit(2);
}
startTslabKernel(args[at + 1], { js: args.includes('--js') });
