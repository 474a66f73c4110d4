import { describe, expect, it } from 'vitest';
import { windowsCommandLine } from './windows-command-line.js';

describe('windowsCommandLine', () => {
  it('quotes what CommandLineToArgvW would split or unescape', () => {
    expect(windowsCommandLine(['C:\\lab\\objdev-echo.exe', 'hello,world'])).toBe('C:\\lab\\objdev-echo.exe hello,world');
    expect(windowsCommandLine(['a b', ''])).toBe('"a b" ""');
    expect(windowsCommandLine(['say "hi"'])).toBe('"say \\"hi\\""');
    expect(windowsCommandLine(['C:\\dir with space\\'])).toBe('"C:\\dir with space\\\\"');
    expect(windowsCommandLine(['a\\\\"b c'])).toBe('"a\\\\\\\\\\"b c"');
  });
});
