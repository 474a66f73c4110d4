/** vitest setup file: every test file removes the temporary folders it made (temp-dir.ts) when it ends. */
import { afterAll } from 'vitest';
import { removeTempDirs } from './temp-dir.js';

afterAll(removeTempDirs, 120_000);
