// otpauth:// key URIs (SPEC.md §4: Google's Key Uri Format, draft-andesco-otpauth-uri-00, Apple's notes).
import { encodeBase32 } from './base32.js';
import { OTPError, type OTPErrorCode } from './errors.js';
import {
  algorithmOption,
  assertOptions,
  counterOption,
  digitsOption,
  invalid,
  MAX_COUNTER,
  periodOption,
} from './internal/assert.js';
import { secretOption } from './internal/secret.js';
import type { HashAlgorithm, SecretInput } from './types.js';

/**
 * A parsed otpauth:// key URI. It is also a valid options object for {@link generateTOTP} (totp) and
 * {@link generateHOTP} (hotp): `generateTOTP(parseKeyURI(uri))` works as is.
 */
export interface KeyURI {
  /** `totp` (RFC 6238) or `hotp` (RFC 4226). */
  type: 'totp' | 'hotp';
  /** The secret as canonical base32: upper case, no padding (RFC 4648 §6). */
  secret: string;
  /** The account name from the label, percent-decoded; `''` when the URI has no label. */
  account: string;
  /** The issuer: the `issuer` parameter when present and non-empty, else the label prefix (SPEC.md §4.4). */
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
  /** Every other parameter (e.g. `image`), by name as written, value decoded. */
  params: Record<string, string>;
}

/** Options for {@link buildKeyURI}. A {@link KeyURI} is one, so `buildKeyURI(parseKeyURI(uri))` works. */
export interface BuildKeyURIOptions {
  /** `totp` (default) or `hotp`. */
  type?: 'totp' | 'hotp' | undefined;
  /** The shared secret: base32 text or raw bytes (core rules). Written as canonical base32. */
  secret: SecretInput;
  /** The account name (user name or email). No `:`, no control character, no leading space when there is an issuer. */
  account: string;
  /** The issuer (service name), written as label prefix and `issuer` parameter. No `:` or control character. */
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
  /** Extra parameters (e.g. `image`): names of letters, digits, `-` and `_`, not one of the known names. */
  params?: Record<string, string> | undefined;
}

/** The longest URI parsed: more than any QR code holds (ISO/IEC 18004: 2,953 bytes or 4,296 alphanumerics). */
export const MAX_URI_LENGTH = 4096;

const KNOWN = ['secret', 'issuer', 'algorithm', 'digits', 'period', 'counter'];
// U+0000-U+001F and U+007F (SPEC.md §4: they cannot be displayed and break logs and labels).
/** @internal */
export const CONTROL: RegExp = /[\0-\x1f\x7f]/;

/** Throws `code` with `message`, keeping the cause (which never holds the secret). */
const refuse = (code: OTPErrorCode, message: string, cause?: unknown): never => {
  throw new OTPError(code, message, { cause });
};

/**
 * Percent-decodes (RFC 3986 §2.1, UTF-8) a part of a URI named `what` in messages; `+` is a space
 * when `plus` (query values). Invalid escapes, non-UTF-8 bytes and control characters are refused.
 */
function decodePart(raw: string, what: string, plus = false): string {
  let text: string;
  try {
    // decodeURIComponent refuses a bad %XX, overlong forms, encoded surrogates and other non-UTF-8.
    text = decodeURIComponent(plus ? raw.replace(/\+/g, ' ') : raw);
  } catch (cause) {
    return refuse('ERR_URI_INVALID_ENCODING', `${what} has invalid percent-encoding or is not UTF-8`, cause);
  }
  if (CONTROL.test(text)) refuse('ERR_URI_INVALID_CHARACTER', `${what} contains a control character`);
  return text;
}

/** A bigint counter as a number when it is a safe integer (KeyURI.counter: bigint only above 2^53-1). */
export const counterValue = (n: bigint): number | bigint => (n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n);

/**
 * Parses an otpauth:// key URI strictly and exactly (SPEC.md §4; the rules and refusals are tabled in
 * docs/uri.md). Scheme, type, parameter names and algorithm values are case-insensitive; the label
 * splits at its first `:` or `%3A` (§4.2); the `issuer` parameter wins over the label prefix and a
 * mismatch keeps both (§4.4); `secret` is required and decoded with the core base32 rules; a known
 * parameter repeated with another value is refused (andesco-00 §3.4); unknown ones land in `params`.
 *
 * @param uri - the key URI, at most 4,096 characters
 * @returns the key, ready for {@link generateTOTP} / {@link generateHOTP}
 * @throws OTPError `ERR_URI_*` naming the part at fault (never repeating the secret); `ERR_INVALID_OPTION`
 *   when `uri` is not a string
 * @example
 * ```ts
 * const key = parseKeyURI('otpauth://totp/ACME%20Co:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co')
 * key.issuer  // 'ACME Co'
 * key.account // 'alice@example.com'
 * await generateTOTP(key) // the current code
 * ```
 */
