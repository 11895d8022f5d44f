// Sealed secrets: OTP secrets encrypted at rest with AES-256-GCM (RFC 4226 §7.5, RFC 6238 §5.1).
import { encodeBase32 } from './base32.ts';
import { algorithmOption } from './internal/algorithms.ts';
import { assertOptions, fail, stringOption, wellFormedOption } from './internal/assert.ts';
import { decodeBase64url, encodeBase64url } from './internal/base64url.ts';
import { copyBytes, isBytes } from './internal/bytes.ts';
import { cryptoKeyInfo, isKeyRefusal, randomBytes, subtle } from './internal/crypto.ts';
import { importHmacKey } from './internal/hmac.ts';
import { createKeyCache } from './internal/key-cache.ts';
import { secretBytes } from './internal/secret.ts';
import type { HashAlgorithm, PlatformCryptoKey, SecretMaterial, WebCryptoKey } from './types.ts';

const VERSION = 'v1';
const IV_BYTES = 12; // 96 bits: the IV length GCM is designed for (NIST SP 800-38D)
const TAG_BYTES = 16;

/** Options for {@link sealSecret}. */
export interface SealSecretOptions {
  /** The OTP secret to seal: base32 text or raw bytes. */
  secret: SecretMaterial;
  /** An AES-GCM 256-bit `CryptoKey` (typed as {@link WebCryptoKey}) with the `encrypt` usage, or 32 raw key bytes. */
  key: WebCryptoKey | Uint8Array;
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
  /** The key it was sealed with: a 256-bit AES-GCM `CryptoKey` (a {@link WebCryptoKey}) with the `decrypt` usage, or the same 32 bytes. */
  key: WebCryptoKey | Uint8Array;
  /** The context it was sealed with. Default `''`. */
  context?: string | undefined;
}

/** Options for {@link openSecretKey}: those of {@link openSecret}, and the algorithm the key will sign with. */
export interface OpenSecretKeyOptions extends OpenSecretOptions {
  /** The HMAC hash of the key made (RFC 6238 §1.2): use the same `algorithm` when verifying. Default `'SHA1'`. */
  algorithm?: HashAlgorithm | undefined;
}

const expectedKey = (usage: 'encrypt' | 'decrypt'): string =>
  `a 256-bit AES-GCM CryptoKey allowing "${usage}", or 32 bytes`;

/** A sealing key ready for WebCrypto, in a record: a caller's CryptoKey is never resolved as a promise (it could have an own `then`). */
interface SealingKey {
  readonly key: CryptoKey;
  /** The caller's own CryptoKey (not imported here from bytes): WebCrypto refusing it is the key's fault. */
  readonly fromCaller: boolean;
}

/** `ERR_INVALID_OPTION` for the sealing key, with WebCrypto's refusal of it as the cause. */
function refuseKey(usage: 'encrypt' | 'decrypt', cause?: unknown): never {
  return fail('ERR_INVALID_OPTION', `"key" must be ${expectedKey(usage)}`, cause);
}

/** The sealing key allowing `usage`: imported from 32 bytes, or a real AES-256-GCM CryptoKey. */
async function aesKey(value: unknown, usage: 'encrypt' | 'decrypt'): Promise<SealingKey> {
  if (isBytes(value)) {
    const bytes = copyBytes(value);
    if (bytes.length !== 32) refuseKey(usage);
    try {
      return {
        key: await subtle().importKey('raw', bytes, 'AES-GCM', false, [usage]),
        fromCaller: false,
      };
    } finally {
      bytes.fill(0);
    }
  }
  // Read through the platform's own getters: a plain object dressed as a key is refused here.
  const info = cryptoKeyInfo(value);
  if (info?.name !== 'AES-GCM' || info.length !== 256 || !info.usages.includes(usage)) {
    refuseKey(usage);
  }
  return { key: value as CryptoKey, fromCaller: true };
}

function additionalData(value: unknown): Uint8Array<ArrayBuffer> {
  // A lone surrogate would be written as U+FFFD, so two different contexts could bind the same bytes.
  return new TextEncoder().encode(
    wellFormedOption('context', stringOption(value ?? '', 'context')),
  );
}

function invalidSeal(cause?: unknown): never {
  return fail(
    'ERR_SEAL_INVALID',
    'the sealed secret does not open (malformed, altered, or another key or context)',
    cause,
  );
}

/**
 * The raw secret bytes of a sealed secret; every failure to open is `ERR_SEAL_INVALID`, but WebCrypto's
 * refusal of a caller's key, which is `ERR_INVALID_OPTION`. Zero them after use.
 */
