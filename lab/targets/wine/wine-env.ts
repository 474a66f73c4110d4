/**
 * The environment every Wine process of lab runs with, and nothing else. One place, so the template, the
 * sessions and the tests agree.
 *
 * Wine hands its environment to every Windows process it starts (the guest runner, services.exe, every
 * winedevice.exe with the driver in it), so lab passes an allow-list, never its own environment: a token
 * or password in the environment of `lab run` must not reach the driver under test. What passes: what
 * Wine needs to run (PATH, HOME, the user's name and language), the user's own WINE* settings, and what
 * lab sets itself: the prefix, the debug channels that carry DbgPrint and OutputDebugString (the Wine
 * target's DbgView stream, with the process id in front of each line), no menu entries written into the
 * user's home, no Gecko/Mono download prompts, no display.
 */
export const WINE_DEBUG_CHANNELS = '-all,warn+debugstr,+pid';
/**
 * The channels of a Wine target session's first process, which Wine's services and so the driver hosts
 * inherit: Wine's errors and fixme lines (a stub the driver called, why a load failed), and no debugstr,
 * whose 1 KB line buffer ends a host that prints a longer DbgPrint (lab-monitor carries those instead).
 */
export const HOST_DEBUG_CHANNELS = '-all,err+all,fixme+all,+pid';

const PASSED = new Set(['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'LANGUAGE', 'LC_ALL', 'TZ']);

export function wineEnv(prefix: string, extra: Record<string, string> = {}, from: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(from)) {
    if (value !== undefined && (PASSED.has(name) || name.startsWith('WINE') || name.startsWith('LC_'))) env[name] = value;
  }
  return {
    ...env,
    WINEPREFIX: prefix,
    WINEDEBUG: WINE_DEBUG_CHANNELS,
    WINEDLLOVERRIDES: 'winemenubuilder.exe=d;mshtml=d;mscoree=d',
    WINEARCH: 'win64',
    // No display here or in CI; keeps Wine from probing X11.
    DISPLAY: '',
    ...extra,
  };
}
