/**
 * The environment every Wine process of lab runs with. One place, so the template, the sessions and the
 * tests agree: no menu entries written into the user's home, no Gecko/Mono download prompts, and the
 * debug channels that carry DbgPrint and OutputDebugString (the Wine target's DbgView stream), with the
 * process id in front of each line so driver-host lines can be told from the guest runner's.
 */
export const WINE_DEBUG_CHANNELS = '-all,warn+debugstr,+pid';
/**
 * The channels of a Wine target session's first process, which Wine's services and so the driver hosts
 * inherit: Wine's errors and fixme lines (a stub the driver called, why a load failed), and no debugstr,
 * whose 1 KB line buffer ends a host that prints a longer DbgPrint (lab-monitor carries those instead).
 */
export const HOST_DEBUG_CHANNELS = '-all,err+all,fixme+all,+pid';

export function wineEnv(prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    WINEPREFIX: prefix,
    WINEDEBUG: WINE_DEBUG_CHANNELS,
    WINEDLLOVERRIDES: 'winemenubuilder.exe=d;mshtml=d;mscoree=d',
    WINEARCH: 'win64',
    // No display here or in CI; keeps Wine from probing X11.
    DISPLAY: '',
    ...extra,
  };
}
