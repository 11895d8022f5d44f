// otpauth:// key URIs (SPEC.md §4: Google's Key Uri Format, draft-andesco-otpauth-uri-00, Apple's notes).
import { encodeBase32 } from './base32.js';
import { OTPError, type OTPErrorCode } from './errors.js';
import { algorithmOption, assertOptions, counterOption, digitsOption, invalid, MAX_COUNTER, periodOption, tokenOption } from './internal/assert.js';
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
// U+0000-U+001F and U+007F (SPEC.md §4: they cannot be displayed and break logs and labels), and a lone
// surrogate, which no URI or UTF-8 can carry (percent-encoding one throws; TextEncoder turns it into U+FFFD).
// Parsed text never holds a lone surrogate (uriParts and the decoders refuse them first), so only the
// builders can meet one here.
/** @internal */
export const CONTROL: RegExp = /[\0-\x1f\x7f]|\p{Cs}/u;

/** Throws `code` with `message`, keeping the cause (which never holds the secret). */
const refuse = (code: OTPErrorCode, message: string, cause?: unknown): never => {
  throw new OTPError(code, message, { cause });
};

/** `text`, or ERR_URI_INVALID_CHARACTER naming `what` when it holds a control character. */
const noControl = (text: string, what: string): string =>
  CONTROL.test(text) ? refuse('ERR_URI_INVALID_CHARACTER', `${what} contains a control character`) : text;

/**
 * Percent-decodes (RFC 3986 §2.1, UTF-8) a part of a URI named `what` in messages. Invalid escapes,
 * non-UTF-8 bytes and control characters are refused.
 */
function decodePart(raw: string, what: string): string {
  let text = '';
  try {
    // decodeURIComponent refuses a bad %XX, overlong forms, encoded surrogates and other non-UTF-8.
    text = decodeURIComponent(raw);
  } catch (cause) {
    refuse('ERR_URI_INVALID_ENCODING', `${what} has invalid percent-encoding or is not UTF-8`, cause);
  }
  return noControl(text, what);
}

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
  const [, host, rawLabel = '', query = ''] = uriParts(uri, 'otpauth', 'totp|hotp');
  const type = (host as string).toLowerCase() as 'totp' | 'hotp';
  // §4.2: split at the first literal ':' or '%3A' in the raw label, then decode each part.
  const label = /^([^]*?)(?::|%3a)([^]*)/i.exec(rawLabel);
  const labelIssuer = label ? decodePart(label[1] as string, 'label issuer') : undefined;
  const account = decodePart(label ? (label[2] as string) : rawLabel, 'label account');
  // The prefix cannot hold ':' (it ends at the first one); a second one makes the label ambiguous.
  if (account.includes(':')) refuse('ERR_URI_INVALID_LABEL', 'the label has more than one ":"');
  // Known names are compared in lower case; an unknown name never lower-cases to a known one, so one map holds both.
  const values = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (pair) {
      // '+' in a query is a space (HTML forms); %2B is a plus.
      const [rawName, ...rest] = pair.replaceAll('+', ' ').split('=') as [string, ...string[]];
      const name = decodePart(rawName, 'a parameter name');
      const key = KNOWN.includes(name.toLowerCase()) ? name.toLowerCase() : name;
      const what = `parameter "${key}"`;
      const value = decodePart(rest.join('='), what);
      // An identical repeat is harmless; two different values mean one app would see one and another the other.
      if ((values.get(key) ?? value) !== value) refuse('ERR_URI_DUPLICATE_PARAMETER', `${what} is given twice with different values`);
      values.set(key, value);
    }
  }
  const secretText = values.get('secret') ?? refuse('ERR_URI_MISSING_SECRET', 'the secret parameter is missing');
  let secret = '';
  try {
    secret = encodeBase32(secretOption(secretText));
  } catch (cause) {
    refuse('ERR_URI_INVALID_SECRET', 'parameter "secret" is not valid base32', cause);
  }
  const algorithm = (values.get('algorithm') ?? 'SHA1').toUpperCase();
  if (!/^SHA(1|256|512)$/.test(algorithm)) refuse('ERR_URI_INVALID_PARAMETER', 'parameter "algorithm" must be SHA1, SHA256 or SHA512');
  // Decimal means ASCII digits only: no sign, exponent, space, fraction or digits of another script.
  const number = (name: string, min: bigint, max: bigint, fallback?: bigint): bigint => {
    const raw = values.get(name);
    const n = raw === undefined ? (fallback ?? refuse('ERR_URI_MISSING_COUNTER', `parameter "${name}" is missing`)) : /^\d{1,25}$/.test(raw) ? BigInt(raw) : -1n;
    return n < min || n > max ? refuse('ERR_URI_INVALID_PARAMETER', `parameter "${name}" must be a decimal number from ${min} to ${max}`) : n;
  };
  const digits = number('digits', 6n, 10n, 6n);
  // §4.3: period is ignored for hotp and counter for totp (andesco-00, linuxgemini-01); repeats were checked above.
  const n = type === 'totp' ? number('period', 1n, 86_400n, 30n) : number('counter', 0n, MAX_COUNTER);
  // Every other parameter, by name as written: Object.fromEntries defines own keys, so "__proto__" stays a key.
  const params = Object.fromEntries([...values].filter(([name]) => !KNOWN.includes(name)));
  return toKey(type, secret, labelIssuer, account, values.get('issuer'), algorithm, digits, n, params);
}

/**
 * A KeyURI in its fixed key order from parsed fields (key URIs and migration payloads): spaces after a
 * label prefix are dropped (SPEC.md §4.2); the issuer is `issuer` when non-empty, else the prefix (§4.4);
 * `n` is the period (totp) or the counter (hotp; a number up to 2^53-1, a bigint above).
 * @internal
 */
