import { relative, resolve } from 'node:path';

/** A file as messages name it: relative to where lab was started when it is below, else as given. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), resolve(path));
  return rel && !rel.startsWith('..') ? rel : path;
}
