/**
 * A name lab gives a folder it makes and later removes (a run id under the cache, reports/<run-id>): one
 * plain path component of letters, digits, `_`, `.` and `-`, starting with a letter or digit, so never `.`,
 * `..`, a path, or empty. Names read back from disk (run.json) are checked against it before use.
 */
export const PLAIN_FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,159}$/;

export function isPlainFolderName(name: string): boolean {
  return PLAIN_FOLDER_NAME.test(name);
}
