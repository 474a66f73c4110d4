/** CTL_CODE from winioctl.h: (DeviceType << 16) | (Access << 14) | (Function << 2) | Method. */
const METHODS = { buffered: 0, 'in-direct': 1, 'out-direct': 2, neither: 3 } as const;
const ACCESS = { any: 0, read: 1, write: 2, 'read-write': 3 } as const;

export const FILE_DEVICE_UNKNOWN = 0x22;

export function ctlCode(fn: number, options: { deviceType?: number; method?: keyof typeof METHODS; access?: keyof typeof ACCESS } = {}): number {
  const deviceType = options.deviceType ?? FILE_DEVICE_UNKNOWN;
  return ((deviceType << 16) | (ACCESS[options.access ?? 'read-write'] << 14) | (fn << 2) | METHODS[options.method ?? 'buffered']) >>> 0;
}

export function hexCode(code: number): string {
  return `0x${code.toString(16).toUpperCase().padStart(8, '0')}`;
}
