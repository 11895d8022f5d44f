// The seam between the HOTP value and the code a person types: RFC 4226 §5.3 dynamic truncation gives a
// 31-bit number, and a code format renders it (decimal digits, or Steam's letters) and checks a typed
// token. Adding a format is adding one record here.

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
