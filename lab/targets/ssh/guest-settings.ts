/** What lab does on a Windows guest it reaches over SSH, whatever kind of machine the guest is. */
export interface GuestSettings {
  /** Folder lab deploys into; revert deletes it. */
  guestDir: string;
  /** Dbgview.exe on the guest; without it there is no debug stream (the driver log file still is collected). */
  dbgview?: string;
  /** Guest files prepare and revert delete (a driver's log file outside guestDir, for example). */
  cleanPaths: string[];
}

export const DEFAULT_GUEST_DIR = 'C:\\lab';
