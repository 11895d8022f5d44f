/** The HMAC hash functions of RFC 4226 §5.2 and RFC 6238 §1.2, spelled as in otpauth URIs. */
export type HashAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/**
 * A shared secret K (RFC 4226 §5.1). A string is always base32 text (RFC 4648 §6), decoded with
 * {@link decodeBase32}'s default rules; a `Uint8Array` is the raw key.
 */
export type SecretInput = string | Uint8Array;
