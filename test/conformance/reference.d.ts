// Types for reference.js (see there).
import type { HashAlgorithm } from '../../src/index.js';

/** Lower-case hex of the bytes. */
export declare function hex(bytes: Uint8Array): string;
/** The bytes of a hex string. */
export declare function fromHex(text: string): Uint8Array<ArrayBuffer>;
/** The UTF-8 bytes of the text. */
export declare function ascii(text: string): Uint8Array<ArrayBuffer>;
/** RFC 4648 §6 base32 (upper case, unpadded) to bytes, on a string of bits; throws on anything else. */
export declare function fromBase32(text: string): Uint8Array<ArrayBuffer>;
/** HMAC(K, C) with C as the 8-byte big-endian counter (RFC 4226 §5.1, §5.2), straight from WebCrypto. */
export declare function referenceHMAC(
  keyBytes: Uint8Array,
  counter: bigint | number,
  algorithm: HashAlgorithm,
): Promise<Uint8Array<ArrayBuffer>>;
/** RFC 4226 §5.3 dynamic truncation: the offset (low 4 bits of the last byte) and the 31-bit Snum. */
export declare function referenceTruncate(mac: Uint8Array): { offset: number; value: number };
/** HOTP(K, C) per RFC 4226 §5.3 with a bigint counter and BigInt truncation; `digits` 1..10. */
export declare function referenceHOTP(
  keyBytes: Uint8Array,
  counter: bigint | number,
  digits: number,
  algorithm: HashAlgorithm,
): Promise<string>;
/**
 * A Steam Guard code: the truncated HMAC-SHA-1 value in base 26 over 23456789BCDFGHJKMNPQRTVWXY,
 * least significant first.
 */
export declare function referenceSteam(
  keyBytes: Uint8Array,
  counter: bigint | number,
): Promise<string>;
