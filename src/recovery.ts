// Recovery codes: one-time fallback codes for a lost authenticator, kept only as hashes.
import { encodeBase32, symbolValue } from './base32.ts';
import {
  assertOptions,
  fail,
  intOption,
  invalid,
  optionalOptions,
  stringOption,
  wellFormedOption,
} from './internal/assert.ts';
import { hex } from './internal/bytes.ts';
import { cryptoKeyInfo, randomBytes, subtle } from './internal/crypto.ts';
import { equalBit, firstHit } from './internal/constant-time.ts';
import type { WebCryptoKey } from './types.ts';

// Crockford base32: digits and letters without i, l, o, u (https://www.crockford.com/base32.html).
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const SYMBOLS = 16; // 16 symbols x 5 bits = 80 bits = 10 random bytes exactly
// The two stored forms: keyed (HMAC-SHA-256 under a server key) and the legacy plain SHA-256.
const KEYED_PREFIX = 'hmac-sha256:';
const LEGACY_PREFIX = 'sha256:';
const KEY_EXPECTED = 'an HMAC CryptoKey with hash SHA-256 allowing "sign"';
// Ten times the most codes generateRecoveryCodes makes: one user's hashes, never a table of everyone's.
const MAX_HASHES = 1000;
// Far longer than any spelling of a code with separators; anything longer is not a recovery code.
const MAX_INPUT = 64;
// Whitespace, the ASCII hyphen, and the dashes and minus sign that word processors substitute for it.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/g;

/** Options for {@link generateRecoveryCodes}. */
export interface GenerateRecoveryCodesOptions {
  /** How many codes, 1..100. Default 10. */
  count?: number | undefined;
}

/** Options for {@link hashRecoveryCode}. */
export interface HashRecoveryCodeOptions {
  /**
   * A server key kept outside the database: an HMAC `CryptoKey` (a {@link WebCryptoKey}) with hash
   * SHA-256 allowing `sign`. With
   * it the hash is keyed (`hmac-sha256:`), so a database dump alone cannot test a guess against it.
   * Without it the hash is the legacy plain `sha256:` form.
   */
  key?: WebCryptoKey | undefined;
  /** Bound into a keyed hash, meant for the user id: a hash copied to another account never matches. Needs `key`. Default `''`. */
  context?: string | undefined;
}

/** Options for {@link findRecoveryCode}. */
export interface FindRecoveryCodeOptions extends HashRecoveryCodeOptions {
  /** What the user typed. Any value is accepted; anything that is not a recovery code gives -1. */
  code: string;
  /**
   * The stored hashes, as {@link hashRecoveryCode} returned them with the same `key` and `context`.
   * Entries of another shape never match: with `key` only `hmac-sha256:` entries can, without it only
   * `sha256:` ones.
   */
  hashes: readonly string[];
}

// Re-spells RFC 4648 base32 in the Crockford alphabet: symbol values are the same, only the letters differ.
function encodeCrockford(bytes: Uint8Array): string {
  let out = '';
  for (const ch of encodeBase32(bytes)) out += CROCKFORD.charAt(symbolValue(ch.charCodeAt(0)));
  return out;
}

/**
 * The canonical form of a recovery code (16 lower-case Crockford symbols, no separators), or `null`.
 * Ignores case, whitespace and hyphens (also typographic dashes), and reads the look-alikes Crockford
 * names: `o` as `0`, `i` and `l` as `1`. `u` and every other character make the text malformed.
 */
function canonicalCode(text: string): string | null {
  if (text.length > MAX_INPUT) return null;
  let out = '';
  for (const ch of text.replace(SEPARATORS, '')) {
    // ASCII case folding only: toLowerCase() would turn the Kelvin sign into a "k".
    const lower = ch >= 'A' && ch <= 'Z' ? String.fromCharCode(ch.charCodeAt(0) + 32) : ch;
    const symbol = lower === 'o' ? '0' : lower === 'i' || lower === 'l' ? '1' : lower;
    if (symbol.length !== 1 || !CROCKFORD.includes(symbol)) return null;
    out += symbol;
  }
  return out.length === SYMBOLS ? out : null;
}

