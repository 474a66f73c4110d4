/**
 * Names for the NTSTATUS values a driver's load ends with (what DriverEntry returns, what the loader says),
 * for load messages: "DriverEntry returned 0xC0000022 (STATUS_ACCESS_DENIED)". Values from ntstatus.h.
 */
const NAMES: Record<number, string> = {
  0x00000000: 'STATUS_SUCCESS',
  0xc0000001: 'STATUS_UNSUCCESSFUL',
  0xc0000002: 'STATUS_NOT_IMPLEMENTED',
  0xc000000d: 'STATUS_INVALID_PARAMETER',
  0xc000000e: 'STATUS_NO_SUCH_DEVICE',
  0xc0000010: 'STATUS_INVALID_DEVICE_REQUEST',
  0xc0000017: 'STATUS_NO_MEMORY',
  0xc0000022: 'STATUS_ACCESS_DENIED',
  0xc0000034: 'STATUS_OBJECT_NAME_NOT_FOUND',
  0xc0000035: 'STATUS_OBJECT_NAME_COLLISION',
  0xc000007a: 'STATUS_PROCEDURE_NOT_FOUND',
  0xc000007b: 'STATUS_INVALID_IMAGE_FORMAT',
  0xc000009a: 'STATUS_INSUFFICIENT_RESOURCES',
  0xc00000bb: 'STATUS_NOT_SUPPORTED',
  0xc000010e: 'STATUS_IMAGE_ALREADY_LOADED',
  0xc0000135: 'STATUS_DLL_NOT_FOUND',
  0xc0000142: 'STATUS_DLL_INIT_FAILED',
  0xc0000182: 'STATUS_DEVICE_CONFIGURATION_ERROR',
  0xc0000365: 'STATUS_FAILED_DRIVER_ENTRY',
  0xc0000263: 'STATUS_DRIVER_ENTRYPOINT_NOT_FOUND',
};

/** `0xC0000001 (STATUS_UNSUCCESSFUL)`, or just the hex for a value this table does not name. */
export function describeNtStatus(status: number): string {
  const hex = `0x${(status >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
  const name = NAMES[status >>> 0];
  return name ? `${hex} (${name})` : hex;
}
