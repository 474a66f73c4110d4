/**
 * Loading under real Wine: a driver that does not load (exit 3, the Win32 error and its text in the `load`
 * line, the service it made deleted again), reuse of an existing service, and no driver line at all.
 * The load errors asserted are Wine 8's: Windows answers a missing image with 2 and a non-PE file with 193.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshPrefix, type FreshPrefix } from '../../lab/testing/wine.js';
import { built, OBJDEV, RUNNER, runGuest } from './testing/guest-run.js';

const DEVICE = 'device \\\\.\\object_device';
const withImage = (image: string) => `lab-plan 1\n${DEVICE}\ndriver objdev C:\\lab\\${image}\ncase 0 only\nopen 0 rw\nend\n`;

let prefix: FreshPrefix;

beforeAll(async () => {
  await built(RUNNER, OBJDEV);
  prefix = await freshPrefix();
}, 120_000);

afterAll(async () => {
  await prefix?.dispose();
});

describe('a driver that does not load', () => {
  it.each([
    ['an image path that does not exist', 'missing.sys', 1114],
    ['a file that is not PE', 'text.sys', 1114],
    ['a user-mode program', 'user-mode.sys', 1053],
  ])(
    '%s: the load line says why, no case runs, exit 3',
    async (_name, image, error) => {
      const run = await runGuest(prefix, withImage(image), {
        files: { 'text.sys': 'not a driver\n', 'user-mode.sys': await readFile(RUNNER) },
        timeoutMs: 60_000,
      });
      expect(run.exitCode).toBe(3);
      expect(run.events.map((e) => e.t)).toEqual(['hello', 'load']);
      expect(run.events[1]).toMatchObject({ t: 'load', service: 'objdev', error });
      const load = run.events[1] as { message: string };
      expect(load.message.length).toBeGreaterThan(5); // Windows' text for the error, e.g. "DLL initialization failed."
    },
    60_000,
  );

  it('deletes the service it made (unloading it afterwards finds no service: 1060)', async () => {
    const failed = await runGuest(prefix, withImage('missing.sys'));
    expect(failed.exitCode).toBe(3);
    const probe = await runGuest(prefix, `lab-plan 1\n${DEVICE}\ncase 0 probe\nunload objdev\nend\n`);
    expect(probe.events[2]).toMatchObject({ t: 'case', steps: [{ kind: 'unload', service: 'objdev', error: 1060 }] });
    const run = await runGuest(prefix, withImage('objdev.sys'));
    expect(run.exitCode).toBe(0);
    expect(run.events[3]).toMatchObject({ t: 'case', steps: [{ kind: 'open', error: 0 }] });
  }, 60_000);

  it('a load step for a service that is already running reuses it (1073, then 1056) and counts as loaded', async () => {
    const plan = `lab-plan 1\n${DEVICE}\ndriver objdev C:\\lab\\objdev.sys\ncase 0 again\nload objdev\nopen 0 rw\nend\n`;
    const run = await runGuest(prefix, plan);
    expect(run.exitCode).toBe(0);
    expect(run.events[3]).toMatchObject({
      t: 'case',
      steps: [
        { kind: 'load', service: 'objdev', error: 0 },
        { kind: 'open', error: 0 },
      ],
    });
    expect(run.events.at(-2)).toMatchObject({ t: 'unload', error: 0, openAfter: 2 });
  }, 60_000);

  it('without a driver line, nothing is loaded or unloaded and the device is simply opened', async () => {
    const run = await runGuest(prefix, `lab-plan 1\n${DEVICE}\ncase 0 no-driver\nopen 0 rw\nend\n`);
    expect(run.exitCode).toBe(0);
    expect(run.events.map((e) => e.t)).toEqual(['hello', 'begin', 'case', 'end']);
    expect(run.events[2]).toMatchObject({ steps: [{ kind: 'open', error: 2 }], log: null });
  }, 60_000);
});
