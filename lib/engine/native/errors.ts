/** The one kind of error `digit-lab native` reports: one line saying what is wrong and what to do. */
export class NativeSetupError extends Error {
  /** `log`: a build log kept for the user to read. */
  constructor(message: string, readonly log?: string) {
    super(message);
    this.name = 'NativeSetupError';
  }
}