export function parseKeyURI(uri: string): KeyURI {
  const match = uriParts(uri, 'otpauth', 'totp|hotp', 'key');
  const type = match[1].toLowerCase() as 'totp' | 'hotp';
  const rawLabel = match[2] ?? '';
  // §4.2: split at the first literal ':' or '%3A' in the raw label, then decode each part.
  const sep = /:|%3a/i.exec(rawLabel);
  const parts = sep ? [rawLabel.slice(0, sep.index), rawLabel.slice(sep.index + sep[0].length)] : [rawLabel];
  const label = parts.map((part, i) => {
    const text = decodePart(part, i || !sep ? 'label account' : 'label issuer');
    if (text.includes(':')) refuse('ERR_URI_INVALID_LABEL', 'label issuer and account must not contain ":"');
    return text;
  });
  const values: Record<string, string> = {};
  const params: Record<string, string> = {};
  for (const pair of (match[3] ?? '').split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decodePart(eq < 0 ? pair : pair.slice(0, eq), 'a parameter name', true);
    const lower = name.toLowerCase();
    const known = KNOWN.includes(lower);
    const value = decodePart(eq < 0 ? '' : pair.slice(eq + 1), known ? `parameter "${lower}"` : 'a parameter', true);
    const into = known ? values : params;
    const key = known ? lower : name;
    // An identical repeat is harmless; two different values mean one app would see one and another the other.
    // Own properties only, defined rather than assigned: a parameter named "constructor" or "__proto__" is
    // just a name, never an inherited member or a prototype change.
    if (Object.hasOwn(into, key) && into[key] !== value) refuse('ERR_URI_DUPLICATE_PARAMETER', `parameter "${key}" is given twice with different values`);
    Object.defineProperty(into, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (values.secret === undefined) refuse('ERR_URI_MISSING_SECRET', 'the secret parameter is missing');
  let secret: string;
  try {
    secret = encodeBase32(secretOption(values.secret));
  } catch (cause) {
    return refuse('ERR_URI_INVALID_SECRET', 'the secret parameter is not valid base32 (RFC 4648 §6)', cause);
  }
  const algorithm = (values.algorithm ?? 'SHA1').toUpperCase();
  if (algorithm !== 'SHA1' && algorithm !== 'SHA256' && algorithm !== 'SHA512') {
    refuse('ERR_URI_INVALID_PARAMETER', 'parameter "algorithm" must be SHA1, SHA256 or SHA512');
  }
  // Decimal means ASCII digits only: no sign, exponent, space, fraction or digits of another script.
  const number = (name: string, min: bigint, max: bigint, fallback?: number): bigint => {
    const raw = values[name];
    if (raw === undefined) {
      return fallback === undefined ? refuse('ERR_URI_MISSING_COUNTER', `parameter "${name}" is required for hotp`) : BigInt(fallback);
    }
    const n = /^[0-9]{1,25}$/.test(raw) ? BigInt(raw) : -1n;
    if (n < min || n > max) refuse('ERR_URI_INVALID_PARAMETER', `parameter "${name}" must be a decimal number from ${min} to ${max}`);
    return n;
  };
  const issuer = values.issuer || (sep ? label[0] : undefined);
  const key = { type, secret, account: (sep ? (label[1] as string).replace(/^ +/, '') : label[0]) as string } as KeyURI;
  if (issuer !== undefined) key.issuer = issuer;
  if (sep) key.labelIssuer = label[0] as string;
  key.algorithm = algorithm as HashAlgorithm;
  key.digits = Number(number('digits', 6n, 10n, 6));
  // §4.3: period is ignored for hotp and counter for totp (andesco-00, linuxgemini-01); repeats were checked above.
  if (type === 'totp') key.period = Number(number('period', 1n, 86_400n, 30));
  else key.counter = counterValue(number('counter', 0n, MAX_COUNTER));
  key.params = params;
  return key;
}

/**
 * The checks every otpauth-style URI gets: a string of at most {@link MAX_URI_LENGTH} characters,
 * well-formed UTF-16, no control character and no fragment, scheme `scheme` and an authority matching
 * `hosts` (no port, no user info). Returns [all, host, path after "/", query after "?"].
 * @internal
 */
export function uriParts(uri: unknown, scheme: string, hosts: string, what: string): [string, string, string?, string?] {
  if (typeof uri !== 'string') invalid('uri', 'a string', uri);
  if (uri.length > MAX_URI_LENGTH) refuse('ERR_URI_TOO_LONG', `the ${what} URI is longer than ${MAX_URI_LENGTH} characters`);
  try {
    encodeURIComponent(uri); // throws on a lone surrogate
  } catch (cause) {
    refuse('ERR_URI_INVALID_ENCODING', `the ${what} URI is not well-formed Unicode`, cause);
  }
  if (CONTROL.test(uri)) refuse('ERR_URI_INVALID_CHARACTER', `the ${what} URI contains a control character`);
  if (!new RegExp(`^${scheme}://`, 'i').test(uri)) refuse('ERR_URI_INVALID_SCHEME', `a ${what} URI must start with ${scheme}://`);
  // A raw '#' starts a fragment (RFC 3986 §3.5) that would silently cut a value short: write it as %23.
  if (uri.includes('#')) refuse('ERR_URI_INVALID_CHARACTER', `the ${what} URI contains "#": write it as %23`);
  const match = new RegExp(`^${scheme}://(${hosts})(?:/([^?]*))?(?:\\?(.*))?$`, 'i').exec(uri);
  if (!match) refuse('ERR_URI_INVALID_TYPE', `the ${what} URI authority must be ${hosts.replace('|', ' or ')}, with no port or user info`);
  return match as unknown as [string, string, string?, string?];
}

/** A label part or issuer for building: a string with no ':' or control character. @internal */
export function labelPart(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.includes(':') || CONTROL.test(value)) {
    invalid(name, 'a string without ":" or control characters', typeof value === 'string' ? 'another string' : value);
  }
  return value;
}

/**
 * Builds an otpauth:// key URI that every authenticator reads and {@link parseKeyURI} turns back
 * into exactly the same key (SPEC.md §4). Label `Issuer:account`, both parts percent-encoded (RFC
 * 3986; spaces as `%20`, never `+`), the `issuer` parameter equal to the prefix (Google) unless
 * `labelIssuer` asks for a different display name (Apple, andesco-00 §4); secret as canonical base32;
 * `algorithm`, `digits`, `period` only when not the default; `counter` always for hotp.
 *
 * @param options - the key; see {@link BuildKeyURIOptions}
 * @returns the URI
 * @throws OTPError `ERR_INVALID_OPTION` for an issuer or account with `:` or a control character, an
 *   account with a leading space, hotp without `counter`, `counter` on totp or `period` on hotp, a bad
 *   extra parameter, or any core option rule; `ERR_INVALID_SECRET` / `ERR_BASE32_*` for the secret
 * @example
 * ```ts
 * buildKeyURI({ secret: 'JBSWY3DPEHPK3PXP', issuer: 'ACME Co', account: 'alice@example.com' })
 * // 'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co'
 * ```
 */
export function buildKeyURI(options: BuildKeyURIOptions): string {
  assertOptions(options, 'buildKeyURI options');
  const { type = 'totp', issuer, labelIssuer = issuer, params = {} } = options;
  if (type !== 'totp' && type !== 'hotp') invalid('type', '"totp" or "hotp"', type);
  const secret = encodeBase32(secretOption(options.secret));
  const account = labelPart('account', options.account);
  // Spaces after the label prefix are dropped on parsing (SPEC.md §4.2), so they cannot round-trip there.
  if (labelIssuer !== undefined && account.startsWith(' ')) invalid('account', 'a string without a leading space after an issuer', 'another string');
  const e = encodeURIComponent;
  let uri = `otpauth://${type}/${labelIssuer === undefined ? '' : `${e(labelPart('labelIssuer', labelIssuer))}:`}${e(account)}?secret=${secret}`;
  if (issuer !== undefined) uri += `&issuer=${e(labelPart('issuer', issuer))}`;
  const algorithm = algorithmOption(options.algorithm);
  if (algorithm !== 'SHA1') uri += `&algorithm=${algorithm}`;
  const digits = digitsOption(options.digits);
  if (digits !== 6) uri += `&digits=${digits}`;
  if (type === 'totp') {
    if (options.counter !== undefined) invalid('counter', 'absent for totp', options.counter);
    const period = periodOption(options.period);
    if (period !== 30) uri += `&period=${period}`;
  } else {
    if (options.period !== undefined) invalid('period', 'absent for hotp', options.period);
    uri += `&counter=${counterOption(options.counter)}`;
  }
  assertOptions(params, 'params');
  for (const [name, value] of Object.entries(params)) {
    if (!/^[\w-]+$/.test(name) || KNOWN.includes(name.toLowerCase())) invalid('params', 'names of A-Z, a-z, 0-9, - and _ other than the known parameters', name);
    if (typeof value !== 'string' || CONTROL.test(value)) invalid(`params.${name}`, 'a string without control characters', value);
    uri += `&${name}=${e(value)}`;
  }
  return uri;
}
