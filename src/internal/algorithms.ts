// The HMAC hash functions otpkit supports (RFC 4226 §5.2, RFC 6238 §1.2), one row each. Every check,
// message, URI reading, migration enum and WebCrypto name derives from this table: adding a hash is
// adding a row.
import type { HashAlgorithm } from '../types.ts';
import { invalid } from './assert.ts';

interface AlgorithmFacts {
  /** The WebCrypto hash name (W3C Web Cryptography API, HmacImportParams.hash). */
  readonly webCrypto: string;
  /** The length of an HMAC with this hash, in bytes (RFC 2104 §2: the hash output length L). */
  readonly macBytes: number;
  /**
   * Its value in Google Authenticator's migration payload (the OtpParameters.Algorithm enum), or null
   * when that enum has none (a SHA-384 row would have none: export refuses such keys, import never
   * meets them).
   */
  readonly migration: number | null;
}

/** Everything otpkit knows about each algorithm, keyed by the name otpauth URIs use. */
export const ALGORITHMS: { readonly [A in HashAlgorithm]: AlgorithmFacts } = {
  SHA1: { webCrypto: 'SHA-1', macBytes: 20, migration: 1 },
  SHA256: { webCrypto: 'SHA-256', macBytes: 32, migration: 2 },
  SHA512: { webCrypto: 'SHA-512', macBytes: 64, migration: 3 },
} satisfies Record<HashAlgorithm, AlgorithmFacts>;

/** The algorithm names, in table order. */
export function algorithmNames(): HashAlgorithm[] {
  return Object.keys(ALGORITHMS) as HashAlgorithm[];
}

/** The names for messages and help: `SHA1, SHA256 or SHA512`. */
export function algorithmList(): string {
  const names = algorithmNames();
  return `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] as string}`;
}

/** Whether `value` is exactly one of the algorithm names (no other spelling, no inherited key). */
export function isAlgorithm(value: unknown): value is HashAlgorithm {
  return typeof value === 'string' && Object.hasOwn(ALGORITHMS, value);
}

/** `algorithm`: exactly one of the names (RFC 6238 §1.2); default SHA1. */
export function algorithmOption(value: unknown): HashAlgorithm {
  if (value === undefined) return 'SHA1';
  return isAlgorithm(value) ? value : invalid('algorithm', algorithmList());
}

/**
 * An algorithm as otpauth URIs and other tools write it: any ASCII case (the long s "ſ" is not an "s"),
 * with or without a hyphen after "SHA" (`SHA-256`, as otplib and otpauth accept); undefined otherwise.
 */
export function readAlgorithmName(text: string): HashAlgorithm | undefined {
  const upper = text.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 32));
  const name = upper.startsWith('SHA-') ? `SHA${upper.slice(4)}` : upper;
  return isAlgorithm(name) ? name : undefined;
}

/** The algorithm of a migration enum value: 0 ("unspecified") is SHA1; undefined for a value otpkit lacks. */
export function algorithmOfMigration(value: bigint): HashAlgorithm | undefined {
  if (value === 0n) return 'SHA1';
  return algorithmNames().find((name) => {
    const enumValue = ALGORITHMS[name].migration;
    return enumValue !== null && BigInt(enumValue) === value;
  });
}
