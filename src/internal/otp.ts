// The HOTP computation shared by HOTP and TOTP (TOTP = HOTP(K, T), RFC 6238 §1.2).
import type { HOTPMatch } from '../types.ts';
import { ALGORITHMS } from './algorithms.ts';
import { fail, MAX_COUNTER } from './assert.ts';
import type { CodeFormat } from './code-format.ts';
import { equalBit, firstHit } from './constant-time.ts';
import { subtle } from './crypto.ts';
import { hmac } from './hmac.ts';
import { importedKey, type KeySource } from './secret.ts';

// WebCrypto copies `data` before sign() returns (W3C Web Cryptography API, SubtleCrypto.sign(), "get a
// copy of the bytes held by the data parameter"), so one 8-byte buffer serves every call. A fresh small
// Uint8Array per call would be moved off the JS heap to be read, which costs about as much as the HMAC
// itself in Chromium and workerd (docs/performance.md).
let counterBuffer: Uint8Array<ArrayBuffer> | undefined;

/** Writes C as 8 bytes, big-endian (RFC 4226 §5.2). A number is a validated safe integer (below 2^53). */
function writeCounter(bytes: Uint8Array, counter: number | bigint): void {
  if (typeof counter === 'bigint') new DataView(bytes.buffer).setBigUint64(0, counter);
  // A Uint8Array stores the integer part of a number modulo 256, and dividing by 256 is exact, so each
  // byte is floor(counter / 256^k) mod 256 with no BigInt made.
  else for (let i = 8, c = counter; i--; c /= 256) bytes[i] = c;
}

/** HMAC(K, C): starts the `sign` of the counter's 8 bytes. */
function signCounter(
  webCrypto: SubtleCrypto,
  key: CryptoKey,
  counter: number | bigint,
): Promise<ArrayBuffer> {
  counterBuffer ??= new Uint8Array(8);
  writeCounter(counterBuffer, counter);
  return hmac(webCrypto, key, counterBuffer);
}

/**
 * RFC 4226 §5.3 dynamic truncation: the 31-bit number Snum at the offset given by the low 4 bits of the
 * LAST byte of the HMAC, for every hash (RFC 6238 Appendix A). A code format renders it.
 */
export function dynamicTruncate(mac: Uint8Array): number {
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  // With the top bit cleared first, `<< 24` stays a positive 32-bit integer.
  return (((mac[offset] as number) & 0x7f) << 24) | ((mac[offset + 1] as number) << 16) |
    ((mac[offset + 2] as number) << 8) | (mac[offset + 3] as number);
}

/** HOTP(K, C) for a validated key source (RFC 4226 §5.3), in `format`. */
export async function computeOTP(
  source: KeySource,
  counter: number | bigint,
  format: CodeFormat,
): Promise<string> {
  // A known key is used as is, never awaited (see importedKey).
  const key = source.key ?? (await importedKey(source));
  const signing = signCounter(subtle(), key, counter);
  const mac = source.callerKey
    ? ((await callerKeyMACs(source, [signing]))[0] as ArrayBuffer)
    : await signing;
  return format.render(dynamicTruncate(new Uint8Array(mac)));
}

const REFUSED = '"secret" must be an HMAC CryptoKey allowing "sign" whose hash matches "algorithm"';

/**
 * The MACs of `sign` calls started with a caller's own CryptoKey. Any failure, or a MAC of another
 * length than the algorithm's, is `ERR_INVALID_SECRET`: the check of last resort where a key's
 * attributes carry no brand (workerd) or a Proxy answers for a real key. Keys otpkit imported itself
 * skip this: no extra step on the hot path.
 */
async function callerKeyMACs(
  source: KeySource,
  signing: Promise<ArrayBuffer>[],
): Promise<ArrayBuffer[]> {
  let macs: ArrayBuffer[];
  try {
    macs = await Promise.all(signing);
  } catch (error) {
    return fail('ERR_INVALID_SECRET', REFUSED, error);
  }
  const length = ALGORITHMS[source.algorithm].macBytes;
  if (macs.some((mac) => mac.byteLength !== length)) fail('ERR_INVALID_SECRET', REFUSED);
  return macs;
}

/**
 * The codes for every counter, one `sign` each, all started together (one `importKey` at most, before).
 */
export async function computeOTPs(
  source: KeySource,
  counters: readonly (number | bigint)[],
  format: CodeFormat,
): Promise<string[]> {
  const key = source.key ?? (await importedKey(source));
  // crypto.subtle read once for the whole window: in browsers, reading the global `crypto` costs about
  // 0.3 µs each time (docs/performance.md).
  const webCrypto = subtle();
  const signing: Promise<ArrayBuffer>[] = [];
  for (const counter of counters) signing.push(signCounter(webCrypto, key, counter));
  const codes: string[] = [];
  const macs = source.callerKey ? await callerKeyMACs(source, signing) : await Promise.all(signing);
  for (const mac of macs) codes.push(format.render(dynamicTruncate(new Uint8Array(mac))));
  return codes;
}

/**
 * Index of the first candidate counter whose code equals `token`, or -1. A `token` that cannot be a code
 * of `format`, or no candidate at all, gives -1 before any WebCrypto call. Otherwise all HMACs are
 * started together and every candidate is compared with the token's canonical form, with no early exit
 * and no branch on the result, so the time taken does not reveal which candidate (if any) matched.
 */
export async function findCounter(
  source: KeySource,
  counters: readonly (number | bigint)[],
  token: string,
  format: CodeFormat,
): Promise<number> {
  const typed = format.canonical(token);
  if (typed === null || !counters.length) return -1;
  // Every candidate is compared; firstHit then picks the lowest match without branching on the bits.
  const bits: number[] = [];
  for (const code of await computeOTPs(source, counters, format)) bits.push(equalBit(code, typed));
  return firstHit(bits);
}

/**
 * Up to `size` consecutive counters from `counter`, in its type, stopping at the largest exact value
 * (2^64-1 for a bigint, `Number.MAX_SAFE_INTEGER` for a number).
 */
export function counterRange(counter: number | bigint, size: number): (number | bigint)[] {
  const counters: (number | bigint)[] = [];
  const big = typeof counter === 'bigint';
  for (let i = 0; i < size; i++) {
    const c = big ? counter + BigInt(i) : counter + i;
    // A bigint and a number compare exactly.
    if (c > (big ? MAX_COUNTER : Number.MAX_SAFE_INTEGER)) break;
    counters.push(c);
  }
  return counters;
}

/** The HOTP match for counter `matched` found from the stored `counter` (RFC 4226 §7.2: store `nextCounter`). */
export function hotpMatch(matched: number | bigint, counter: number | bigint): HOTPMatch {
  return typeof matched === 'bigint'
    ? { counter: matched, nextCounter: matched + 1n, delta: matched - (counter as bigint) }
    : { counter: matched, nextCounter: matched + 1, delta: matched - (counter as number) };
}
