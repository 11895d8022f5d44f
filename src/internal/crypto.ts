// The only place that looks up WebCrypto. Looked up on first use, never at import, so that importing
// otpkit cannot throw (a plain-HTTP browser page has `crypto` but no `crypto.subtle`).
import { fail } from './assert.ts';

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
  return typeof c?.getRandomValues === 'function'
    ? c.getRandomValues(new Uint8Array(n))
    : fail('ERR_CRYPTO_UNAVAILABLE', UNAVAILABLE);
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
 * The facts of `value` if it is a CryptoKey, else `null`. Where the platform defines the attributes as
 * getters on `CryptoKey.prototype` (Node, Deno, Bun, browsers), they are read through those getters,
 * which check the platform's own brand: a plain object or an object made from the prototype makes them
 * throw, and a real key's own shadowing properties are not seen (Node's brand is its internal symbols,
 * so a Proxy that forwards to a real key reads as that key, and WebCrypto uses it as one). Where they are plain own
 * properties of each key (Cloudflare workerd), there is no brand to read: an object that passes here
 * is refused by WebCrypto when used, and {@link isKeyRefusal} tells the callers so.
 */
const ATTRIBUTES = ['type', 'extractable', 'algorithm', 'usages'];

export function cryptoKeyInfo(value: unknown): CryptoKeyInfo | null {
  if (typeof value !== 'object' || value === null) return null;
  const CryptoKeyClass = (globalThis as { CryptoKey?: abstract new () => object }).CryptoKey;
  if (typeof CryptoKeyClass !== 'function') return null;
  const getter = (name: string): ((this: unknown) => unknown) | undefined =>
    Object.getOwnPropertyDescriptor(CryptoKeyClass.prototype, name)?.get;
  try {
    let facts: { type?: unknown; algorithm?: unknown; usages?: unknown };
    const typeGetter = getter('type');
    if (typeGetter !== undefined) {
      // Some WebCrypto implementations (Node's) read a key's public attributes when they use it, so a real
      // key whose own property shadows one would be checked as one thing and used as another.
      if (ATTRIBUTES.some((name) => Object.getOwnPropertyDescriptor(value, name) !== undefined)) {
        return null;
      }
      facts = {
        type: typeGetter.call(value),
        algorithm: getter('algorithm')?.call(value),
        usages: getter('usages')?.call(value),
      };
    } else {
      if (!(value instanceof CryptoKeyClass)) return null;
      const { type, algorithm, usages } = value as {
        type?: unknown;
        algorithm?: unknown;
        usages?: unknown;
      };
      facts = { type, algorithm, usages };
    }
    const algorithm = facts.algorithm as {
      name?: unknown;
      hash?: { name?: unknown };
      length?: unknown;
    } | undefined;
    if (
      typeof facts.type !== 'string' || typeof algorithm?.name !== 'string' ||
      !Array.isArray(facts.usages)
    ) return null;
    const hash = algorithm.hash?.name;
    const length = algorithm.length;
    return {
      type: facts.type,
      name: algorithm.name,
      hash: typeof hash === 'string' ? hash : undefined,
      length: typeof length === 'number' ? length : undefined,
      usages: Array.from(facts.usages as unknown[]).filter((usage): usage is string =>
        typeof usage === 'string'
      ),
    };
  } catch {
    return null;
  }
}

/**
 * Whether a WebCrypto failure is a refusal of the key itself (not a CryptoKey, the wrong algorithm or
 * usage: a TypeError or an InvalidAccessError, W3C Web Cryptography API §14.3) rather than the
 * operation failing (an OperationError, e.g. an AES-GCM tag that does not verify).
 */
export function isKeyRefusal(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name;
  return name === 'TypeError' || name === 'InvalidAccessError' || name === 'NotSupportedError';
}
