/**
 * Win32 error names lab understands in suites and prints in messages ("87 ERROR_INVALID_PARAMETER").
 * The ones a driver test meets: what DeviceIoControl, CreateFile and the service manager return.
 */
const NAMES: Record<number, string> = {
  0: 'ERROR_SUCCESS',
  1: 'ERROR_INVALID_FUNCTION',
  2: 'ERROR_FILE_NOT_FOUND',
  3: 'ERROR_PATH_NOT_FOUND',
  5: 'ERROR_ACCESS_DENIED',
  6: 'ERROR_INVALID_HANDLE',
  8: 'ERROR_NOT_ENOUGH_MEMORY',
  21: 'ERROR_NOT_READY',
  24: 'ERROR_BAD_LENGTH',
  31: 'ERROR_GEN_FAILURE',
  50: 'ERROR_NOT_SUPPORTED',
  87: 'ERROR_INVALID_PARAMETER',
  122: 'ERROR_INSUFFICIENT_BUFFER',
  183: 'ERROR_ALREADY_EXISTS',
  193: 'ERROR_BAD_EXE_FORMAT',
  234: 'ERROR_MORE_DATA',
  577: 'ERROR_INVALID_IMAGE_HASH',
  995: 'ERROR_OPERATION_ABORTED',
  998: 'ERROR_NOACCESS',
  1052: 'ERROR_INVALID_SERVICE_CONTROL',
  1056: 'ERROR_SERVICE_ALREADY_RUNNING',
  1058: 'ERROR_SERVICE_DISABLED',
  1060: 'ERROR_SERVICE_DOES_NOT_EXIST',
  1062: 'ERROR_SERVICE_NOT_ACTIVE',
  1072: 'ERROR_SERVICE_MARKED_FOR_DELETE',
  1073: 'ERROR_SERVICE_EXISTS',
  1275: 'ERROR_DRIVER_BLOCKED',
  1460: 'ERROR_TIMEOUT',
};

const BY_NAME = new Map<string, number>();
for (const [code, name] of Object.entries(NAMES)) {
  BY_NAME.set(name, Number(code));
  BY_NAME.set(name.replace(/^ERROR_/, ''), Number(code));
}
BY_NAME.set('SUCCESS', 0);

/** A number, or a name with or without `ERROR_`; undefined when unknown. */
export function parseWin32Error(value: number | string): number | undefined {
  if (typeof value === 'number') return value;
  if (/^\d+$/.test(value)) return Number(value);
  return BY_NAME.get(value.toUpperCase());
}

/** "87 (ERROR_INVALID_PARAMETER)", or just the number when lab has no name for it. */
export function describeWin32Error(code: number | null): string {
  if (code === null) return 'not run';
  const name = NAMES[code];
  return name ? `${code} (${name})` : String(code);
}
