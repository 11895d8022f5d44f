// RFC 4648 §6 base32, strict by default (RFC 4648 §3.3: reject characters outside the alphabet).
import { boolOption, fail, invalid, optionalOptions, stringOption } from './internal/assert.ts';
import { copyBytes, isBytes } from './internal/bytes.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Options for {@link encodeBase32}. */
export interface EncodeBase32Options {
  /** Write `=` padding to a multiple of 8 characters (RFC 4648 §3.2). Default `false`, as otpauth URIs want. */
  padding?: boolean | undefined;
}

/** Options for {@link decodeBase32}. */
export interface DecodeBase32Options {
  /**
   * Also ignore ASCII spaces and hyphens, as apps display and users type secrets (`JBSW Y3DP EHPK 3PXP`,
   * `JBSW-Y3DP-EHPK-3PXP`). Default `false`.
   */
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
  if (!isBytes(data)) invalid('data', 'a Uint8Array');
  const padding = boolOption('padding', optionalOptions(options).padding);
  // A private copy: a subclass's own `length` is not consulted.
  const bytes = copyBytes(data);
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < bytes.length; i++) {
    // `buffer` never holds more than 12 bits, so 32-bit operators are safe here.
    buffer = ((buffer << 8) | (bytes[i] as number)) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  if (padding) { while (out.length % 8 !== 0) out += '='; }
  return out;
}

// How many '=' follow n data characters in the final 8-character quantum (RFC 4648 §6, the table of
// final quanta), by n mod 8; undefined where no byte count gives that many characters.
const PADDING_AFTER: readonly (number | undefined)[] = [
  0,
  undefined,
  6,
  undefined,
  4,
  3,
  undefined,
  1,
];

/** The RFC 4648 §6 value of a character code already known to be of `A-Z`, `a-z` or `2-7`. */
export function symbolValue(code: number): number {
  // '2'-'7' are 50-55 and RFC 4648 §6 gives them 26-31; 'A'-'Z' (65-90) and 'a'-'z' (97-122) share
  // their low 5 bits, 1-26, and get 0-25. Arithmetic, not parseInt: this runs once per secret character.
  return code < 58 ? code - 24 : (code & 31) - 1;
}

/** How many `=` end `text`, counted back from the end: linear, where a `/=+$/` search is quadratic. */
function trailingPads(text: string): number {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 61) end--; // 61: '='
  return text.length - end;
}

/**
 * The decoder behind {@link decodeBase32}, for internal callers that pass a string (string secrets).
 * Same rules and codes (messages are the codes spelled out: they never quote the text). A character
 * outside the alphabet is reported before any misplaced `=`, and both before a wrong length or padding.
 * Every step is one pass over the text.
 */
export function decodeBase32Text(text: string, loose: boolean): Uint8Array<ArrayBuffer> {
  if (loose) text = text.replaceAll(' ', '').replaceAll('-', '');
  // Code units: a lone surrogate or either half of an astral character is refused too.
  if (/[^A-Za-z2-7=]/.test(text)) fail('ERR_BASE32_INVALID_CHARACTER');
  const pads = trailingPads(text);
  const data = text.slice(0, text.length - pads);
  const expectedPads = PADDING_AFTER[data.length % 8];
  // An "=" between data characters is a padding error whatever the length.
  const misplaced = data.includes('=');
  // The empty string is the encoding of no bytes (RFC 4648 §10); "=" alone encodes nothing.
  if (!misplaced && expectedPads === undefined) fail('ERR_BASE32_INVALID_LENGTH');
  if (misplaced || (pads > 0 && pads !== expectedPads)) fail('ERR_BASE32_INVALID_PADDING');
  const out: number[] = [];
  let buffer = 0;
  let bits = 0;
  for (let i = 0; i < data.length; i++) {
    // 5 new bits over the leftover ones; a Uint8Array keeps the low 8 bits of what is pushed.
    buffer = (buffer << 5) | symbolValue(data.charCodeAt(i));
    bits += 5;
    if (bits > 7) out.push(buffer >>> (bits -= 8));
  }
  return new Uint8Array(out);
}

/**
 * Decodes RFC 4648 §6 base32 text, strictly: case-insensitive `A-Z2-7`, `=` padding only when exactly
 * right for the length (§3.2), every other character refused (§3.3), impossible lengths refused. The
 * empty string decodes to no bytes (§10). Non-zero pad bits are ignored, as §3.5 allows (random base32
 * strings in the wild have them). Linear time on any input.
 *
 * @param text - the base32 text
 * @param options - `loose: true` also ignores ASCII spaces and hyphens
 * @returns the decoded bytes
 * @throws OTPError `ERR_BASE32_INVALID_CHARACTER` for a character outside the alphabet,
 *   `ERR_BASE32_INVALID_LENGTH` for a length of 1, 3 or 6 mod 8,
 *   `ERR_BASE32_INVALID_PADDING` for misplaced, partial or extra `=`,
 *   `ERR_INVALID_OPTION` when `text` is not a string or an option has the wrong type
 * @example
 * ```ts
 * decodeBase32('JBSWY3DPEHPK3PXP')                          // Uint8Array 48 65 6c 6c 6f 21 de ad be ef
 * decodeBase32('jbsw y3dp ehpk 3pxp', { loose: true })      // the same bytes
 * decodeBase32('JBSW-Y3DP-EHPK-3PXP', { loose: true })      // the same bytes
 * ```
 */
export function decodeBase32(text: string, options?: DecodeBase32Options): Uint8Array {
  const checked = stringOption(text, 'text');
  const { loose } = optionalOptions(options);
  return decodeBase32Text(checked, boolOption('loose', loose));
}
