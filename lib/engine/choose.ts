/** Backend selection for the train and predict commands, through the engine's initBackend. */
import { BACKEND_PREFERENCES, BackendPreference, initBackend } from '.';

/** The backend in use and why it was chosen. */
export interface ChosenBackend {
  name: string;
  reason: string;
  threads?: number;
}

/**
 * Picks and initialises a backend ('auto' or undefined lets the engine choose); an unknown name
 * is an error listing the choices. The engine prints its one-line summary on stderr unless quiet.
 */
export async function chooseTrainingBackend(preference?: string, options: { quiet?: boolean } = {}): Promise<ChosenBackend> {
  if (preference !== undefined && !BACKEND_PREFERENCES.includes(preference as BackendPreference)) {
    throw new Error(`--backend: unknown backend "${preference}": expected one of ${BACKEND_PREFERENCES.join(', ')}`);
  }
  const info = await initBackend(preference as BackendPreference | undefined, { quiet: options.quiet });
  return { name: info.name, reason: info.reason, threads: info.threads };
}
