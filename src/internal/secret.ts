// A secret as otpkit receives it (base32 text, bytes, or an HMAC CryptoKey), turned into the HMAC key
// to sign with, through the cache of imported keys.
import { decodeBase32Text } from '../base32.js';
import type { HashAlgorithm } from '../types.js';
import { algorithmOption, isAlgorithm } from './algorithms.js';
import { fail } from './assert.js';
import { copyBytes, isBytes } from './bytes.js';
import { cryptoKeyInfo } from './crypto.js';
import { hmacSecretKey, importHmacKey } from './hmac.js';
import { cachingEnabled, createKeyCache } from './key-cache.js';

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

// Imported keys by secret CONTENTS and algorithm (docs/performance.md says what this keeps).
const secretKeys = createKeyCache<CryptoKey>();
// Longer secrets are not cached, so one entry's id stays small.
const MAX_CACHED_SECRET = 256;

/** A validated secret and algorithm: the key to sign with when known, else the bytes to import. */
export interface KeySource {
  /** A cached import, or the caller's own CryptoKey. */
  readonly key: CryptoKey | undefined;
  /** The key bytes to import (a private copy) when `key` is undefined. */
  readonly bytes: Uint8Array<ArrayBuffer> | undefined;
  readonly algorithm: HashAlgorithm;
  /** Where to cache the import; `''` when it is not to be cached. */
  readonly cacheId: string;
  /** Whether `key` is the caller's own CryptoKey: WebCrypto refusing it is then the secret's error. */
  readonly callerKey: boolean;
}

/**
 * The cache id of a secret, or `''`. Only a VALID algorithm forms an id: ids then have one shape
 * (`SHA1:` + base32 text, or `SHA1#` + the bytes as latin1), so no invalid input can name a stored key.
 */
function cacheIdOf(secret: string | Uint8Array, algorithm: unknown): string {
  const name = algorithm === undefined ? 'SHA1' : algorithm;
  if (!cachingEnabled() || !isAlgorithm(name) || secret.length > MAX_CACHED_SECRET) return '';
  return typeof secret === 'string'
    ? `${name}:${secret}`
    : `${name}#${String.fromCharCode(...secret)}`;
}

/**
 * Validates a secret and an algorithm, secret first (its error wins), looking the key up in the cache.
 * A hit implies both are valid: an entry is stored only after they validated and the import succeeded,
 * and its id names exactly that secret and algorithm. So a hit may skip base32 decoding, not validation.
 */
export function keySource(secret: unknown, algorithm: unknown): KeySource {
  if (typeof secret === 'string') {
    const cacheId = cacheIdOf(secret, algorithm);
    const key = cacheId === '' ? undefined : secretKeys.get(cacheId);
    if (key !== undefined) return cachedSource(key, algorithm, cacheId);
    return withAlgorithm(secretBytes(secret), algorithm, cacheId);
  }
  if (isBytes(secret)) {
    // The id is made from the private copy: what is imported is exactly what the id names.
    const bytes = secretBytes(secret);
    const cacheId = cacheIdOf(bytes, algorithm);
    const key = cacheId === '' ? undefined : secretKeys.get(cacheId);
    if (key === undefined) return withAlgorithm(bytes, algorithm, cacheId);
    bytes.fill(0);
    return cachedSource(key, algorithm, cacheId);
  }
  // The caller's own CryptoKey: nothing to import, and never cached.
  const own = hmacSecretKey(secret, algorithm);
  return { key: own.key, bytes: undefined, algorithm: own.algorithm, cacheId: '', callerKey: true };
}

/** The source of a cache hit: the key imported before (the algorithm was valid then, and is the id's). */
function cachedSource(key: CryptoKey, algorithm: unknown, cacheId: string): KeySource {
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
  cacheId: string,
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
    if (source.cacheId !== '') secretKeys.set(source.cacheId, key, mark);
    return key;
  });
  // The private copy is overwritten once WebCrypto holds the key: only the non-extractable key remains.
  void imported.finally(() => bytes.fill(0)).catch(() => {});
  return imported;
}