/** How a code is hashed, from validated options: with a server key and a context, or the legacy plain way. */
interface HashRule {
  readonly key: CryptoKey | undefined;
  readonly context: string;
}

/** The options' `key` (a real HMAC-SHA-256 CryptoKey allowing `sign`) and `context` (needs `key`), read by the caller. */
function hashRule(key: unknown, context: unknown): HashRule {
  if (key !== undefined) {
    const info = cryptoKeyInfo(key);
    if (info?.name !== 'HMAC' || info.hash !== 'SHA-256' || !info.usages.includes('sign')) {
      invalid('key', KEY_EXPECTED);
    }
  } else if (context !== undefined) {
    invalid('context', 'absent without "key" (the legacy sha256: form binds no context)');
  }
  return {
    key: key as CryptoKey | undefined,
    context: wellFormedOption('context', stringOption(context ?? '', 'context')),
  };
}

/**
 * The stored form of a canonical code. Keyed: `'hmac-sha256:' + hex(HMAC-SHA-256(key, n ":" context
 * code))`, n being the UTF-8 byte length of the context in decimal, so no two (context, code) pairs give
 * the same message. Legacy: `'sha256:' + hex(SHA-256(code))`.
 */
async function hashCanonical(code: string, rule: HashRule): Promise<string> {
  const encoder = new TextEncoder();
  if (rule.key === undefined) {
    return LEGACY_PREFIX + hex(await subtle().digest('SHA-256', encoder.encode(code)));
  }
  const context = encoder.encode(rule.context);
  const message = encoder.encode(`${context.length}:${rule.context}${code}`);
  // Where a CryptoKey's attributes carry no brand (workerd), or a Proxy answers for a real key, WebCrypto
  // and the MAC's length are the checks of last resort: an HMAC-SHA-256 of a short message cannot fail.
  let mac: ArrayBuffer;
  try {
    mac = await subtle().sign('HMAC', rule.key, message);
  } catch (error) {
    return fail('ERR_INVALID_OPTION', `"key" must be ${KEY_EXPECTED}`, error);
  }
  if (mac.byteLength !== 32) fail('ERR_INVALID_OPTION', `"key" must be ${KEY_EXPECTED}`);
  return KEYED_PREFIX + hex(mac);
}

/**
 * Generates one-time recovery codes for when the authenticator is lost: each is 80 bits from the
 * platform CSPRNG (`crypto.getRandomValues`), written as 16 lower-case Crockford base32 symbols in four groups,
 * `xxxx-xxxx-xxxx-xxxx`. Show them to the user once and store only {@link hashRecoveryCode} of each.
 * The codes of one call are distinct.
 *
 * @param options - `count`: how many codes, 1..100 (default 10)
 * @returns the codes, e.g. `['7gq4-0bzr-9k2m-x1dc', ...]`
 * @throws OTPError `ERR_INVALID_OPTION` for a bad `count`; `ERR_CRYPTO_UNAVAILABLE` without WebCrypto, or
 *   if the random source repeats itself (two equal codes)
 * @example
 * ```ts
 * const codes = generateRecoveryCodes()                              // show once, then forget
 * const hashes = await Promise.all(codes.map((code) => hashRecoveryCode(code, { key: pepper, context: user.id }))) // store these
 * ```
 */
export function generateRecoveryCodes(options?: GenerateRecoveryCodesOptions): string[] {
  const count = intOption('count', optionalOptions(options).count, 1, 100, 10);
  const codes = new Set<string>();
  for (let i = 0; i < count; i++) {
    const symbols = encodeCrockford(randomBytes(10));
    codes.add(
      `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8, 12)}-${symbols.slice(12)}`,
    );
  }
  // Two equal 80-bit draws among 100 happen with probability ~4e-21: a random source that repeats is broken.
  if (codes.size !== count) {
    fail('ERR_CRYPTO_UNAVAILABLE', 'crypto.getRandomValues repeated itself');
  }
  return [...codes];
}

