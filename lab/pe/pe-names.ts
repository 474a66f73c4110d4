/** Names for the PE header fields lab reports (Microsoft's PE format specification). */

export const MACHINE = { x86: 0x14c, x64: 0x8664, arm64: 0xaa64 } as const;

const MACHINES: Record<number, string> = {
  0x14c: 'x86 (32-bit)',
  0x8664: 'x64',
  0xaa64: 'ARM64',
  0x1c4: 'ARM (32-bit)',
  0x200: 'Itanium',
};

const SUBSYSTEMS: Record<number, string> = {
  1: 'native (a kernel driver)',
  2: 'Windows GUI (a user-mode program)',
  3: 'Windows console (a user-mode program)',
  9: 'Windows CE',
  10: 'EFI application',
  11: 'EFI boot service driver',
  12: 'EFI runtime driver',
  16: 'Windows boot application',
};

export const SUBSYSTEM_NATIVE = 1;

export function machineName(machine: number): string {
  return MACHINES[machine] ?? `machine 0x${machine.toString(16)}`;
}

export function subsystemName(subsystem: number): string {
  return SUBSYSTEMS[subsystem] ?? `subsystem ${subsystem}`;
}
