// The caches of imported HMAC keys (src/internal/key-cache.ts; what they keep: docs/performance.md).
import { intOption, optionalOptions } from './internal/assert.ts';
import { clearKeyCaches, setMaxEntries } from './internal/key-cache.ts';

/** Options for {@link configureKeyCache}. */
export interface KeyCacheOptions {
  /**
   * The most keys each cache keeps, 0..1,000,000: imported secrets (one per secret and algorithm) and
   * keys opened by `openSecretKey` (one per sealed secret, context and algorithm); the least recently
   * used is dropped first. `0` empties both and turns them off. Default 256.
   */
  maxEntries?: number | undefined;
}

/**
 * Drops every cached HMAC key. The HOTP and TOTP functions keep the non-extractable `CryptoKey`
 * imported for a text or bytes secret (RFC 4226 §5.1 K), with the secret itself as the cache id, so
 * that the next call for the same secret skips base32 decoding and `crypto.subtle.importKey`; and
 * `openSecretKey` keeps the keys it opened, by sealed text. Call this after rotating or deleting
 * secrets, or whenever key material should leave memory now rather than when evicted.
 *
 * @example
 * ```ts
 * await db.deleteSecret(user.id)
 * clearKeyCache() // the old secret's key no longer sits in the cache
 * ```
 */
export function clearKeyCache(): void {
  clearKeyCaches();
}

/**
 * Resizes the key caches (default 256 entries each, least recently used evicted first) or, with
 * `maxEntries: 0`, empties them and turns them off so that every call imports its key afresh.
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
  const { maxEntries } = optionalOptions(options);
  setMaxEntries(intOption('maxEntries', maxEntries, 0, 1_000_000, 256));
}
