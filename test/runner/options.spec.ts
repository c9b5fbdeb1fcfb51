import { strict as assert } from 'assert';
import { Command } from 'commander';
import { register as registerReport } from '../../lib/cli/report';
import { register, toRunOptions } from '../../lib/cli/run';
import { renderOptionsMarkdown, RUNNER_OPTIONS } from '../../lib/runner/options';

function runCommand(): Command {
  const program = new Command('digit-lab');
  register(program);
  return program.commands.find((c) => c.name() === 'run')!;
}

describe('runner/options', () => {
  it('declares each option once, and the CLI has exactly those flags', () => {
    const names = RUNNER_OPTIONS.map((o) => o.name);
    assert.equal(new Set(names).size, names.length);
    const cliFlags = runCommand().options.map((o) => o.flags).sort();
    assert.deepEqual(cliFlags, RUNNER_OPTIONS.map((o) => o.flags).sort());
  });

  it('has the flags issue 3 asks for', () => {
    const flags = RUNNER_OPTIONS.map((o) => o.flags.split(/[ ,]/).find((f) => f.startsWith('--'))).join(' ');
    for (const f of ['--output-dir', '--output', '--timeout', '--run-timeout', '--startup-timeout', '--allow-errors', '--no-input', '--kernel', '--cwd', '--log-output', '--parameter', '--allow-unknown-parameters']) {
      assert.ok(flags.split(' ').includes(f), `missing ${f}`);
    }
  });

  it('renders a markdown table with one row per option, defaults and help included', () => {
    const md = renderOptionsMarkdown();
    const rows = md.trim().split('\n');
    assert.equal(rows.length, RUNNER_OPTIONS.length + 2);
    assert.match(md, /\| `--startup-timeout <seconds>` \| 60 \| how long the kernel may take/);
    assert.match(md, /\| `--output <name>` \| notebook name \+ "\.out" \|/);
  });

  it('is documented in the README exactly as declared (the table is generated from the declaration)', () => {
    const readme = require('fs').readFileSync(require('path').join(__dirname, '..', '..', 'README.md'), 'utf8') as string;
    assert.ok(readme.includes(renderOptionsMarkdown().trim()), 'README.md: paste the output of renderOptionsMarkdown() into "Run any notebook headlessly"');
  });

  it('parses a command line into runner options (typed parameters, negated flags, numbers)', async () => {
    const cmd = runCommand();
    let captured: Record<string, any> = {};
    cmd.action((_nb: string, opts: Record<string, any>) => {
      captured = opts;
    });
    await cmd.parseAsync(['nb.ipynb', '--timeout', '2.5', '--no-input', '--allow-errors', '-p', 'epochs', '3', '-p', 'model', 'cnn', '--kernel', 'tslab'], { from: 'user' });
    const o = toRunOptions(captured);
    assert.equal(o.timeout, 2.5);
    assert.equal(o.startupTimeout, 60);
    assert.equal(o.noInput, true);
    assert.equal(o.allowErrors, true);
    assert.equal(o.kernel, 'tslab');
    assert.deepEqual(o.parameters, { epochs: 3, model: 'cnn' });
    assert.equal(o.logOutput, false);
    assert.equal(o.allowUnknownParameters, false);
  });

  it('report --help shows one default per option: its own where it overrides run\'s', () => {
    const program = new Command('digit-lab');
    registerReport(program);
    const help = program.commands.find((c) => c.name() === 'report')!.helpInformation({ error: false }).replace(/\s+/g, ' ');
    const entry = (flag: string) => help.slice(help.indexOf(flag), help.indexOf(' --', help.indexOf(flag) + flag.length));
    for (const flag of ['--output-dir <dir>', '--output <name>']) assert.equal(entry(flag).match(/\(default:/g)?.length, 1, entry(flag));
    assert.match(entry('--output-dir <dir>'), /\(default: ".*reports"\)/);
    assert.match(entry('--output <name>'), /\(default: "Digit_Recognizer"\)/);
    assert.match(entry('--cwd <dir>'), /\(default: the notebook's folder\)/);
  });
});
