/**
 * A case pattern: the one syntax and meaning `--filter` and a waiver's `pattern` share (README, "Case
 * patterns"). `/regex/flags` is a JavaScript regular expression, searched in the text as written (anchor
 * it with ^ and $). Anything else is a glob: `*` any run of characters, `?` any one character, every other
 * character itself, compared case-sensitively with the whole text, so `echo/reflect*` matches
 * `echo/reflect-length[len=1]` and neither `other/echo/reflect` nor `Echo/reflect`.
 */
export interface CasePattern {
  /** The pattern as written. */
  readonly text: string;
  /** No `*` or `?`, and no /regex/: plain text, which `--filter` also finds inside ids and names. */
  readonly plain: boolean;
  matches(text: string): boolean;
}

/** The pattern, or why it is not one (a /regex/ that does not compile), as the end of an "expected" sentence. */
export function parseCasePattern(pattern: string): CasePattern | { error: string } {
  const regex = /^\/(.+)\/([imsu]*)$/.exec(pattern);
  if (regex) {
    try {
      const re = new RegExp(regex[1]!, regex[2]);
      return { text: pattern, plain: false, matches: (text) => re.test(text) };
    } catch (error) {
      return { error: `expected a valid regular expression, found an error: ${(error as Error).message}` };
    }
  }
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );
  return { text: pattern, plain: !/[*?]/.test(pattern), matches: (text) => re.test(text) };
}
