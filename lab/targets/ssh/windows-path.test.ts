import { describe, expect, it } from 'vitest';
import { checkWindowsPath, joinWindowsPath, sftpPath, windowsBasename, windowsDirname, WindowsPathError } from './windows-path.js';

describe('Windows paths for SFTP', () => {
  it('maps drive paths to the SFTP form of Windows OpenSSH', () => {
    expect(sftpPath('C:\\lab\\objdev.sys')).toBe('/C:/lab/objdev.sys');
    expect(sftpPath('c:/lab//x')).toBe('/C:/lab/x');
    expect(sftpPath('C:\\objdev.log')).toBe('/C:/objdev.log');
    expect(sftpPath("C:\\lab dir\\it's & (weird) %PATH% ^! $(x)\\plan.txt")).toBe("/C:/lab dir/it's & (weird) %PATH% ^! $(x)/plan.txt");
  });

  it('refuses relative, UNC, dotted and forbidden-character paths', () => {
    for (const bad of ['lab\\x', '\\\\server\\share\\x', 'C:\\lab\\..\\Windows', 'C:\\a"b', 'C:\\a|b', 'C:\\a\nb', 'C:\\a:b', 'C:\\dir.\\x', '/etc/passwd']) {
      expect(() => checkWindowsPath(bad), bad).toThrow(WindowsPathError);
    }
  });

  it('joins and splits', () => {
    expect(joinWindowsPath('C:\\lab', 'plan.txt')).toBe('C:\\lab\\plan.txt');
    expect(windowsDirname('C:\\lab\\plan.txt')).toBe('C:\\lab');
    expect(windowsDirname('C:\\plan.txt')).toBe('C:\\');
    expect(sftpPath('C:\\')).toBe('/C:/');
    expect(windowsBasename('C:\\lab\\plan.txt')).toBe('plan.txt');
    expect(() => joinWindowsPath('C:\\lab', '..')).toThrow(WindowsPathError);
  });
});
