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
