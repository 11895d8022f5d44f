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
