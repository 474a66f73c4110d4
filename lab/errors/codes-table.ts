import { ERROR_CODES, type ErrorCode } from './error-codes.js';

/** Where the README's table of error codes begins and ends; what lies between is generated. */
export const TABLE_BEGIN = '<!-- error codes: generated from lab/errors/error-codes.ts by `npm run codes`; do not edit by hand -->';
export const TABLE_END = '<!-- end of error codes -->';

/** The registry as a Markdown table: code, exit code, meaning. */
export function errorCodesTable(): string {
  const rows = (Object.keys(ERROR_CODES) as ErrorCode[]).map((code) => `| \`${code}\` | ${ERROR_CODES[code].exit} | ${ERROR_CODES[code].meaning} |`);
  return ['| code | exit | meaning |', '|---|---:|---|', ...rows].join('\n');
}

/** The text between the README's markers, or undefined when they are missing. */
export function tableIn(readme: string): string | undefined {
  const begin = readme.indexOf(TABLE_BEGIN);
  const end = readme.indexOf(TABLE_END);
  if (begin < 0 || end < begin) return undefined;
  return readme.slice(begin + TABLE_BEGIN.length, end).trim();
}

/** The README with the table between its markers made anew from the registry. */
export function withTable(readme: string): string {
  const begin = readme.indexOf(TABLE_BEGIN);
  const end = readme.indexOf(TABLE_END);
  if (begin < 0 || end < begin) throw new Error(`the README has no ${TABLE_BEGIN} ... ${TABLE_END} markers`);
  return `${readme.slice(0, begin + TABLE_BEGIN.length)}\n${errorCodesTable()}\n${readme.slice(end)}`;
}
