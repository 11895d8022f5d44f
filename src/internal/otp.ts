// The HOTP computation shared by HOTP and TOTP (TOTP = HOTP(K, T), RFC 6238 §1.2).
import { hmac } from './hmac.js';

const TWO_32 = 4_294_967_296;

/** C as 8 bytes, big-endian (RFC 4226 §5.2). Numbers are split arithmetically: `>>`/`|0` would cut them to 32 bits. */
export function counterBytes(counter: number | bigint): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  if (typeof counter === 'bigint') {
    view.setBigUint64(0, counter);
  } else {
    view.setUint32(0, Math.floor(counter / TWO_32));
    view.setUint32(4, counter % TWO_32);
  }
  return bytes;
}

/**
 * RFC 4226 §5.3 dynamic truncation, offset from the low 4 bits of the LAST byte of the HMAC for every
 * hash (RFC 6238 Appendix A), top bit cleared, reduced mod 10^digits and zero-padded.
 */
export function truncate(mac: Uint8Array, digits: number): string {
  const offset = (mac[mac.length - 1] as number) & 0x0f;
  const binary = new DataView(mac.buffer, mac.byteOffset, mac.byteLength).getUint32(offset) & 0x7fff_ffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** HOTP(K, C) with an imported key (RFC 4226 §5.3). */
export async function computeOTP(key: CryptoKey, counter: number | bigint, digits: number): Promise<string> {
  return truncate(await hmac(key, counterBytes(counter)), digits);
}

/** 1 when two equal-length strings are equal, else 0, in time independent of where they differ. */
function equalBit(a: string, b: string): number {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return ((diff - 1) >>> 31) & 1;
}

/**
 * Index of the first candidate counter whose code equals `token`, or -1. All HMACs are started together
 * and every candidate is compared, with no early exit and no branch on the result, so the time taken does
 * not reveal which candidate (if any) matched. `token` must already be exactly `digits` ASCII digits.
 */
export async function findCounter(
  key: CryptoKey,
  counters: readonly (number | bigint)[],
  token: string,
  digits: number,
): Promise<number> {
  const codes = await Promise.all(counters.map((c) => computeOTP(key, c, digits)));
  let matched = 0;
  let indexPlusOne = 0;
  for (let i = 0; i < codes.length; i++) {
    const hit = equalBit(codes[i] as string, token);
    indexPlusOne += (hit & (matched ^ 1)) * (i + 1);
    matched |= hit;
  }
  return indexPlusOne - 1;
}
