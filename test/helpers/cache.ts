// Tests that count imports or decrypts start and end with empty key caches of the default size, and
// with every spy restored.
import { afterEach, beforeEach, vi } from 'vitest';
import { clearKeyCache, configureKeyCache } from '../../src/index.js';

/** Registers, for the calling test file, a fresh default-sized key cache before and after each test. */
export function useFreshKeyCaches(): void {
  beforeEach(() => {
    configureKeyCache();
    clearKeyCache();
  });
  afterEach(() => {
    vi.restoreAllMocks();
    configureKeyCache();
    clearKeyCache();
  });
}
