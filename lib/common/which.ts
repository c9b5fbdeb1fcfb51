/** Finding programs on PATH without a shell. */
import * as fs from 'fs';
import * as path from 'path';

/** The full path of `name` on PATH (or `name` itself when it is a path to an executable), else null. */
export function which(name: string, envPath = process.env.PATH ?? ''): string | null {
  const isExecutable = (file: string) => {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  };
  if (name.includes(path.sep)) return isExecutable(name) ? path.resolve(name) : null;
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    if (isExecutable(file)) return file;
  }
  return null;
}
