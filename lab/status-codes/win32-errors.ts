/**
 * Win32 error names, as suites write them (`error: ERROR_INVALID_PARAMETER`, or `INVALID_PARAMETER`) and
 * messages print them ("87 (ERROR_INVALID_PARAMETER)"). Every name of mingw-w64's winerror.h, generated at
 * build time (names.generated.ts). A leaf: imports nothing of lab.
 */
import { WIN32_ERROR_NAMES } from './names.generated.js';

/** Win32 errors are 16-bit; anything larger is an NTSTATUS or an HRESULT. */
export const MAX_WIN32_ERROR = 0xffff;

const BY_NAME = new Map<string, number>();
const NAME_OF = new Map<number, string>();
for (const [name, code] of WIN32_ERROR_NAMES) {
  BY_NAME.set(name, code);
  // The first ERROR_ name of a code is the one shown (ERROR_SUCCESS before NO_ERROR); other families
  // (WAIT_TIMEOUT, RPC_S_..., WSAE...) show their own name.
  const shown = NAME_OF.get(code);
  if (shown === undefined || (!shown.startsWith('ERROR_') && name.startsWith('ERROR_'))) NAME_OF.set(code, name);
}

/** A number (also as decimal or 0x hex text), or a name with or without `ERROR_` (any case); undefined for an unknown name. */
export function parseWin32Error(value: number | string): number | undefined {
  if (typeof value === 'number') return value;
  if (/^(?:\d+|0[xX][0-9a-fA-F]+)$/.test(value)) return Number(value);
  const upper = value.toUpperCase();
  return BY_NAME.get(upper) ?? BY_NAME.get(`ERROR_${upper}`);
}

export function win32ErrorName(code: number): string | undefined {
  return NAME_OF.get(code);
}

/** "87 (ERROR_INVALID_PARAMETER)", or just the number when there is no name for it; "not run" for null. */
export function describeWin32Error(code: number | null): string {
  if (code === null) return 'not run';
  const name = NAME_OF.get(code);
  return name ? `${code} (${name})` : String(code);
}
