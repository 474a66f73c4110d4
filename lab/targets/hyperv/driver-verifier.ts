/**
 * Driver Verifier for one run, without a reboot: `verifier /volatile /flags <flags> /adddriver <drivers>`
 * (Windows 10 and later). Volatile settings vanish at the next boot, which the checkpoint restore is.
 */
export function volatileVerifierArgv(flags: number, drivers: readonly string[]): string[] {
  if (!Number.isSafeInteger(flags) || flags < 0 || flags > 0xffffffff) throw new Error(`bad Driver Verifier flags ${flags}`);
  if (drivers.length === 0) throw new Error('Driver Verifier needs at least one driver');
  for (const d of drivers) if (!/^[^\\/:*?"<>|\s]+\.sys$/i.test(d)) throw new Error(`not a driver file name: ${d}`);
  return ['verifier', '/volatile', '/flags', `0x${flags.toString(16)}`, '/adddriver', ...drivers];
}
