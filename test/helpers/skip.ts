/** Skipping a suite that cannot run here, with the reason printed (never a silent pass). */

/** Prints `why` and skips the current test or hook when `why` is not null. */
export function skipIf(ctx: Mocha.Context, why: string | null | undefined): void {
  if (!why) return;
  console.log(`      (skipped: ${why})`);
  ctx.skip();
}