export function toKey(
  type: 'totp' | 'hotp',
  secret: string,
  labelIssuer: string | undefined,
  account: string,
  issuer: string | undefined,
  algorithm: string,
  digits: bigint | number,
  n: bigint,
  params: Record<string, string>,
): KeyURI {
  const key = { type, secret, account: labelIssuer === undefined ? account : account.replace(/^ +/, '') } as KeyURI;
  issuer ||= labelIssuer;
  if (issuer !== undefined) key.issuer = issuer;
  if (labelIssuer !== undefined) key.labelIssuer = labelIssuer;
  key.algorithm = algorithm as HashAlgorithm;
  key.digits = Number(digits);
  (key as unknown as Record<string, unknown>)[type === 'totp' ? 'period' : 'counter'] = n >> 53n ? n : Number(n);
  key.params = params;
  return key;
}

/**
 * The checks every otpauth-style URI gets: a string of at most {@link MAX_URI_LENGTH} characters,
 * well-formed UTF-16, no control character and no fragment, scheme `scheme` and an authority matching
 * `hosts` (no port, no user info). Returns [all, host, path after "/", query after "?"].
 * @internal
 */
export function uriParts(uri: string, scheme: string, hosts: string): (string | undefined)[] {
  tokenOption(uri, 'uri');
  if (uri.length > MAX_URI_LENGTH) refuse('ERR_URI_TOO_LONG', `the URI is longer than ${MAX_URI_LENGTH} characters`);
  try {
    encodeURIComponent(uri); // throws on a lone surrogate
  } catch (cause) {
    refuse('ERR_URI_INVALID_ENCODING', 'the URI is not well-formed Unicode', cause);
  }
  noControl(uri, 'the URI');
  // One match: no match is a wrong scheme, no host a wrong authority.
  const match = new RegExp(`^${scheme}://(?:(${hosts})(?:/([^?]*))?(?:\\?(.*))?$)?`, 'i').exec(uri) ?? refuse('ERR_URI_INVALID_SCHEME', `the URI must start with ${scheme}://`);
  // A raw '#' starts a fragment (RFC 3986 §3.5) that would silently cut a value short: write it as %23.
  if (uri.includes('#')) refuse('ERR_URI_INVALID_CHARACTER', 'the URI contains "#": write it as %23');
  if (!match[1]) refuse('ERR_URI_INVALID_TYPE', `the URI authority must be ${hosts.replace('|', ' or ')}`);
  return match;
}

/**
 * The fields both writers check, in order (the options object, `type`, the secret, label parts,
 * `algorithm`, `digits`, then `counter` for hotp or `period` for totp), named `at` + field in messages.
 * `type` defaults to totp only for {@link buildKeyURI} (`at` empty).
 * @internal
 */
export function keyFields(
  o: BuildKeyURIOptions,
  at = '',
): [hotp: boolean, secret: Uint8Array, account: string, issuer: string | undefined, labelIssuer: string | undefined, algorithm: HashAlgorithm, digits: number, n: number | bigint] {
  assertOptions(o, at.slice(0, -1) || 'buildKeyURI options');
  const { type = at ? undefined : 'totp' } = o;
  if (type !== 'totp' && type !== 'hotp') invalid(`${at}type`, '"totp" or "hotp"');
  const hotp = type === 'hotp';
  // A label part or issuer: a string with no ':' (it could not be split back) and no control character.
  const part = (name: 'account' | 'issuer' | 'labelIssuer', required?: boolean): string | undefined => {
    const value: unknown = o[name];
    return value === undefined && !required
      ? value
      : typeof value !== 'string' || value.includes(':') || CONTROL.test(value)
        ? invalid(at + name, 'a string without ":", control characters or lone surrogates')
        : value;
  };
  return [
    hotp,
    secretOption(o.secret),
    part('account', true) as string,
    part('issuer'),
    part('labelIssuer'),
    algorithmOption(o.algorithm),
    digitsOption(o.digits),
    hotp ? counterOption(o.counter) : periodOption(o.period),
  ];
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
  const [hotp, secret, account, issuer, labelIssuer = issuer, algorithm, digits, n] = keyFields(options);
  // Spaces after the label prefix are dropped on parsing (SPEC.md §4.2), so they cannot round-trip there.
  if (labelIssuer !== undefined && account[0] === ' ') invalid('account', 'a string without a leading space after an issuer');
  const type = hotp ? 'hotp' : 'totp';
  const other = hotp ? 'period' : 'counter';
  if (options[other] !== undefined) invalid(other, `absent for ${type}`);
  const { params = {} } = options;
  assertOptions(params, 'params');
  const e = encodeURIComponent;
  let uri = `otpauth://${type}/${labelIssuer === undefined ? '' : `${e(labelIssuer)}:`}${e(account)}?secret=${encodeBase32(secret)}`;
  // Writes a parameter unless it has its default value (none for issuer, the counter or params).
  const add = (name: string, value: string | number | bigint | undefined, fallback?: string | number): void => {
    if (value !== undefined && value !== fallback) uri += `&${name}=${value}`;
  };
  add('issuer', issuer === undefined ? issuer : e(issuer));
  add('algorithm', algorithm, 'SHA1');
  add('digits', digits, 6);
  add(hotp ? 'counter' : 'period', n, hotp ? undefined : 30);
  for (const [name, value] of Object.entries(params)) {
    if (!/^[\w-]+$/.test(name) || KNOWN.includes(name.toLowerCase())) invalid('params', 'names of A-Za-z0-9_- other than known parameters');
    if (typeof value !== 'string' || CONTROL.test(value)) invalid(`params.${name}`, 'a string without control characters or lone surrogates');
    add(name, e(value));
  }
  return uri;
}
