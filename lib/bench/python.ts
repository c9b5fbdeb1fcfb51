/**
 * Finding a Python that can run the Keras references: `--python`, else $DIGIT_LAB_TF_PYTHON, else
 * python3 on PATH, else /usr/bin/python3, the first whose environment has tensorflow and keras.
 * Each candidate is probed with importlib.util.find_spec, which locates a package without
 * importing it (importing TensorFlow takes seconds), and every rejection keeps its reason so a
 * missing reference can say which Pythons were tried and what each lacked.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { which } from '../common/which';

/** The environment variable naming the Python for the Keras references (CI sets it). */
export const PYTHON_ENV = 'DIGIT_LAB_TF_PYTHON';

/** The last resort: Debian's system Python. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

/** The modules the Keras reference scripts import. */
export const KERAS_MODULES = ['tensorflow', 'keras'] as const;

/** A Python to try, and which rule put it on the list (for the messages). */
export interface PythonCandidate {
  python: string;
  from: string;
}

/** What probing one candidate found. */
export interface PythonProbe extends PythonCandidate {
  ok: boolean;
  /** Why not (or, when ok, a short description such as the Python version). */
  reason: string;
  version?: string;
}

/** The Python chosen for Keras, or why there is none; `tried` lists every probe in order. */
export interface PythonChoice {
  python?: string;
  from?: string;
  version?: string;
  tried: PythonProbe[];
  reason: string;
}

/** Where to look (all injectable, so tests can use fake Pythons on a temporary PATH). */
export interface PythonSearch {
  /** `--python <exe>`: when given, the only candidate (an explicit choice must not be replaced silently). */
  flag?: string;
  env?: NodeJS.ProcessEnv;
  systemPython?: string;
  modules?: readonly string[];
  timeoutMs?: number;
}

/** The Pythons to try, in order, without duplicates. */
export function pythonCandidates(search: PythonSearch = {}): PythonCandidate[] {
  if (search.flag) return [{ python: search.flag, from: '--python' }];
  const env = search.env ?? process.env;
  const list: PythonCandidate[] = [];
  const fromEnv = env[PYTHON_ENV]?.trim();
  if (fromEnv) list.push({ python: fromEnv, from: PYTHON_ENV });
  const onPath = which('python3', env.PATH ?? '');
  if (onPath) list.push({ python: onPath, from: 'python3 on PATH' });
  list.push({ python: search.systemPython ?? SYSTEM_PYTHON, from: 'system python' });
  const seen = new Set<string>();
  return list.filter((c) => {
    const key = realPath(c.python);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return file;
  }
}

/** The probe's program: the Python version and which of the modules find_spec cannot locate. */
function probeProgram(modules: readonly string[]): string {
  return [
    'import importlib.util, json, sys',
    `mods = ${JSON.stringify(modules)}`,
    'print(json.dumps({"version": sys.version.split()[0], "missing": [m for m in mods if importlib.util.find_spec(m) is None]}))',
  ].join('\n');
}

/** Whether `candidate` can locate every module in `modules`, and if not, why. */
export function probePython(candidate: PythonCandidate, modules: readonly string[] = KERAS_MODULES, timeoutMs = 30_000): PythonProbe {
  const { python } = candidate;
  if (python.includes(path.sep) && !fs.existsSync(python)) return { ...candidate, ok: false, reason: 'not found' };
  const run = spawnSync(python, ['-c', probeProgram(modules)], { encoding: 'utf8', timeout: timeoutMs });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    return { ...candidate, ok: false, reason: code === 'ENOENT' ? 'not found' : `cannot run: ${run.error.message}` };
  }
  const line = (run.stdout ?? '').trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (run.status !== 0 || !line) {
    const last = (run.stderr ?? '').trim().split('\n').pop() || `exit status ${run.status ?? run.signal}`;
    return { ...candidate, ok: false, reason: `the probe failed: ${last}` };
  }
  let parsed: { version?: string; missing?: string[] };
  try {
    parsed = JSON.parse(line) as { version?: string; missing?: string[] };
  } catch {
    return { ...candidate, ok: false, reason: `the probe printed a line that is not JSON: ${line}` };
  }
  const missing = parsed.missing ?? [];
  const version = parsed.version;
  if (missing.length) {
    return { ...candidate, ok: false, version, reason: `Python ${version ?? '?'} cannot import ${missing.join(' or ')}` };
  }
  return { ...candidate, ok: true, version, reason: `Python ${version ?? '?'} with ${modules.join(' and ')}` };
}

/** One line naming each Python tried and why it was not used. */
export function describeTried(tried: readonly PythonProbe[]): string {
  return tried.map((p) => `${p.python} (${p.from}): ${p.reason}`).join('; ');
}

/** The first candidate Python whose environment has tensorflow and keras, or why none does. */
export function findKerasPython(search: PythonSearch = {}): PythonChoice {
  const modules = search.modules ?? KERAS_MODULES;
  const tried: PythonProbe[] = [];
  for (const candidate of pythonCandidates(search)) {
    const probe = probePython(candidate, modules, search.timeoutMs);
    tried.push(probe);
    if (probe.ok) return { python: probe.python, from: probe.from, version: probe.version, tried, reason: probe.reason };
  }
  const hint = search.flag ? '' : ` (pass --python <exe> or set ${PYTHON_ENV} to a Python with ${modules.join(' and ')})`;
  return { tried, reason: `no Python with ${modules.join(' and ')}: ${describeTried(tried)}${hint}` };
}
