/**
 * Every stable error code otpkit can raise. Match on `err.code`, never on message text.
 *
 * | code | meaning |
 * | --- | --- |
 * | `ERR_INVALID_OPTION` | an option is missing, of the wrong type or out of range |
 * | `ERR_INVALID_SECRET` | the secret is not a non-empty base32 string or `Uint8Array`, or an HMAC `CryptoKey` allowing `sign` whose hash matches `algorithm` (text or bytes only where the secret is written out) |
 * | `ERR_BASE32_INVALID_CHARACTER` | base32 text holds a character outside `A-Z2-7` (RFC 4648 §6) |
 * | `ERR_BASE32_INVALID_LENGTH` | base32 text is of an impossible length, 1, 3 or 6 mod 8 (RFC 4648 §6) |
 * | `ERR_BASE32_INVALID_PADDING` | `=` padding is misplaced, partial or excessive (RFC 4648 §3.2) |
 * | `ERR_CRYPTO_UNAVAILABLE` | `crypto.subtle` / `crypto.getRandomValues` are missing (e.g. a plain-HTTP page) |
 * | `ERR_SEAL_INVALID` | a sealed secret does not open: tampered, malformed, wrong key or wrong context |
 * | `ERR_RECOVERY_CODE_INVALID` | `hashRecoveryCode` got text that is not a recovery code (16 Crockford base32 symbols) |
 * | `ERR_QR_TOO_LONG` | `encodeQR` got more text than a version 40 QR Code holds at the chosen level (ISO/IEC 18004 Table 7) |
 * | `ERR_URI_TOO_LONG` | a URI is longer than 4,096 characters, more than any QR code holds (parsed, or one `buildKeyURI` would write) |
 * | `ERR_URI_INVALID_SCHEME` | the URI does not start with `otpauth://` (or `otpauth-migration://` for `parseMigrationURI`) |
 * | `ERR_URI_INVALID_TYPE` | the URI authority is not `totp` / `hotp` (`offline` for migration), or has a port or user info |
 * | `ERR_URI_INVALID_ENCODING` | invalid percent-encoding, percent-encoded bytes that are not UTF-8, or a lone surrogate (RFC 3986 §2.1) |
 * | `ERR_URI_INVALID_CHARACTER` | a control character (C0, DEL, C1: U+0000-U+001F, U+007F-U+009F) or a line or paragraph separator (U+2028, U+2029) anywhere, or a raw `#` (fragment) |
 * | `ERR_URI_INVALID_LABEL` | the account, label issuer or issuer holds an invisible formatting character (a format character such as a bidirectional control or a zero-width space, or another default-ignorable code point), which could make one name pass for another (Unicode Technical Report #36) |
 * | `ERR_URI_MISSING_SECRET` | the `secret` parameter is absent |
 * | `ERR_URI_INVALID_SECRET` | the `secret` parameter is empty or not valid base32 (RFC 4648 §6) |
 * | `ERR_URI_DUPLICATE_PARAMETER` | a parameter is given twice with different values (draft-andesco-otpauth-uri-00 §3.4) |
 * | `ERR_URI_INVALID_PARAMETER` | `algorithm`, `digits`, `period` or `counter` is not an allowed value in ASCII decimal |
 * | `ERR_URI_MISSING_COUNTER` | an hotp URI has no `counter` parameter |
 * | `ERR_MIGRATION_INVALID` | an otpauth-migration payload is missing, not base64, or not a well-formed MigrationPayload protobuf, or a name holds a character a key URI refuses |
 * | `ERR_MIGRATION_UNSUPPORTED` | an otpauth-migration entry uses what otpkit cannot represent (MD5, an unknown enum value) |
 * | `ERR_TWOFACTOR_NOT_ENROLLED` | `regenerateRecoveryCodes` (otpkit/twofactor) for a user whose two-factor is off |
 * | `ERR_STORE_INVALID` | a `TwoFactorStore` (otpkit/twofactor) answered with something of the wrong shape |
 */
export type OTPErrorCode =
  | 'ERR_INVALID_OPTION'
  | 'ERR_INVALID_SECRET'
  | 'ERR_BASE32_INVALID_CHARACTER'
  | 'ERR_BASE32_INVALID_LENGTH'
  | 'ERR_BASE32_INVALID_PADDING'
  | 'ERR_CRYPTO_UNAVAILABLE'
  | 'ERR_SEAL_INVALID'
  | 'ERR_RECOVERY_CODE_INVALID'
  | 'ERR_QR_TOO_LONG'
  | 'ERR_URI_TOO_LONG'
  | 'ERR_URI_INVALID_SCHEME'
  | 'ERR_URI_INVALID_TYPE'
  | 'ERR_URI_INVALID_ENCODING'
  | 'ERR_URI_INVALID_CHARACTER'
  | 'ERR_URI_INVALID_LABEL'
  | 'ERR_URI_MISSING_SECRET'
  | 'ERR_URI_INVALID_SECRET'
  | 'ERR_URI_DUPLICATE_PARAMETER'
  | 'ERR_URI_INVALID_PARAMETER'
  | 'ERR_URI_MISSING_COUNTER'
  | 'ERR_MIGRATION_INVALID'
  | 'ERR_MIGRATION_UNSUPPORTED'
  | 'ERR_TWOFACTOR_NOT_ENROLLED'
  | 'ERR_STORE_INVALID';

// A registry-wide symbol, so an error thrown by the CJS copy of otpkit is recognised by the ESM copy.
// (Symbol.for returns a plain `symbol`; the brand is declared unique so it can key a property type.)
const BRAND: unique symbol = Symbol.for('otpkit.OTPError') as typeof BRAND;

/**
 * The one error class otpkit throws. `code` is stable across versions; `message` is for humans
 * and never contains a secret, a one-time code or a full otpauth URI.
 *
 * @example
 * ```ts
 * try { decodeBase32('not base32!') } catch (err) {
 *   if (isOTPError(err)) console.log(err.code) // 'ERR_BASE32_INVALID_CHARACTER'
 * }
 * ```
 */
export class OTPError extends Error {
  /** Always `'OTPError'`. */
  override readonly name: 'OTPError' = 'OTPError';
  /** The stable machine-readable reason, one of {@link OTPErrorCode}. */
  declare readonly code: OTPErrorCode;

  /**
   * Creates an otpkit error. otpkit throws these itself; other code rarely needs to.
   *
   * @param code - the stable error code
   * @param message - a human-readable explanation (must not contain secrets)
   * @param options - `cause`: the underlying error, if any
   */
  constructor(code: OTPErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    // Assigned rather than declared as a field: a field would cost bytes in every bundle.
    (this as { code: OTPErrorCode }).code = code;
    // Non-enumerable: a spread or Object.assign copy of an error is not an OTPError.
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Tells whether `value` is an {@link OTPError}, including one thrown by another copy of otpkit
 * (the ESM and CJS builds each hold their own class, so `instanceof` can be wrong).
 *
 * @param value - anything caught
 * @returns `true` when `value` is an otpkit error with a `code`
 * @example
 * ```ts
 * if (isOTPError(err) && err.code === 'ERR_INVALID_OPTION') showUsage()
 * ```
 */
export function isOTPError(value: unknown): value is OTPError {
  // Only an OTPError constructor (of any copy of otpkit) sets the registry-wide brand.
  return (value as { [BRAND]?: unknown } | null | undefined)?.[BRAND] === true;
}
