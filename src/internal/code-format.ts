// The seam between the HOTP value and the code a person types: RFC 4226 §5.3 dynamic truncation gives a
// 31-bit number, and a code format renders it (decimal digits, or Steam's letters) and checks a typed
// token. Adding a format is adding one record here.
import type { HashAlgorithm } from '../types.ts';
import { digitsOption, invalid } from './assert.ts';

/** How a 31-bit truncated value becomes a code, and how a typed token is read. */
export interface CodeFormat {
  /** Characters in a code. */
  readonly length: number;
  /** The code of a truncated value. */
  render(value: number): string;
  /**
   * The token in the form codes are rendered in, or `null` when it cannot be a code of this format.
   * Format may fail fast: it depends on the typed text only, never on the secret.
   */
  canonical(token: string): string | null;
}

/** Decimal codes of `digits` digits: Snum mod 10^Digit, zero-padded (RFC 4226 §5.3). */
function decimal(digits: number): CodeFormat {
  const modulus = 10 ** digits;
  return {
    length: digits,
    render: (value) => String(value % modulus).padStart(digits, '0'),
    canonical(token) {
      if (token.length !== digits) return null;
      // Code units compare as numbers; any astral character has a high surrogate above '9'.
      for (let i = 0; i < token.length; i++) {
        const c = token.charCodeAt(i);
        if (c < 48 || c > 57) return null; // '0'..'9'
      }
      return token;
    },
  };
}

// One record per digit count, made on first use: nothing is built at import.
const decimalFormats: CodeFormat[] = [];

/** The decimal format of a validated `digits` (6..10). */
export function decimalFormat(digits: number): CodeFormat {
  return (decimalFormats[digits] ??= decimal(digits));
}

// Steam Guard codes (Steam's mobile authenticator, as Aegis, andOTP, 2FAS, pyotp, pquerna/otp and
// totp-rs read them): 5 characters of this alphabet, from Snum: Snum mod 26 is the first character,
// then Snum / 26, and so on.
const STEAM_ALPHABET = '23456789BCDFGHJKMNPQRTVWXY';
const STEAM_LENGTH = 5;

/** Steam Guard codes: TOTP with SHA-1 and a 30 s period, rendered in Steam's alphabet. */
export const STEAM_FORMAT: CodeFormat = {
  length: STEAM_LENGTH,
  render(value) {
    let code = '';
    for (
      let i = 0, rest = value;
      i < STEAM_LENGTH;
      i++, rest = Math.floor(rest / STEAM_ALPHABET.length)
    ) {
      code += STEAM_ALPHABET.charAt(rest % STEAM_ALPHABET.length);
    }
    return code;
  },
  canonical(token) {
    if (token.length !== STEAM_LENGTH) return null;
    let code = '';
    for (let i = 0; i < STEAM_LENGTH; i++) {
      const c = token.charCodeAt(i);
      // ASCII letters in either case; codes are rendered in upper case.
      const symbol = String.fromCharCode(c >= 97 && c <= 122 ? c - 32 : c);
      if (!STEAM_ALPHABET.includes(symbol)) return null;
      code += symbol;
    }
    return code;
  },
};

/**
 * The code format of the options' `encoder` and `digits`, as read once by the caller: decimal digits
 * (`digits` 6..10, default 6), or with `encoder: 'steam'` Steam's 5 characters (`digits` absent or 5).
 */
export function codeFormatOption(encoder: unknown, digits: unknown): CodeFormat {
  if (encoder === undefined) return decimalFormat(digitsOption(digits));
  if (encoder !== 'steam') invalid('encoder', '"steam" or absent');
  if (digits !== undefined && digits !== STEAM_LENGTH) {
    invalid('digits', `${STEAM_LENGTH} or absent for Steam codes`);
  }
  return STEAM_FORMAT;
}

/** Steam codes are SHA-1 only (and TOTP only, which the callers are): another algorithm is refused. */
export function checkSteamAlgorithm(format: CodeFormat, algorithm: HashAlgorithm): void {
  if (format === STEAM_FORMAT && algorithm !== 'SHA1') invalid('algorithm', 'SHA1 for Steam codes');
}
