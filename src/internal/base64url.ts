// base64url (RFC 4648 §5) without padding, for sealed secrets. Strict and canonical on decode: one
// spelling per byte string, so a changed character can never decode to the same bytes.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

function symbolValue(c: number): number {
  if (c >= 65 && c <= 90) return c - 65; // A-Z
  if (c >= 97 && c <= 122) return c - 71; // a-z
  if (c >= 48 && c <= 57) return c + 4; // 0-9
  if (c === 45) return 62; // -
  if (c === 95) return 63; // _
  return -1;
}

/** Bytes as unpadded base64url (RFC 4648 §5, §3.2), pad bits zero. */
export function encodeBase64url(data: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < data.length; i++) {
    // `buffer` never holds more than 14 bits, so 32-bit operators are safe here.
    buffer = ((buffer << 8) | (data[i] as number)) & 0x3fff;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += ALPHABET.charAt((buffer >>> bits) & 63);
    }
  }
  if (bits > 0) out += ALPHABET.charAt((buffer << (6 - bits)) & 63);
  return out;
}

/**
 * Unpadded base64url text as bytes, or `null` for anything else: a character outside `A-Za-z0-9-_`
 * (so no `=`, `+`, `/` or whitespace), a length of 1 mod 4, or non-zero pad bits (RFC 4648 §3.5).
 */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (text.length % 4 === 1) return null;
  const out = new Uint8Array(Math.floor((text.length * 3) / 4));
  let buffer = 0;
  let bits = 0;
  let j = 0;
  for (let i = 0; i < text.length; i++) {
    const v = symbolValue(text.charCodeAt(i));
    if (v < 0) return null;
    buffer = ((buffer << 6) | v) & 0xfff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[j++] = (buffer >>> bits) & 0xff;
    }
  }
  // The 2 or 4 bits left over are padding and must be zero, or two texts would give the same bytes.
  if ((buffer & ((1 << bits) - 1)) !== 0) return null;
  return out;
}
