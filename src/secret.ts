// Shared-secret generation: RFC 4226 §4 R6 and §7.5, RFC 6238 §5.1.
import { encodeBase32 } from './base32.ts';
import { intOption, optionalOptions } from './internal/assert.ts';
import { randomBytes } from './internal/crypto.ts';

/** Options for {@link generateSecret}. */
export interface GenerateSecretOptions {
  /**
   * Key length in bytes, 16..64. Default 20 (160 bits, RFC 4226 R6's recommendation). RFC 6238 §5.1
   * suggests the HMAC output length: 20 for SHA1, 32 for SHA256, 64 for SHA512.
   */
  bytes?: number | undefined;
}

/**
 * Generates a new shared secret from the platform CSPRNG (`crypto.getRandomValues`), as RFC 4226 §7.5
 * and RFC 6238 §5.1 require, at least 128 bits long (RFC 4226 §4 R6).
 *
 * @param options - `bytes`: the key length, 16..64 (default 20)
 * @returns the secret as canonical base32: upper case, no padding (ready for an otpauth URI)
 * @throws OTPError `ERR_INVALID_OPTION` for a bad `bytes`, `ERR_CRYPTO_UNAVAILABLE` without WebCrypto
 * @example
 * ```ts
 * const secret = generateSecret()               // e.g. 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' (32 characters)
 * const strong = generateSecret({ bytes: 32 })  // for SHA256
 * ```
 */
export function generateSecret(options?: GenerateSecretOptions): string {
  const bytes = intOption('bytes', optionalOptions(options).bytes, 16, 64, 20);
  return encodeBase32(randomBytes(bytes));
}
