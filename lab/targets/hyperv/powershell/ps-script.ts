import { psBoolean, psDate, psInteger, psString } from './ps-literal.js';

/**
 * PowerShell code lab wrote itself. The only way to make one is the `ps` template tag, where the literal
 * parts are lab's code and every interpolated value becomes a literal (a quoted string, a checked number,
 * a date): a name from the inventory can never become code.
 */
export class PsCode {
  private constructor(readonly text: string) {}

  /** @internal Only `ps` and `psJoin` make PsCode. */
  static trusted(text: string): PsCode {
    return new PsCode(text);
  }
}

export type PsValue = string | number | boolean | Date | PsCode | readonly PsValue[];

export function ps(strings: TemplateStringsArray, ...values: PsValue[]): PsCode {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += render(value) + (strings[i + 1] ?? '');
  });
  return PsCode.trusted(text);
}

export function psJoin(parts: readonly PsCode[], separator = '\n'): PsCode {
  return PsCode.trusted(parts.map((p) => p.text).join(separator));
}

function render(value: PsValue): string {
  if (value instanceof PsCode) return value.text;
  if (typeof value === 'string') return psString(value);
  if (typeof value === 'number') return psInteger(value);
  if (typeof value === 'boolean') return psBoolean(value);
  if (value instanceof Date) return psDate(value);
  if (Array.isArray(value)) return `@(${value.map(render).join(', ')})`;
  throw new TypeError('unsupported PowerShell value');
}
