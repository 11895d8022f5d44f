// A secret as otpkit receives it (base32 text, bytes, or an HMAC CryptoKey), turned into the HMAC key
// to sign with, through the cache of imported keys.
import { decodeBase32Text } from '../base32.ts';
import type { HashAlgorithm } from '../types.ts';
import { algorithmOption, isAlgorithm } from './algorithms.ts';
import { fail } from './assert.ts';
import { bytesLength, copyBytes, isBytes } from './bytes.ts';
import { cryptoKeyInfo } from './crypto.ts';
import { hmacSecretKey, importHmacKey } from './hmac.ts';
import { type CacheId, cachingEnabled, createKeyCache } from './key-cache.ts';

/**
 * The raw key bytes of a secret given as text or bytes: base32 decoded with the default (strict) rules,
 * or a private copy of the bytes, so that a caller's later change cannot reach us. A CryptoKey is
 * refused here: this is for what must be written out (a key URI, a sealed secret).
 */
export function secretBytes(value: unknown): Uint8Array<ArrayBuffer> {
  if (typeof value === 'string' && value !== '') return decodeBase32Text(value, false);
  const bytes = isBytes(value) ? copyBytes(value) : undefined;
  if (bytes !== undefined && bytes.length > 0) return bytes;
  if (cryptoKeyInfo(value) !== null) {
    fail(
      'ERR_INVALID_SECRET',
      'a CryptoKey "secret" cannot be written out: pass base32 text or bytes',
    );
  }
  return fail('ERR_INVALID_SECRET', '"secret" must be base32 text or bytes, not empty');
}

/**
 * A cached import. A text secret's entry is named by the text itself; a byte secret's by a hash of its
 * bytes, so the entry keeps a private copy of them (`bytes`) and a hit is a byte-for-byte match.
 */
interface CachedKey {
  readonly key: CryptoKey;
  readonly algorithm: HashAlgorithm;
  readonly bytes: Uint8Array | undefined;
}

// Imported keys by secret CONTENTS and algorithm (docs/performance.md says what this keeps). A dropped
// entry's copy of the bytes is zeroed.
const secretKeys = createKeyCache<CachedKey>((entry) => entry.bytes?.fill(0));
// Longer secrets are not cached, so one entry's id stays small.
const MAX_CACHED_SECRET = 256;

/** A validated secret and algorithm: the key to sign with when known, else the bytes to import. */
export interface KeySource {
  /** A cached import, or the caller's own CryptoKey. */
  readonly key: CryptoKey | undefined;
  /** The key bytes to import (a private copy) when `key` is undefined. */
  readonly bytes: Uint8Array<ArrayBuffer> | undefined;
  readonly algorithm: HashAlgorithm;
  /** Where to cache the import (a text id, or a byte secret's hash); `''` when it is not to be cached. */
  readonly cacheId: CacheId;
  /** Whether `key` is the caller's own CryptoKey: WebCrypto refusing it is then the secret's error. */
  readonly callerKey: boolean;
}

/** The algorithm a cache id may be formed for: only a VALID one, so no invalid input names an entry. */
function cacheableAlgorithm(algorithm: unknown): HashAlgorithm | undefined {
  const name = algorithm === undefined ? 'SHA1' : algorithm;
  return cachingEnabled() && isAlgorithm(name) ? name : undefined;
}

/** The cache id of a text secret (`SHA1:` + the base32 text), or `''`. */
function textCacheId(secret: string, algorithm: unknown): string {
  const name = cacheableAlgorithm(algorithm);
  return name === undefined || secret.length > MAX_CACHED_SECRET ? '' : `${name}:${secret}`;
}

/**
 * The cache id of a byte secret of `length` bytes (read through the intrinsic getter), or `''`: a
 * 32-bit FNV-1a hash of the algorithm, the length and the bytes. A hash, not a string of the bytes:
 * building and hashing a fresh string cost more than the rest of a warm call on some engines. Two
 * secrets may share a hash; the entry's own copy of the bytes tells them apart (see `cachedBytesKey`).
 */
function bytesCacheId(bytes: Uint8Array, length: number, algorithm: HashAlgorithm): number {
  const FNV_PRIME = 0x01000193;
  let hash = 0x811c9dc5;
  for (let i = 0; i < algorithm.length; i++) {
    hash = Math.imul(hash ^ algorithm.charCodeAt(i), FNV_PRIME);
  }
  hash = Math.imul(hash ^ length, FNV_PRIME);
  for (let i = 0; i < length; i++) hash = Math.imul(hash ^ (bytes[i] as number), FNV_PRIME);
  return hash >>> 0;
}

