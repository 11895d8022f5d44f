// The cache of imported HMAC keys (see src/internal/hmac.ts and docs/performance.md).
import { intOption, optionalOptions } from './internal/assert.js';
import { clearKeys, setMaxKeys } from './internal/hmac.js';

/** Options for {@link configureKeyCache}. */
export interface KeyCacheOptions {
  /**
   * The most imported keys kept, one per secret and algorithm, 0..1,000,000; the least recently used
   * is dropped first. `0` empties the cache and turns it off. Default 256.
   */
  maxEntries?: number | undefined;
}

/**
 * Drops every cached HMAC key. The HOTP and TOTP functions keep the non-extractable `CryptoKey`
 * imported for a secret (RFC 4226 §5.1 K) so that the next call for the same secret skips base32
 * decoding and `crypto.subtle.importKey`; call this after rotating or deleting secrets, or whenever
 * key material should leave memory now rather than when evicted.
 *
 * @example
 * ```ts
 * await db.deleteSecret(user.id)
 * clearKeyCache() // the old secret's key no longer sits in the cache
 * ```
 */
export function clearKeyCache(): void {
  clearKeys();
}

/**
 * Resizes the key cache (default 256 entries, least recently used evicted first) or, with
 * `maxEntries: 0`, empties it and turns it off so that every call imports its key afresh.
 *
 * @param options - `maxEntries`: an integer 0..1,000,000 (default 256 when omitted)
 * @throws OTPError `ERR_INVALID_OPTION` when `options` or `maxEntries` is invalid
 * @example
 * ```ts
 * configureKeyCache({ maxEntries: 0 })    // no key outlives the call that imported it
 * configureKeyCache({ maxEntries: 4096 }) // a busy server verifying many users
 * ```
 */
export function configureKeyCache(options?: KeyCacheOptions): void {
  setMaxKeys(intOption('maxEntries', optionalOptions(options).maxEntries, 0, 1_000_000, 256));
}
