// The HMAC hash functions otpkit supports (RFC 4226 §5.2, RFC 6238 §1.2), one row each.
import type { HashAlgorithm } from '../types.js';
import { invalid } from './assert.js';

interface AlgorithmFacts {
  /** The WebCrypto hash name (W3C Web Cryptography API, HmacImportParams.hash). */
  readonly webCrypto: string;
  /** The length of an HMAC with this hash, in bytes (RFC 2104 §2: the hash output length L). */
  readonly macBytes: number;
}

/** Everything otpkit knows about each algorithm, keyed by the name otpauth URIs use. */
export const ALGORITHMS: { readonly [A in HashAlgorithm]: AlgorithmFacts } = {
  SHA1: { webCrypto: 'SHA-1', macBytes: 20 },
  SHA256: { webCrypto: 'SHA-256', macBytes: 32 },
  SHA512: { webCrypto: 'SHA-512', macBytes: 64 },
} satisfies Record<HashAlgorithm, AlgorithmFacts>;

/** Whether `value` is exactly one of the algorithm names (no other spelling, no inherited key). */
export function isAlgorithm(value: unknown): value is HashAlgorithm {
  return typeof value === 'string' && Object.hasOwn(ALGORITHMS, value);
}

/** `algorithm`: exactly `SHA1`, `SHA256` or `SHA512` (RFC 6238 §1.2); default SHA1. */
export function algorithmOption(value: unknown): HashAlgorithm {
  if (value === undefined) return 'SHA1';
  return isAlgorithm(value) ? value : invalid('algorithm', 'SHA1, SHA256 or SHA512');
}
