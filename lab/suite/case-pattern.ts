/**
 * A waiver's `pattern`: a glob with `*` and `?` over the whole case id (so `echo/reflect*` does not also
 * match `other/echo/reflect`), or a /regular expression/ with flags, used as written.
 * Returns undefined and the reason when the regular expression does not compile.
 */
export function compilePattern(pattern: string): { test: (id: string) => boolean } | { error: string } {
  const regex = /^\/(.+)\/([imsu]*)$/.exec(pattern);
  if (regex) {
    try {
      const re = new RegExp(regex[1]!, regex[2]);
      return { test: (id) => re.test(id) };
    } catch (error) {
      return { error: `expected a valid regular expression, found an error: ${(error as Error).message}` };
    }
  }
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return { test: (id) => re.test(id) };
}
