/** Shared plumbing for the subcommands: JSON output and one-line failures. */

/** An error whose message is already a complete one-line explanation for the user. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** Prints one JSON object on its own line (the `--json` contract: one object per line). */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

/**
 * `error: message` for stderr. Our own messages are one line; a library's multi-line one keeps
 * its further lines, indented under the first, since they often hold the useful part.
 */
export function errorText(message: string): string {
  const [first, ...rest] = message.trim().split('\n');
  return [`error: ${first}`, ...rest.filter((line) => line.trim() !== '').map((line) => `  ${line.trim()}`)].join('\n') + '\n';
}

/**
 * Runs a subcommand's action and turns any failure into a one-line message on stderr and a
 * non-zero exit status, so scripts can rely on `$?` and people are not shown a stack trace.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (err) {
      const code = err instanceof CliError ? err.exitCode : 1;
      const message = err instanceof Error ? err.message : String(err);
      process.stderr.write(errorText(message));
      if (process.env.DIGIT_LAB_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
      process.exitCode = code;
    }
  };
}
