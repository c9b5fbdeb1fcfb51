/** Backend selection for the train and predict commands, through the engine's initBackend. */
import { BACKEND_PREFERENCES, BackendPreference, initBackend } from '.';

/** The backend in use and why it was chosen. */
export interface ChosenBackend {
  name: string;
  reason: string;
  threads?: number;
}

/** A backend name that is not one of BACKEND_PREFERENCES; the message lists the choices. */
export class UnknownBackendError extends Error {
  constructor(readonly backend: string) {
    super(`unknown backend "${backend}": expected one of ${BACKEND_PREFERENCES.join(', ')}`);
    this.name = 'UnknownBackendError';
  }
}

/**
 * Picks and initialises a backend ('auto' or undefined lets the engine choose); an unknown name
 * is an UnknownBackendError. The engine prints its one-line summary on stderr unless quiet.
 */
export async function chooseTrainingBackend(preference?: string, options: { quiet?: boolean } = {}): Promise<ChosenBackend> {
  if (preference !== undefined && !isBackendPreference(preference)) throw new UnknownBackendError(preference);
  const info = await initBackend(preference, { quiet: options.quiet });
  return { name: info.name, reason: info.reason, threads: info.threads };
}

function isBackendPreference(name: string): name is BackendPreference {
  return (BACKEND_PREFERENCES as readonly string[]).includes(name);
}