/**
 * Hashes a recovery code for storage: the code is normalised (case, whitespace and hyphens ignored;
 * `o` read as `0`, `i` and `l` as `1`), then its 16 canonical symbols are hashed through WebCrypto.
 * With `key` (a server key kept outside the database) the hash is HMAC-SHA-256 over the context and the
 * code, so a stolen table of hashes cannot be tested offline, and `context` (the user id) keeps a hash
 * copied to another account from matching. Without `key` it is the legacy plain SHA-256. No slow KDF is
 * needed either way: 80 random bits cannot be brute-forced.
 *
 * @param code - a code from {@link generateRecoveryCodes}, in any of the spellings above
 * @param options - `key`: an HMAC-SHA-256 `CryptoKey` allowing `sign`; `context`: e.g. the user id (needs `key`)
 * @returns `'hmac-sha256:'` with `key`, else `'sha256:'`, followed by 64 lower-case hex digits
 * @throws OTPError `ERR_RECOVERY_CODE_INVALID` when `code` is not 16 Crockford symbols after normalising
 *   (the message never repeats the text), `ERR_INVALID_OPTION` when it is not a string or an option is
 *   invalid (a `key` that is not a real HMAC-SHA-256 CryptoKey, `context` without `key`),
 *   `ERR_CRYPTO_UNAVAILABLE` without WebCrypto
 * @example
 * ```ts
 * const pepper = await crypto.subtle.importKey('raw', serverKeyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
 * const hash = await hashRecoveryCode('7gq4-0bzr-9k2m-x1dc', { key: pepper, context: user.id })
 * ```
 */
export async function hashRecoveryCode(
  code: string,
  options?: HashRecoveryCodeOptions,
): Promise<string> {
  const text = stringOption(code, 'code');
  const { key, context } = optionalOptions(options);
  const rule = hashRule(key, context);
  return hashCanonical(
    canonicalCode(text) ??
      fail('ERR_RECOVERY_CODE_INVALID', 'a recovery code is 16 Crockford base32 symbols'),
    rule,
  );
}

/**
 * Finds which stored hash a typed recovery code matches. The code is hashed once and compared with
 * every entry in constant time, with no early exit, so the time taken does not reveal which entry (if
 * any) matched. On a match, delete that hash so the code works once.
 *
 * Never throws for what a user can send: a `code` that is malformed or not even a string gives -1, and
 * entries that are not hashes of the {@link hashRecoveryCode} shape never match.
 *
 * @param options - `code`: what the user typed; `hashes`: the stored hashes; `key` and `context` as
 *   they were given to {@link hashRecoveryCode}
 * @returns the index of the matching hash (the first, should two be equal), or -1
 * @throws OTPError `ERR_INVALID_OPTION` only when `options` is not an object, `hashes` not an array of at
 *   most 1,000 entries, or `key` / `context` invalid (programming errors), `ERR_CRYPTO_UNAVAILABLE` without WebCrypto
 * @example
 * ```ts
 * const i = await findRecoveryCode({ code: typed, hashes: user.recoveryHashes, key: pepper, context: user.id })
 * if (i >= 0 && await db.deleteRecoveryHash(user.id, user.recoveryHashes[i])) logIn(user) // true only if it deleted the row
 * ```
 */
export async function findRecoveryCode(options: FindRecoveryCodeOptions): Promise<number> {
  assertOptions(options);
  const { code, hashes, key, context } = options;
  // One read of the length and of each entry, with no method of the caller's array called. The length is
  // bounded before anything is copied: an array's length can be set to 2^32-1 with nothing in it.
  const count: unknown = Array.isArray(hashes) ? (hashes as readonly unknown[]).length : undefined;
  if (typeof count !== 'number' || count > MAX_HASHES) {
    invalid('hashes', `an array of at most ${MAX_HASHES} hashes`);
  }
  const entries: unknown[] = [];
  for (let i = 0; i < count; i++) entries.push((hashes as readonly unknown[])[i]);
  const rule = hashRule(key, context);
  const canonical = typeof code === 'string' ? canonicalCode(code) : null;
  // Format may fail fast: it depends on the typed text only, never on the stored hashes.
  if (canonical === null) return -1;
  const hash = await hashCanonical(canonical, rule);
  // Stands in for an entry of another shape: as long as the hash and unable to equal it.
  const never = '\u0000'.repeat(hash.length);
  const bits: number[] = [];
  for (const entry of entries) {
    bits.push(
      equalBit(typeof entry === 'string' && entry.length === hash.length ? entry : never, hash),
    );
  }
  return firstHit(bits);
}