/** Whether an entry holds exactly these `length` bytes for this algorithm. */
function holds(entry: CachedKey, bytes: Uint8Array, length: number, algorithm: string): boolean {
  const stored = entry.bytes;
  if (stored === undefined || entry.algorithm !== algorithm || stored.length !== length) {
    return false;
  }
  for (let i = 0; i < length; i++) if (stored[i] !== bytes[i]) return false;
  return true;
}

/**
 * The cached key of a caller's byte secret, read in place (no copy): its length through the intrinsic
 * getter, its bytes by index, which no subclass can redefine. Undefined on a miss.
 */
function cachedBytesKey(secret: Uint8Array, algorithm: unknown): CachedKey | undefined {
  const name = cacheableAlgorithm(algorithm);
  const length = bytesLength(secret);
  if (name === undefined || length === 0 || length > MAX_CACHED_SECRET) return undefined;
  const entry = secretKeys.get(bytesCacheId(secret, length, name));
  return entry !== undefined && holds(entry, secret, length, name) ? entry : undefined;
}

/**
 * Validates a secret and an algorithm, secret first (its error wins), looking the key up in the cache.
 * A hit implies both are valid: an entry is stored only after they validated and the import succeeded,
 * and it is a hit only for exactly that secret and algorithm. So a hit may skip base32 decoding and
 * the private copy, not validation.
 */
export function keySource(secret: unknown, algorithm: unknown): KeySource {
  if (typeof secret === 'string') {
    const cacheId = textCacheId(secret, algorithm);
    const hit = cacheId === '' ? undefined : secretKeys.get(cacheId);
    if (hit !== undefined) return cachedSource(hit.key, algorithm, cacheId);
    return withAlgorithm(secretBytes(secret), algorithm, cacheId);
  }
  if (isBytes(secret)) {
    const hit = cachedBytesKey(secret, algorithm);
    if (hit !== undefined) return cachedSource(hit.key, algorithm, '');
    // The id of a miss is made from the private copy: what is imported is exactly what the id names.
    const bytes = secretBytes(secret);
    const name = cacheableAlgorithm(algorithm);
    const cacheable = name !== undefined && bytes.length <= MAX_CACHED_SECRET;
    return withAlgorithm(
      bytes,
      algorithm,
      cacheable ? bytesCacheId(bytes, bytes.length, name) : '',
    );
  }
  // The caller's own CryptoKey: nothing to import, and never cached.
  const own = hmacSecretKey(secret, algorithm);
  return { key: own.key, bytes: undefined, algorithm: own.algorithm, cacheId: '', callerKey: true };
}

/** The source of a cache hit: the key imported before (the algorithm was valid then, and is the id's). */
function cachedSource(key: CryptoKey, algorithm: unknown, cacheId: CacheId): KeySource {
  return {
    key,
    bytes: undefined,
    algorithm: algorithmOption(algorithm),
    cacheId,
    callerKey: false,
  };
}

/** The source that imports `bytes` for `algorithm` (validated here); the private copy is zeroed if the algorithm is refused. */
function withAlgorithm(
  bytes: Uint8Array<ArrayBuffer>,
  algorithm: unknown,
  cacheId: CacheId,
): KeySource {
  try {
    return {
      key: undefined,
      bytes,
      algorithm: algorithmOption(algorithm),
      cacheId,
      callerKey: false,
    };
  } catch (error) {
    bytes.fill(0);
    throw error;
  }
}

/**
 * Imports the key of a {@link KeySource} that has none yet (then caches it when it has an id). A known
 * key is used as it is by the caller and never passed through a promise: a caller's CryptoKey with an
 * own `then` would otherwise be taken for a thenable and replaced by whatever it resolves to.
 */
export function importedKey(source: KeySource): Promise<CryptoKey> {
  const bytes = source.bytes as Uint8Array<ArrayBuffer>;
  const mark = secretKeys.mark();
  let importing: Promise<CryptoKey>;
  try {
    importing = importHmacKey(bytes, source.algorithm);
  } catch (error) {
    // No WebCrypto at all (ERR_CRYPTO_UNAVAILABLE): the copy is overwritten all the same.
    bytes.fill(0);
    throw error;
  }
  const imported = importing.then((key) => {
    if (source.cacheId !== '') {
      // A byte secret's entry keeps a copy of its own, compared on a hit; the import's copy is zeroed.
      const stored = typeof source.cacheId === 'number' ? bytes.slice() : undefined;
      const entry = { key, algorithm: source.algorithm, bytes: stored };
      if (!secretKeys.set(source.cacheId, entry, mark)) stored?.fill(0);
    }
    return key;
  });
  // The private copy is overwritten once WebCrypto holds the key: only the non-extractable key remains.
  void imported.finally(() => bytes.fill(0)).catch(() => {});
  return imported;
}