async function openBytes(
  sealed: string,
  aad: Uint8Array<ArrayBuffer>,
  sealingKey: SealingKey,
): Promise<Uint8Array<ArrayBuffer>> {
  const [version, ivText = '', dataText = '', extra] = sealed.split('.');
  const iv = decodeBase64url(ivText);
  const data = decodeBase64url(dataText);
  if (
    version !== VERSION || extra !== undefined || iv?.length !== IV_BYTES || !data ||
    data.length <= TAG_BYTES
  ) invalidSeal();
  try {
    return new Uint8Array(
      await subtle().decrypt(
        { name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 },
        sealingKey.key,
        data,
      ),
    );
  } catch (error) {
    // A tag that does not verify is an OperationError; a key WebCrypto will not use is the key's fault.
    if (sealingKey.fromCaller && isKeyRefusal(error)) refuseKey('decrypt', error);
    return invalidSeal(error);
  }
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
 * @throws OTPError `ERR_INVALID_OPTION` (bad key or context; a `key` that is not a real CryptoKey),
 *   `ERR_INVALID_SECRET` or `ERR_BASE32_*` (bad secret), `ERR_CRYPTO_UNAVAILABLE` (no WebCrypto)
 * @example
 * ```ts
 * const key = crypto.getRandomValues(new Uint8Array(32))   // in practice: from your key store
 * const sealed = await sealSecret({ secret: generateSecret(), key, context: `user:${user.id}` })
 * ```
 */
export async function sealSecret(options: SealSecretOptions): Promise<string> {
  assertOptions(options);
  const { secret: secretValue, context, key: keyValue } = options;
  const secret = secretBytes(secretValue);
  try {
    const aad = additionalData(context);
    const sealingKey = await aesKey(keyValue, 'encrypt');
    const iv = randomBytes(IV_BYTES);
    let sealed: Uint8Array;
    try {
      sealed = new Uint8Array(
        await subtle().encrypt(
          { name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 },
          sealingKey.key,
          secret,
        ),
      );
    } catch (error) {
      // AES-GCM encryption of a short secret fails only when WebCrypto will not use the key given.
      if (sealingKey.fromCaller) refuseKey('encrypt', error);
      throw error;
    }
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
  const { sealed: sealedValue, context, key: keyValue } = options;
  const sealed = stringOption(sealedValue, 'sealed');
  const aad = additionalData(context);
  const sealingKey = await aesKey(keyValue, 'decrypt');
  const plain = await openBytes(sealed, aad, sealingKey);
  try {
    return encodeBase32(plain);
  } finally {
    plain.fill(0);
  }
}

/** A key opened from a sealed secret, with the sealing key that opened it. */
interface OpenedKey {
  readonly sealingKey: CryptoKey;
  readonly hmacKey: CryptoKey;
}

// HMAC keys opened from sealed secrets, by algorithm, context and sealed text: never by the secret.
const openedKeys = createKeyCache<OpenedKey>();

/** The cache id of a sealed secret: the context's length first, so no two (context, sealed) pairs share one. */
const openedKeyId = (algorithm: HashAlgorithm, context: string, sealed: string): string =>
  `${algorithm}:${context.length}:${context}:${sealed}`;
// A 64-byte secret seals to 126 characters: ids longer than this (a long context) are not cached, so one
// entry stays small.
const MAX_OPENED_KEY_ID = 512;

/**
 * Opens a sealed secret straight into a non-extractable HMAC `CryptoKey` for `generateTOTP`,
 * `verifyTOTP` and the HOTP functions (pass it as `secret`, with the same `algorithm`). The decrypted
 * bytes are overwritten as soon as WebCrypto holds the key, so the plain secret never outlives this call.
 *
 * Opened keys are kept in a small least-recently-used cache (the size set by `configureKeyCache`,
 * emptied by `clearKeyCache`) under the sealed text, the context and the algorithm, never the secret. A
 * hit is used only with the very `CryptoKey` object that opened it: an entry is stored after AES-GCM
 * authenticated that sealed text under that context with that key, so the same call would open to the
 * same bytes again. A repeat verification then costs one `sign` per candidate: no AES-GCM decrypt, no
 * import. With a sealing key given as bytes nothing is cached (there is no key object to compare).
 *
 * @param options - `sealed`, `key` (the sealing key: a `CryptoKey` with `decrypt`, or its 32 bytes), `context`, `algorithm` (default SHA1)
 * @returns a non-extractable HMAC key allowing `sign`: the project's own `CryptoKey` type where it has
 *   one (the DOM lib), else a {@link WebCryptoKey} (see {@link PlatformCryptoKey})
 * @throws OTPError `ERR_SEAL_INVALID` when it does not open, `ERR_INVALID_OPTION` (bad `sealed`, key,
 *   context or algorithm), `ERR_CRYPTO_UNAVAILABLE`
 * @example
 * ```ts
 * const secret = await openSecretKey({ sealed: row.totp_secret, key: sealingKey, context: `user:${row.id}` })
 * const match = await verifyTOTP({ secret, token, afterStep: row.last_step })
 * ```
 */
export async function openSecretKey(options: OpenSecretKeyOptions): Promise<PlatformCryptoKey> {
  assertOptions(options);
  const { sealed: sealedValue, context: contextValue, key: keyValue, algorithm: algorithmValue } =
    options;
  const sealed = stringOption(sealedValue, 'sealed');
  const context = wellFormedOption('context', stringOption(contextValue ?? '', 'context'));
  const algorithm = algorithmOption(algorithmValue);
  const id = openedKeyId(algorithm, context, sealed);
  // Only a sealing CryptoKey can be compared by identity, and only short ids are kept (one rule for both).
  const cacheable = !isBytes(keyValue) && id.length <= MAX_OPENED_KEY_ID;
  const hit = cacheable ? openedKeys.get(id) : undefined;
  if (hit !== undefined && hit.sealingKey === keyValue) return hit.hmacKey;

  const mark = openedKeys.mark();
  const sealingKey = await aesKey(keyValue, 'decrypt');
  const plain = await openBytes(sealed, new TextEncoder().encode(context), sealingKey);
  let hmacKey: CryptoKey;
  try {
    // Frozen: the same key object goes to every later caller from the cache, so no caller may add an own
    // `then` (a promise would resolve to whatever it gives) or shadow an attribute for the next one.
    hmacKey = Object.freeze(await importHmacKey(plain, algorithm));
  } finally {
    plain.fill(0);
  }
  if (cacheable) openedKeys.set(id, { sealingKey: sealingKey.key, hmacKey }, mark);
  return hmacKey;
}
