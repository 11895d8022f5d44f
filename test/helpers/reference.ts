// An independent HOTP/TOTP reference for cross-checks, on node:crypto's HMAC (not WebCrypto) and
// BigInt arithmetic, written from RFC 4226 §5.3 without sharing any code with src/.
import { createHmac } from 'node:crypto';

const NODE_HASH = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' } as const;

export function referenceHOTP(
  key: Uint8Array,
  counter: bigint,
  digits: number,
  algorithm: keyof typeof NODE_HASH,
): string {
  const message = new Uint8Array(8);
  let c = counter;
  for (let i = 7; i >= 0; i--) {
    message[i] = Number(c & 0xffn);
    c >>= 8n;
  }
  const mac = createHmac(NODE_HASH[algorithm], key).update(message).digest();
  const offset = (mac[mac.length - 1] as number) % 16;
  let value = 0n;
  for (let i = 0; i < 4; i++) value = value * 256n + BigInt(mac[offset + i] as number);
  value %= 2n ** 31n;
  return (value % 10n ** BigInt(digits)).toString().padStart(digits, '0');
}

/** TOTP with BigInt time arithmetic: T = floor((time - epoch) / (period * 1000)). */
export function referenceTOTP(
  key: Uint8Array,
  timeMs: number,
  epochMs: number,
  period: number,
  digits: number,
  algorithm: keyof typeof NODE_HASH,
): string {
  const step = (BigInt(timeMs) - BigInt(epochMs)) / (BigInt(period) * 1000n);
  return referenceHOTP(key, step, digits, algorithm);
}

/** Base32 via a string of bits: a slow, obviously correct RFC 4648 §6 encoder (unpadded). */
export function referenceBase32(data: Uint8Array): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const byte of data) bits += byte.toString(2).padStart(8, '0');
  while (bits.length % 5 !== 0) bits += '0';
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}
