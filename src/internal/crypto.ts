// The only place that looks up WebCrypto. Looked up on first use, never at import, so that importing
// otpkit cannot throw (a plain-HTTP browser page has `crypto` but no `crypto.subtle`).
import { OTPError } from '../errors.js';

function webCrypto(): Crypto | undefined {
  return (globalThis as { crypto?: Crypto }).crypto;
}

/** `crypto.subtle`, or OTPError `ERR_CRYPTO_UNAVAILABLE`. */
export function subtle(): SubtleCrypto {
  const s = webCrypto()?.subtle;
  if (s === undefined || s === null) {
    // Browsers expose it only on secure origins (docs/runtimes.md).
    throw new OTPError('ERR_CRYPTO_UNAVAILABLE', 'crypto.subtle is missing (use https or localhost)');
  }
  return s;
}

/** `n` bytes from the platform CSPRNG (`crypto.getRandomValues`), or OTPError `ERR_CRYPTO_UNAVAILABLE`. */
export function randomBytes(n: number): Uint8Array<ArrayBuffer> {
  const c = webCrypto();
  if (c === undefined || c === null || typeof c.getRandomValues !== 'function') {
    throw new OTPError('ERR_CRYPTO_UNAVAILABLE', 'WebCrypto crypto.getRandomValues is not available');
  }
  const out = new Uint8Array(n);
  // getRandomValues fills at most 65,536 bytes a call.
  for (let i = 0; i < n; i += 65_536) c.getRandomValues(out.subarray(i, Math.min(n, i + 65_536)));
  return out;
}
