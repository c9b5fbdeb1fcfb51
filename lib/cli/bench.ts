/** `digit-lab bench` (placeholder until its issue lands). */
import { Command } from 'commander';

export function register(_program: Command): void {
  // Not yet available.
}
