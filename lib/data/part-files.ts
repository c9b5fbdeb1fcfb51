/**
 * The temp files a download writes next to its cache entry (`.<file>.<host>.<pid>.<random>.part`)
 * and the removal of those a dead download left behind (killed, Ctrl-C, machine off).
 *
 * A `.part` file is stale, and removed, when
 * - the process that wrote it, on this machine, is no longer running: the name carries the
 *   writer's host and pid, so a later run can tell at once (a reused pid only delays the removal);
 * - or it was untouched for STALE_PART_MS, whoever wrote it: this covers a cache shared with
 *   other machines, whose pids mean nothing here. A live download writes every few seconds (it
 *   fails itself after idleTimeoutMs without data), so an hour-old file has no writer.
 * A download in progress in another process is never disturbed: its pid is alive and its file fresh.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** Untouched this long, a temp file belongs to a download that died, on whatever machine. */
export const STALE_PART_MS = 60 * 60 * 1000;

const PART_SUFFIX = '.part';

/** This machine's name as it appears in temp file names (no dots, which separate the fields). */
function hostTag(): string {
  return os.hostname().replace(/[^A-Za-z0-9-]/g, '-') || 'host';
}

/** A fresh temp file path for downloading `name` into `dir`. */
export function partFilePath(dir: string, name: string): string {
  return path.join(dir, `.${name}.${hostTag()}.${process.pid}.${crypto.randomBytes(4).toString('hex')}${PART_SUFFIX}`);
}

/**
 * The writer of `name`'s temp file `entry`, from its name: `{ host, pid }`. The host is undefined
 * in the older `.<file>.<pid>.<random>.part` names, always written on the machine using the cache.
 */
function writerOf(entry: string, name: string): { host?: string; pid: number } | undefined {
  const fields = entry.slice(`.${name}.`.length, -PART_SUFFIX.length).split('.');
  if (fields.length !== 2 && fields.length !== 3) return undefined;
  const pid = Number(fields[fields.length - 2]);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  return { host: fields.length === 3 ? fields[0] : undefined, pid };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a dead download of `name` left `entry` (a temp file in `dir`) behind. */
function isStale(dir: string, entry: string, name: string, now: number): boolean {
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(path.join(dir, entry)).mtimeMs;
  } catch {
    return false; // gone already: another process renamed or removed it
  }
  if (now - mtimeMs > STALE_PART_MS) return true;
  const writer = writerOf(entry, name);
  if (writer === undefined || (writer.host !== undefined && writer.host !== hostTag())) return false;
  return writer.pid !== process.pid && !isRunning(writer.pid);
}

/**
 * Removes the stale temp files of the data file `name` in `dir`; returns the names removed.
 * A missing or unreadable `dir` has none.
 */
export function removeStalePartFiles(dir: string, name: string): string[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const prefix = `.${name}.`;
  const now = Date.now();
  const removed: string[] = [];
  for (const entry of entries) {
    if (!entry.startsWith(prefix) || !entry.endsWith(PART_SUFFIX) || !isStale(dir, entry, name, now)) continue;
    try {
      fs.rmSync(path.join(dir, entry), { force: true });
      removed.push(entry);
    } catch {
      // Another process may have just removed it, or the cache is read-only: nothing to do.
    }
  }
  return removed;
}
