// HMAC (RFC 2104) through WebCrypto: importKey('raw') then sign. WebCrypto hashes keys longer than the
// block size itself (RFC 2104 §2), so raw secret bytes of any non-zero length go in unchanged.
//
// importKey costs more than a sign, so imported keys are kept in a bounded LRU cache (a Map in insertion
// order: a hit is moved to the end, the first entry is the oldest). The cache id is the algorithm plus
// the secret's CONTENTS (the base32 text as given, or the bytes as a latin1 string), never a reference
// to a caller's Uint8Array, so mutating an array after a call cannot reach a stale key. A key is stored
// only once its import succeeded, and only secrets that validated reach an import, so a cache hit
// implies a valid secret: a hit may skip base32 decoding without skipping validation.
import type { HashAlgorithm } from '../types.js';
import { subtle } from './crypto.js';
import { secretOption } from './secret.js';

// Longer secrets (in characters or bytes) are not cached, so one entry's id stays small.
const MAX_CACHED_LENGTH = 256;

// Nothing is allocated at import: the Map is made on the first import.
let cache: Map<string, CryptoKey> | undefined;
let maxEntries = 256;
// Bumped by clearKeyCache: an import that started before a clear does not refill the cache.
let generation = 0;

/** Imports raw key bytes as a non-extractable HMAC signing key (no cache). */
export function importHmacKey(key: Uint8Array<ArrayBuffer>, algorithm: HashAlgorithm): Promise<CryptoKey> {
  // 'SHA1' -> 'SHA-1', 'SHA256' -> 'SHA-256', 'SHA512' -> 'SHA-512'.
  return subtle().importKey('raw', key, { name: 'HMAC', hash: `SHA-${algorithm.slice(3)}` }, false, ['sign']) as Promise<CryptoKey>;
}

/** HMAC(key, message), as the ArrayBuffer WebCrypto returns. */
export function hmac(key: CryptoKey, message: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer> {
  return subtle().sign('HMAC', key, message);
}

/**
 * A secret validated at its place in the option order, with the `algorithm` option as given (validate
 * `source.algorithm` next, so the option is read once). `key` is set on a cache hit (nothing decoded,
 * nothing to import); otherwise `bytes` holds the key bytes (a private copy) and `id` names the cache entry.
 */
export interface KeySource {
  algorithm: unknown;
  id: string;
  key: CryptoKey | undefined;
  bytes: Uint8Array<ArrayBuffer> | undefined;
}

/**
 * Validates `secret` exactly as `secretOption` does (same codes), looking the key up in the cache first.
 * The id is made from the algorithm as given: an invalid one forms an id that is never stored.
 */
export function keySource(secret: unknown, algorithm: unknown): KeySource {
  // Bytes are validated and copied first, and the id is made from the copy: what is imported is exactly
  // what the id names, whatever the caller does to its array later.
  const bytes = typeof secret === 'string' ? undefined : secretOption(secret);
  const alg = algorithm ?? 'SHA1';
  const data = bytes ?? (secret as string);
  let id = '';
  if (maxEntries > 0 && typeof alg === 'string' && data.length <= MAX_CACHED_LENGTH) {
    // ':' and '#' keep a string and bytes with the same characters apart.
    id = bytes === undefined ? `${alg}:${data as string}` : `${alg}#${String.fromCharCode.apply(null, bytes as unknown as number[])}`;
  }
  const key = cache?.get(id);
  if (key !== undefined) {
    cache?.delete(id);
    cache?.set(id, key);
  }
  // A string not in the cache is decoded here, throwing the same codes in the same place as ever.
  return { algorithm, id, key, bytes: key === undefined ? (bytes ?? secretOption(secret)) : undefined };
}

/** The HMAC key of a {@link KeySource}, `algorithm` being its validated `algorithm`: cached, or imported and cached. */
export function hmacKey(source: KeySource, algorithm: HashAlgorithm): CryptoKey | Promise<CryptoKey> {
  if (source.key !== undefined) return source.key;
  const started = generation;
  return importHmacKey(source.bytes as Uint8Array<ArrayBuffer>, algorithm).then((key) => {
    // An id is '' when the secret is not cacheable; a clear while importing keeps the key out.
    if (source.id !== '' && started === generation && maxEntries > 0) {
      (cache ??= new Map()).set(source.id, key);
      evict();
    }
    return key;
  });
}

function evict(): void {
  if (cache === undefined) return;
  for (const id of cache.keys()) {
    if (cache.size <= maxEntries) return;
    cache.delete(id);
  }
}

/** Drops every cached key (see `clearKeyCache` in src/cache.ts). */
export function clearKeys(): void {
  cache = undefined;
  generation++;
}

/** Sets the largest number of cached keys, evicting the oldest beyond it; 0 empties and disables the cache. */
export function setMaxKeys(entries: number): void {
  maxEntries = entries;
  if (entries === 0) clearKeys();
  else evict();
}
