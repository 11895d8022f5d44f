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
import { algorithmOption } from './assert.js';
import { subtle } from './crypto.js';
import { secretOption } from './secret.js';

// Nothing is allocated at import: the Map is made on the first import, and clearKeys drops it, so an
// import that started before a clear finds another Map (or none) when it ends and stores nothing.
let cache: Map<string, CryptoKey> | undefined;
let maxEntries = 256;

/** Imports raw key bytes as a non-extractable HMAC signing key (no cache). */
export function importHmacKey(key: Uint8Array<ArrayBuffer>, algorithm: HashAlgorithm): Promise<CryptoKey> {
  // 'SHA1' -> 'SHA-1', 'SHA256' -> 'SHA-256', 'SHA512' -> 'SHA-512'.
  return subtle().importKey('raw', key, { name: 'HMAC', hash: `SHA-${algorithm.slice(3)}` }, false, ['sign']);
}

/** HMAC(key, message), as the ArrayBuffer WebCrypto returns. */
export function hmac(key: CryptoKey, message: BufferSource): Promise<ArrayBuffer> {
  return subtle().sign('HMAC', key, message);
}

/**
 * A validated secret and algorithm: the cache id (`''` when not cacheable), then the cached key on a hit
 * (nothing decoded, nothing to import) or else the key bytes (a private copy), then the algorithm.
 */
export type KeySource = [id: string, key: CryptoKey | Uint8Array<ArrayBuffer>, algorithm: HashAlgorithm];

/**
 * Validates `options.secret` (exactly as `secretOption` does, same codes), looking its key up in the
 * cache first, then `options.algorithm`. The id is made from the algorithm as given: an invalid one
 * forms an id that is never stored, so it always reaches its own error.
 */
export function keySource(options: Record<string, unknown>): KeySource {
  const { secret, algorithm = 'SHA1' } = options;
  // Bytes are validated and copied first, and the id is made from the copy: what is imported is exactly
  // what the id names, whatever the caller does to its array later.
  const bytes = typeof secret === 'string' ? undefined : secretOption(secret);
  // Secrets longer than 256 characters or bytes are not cached, so one entry's id stays small.
  // ':' and '#' keep a string and bytes with the same characters apart.
  const id =
    maxEntries && typeof algorithm === 'string' && (bytes ?? (secret as string)).length <= 256
      ? algorithm + (bytes ? `#${String.fromCharCode(...bytes)}` : `:${secret as string}`)
      : '';
  const key = cache?.get(id);
  if (key) {
    cache?.delete(id);
    cache?.set(id, key);
  }
  // A string not in the cache is decoded here, throwing the same codes in the same place as ever.
  return [id, key ?? bytes ?? secretOption(secret), algorithmOption(options.algorithm)];
}

/** The HMAC key of a {@link KeySource}: cached, or imported and then cached. */
export function hmacKey([id, key, algorithm]: KeySource): CryptoKey | Promise<CryptoKey> {
  if (!(key instanceof Uint8Array)) return key;
  const started = (cache ??= new Map());
  return importHmacKey(key, algorithm).then((imported) => {
    // A clear while importing keeps the key out; an id '' is not cacheable; 0 entries is off.
    if (id && started === cache && maxEntries) {
      cache.set(id, imported);
      evict();
    }
    return imported;
  });
}

function evict(): void {
  // Map keys come oldest first, so the first key is the least recently used: an insertion costs O(1).
  while (cache && cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
}

/** Drops every cached key (see `clearKeyCache` in src/cache.ts). */
export function clearKeys(): void {
  cache = undefined;
}

/** Sets the largest number of cached keys, evicting the oldest beyond it; 0 empties and disables the cache. */
export function setMaxKeys(entries: number): void {
  maxEntries = entries;
  if (entries) evict();
  else clearKeys();
}
