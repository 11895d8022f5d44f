// Sealed secrets: OTP secrets encrypted at rest with AES-256-GCM (RFC 4226 §7.5, RFC 6238 §5.1).
import { encodeBase32 } from './base32.js';
import { OTPError } from './errors.js';
import { assertOptions, invalid, isBytes, tokenOption, wellFormed } from './internal/assert.js';
import { decodeBase64url, encodeBase64url } from './internal/base64url.js';
import { randomBytes, subtle } from './internal/crypto.js';
import { secretOption } from './internal/secret.js';
import type { SecretInput } from './types.js';

const VERSION = 'v1';
const IV_BYTES = 12; // 96 bits: the IV length GCM is designed for (NIST SP 800-38D)
const TAG_BYTES = 16;

/** Options for {@link sealSecret}. */
export interface SealSecretOptions {
  /** The OTP secret to seal: base32 text or raw bytes. */
  secret: SecretInput;
  /** An AES-GCM 256-bit `CryptoKey` with the `encrypt` usage, or 32 raw key bytes. */
  key: CryptoKey | Uint8Array;
  /**
   * Bound to the sealed value as GCM additional data, e.g. the user id: a sealed secret copied to
   * another row then does not open. Default `''`.
   */
  context?: string | undefined;
}

/** Options for {@link openSecret}. */
export interface OpenSecretOptions {
  /** What {@link sealSecret} returned. */
  sealed: string;
  /** The key it was sealed with: a 256-bit AES-GCM `CryptoKey` with the `decrypt` usage, or the same 32 bytes. */
  key: CryptoKey | Uint8Array;
  /** The context it was sealed with. Default `''`. */
  context?: string | undefined;
}

const KEY = 'a 256-bit AES-GCM CryptoKey allowing ';

async function aesKey(value: unknown, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  if (isBytes(value)) {
    if (value.length !== 32) invalid('key', '32 bytes (AES-256)');
    return subtle().importKey('raw', value.slice(), 'AES-GCM', false, [usage]);
  }
  const key = value as (CryptoKey & { [Symbol.toStringTag]?: unknown }) | null | undefined;
  const algorithm = key?.algorithm as { name?: unknown; length?: unknown } | undefined;
  if (key?.[Symbol.toStringTag] !== 'CryptoKey' || algorithm?.name !== 'AES-GCM' || algorithm.length !== 256 || !key.usages.includes(usage)) {
    invalid('key', `${KEY}"${usage}", or 32 bytes`);
  }
  return key;
}

function additionalData(value: unknown): Uint8Array<ArrayBuffer> {
  // A lone surrogate would be written as U+FFFD, so two different contexts could bind the same bytes.
  return new TextEncoder().encode(wellFormed('context', tokenOption(value ?? '', 'context')));
}

function invalidSeal(cause?: unknown): never {
  throw new OTPError('ERR_SEAL_INVALID', 'the sealed secret does not open (malformed, altered, or another key or context)', { cause });
}

/**
 * Seals an OTP secret for storage (RFC 4226 §7.5 and RFC 6238 §5.1: store secrets encrypted): AES-256-GCM
 * via WebCrypto, a fresh random 96-bit IV on every call, and `context` bound as additional data.
 *
 * The result is `'v1.' + base64url(iv) + '.' + base64url(ciphertext + 16-byte tag)`, ASCII only; the
 * ciphertext holds the raw secret bytes, so sealing the same secret twice gives two different strings.
 *
 * @param options - `secret`, `key` (a 256-bit AES-GCM `CryptoKey` with `encrypt`, or 32 bytes), `context`
 * @returns the sealed secret, e.g. `'v1.bXlJVkl2X3R3ZWx2.…'`
 * @throws OTPError `ERR_INVALID_OPTION` (bad key or context), `ERR_INVALID_SECRET` or `ERR_BASE32_*` (bad
 *   secret), `ERR_CRYPTO_UNAVAILABLE` (no WebCrypto)
 * @example
 * ```ts
 * const key = crypto.getRandomValues(new Uint8Array(32))   // in practice: from your key store
 * const sealed = await sealSecret({ secret: generateSecret(), key, context: `user:${user.id}` })
 * ```
 */
export async function sealSecret(options: SealSecretOptions): Promise<string> {
  assertOptions(options);
  const secret = secretOption(options.secret);
  const aad = additionalData(options.context);
  const key = await aesKey(options.key, 'encrypt');
  const iv = randomBytes(IV_BYTES);
  try {
    const sealed = new Uint8Array(await subtle().encrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, secret));
    return `${VERSION}.${encodeBase64url(iv)}.${encodeBase64url(sealed)}`;
  } finally {
    secret.fill(0);
  }
}

/**
 * Opens a secret sealed by {@link sealSecret}. AES-GCM authenticates the IV, the ciphertext and the
 * context, so any change to the sealed text, another key or another context fails the same way.
 *
 * @param options - `sealed`, `key` (the sealing key, or a `CryptoKey` of it with `decrypt`), `context`
 * @returns the secret as canonical base32 (upper case, no padding)
 * @throws OTPError `ERR_SEAL_INVALID` when it does not open (malformed, altered, wrong key or wrong context;
 *   the message says nothing about the secret), `ERR_INVALID_OPTION` (`sealed` not a string, bad key or
 *   context), `ERR_CRYPTO_UNAVAILABLE`
 * @example
 * ```ts
 * const secret = await openSecret({ sealed: row.totp_secret, key, context: `user:${row.id}` })
 * const match = await verifyTOTP({ secret, token, afterStep: row.last_step })
 * ```
 */
export async function openSecret(options: OpenSecretOptions): Promise<string> {
  assertOptions(options);
  const sealed = tokenOption(options.sealed, 'sealed');
  const aad = additionalData(options.context);
  const key = await aesKey(options.key, 'decrypt');

  const [version, ivText = '', dataText = '', extra] = sealed.split('.');
  const iv = decodeBase64url(ivText);
  const data = decodeBase64url(dataText);
  if (version !== VERSION || extra !== undefined || iv?.length !== IV_BYTES || !data || data.length <= TAG_BYTES) invalidSeal();
  let plain: Uint8Array;
  try {
    plain = new Uint8Array(await subtle().decrypt({ name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 }, key, data));
  } catch (error) {
    invalidSeal(error);
  }
  try {
    return encodeBase32(plain);
  } finally {
    plain.fill(0);
  }
}
