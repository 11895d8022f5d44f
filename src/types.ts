/** The HMAC hash functions of RFC 4226 §5.2 and RFC 6238 §1.2, spelled as in otpauth URIs. */
export type HashAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/**
 * A shared secret K (RFC 4226 §5.1). A string is always base32 text (RFC 4648 §6), decoded with
 * {@link decodeBase32}'s default rules; a `Uint8Array` is the raw key; a `CryptoKey` is an HMAC key
 * allowing `sign` whose hash matches `algorithm` (as {@link openSecretKey} returns), used as is and
 * never cached. Functions that must write the secret out (`buildKeyURI`, `sealSecret`) take text or
 * bytes only.
 */
export type SecretInput = string | Uint8Array | CryptoKey;

/** A secret given as its material, for the functions that write it out: base32 text or raw bytes. */
export type SecretMaterial = string | Uint8Array;

/** The code encoders otpkit knows beyond decimal digits, by the name otpauth URIs give them (`encoder=steam`). */
export type CodeEncoder = 'steam';

/**
 * A parsed otpauth:// key URI. It is also a valid options object for `generateTOTP` (totp) and
 * `generateHOTP` (hotp): `generateTOTP(parseKeyURI(uri))` works as is.
 */
export interface KeyURI {
  /** `totp` (RFC 6238) or `hotp` (RFC 4226). */
  type: 'totp' | 'hotp';
  /** The secret as canonical base32: upper case, no padding (RFC 4648 §6). */
  secret: string;
  /** The account name from the label, percent-decoded; `''` when the URI has no label. */
  account: string;
  /** The issuer: the `issuer` parameter when present and non-empty, else the label prefix (Key Uri Format, "Issuer"). */
  issuer?: string;
  /** The label prefix as written (decoded), when the label has one; may differ from `issuer` (Apple style). */
  labelIssuer?: string;
  /** The HMAC hash; `SHA1` when absent. */
  algorithm: HashAlgorithm;
  /** Code length, 6..10; 6 when absent. */
  digits: number;
  /** TOTP time step in seconds, 1..86400 (30 when absent); totp only. */
  period?: number;
  /** HOTP counter, 0..2^64-1: a number up to 2^53-1, a bigint above; hotp only. */
  counter?: number | bigint;
  /** `'steam'` for a Steam Guard key (`encoder=steam`, digits 5, SHA1); absent for decimal codes. */
  encoder?: CodeEncoder;
  /** Every other parameter (e.g. `image`), by name as written, value decoded. */
  params: Record<string, string>;
}

/** Options for {@link buildKeyURI}. A {@link KeyURI} is one, so `buildKeyURI(parseKeyURI(uri))` works. */
export interface BuildKeyURIOptions {
  /** `totp` (default) or `hotp`. */
  type?: 'totp' | 'hotp' | undefined;
  /** The shared secret: base32 text or raw bytes (core rules). Written as canonical base32. */
  secret: SecretMaterial;
  /**
   * The account name (user name or email). No control or invisible formatting character; a `:` (written
   * `%3A`) and a leading space only when a label prefix is written.
   */
  account: string;
  /** The issuer (service name), written as label prefix and `issuer` parameter. No `:`, control or invisible formatting character. */
  issuer?: string | undefined;
  /** A different label prefix (display name) than `issuer` (matching identifier), as Apple and the andesco draft allow. */
  labelIssuer?: string | undefined;
  /** Default `SHA1` (not written). */
  algorithm?: HashAlgorithm | undefined;
  /** Default 6 (not written). */
  digits?: number | undefined;
  /** totp only; default 30 (not written). */
  period?: number | undefined;
  /** hotp only, required there. */
  counter?: number | bigint | undefined;
  /** `'steam'` writes a Steam Guard key (`encoder=steam`): totp, SHA1, `digits` absent or 5. */
  encoder?: CodeEncoder | undefined;
  /** Extra parameters (e.g. `image`): names of letters, digits, `-` and `_`, not one of the known names. */
  params?: Record<string, string> | undefined;
}

/**
 * A successful HOTP verification. `counter` has the type of the counter given (number or bigint).
 */
export interface HOTPMatch<C extends number | bigint = number | bigint> {
  /** The counter whose code matched. */
  counter: C;
  /** `counter + 1`: what the application stores as the next expected counter (RFC 4226 §7.2). */
  nextCounter: C;
  /** `counter` minus the counter given: how far the token had run ahead. */
  delta: C;
}

/** The options every function that computes a code shares: the key and the shape of its codes. */
export interface OTPKeyOptions {
  /**
   * The shared secret K (RFC 4226 §5.1): base32 text, raw bytes, or an HMAC `CryptoKey` (e.g. from
   * `openSecretKey`) whose hash matches `algorithm`.
   */
  secret: SecretInput;
  /** The HMAC hash (RFC 4226 §5.2, RFC 6238 §1.2). Default `'SHA1'`. */
  algorithm?: HashAlgorithm | undefined;
  /** Code length, 6..10 (RFC 4226 §5.3). Default 6. */
  digits?: number | undefined;
}
