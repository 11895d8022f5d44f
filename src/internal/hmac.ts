// HMAC (RFC 2104) through WebCrypto: importKey('raw') then sign. WebCrypto hashes keys longer than the
// block size itself (RFC 2104 §2), so raw secret bytes of any non-zero length go in unchanged.
import type { HashAlgorithm } from '../types.ts';
import { algorithmOption, ALGORITHMS } from './algorithms.ts';
import { fail } from './assert.ts';
import { cryptoKeyInfo, subtle } from './crypto.ts';

/** Imports raw key bytes as a non-extractable HMAC signing key (no cache). */
export function importHmacKey(
  key: Uint8Array<ArrayBuffer>,
  algorithm: HashAlgorithm,
): Promise<CryptoKey> {
  return subtle().importKey(
    'raw',
    key,
    { name: 'HMAC', hash: ALGORITHMS[algorithm].webCrypto },
    false,
    ['sign'],
  );
}

/** HMAC(key, message), as the ArrayBuffer WebCrypto returns, with a `subtle()` the caller read. */
export function hmac(
  webCrypto: SubtleCrypto,
  key: CryptoKey,
  message: BufferSource,
): Promise<ArrayBuffer> {
  return webCrypto.sign('HMAC', key, message);
}

/** A caller's CryptoKey given as the secret K (RFC 4226 §5.1), with the algorithm it is used with. */
export interface HmacSecretKey {
  readonly key: CryptoKey;
  readonly algorithm: HashAlgorithm;
}

/**
 * Checks a CryptoKey given as the secret, in this order: a real HMAC key allowing `sign`
 * (`ERR_INVALID_SECRET`), a valid `algorithm` (`ERR_INVALID_OPTION`), then a key hash equal to that
 * algorithm's (`ERR_INVALID_SECRET`).
 */
export function hmacSecretKey(value: unknown, algorithm: unknown): HmacSecretKey {
  const info = cryptoKeyInfo(value);
  if (info?.name !== 'HMAC' || !info.usages.includes('sign')) {
    fail(
      'ERR_INVALID_SECRET',
      '"secret" must be base32 text, bytes, or an HMAC CryptoKey allowing "sign"',
    );
  }
  const checked = algorithmOption(algorithm);
  if (info.hash !== ALGORITHMS[checked].webCrypto) {
    fail('ERR_INVALID_SECRET', '"secret" must be an HMAC CryptoKey whose hash matches "algorithm"');
  }
  return { key: value as CryptoKey, algorithm: checked };
}
