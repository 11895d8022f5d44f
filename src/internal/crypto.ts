// The only place that looks up WebCrypto. Looked up on first use, never at import, so that importing
// otpkit cannot throw (a plain-HTTP browser page has `crypto` but no `crypto.subtle`).
import { fail } from './assert.js';

// Browsers expose crypto.subtle only on secure origins (docs/runtimes.md).
const UNAVAILABLE = 'WebCrypto is missing (browsers: https only)';

/** `crypto.subtle`, or OTPError `ERR_CRYPTO_UNAVAILABLE`. */
export function subtle(): SubtleCrypto {
  return globalThis.crypto?.subtle ?? fail('ERR_CRYPTO_UNAVAILABLE', UNAVAILABLE);
}

/**
 * `n` bytes (at most 65,536, the most one call may ask for; otpkit asks for 64 at most) from the platform
 * CSPRNG (`crypto.getRandomValues`), or OTPError `ERR_CRYPTO_UNAVAILABLE`.
 */
export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const c = globalThis.crypto;
  return typeof c?.getRandomValues === 'function' ? c.getRandomValues(new Uint8Array(n)) : fail('ERR_CRYPTO_UNAVAILABLE', UNAVAILABLE);
}

/** What a real CryptoKey says of itself (W3C Web Cryptography API §13, the CryptoKey interface). */
export interface CryptoKeyInfo {
  /** `'secret'`, `'private'` or `'public'`. */
  readonly type: string;
  /** The algorithm name, e.g. `'HMAC'` or `'AES-GCM'`. */
  readonly name: string;
  /** The hash of an HMAC key, e.g. `'SHA-256'`; undefined for other keys. */
  readonly hash: string | undefined;
  /** The key length in bits of an AES key; undefined for other keys. */
  readonly length: number | undefined;
  readonly usages: readonly string[];
}

/**
 * The facts of `value` if it is a real CryptoKey, else `null`. They are read through the getters of
 * `CryptoKey.prototype`, which check the platform's own brand: a plain object, a Proxy or an object
 * made from the prototype makes them throw, and a real key's own shadowing properties are not seen.
 */
export function cryptoKeyInfo(value: unknown): CryptoKeyInfo | null {
  if (typeof value !== 'object' || value === null) return null;
  const prototype = (globalThis as { CryptoKey?: { prototype: object } }).CryptoKey?.prototype;
  if (prototype === undefined) return null;
  const read = (name: string): unknown => Object.getOwnPropertyDescriptor(prototype, name)?.get?.call(value);
  try {
    const type = read('type');
    const algorithm = read('algorithm') as { name?: unknown; hash?: { name?: unknown }; length?: unknown } | undefined;
    const usages = read('usages');
    if (typeof type !== 'string' || typeof algorithm?.name !== 'string' || !Array.isArray(usages)) return null;
    const hash = algorithm.hash?.name;
    const length = algorithm.length;
    return {
      type,
      name: algorithm.name,
      hash: typeof hash === 'string' ? hash : undefined,
      length: typeof length === 'number' ? length : undefined,
      usages: [...(usages as unknown[])].filter((usage): usage is string => typeof usage === 'string'),
    };
  } catch {
    return null;
  }
}
