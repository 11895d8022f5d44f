// RFC 4648 §6 base32, strict by default (RFC 4648 §3.3: reject characters outside the alphabet).
import { OTPError } from './errors.js';
import { boolOption, describe, fail, isBytes, optionalOptions } from './internal/assert.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Options for {@link encodeBase32}. */
export interface EncodeBase32Options {
  /** Write `=` padding to a multiple of 8 characters (RFC 4648 §3.2). Default `false`, as otpauth URIs want. */
  padding?: boolean | undefined;
}

/** Options for {@link decodeBase32}. */
export interface DecodeBase32Options {
  /** Also ignore ASCII spaces, as apps display secrets (`JBSW Y3DP EHPK 3PXP`). Default `false`. */
  loose?: boolean | undefined;
}

/**
 * Encodes bytes as RFC 4648 §6 base32: upper case, pad bits zero (§3.5), no `=` unless asked (§3.2).
 *
 * @param data - the bytes to encode (may be empty)
 * @param options - `padding: true` to write `=` to a multiple of 8 characters
 * @returns the base32 text
 * @throws OTPError `ERR_INVALID_OPTION` when `data` is not a `Uint8Array` or an option has the wrong type
 * @example
 * ```ts
 * encodeBase32(new TextEncoder().encode('foobar'))                    // 'MZXW6YTBOI'
 * encodeBase32(new TextEncoder().encode('foobar'), { padding: true }) // 'MZXW6YTBOI======'
 * ```
 */
export function encodeBase32(data: Uint8Array, options?: EncodeBase32Options): string {
  if (!isBytes(data)) fail('ERR_INVALID_OPTION', `"data" must be a Uint8Array, got ${describe(data)}`);
  const padding = boolOption('padding', optionalOptions(options, 'encodeBase32 options').padding);
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < data.length; i++) {
    // `buffer` never holds more than 12 bits, so 32-bit operators are safe here.
    buffer = ((buffer << 8) | (data[i] as number)) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  if (padding) while (out.length % 8 !== 0) out += '=';
  return out;
}

// Symbol value of a character code, or -1. Arithmetic instead of a table: nothing to build at import.
function symbolValue(c: number): number {
  if (c >= 65 && c <= 90) return c - 65; // A-Z
  if (c >= 97 && c <= 122) return c - 97; // a-z (RFC 4648 §6: the encoding is case-insensitive)
  if (c >= 50 && c <= 55) return c - 24; // 2-7
  return -1;
}

// Padding needed after n data characters in the final quantum (RFC 4648 §6 table); -1 if n is impossible.
const PAD_FOR_REMAINDER = [0, -1, 6, -1, 4, 3, -1, 1] as const;

/**
 * Decodes RFC 4648 §6 base32 text, strictly: case-insensitive `A-Z2-7`, `=` padding only when exactly
 * right for the length (§3.2), every other character refused (§3.3), impossible lengths and empty
 * input refused. Non-zero pad bits are ignored, as §3.5 allows (random base32 strings in the wild have them).
 *
 * @param text - the base32 text
 * @param options - `loose: true` also ignores ASCII spaces
 * @returns the decoded bytes
 * @throws OTPError `ERR_BASE32_INVALID_CHARACTER` for a character outside the alphabet,
 *   `ERR_BASE32_INVALID_LENGTH` for empty input or a length of 1, 3 or 6 mod 8,
 *   `ERR_BASE32_INVALID_PADDING` for misplaced, partial or extra `=`,
 *   `ERR_INVALID_OPTION` when `text` is not a string or an option has the wrong type
 * @example
 * ```ts
 * decodeBase32('JBSWY3DPEHPK3PXP')                          // Uint8Array 48 65 6c 6c 6f 21 de ad be ef
 * decodeBase32('jbsw y3dp ehpk 3pxp', { loose: true })      // the same bytes
 * ```
 */
export function decodeBase32(text: string, options?: DecodeBase32Options): Uint8Array {
  if (typeof text !== 'string') fail('ERR_INVALID_OPTION', `"text" must be a string, got ${describe(text)}`);
  const loose = boolOption('loose', optionalOptions(options, 'decodeBase32 options').loose);
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let length = 0; // data characters seen
  let pads = 0; // '=' seen
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 32 && loose) continue;
    if (c === 61) {
      pads++;
      continue;
    }
    const v = symbolValue(c);
    if (v < 0) {
      throw new OTPError('ERR_BASE32_INVALID_CHARACTER', `base32 text holds a character outside A-Z and 2-7 at index ${i}`);
    }
    if (pads > 0) throw new OTPError('ERR_BASE32_INVALID_PADDING', `base32 padding "=" must only appear at the end (index ${i})`);
    length++;
    // At most 7 leftover bits plus 5 new ones: 12 bits, well inside 32-bit operators.
    buffer = ((buffer << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[n++] = (buffer >>> bits) & 0xff;
    }
  }
  if (length === 0) {
    if (pads > 0) throw new OTPError('ERR_BASE32_INVALID_PADDING', 'base32 text is only padding');
    throw new OTPError('ERR_BASE32_INVALID_LENGTH', 'base32 text must not be empty');
  }
  const expectedPads = PAD_FOR_REMAINDER[length % 8] as number;
  if (expectedPads < 0) {
    throw new OTPError('ERR_BASE32_INVALID_LENGTH', `base32 text cannot have ${length} characters (length mod 8 must be 0, 2, 4, 5 or 7)`);
  }
  if (pads > 0 && pads !== expectedPads) {
    throw new OTPError('ERR_BASE32_INVALID_PADDING', `base32 text of ${length} characters needs ${expectedPads} "=", got ${pads}`);
  }
  return n === out.length ? out : out.slice(0, n);
}
