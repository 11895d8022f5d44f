// The harness's own RFC 6238 TOTP (HMAC-SHA-1, 6 digits, 30 s) and RFC 4648 base32 decoding, on
// node:crypto's createHmac (Node and Bun): the expected codes never come from otpkit, and never go
// through crypto.subtle, whose sign calls the workers count (count.mjs).
import { createHmac } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 §6 base32 (padding optional) to bytes. */
export function base32Decode(text) {
  const clean = text.replace(/=+$/, '').toUpperCase();
  const out = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = ALPHABET.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${JSON.stringify(char)}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Uint8Array.from(out);
}

/** RFC 4226 §5.3 HOTP of `counter` with `key` (bytes), `digits` long. */
export function hotp(key, counter, digits = 6) {
  const message = new Uint8Array(8);
  new DataView(message.buffer).setBigUint64(0, BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = ((mac[offset] & 0x7f) << 24) | (mac[offset + 1] << 16) | (mac[offset + 2] << 8) |
    mac[offset + 3];
  return String(number % 10 ** digits).padStart(digits, '0');
}

/** The TOTP step of Unix ms `time` (period 30 s, epoch 0). */
export const stepOf = (timeMs) => Math.floor(timeMs / 30_000);

/** RFC 6238 TOTP of a base32 secret at Unix ms `timeMs`. */
export const totp = (base32Secret, timeMs, digits = 6) =>
  hotp(base32Decode(base32Secret), stepOf(timeMs), digits);

/** RFC 6238 Appendix B, SHA-1 rows: proves this implementation before any code it computes is used. */
export function selfTest() {
  const seed = new TextEncoder().encode('12345678901234567890');
  const rows = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1234567890, '89005924'],
    [20000000000, '65353130'],
  ];
  for (const [seconds, code] of rows) {
    const got = hotp(seed, Math.floor(seconds / 30), 8);
    if (got !== code) {
      throw new Error(`harness TOTP self-test: T=${seconds} gave ${got}, not ${code}`);
    }
  }
}
