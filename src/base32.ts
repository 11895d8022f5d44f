// RFC 4648 §6 base32, strict by default (RFC 4648 §3.3: reject characters outside the alphabet).
import { OTPError } from './errors.js';
import { boolOption, describe, fail, invalid, isBytes, optionalOptions } from './internal/assert.js';

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

// Padding needed after n data characters in the final quantum (RFC 4648 §6 table), indexed by n mod 8:
// '0 6 43 1'.charCodeAt(n % 8) - 48 is 0, 6, 4, 3 or 1, and negative where n is impossible. A string
// constant rather than an array, so that nothing is built at import.
const PAD_FOR_REMAINDER = '0 6 43 1';

/**
 * The decoder behind {@link decodeBase32}, for internal callers that pass a string (string secrets).
 * Same rules and codes; not part of the public API.
 */
export function decodeBase32Text(text: string, loose: boolean): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let length = 0; // data characters seen
  let pads = 0; // '=' seen
  let buffer = 0;
  let bits = 0;
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const lower = c | 32;
    // A-Z and a-z (RFC 4648 §6: case-insensitive) are 0-25, 2-7 are 26-31.
    const v = lower > 96 && lower < 123 ? lower - 97 : c > 49 && c < 56 ? c - 24 : -1;
    if (c === 61) pads++;
    else if (c !== 32 || !loose) {
      if (v < 0) throw new OTPError('ERR_BASE32_INVALID_CHARACTER', `base32 allows only A-Z, 2-7 and final "=", got another character at index ${i}`);
      if (pads > 0) throw new OTPError('ERR_BASE32_INVALID_PADDING', `base32 "=" may only end the text, got a character after it at index ${i}`);
      length++;
      // At most 7 leftover bits plus 5 new ones: 12 bits, well inside 32-bit operators.
      buffer = ((buffer << 5) | v) & 0xfff;
      bits += 5;
      if (bits > 7) out[n++] = buffer >>> (bits -= 8);
    }
  }
  const expectedPads = PAD_FOR_REMAINDER.charCodeAt(length % 8) - 48;
  if (expectedPads < 0 || length + pads === 0) {
    throw new OTPError('ERR_BASE32_INVALID_LENGTH', `base32 text must have 2, 4, 5, 7 or 8 (mod 8) characters, got ${length}`);
  }
  if (pads > 0 && pads !== expectedPads) {
    throw new OTPError('ERR_BASE32_INVALID_PADDING', `base32 text of ${length} characters needs ${expectedPads} "=", got ${pads}`);
  }
  return n === out.length ? out : out.slice(0, n);
}

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
  if (typeof text !== 'string') invalid('text', 'a string', text);
  return decodeBase32Text(text, boolOption('loose', optionalOptions(options, 'decodeBase32 options').loose));
}
