// HMAC (RFC 2104) through WebCrypto: importKey('raw') then sign. WebCrypto hashes keys longer than the
// block size itself (RFC 2104 §2), so raw secret bytes of any non-zero length go in unchanged.
import type { HashAlgorithm } from '../types.js';
import { subtle } from './crypto.js';

const HASH_NAME = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' } as const;

/** Imports raw key bytes as a non-extractable HMAC signing key. */
export function importHmacKey(key: Uint8Array<ArrayBuffer>, algorithm: HashAlgorithm): Promise<CryptoKey> {
  return subtle().importKey('raw', key, { name: 'HMAC', hash: HASH_NAME[algorithm] }, false, ['sign']) as Promise<CryptoKey>;
}

/** HMAC(key, message). */
export async function hmac(key: CryptoKey, message: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  return new Uint8Array(await subtle().sign('HMAC', key, message));
}
