/** `digit-lab data`: find, fetch and check a data set, and say what was loaded from where. */
import { Command, Option } from 'commander';
import { action, printJson } from './common';
import { positiveIntParser } from './flags';
import { MNIST_DATASETS, mirrorEnvVariable, mirrorsForDataset } from '../data/catalogue';
import { loadMnist } from '../data/load';
import { MnistDataSummary, summarizeMnistData } from '../data/summary';

/** Options of `digit-lab data` as commander parses them. */
export interface DataCommandOptions {
  source: string;
  dataset: string;
  dataDir?: string;
  json?: boolean;
  quiet?: boolean;
  timeout?: number;
  list?: boolean;
}

function humanSummary(s: MnistDataSummary): string {
  const lines = [
    `dataset  ${s.dataset}`,
    `source   ${s.source.kind}: ${s.source.location}${s.source.subset ? ' (subset)' : ''}`,
  ];
  if (s.source.note) lines.push(`note     ${s.source.note}`);
  lines.push(`train    ${s.train.count} images; per class ${s.train.histogram.join(' ')}`);
  lines.push(s.test ? `test     ${s.test.count} images; per class ${s.test.histogram.join(' ')}` : 'test     none (this source has no test split)');
  lines.push('files');
  for (const f of s.files) lines.push(`  ${f.sha256}  ${f.name}`);
  return lines.join('\n') + '\n';
}

/** The catalogue as `--list` prints it. */
export function listDatasetsForCli(): { id: string; title: string; classes: string[]; mirrorEnv: string; mirrors: string[] }[] {
  return MNIST_DATASETS.map((d) => ({ id: d.id, title: d.title, classes: d.classNames, mirrorEnv: mirrorEnvVariable(d), mirrors: mirrorsForDataset(d) }));
}

/** Runs the command: loads the data set and prints the summary (JSON or text). */
export async function runDataCommand(options: DataCommandOptions): Promise<MnistDataSummary> {
  const data = await loadMnist({
    source: options.source,
    dataset: options.dataset,
    dataDir: options.dataDir,
    quiet: options.quiet,
    ...(options.timeout ? { timeoutMs: options.timeout, idleTimeoutMs: options.timeout } : {}),
  });
  const summary = summarizeMnistData(data);
  if (options.json) printJson(summary);
  else process.stdout.write(humanSummary(summary));
  return summary;
}

export function register(program: Command): void {
  program
    .command('data')
    .description('Load a data set (downloading and caching it if needed), check it, and report counts, per-class histograms and checksums')
    .option('-s, --source <source>', 'auto (cache, then download, then the embedded digits), cache, embedded, a directory of IDX files, or an http(s) URL base', 'auto')
    .addOption(new Option('-d, --dataset <id>', 'data set from the catalogue').default('mnist').choices(MNIST_DATASETS.map((d) => d.id)))
    .option('--data-dir <dir>', 'cache directory (default: $DIGIT_LAB_DATA_DIR, else data/ in the package)')
    .option('--timeout <ms>', 'download timeout in milliseconds, for a response and for a stalled transfer', positiveIntParser('--timeout', 'milliseconds'))
    .option('-q, --quiet', 'no progress bar or warnings on stderr')
    .option('--json', 'print one JSON object: dataset, source, train/test counts and histograms, files')
    .option('--list', 'list the data sets of the catalogue and the mirrors in use, load nothing')
    .addHelpText('after', '\nMirrors: set DIGIT_LAB_MNIST_MIRROR (or DIGIT_LAB_FASHION_MNIST_MIRROR, ...) to comma-separated URL bases or directories.')
    .action(action(async (opts: DataCommandOptions) => {
      if (opts.list) {
        const datasets = listDatasetsForCli();
        if (opts.json) printJson({ datasets });
        else for (const d of datasets) process.stdout.write(`${d.id.padEnd(14)} ${d.title}\n${' '.repeat(15)}mirrors (${d.mirrorEnv}): ${d.mirrors.join(', ')}\n`);
        return;
      }
      await runDataCommand(opts);
    }));
}
