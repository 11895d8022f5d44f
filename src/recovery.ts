// Recovery codes: one-time fallback codes for a lost authenticator, kept only as hashes.
import { encodeBase32, symbolValue } from './base32.js';
import { assertOptions, fail, intOption, invalid, optionalOptions, tokenOption } from './internal/assert.js';
import { randomBytes, subtle } from './internal/crypto.js';
import { equalBit, firstHit } from './internal/otp.js';

// Crockford base32: digits and letters without i, l, o, u (https://www.crockford.com/base32.html).
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const SYMBOLS = 16; // 16 symbols x 5 bits = 80 bits = 10 random bytes exactly
const PREFIX = 'sha256:';
const HASH_LENGTH = PREFIX.length + 64;
// Stands in for a malformed stored hash: as long as a real one and unable to equal it.
const NEVER = '\u0000'.repeat(HASH_LENGTH);
// Far longer than any spelling of a code with separators; anything longer is not a recovery code.
const MAX_INPUT = 64;
// Whitespace, the ASCII hyphen, and the dashes and minus sign that word processors substitute for it.
const SEPARATORS = /[\s\-\u2010-\u2015\u2212]/g;

/** Options for {@link generateRecoveryCodes}. */
export interface GenerateRecoveryCodesOptions {
  /** How many codes, 1..100. Default 10. */
  count?: number | undefined;
}

/** Options for {@link findRecoveryCode}. */
export interface FindRecoveryCodeOptions {
  /** What the user typed. Any value is accepted; anything that is not a recovery code gives -1. */
  code: string;
  /** The stored hashes, as {@link hashRecoveryCode} returned them. Entries of another shape never match. */
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

async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await subtle().digest('SHA-256', new TextEncoder().encode(text)));
  let hex = '';
  for (let i = 0; i < digest.length; i++) hex += (digest[i] as number).toString(16).padStart(2, '0');
  return PREFIX + hex;
}

/**
 * Generates one-time recovery codes for when the authenticator is lost: each is 80 bits from the
 * platform CSPRNG (SPEC §5 rule 1), written as 16 lower-case Crockford base32 symbols in four groups,
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
 * const hashes = await Promise.all(codes.map(hashRecoveryCode))      // store these
 * ```
 */
export function generateRecoveryCodes(options?: GenerateRecoveryCodesOptions): string[] {
  const count = intOption('count', optionalOptions(options).count, 1, 100, 10);
  const codes = new Set<string>();
  for (let i = 0; i < count; i++) {
    const symbols = encodeCrockford(randomBytes(10));
    codes.add(`${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8, 12)}-${symbols.slice(12)}`);
  }
  // Two equal 80-bit draws among 100 happen with probability ~4e-21: a random source that repeats is broken.
  if (codes.size !== count) fail('ERR_CRYPTO_UNAVAILABLE', 'crypto.getRandomValues repeated itself');
  return [...codes];
}

/**
 * Hashes a recovery code for storage: the code is normalised (case, whitespace and hyphens ignored;
 * `o` read as `0`, `i` and `l` as `1`), then its 16 canonical symbols are hashed with SHA-256 via
 * WebCrypto. A plain hash is enough: 80 random bits cannot be brute-forced, so no slow KDF is needed.
 *
 * @param code - a code from {@link generateRecoveryCodes}, in any of the spellings above
 * @returns `'sha256:'` followed by 64 lower-case hex digits
 * @throws OTPError `ERR_RECOVERY_CODE_INVALID` when `code` is not 16 Crockford symbols after normalising
 *   (the message never repeats the text), `ERR_INVALID_OPTION` when it is not a string,
 *   `ERR_CRYPTO_UNAVAILABLE` without WebCrypto
 * @example
 * ```ts
 * await hashRecoveryCode('7gq4-0bzr-9k2m-x1dc') === await hashRecoveryCode('7GQ4 OBZR 9K2M XIDC') // true
 * ```
 */
export async function hashRecoveryCode(code: string): Promise<string> {
  return sha256Hex(canonicalCode(tokenOption(code, 'code')) ?? fail('ERR_RECOVERY_CODE_INVALID', 'a recovery code is 16 Crockford base32 symbols'));
}

/**
 * Finds which stored hash a typed recovery code matches. The code is hashed once and compared with
 * every entry in constant time, with no early exit, so the time taken does not reveal which entry (if
 * any) matched. On a match, delete that hash so the code works once.
 *
 * Never throws for what a user can send: a `code` that is malformed or not even a string gives -1, and
 * entries that are not hashes of the {@link hashRecoveryCode} shape never match.
 *
 * @param options - `code`: what the user typed; `hashes`: the stored hashes
 * @returns the index of the matching hash (the first, should two be equal), or -1
 * @throws OTPError `ERR_INVALID_OPTION` only when `options` is not an object or `hashes` not an array
 *   (programming errors), `ERR_CRYPTO_UNAVAILABLE` without WebCrypto
 * @example
 * ```ts
 * const i = await findRecoveryCode({ code: typed, hashes: user.recoveryHashes })
 * if (i >= 0 && await db.deleteRecoveryHash(user.id, user.recoveryHashes[i])) logIn(user)
 * ```
 */
export async function findRecoveryCode(options: FindRecoveryCodeOptions): Promise<number> {
  assertOptions(options);
  const { code, hashes } = options;
  if (!Array.isArray(hashes)) invalid('hashes', 'an array');
  const canonical = typeof code === 'string' ? canonicalCode(code) : null;
  // Format may fail fast: it depends on the typed text only, never on the stored hashes.
  if (canonical === null) return -1;
  const hash = await sha256Hex(canonical);
  const bits = (hashes as readonly unknown[]).map((entry) =>
    equalBit(typeof entry === 'string' && entry.length === HASH_LENGTH ? entry : NEVER, hash),
  );
  return firstHit(bits);
}
