// otpauth:// key URIs: Google's Key Uri Format, draft-andesco-otpauth-uri-00, Apple's notes.
import { encodeBase32 } from './base32.js';
import { OTPError, type OTPErrorCode } from './errors.js';
import { algorithmList, algorithmOption, readAlgorithmName } from './internal/algorithms.js';
import { assertOptions, counterOption, invalid, MAX_COUNTER, periodOption, tokenOption } from './internal/assert.js';
import { STEAM_FORMAT, codeFormatOption, type CodeEncoder } from './internal/code-format.js';
import { secretBytes } from './internal/secret.js';
import type { HashAlgorithm, SecretMaterial } from './types.js';

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
  /** The issuer: the `issuer` parameter when present and non-empty, else the label prefix (Key Uri Format, "Issuer"). */
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
  /** `'steam'` for a Steam Guard key (`encoder=steam`, digits 5, SHA1); absent for decimal codes. */
  encoder?: CodeEncoder;
  /** Every other parameter (e.g. `image`), by name as written, value decoded. */
  params: Record<string, string>;
}

/** Options for {@link buildKeyURI}. A {@link KeyURI} is one, so `buildKeyURI(parseKeyURI(uri))` works. */
export interface BuildKeyURIOptions {
  /** `totp` (default) or `hotp`. */
  type?: 'totp' | 'hotp' | undefined;
  /** The shared secret: base32 text or raw bytes (core rules). Written as canonical base32. */
  secret: SecretMaterial;
  /**
   * The account name (user name or email). No control or invisible formatting character; a `:` (written
   * `%3A`) and a leading space only when a label prefix is written.
   */
  account: string;
  /** The issuer (service name), written as label prefix and `issuer` parameter. No `:`, control or invisible formatting character. */
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
  /** `'steam'` writes a Steam Guard key (`encoder=steam`): totp, SHA1, `digits` absent or 5. */
  encoder?: CodeEncoder | undefined;
  /** Extra parameters (e.g. `image`): names of letters, digits, `-` and `_`, not one of the known names. */
  params?: Record<string, string> | undefined;
}

/** The longest URI parsed: more than any QR code holds (ISO/IEC 18004: 2,953 bytes or 4,296 alphanumerics). */
export const MAX_URI_LENGTH = 4096;

const KNOWN = ['secret', 'issuer', 'algorithm', 'digits', 'period', 'counter', 'encoder'];

// Characters no part of a key URI may hold: the controls C0, DEL and C1 (\p{Cc}), which cannot be
// displayed and break logs and terminals; the line and paragraph separators; and a lone surrogate,
// which no URI or UTF-8 can carry (percent-encoding one throws; TextEncoder turns it into U+FFFD).
// Parsed text never holds a lone surrogate (uriParts and the decoders refuse them first), so only the
// builders can meet one here.
/** @internal */
export const CONTROL: RegExp = /[\p{Cc}\u2028\u2029]|\p{Cs}/u;

// What the names an app shows (account, issuer, label issuer) may not hold either: format characters
// (\p{Cf}: the bidirectional controls, which reorder what is displayed, zero-width spaces and joiners,
// the byte order mark, tags, the soft hyphen) and the other default-ignorable code points (variation
// selectors, the combining grapheme joiner, Hangul fillers), which render as nothing. With any of them a
// label can show one issuer and mean another; Unicode Technical Report #36 (Unicode Security
// Considerations) advises refusing default-ignorable code points in identifiers.
/** @internal */
export const SPOOFING: RegExp = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;

/** Throws `code` with `message`, keeping the cause (which never holds the secret). */
const refuse = (code: OTPErrorCode, message: string, cause?: unknown): never => {
  throw new OTPError(code, message, { cause });
};

/** `text`, or ERR_URI_INVALID_CHARACTER naming `what` when it holds a control character. */
const noControl = (text: string, what: string): string =>
  CONTROL.test(text) ? refuse('ERR_URI_INVALID_CHARACTER', `${what} contains a control character`) : text;

/**
 * Percent-decodes (RFC 3986 §2.1, UTF-8) a part of a URI named `what` in messages. Invalid escapes,
 * non-UTF-8 bytes and control characters are refused. `what` is otpkit's own wording, never input text.
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

/** A decoded name an app shows (account, label issuer, issuer), or ERR_URI_INVALID_LABEL when it could spoof another. */
function shownName(text: string, what: string): string {
  return SPOOFING.test(text) ? refuse('ERR_URI_INVALID_LABEL', `${what} contains an invisible or bidirectional formatting character`) : text;
}

/** How a parameter is named in messages: a known name as such, any other without repeating the input. */
const parameterName = (key: string): string => (KNOWN.includes(key) ? `parameter "${key}"` : 'an unknown parameter');

/** The parameters of a query, by name (known names lower-cased), values decoded; a conflicting repeat is refused. */
function queryParameters(query: string): Map<string, string> {
  // Known names are compared in lower case; an unknown name never lower-cases to a known one, so one map holds both.
  const values = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (!pair) continue;
    // '+' in a query is a space (HTML forms); %2B is a plus.
    const spaced = pair.replaceAll('+', ' ');
    const equals = spaced.indexOf('=');
    const name = decodePart(equals < 0 ? spaced : spaced.slice(0, equals), 'a parameter name');
    const key = KNOWN.includes(name.toLowerCase()) ? name.toLowerCase() : name;
    const what = parameterName(key);
    const value = decodePart(equals < 0 ? '' : spaced.slice(equals + 1), what);
    // An identical repeat is harmless; two different values mean one app would see one and another the other.
    if ((values.get(key) ?? value) !== value) refuse('ERR_URI_DUPLICATE_PARAMETER', `${what} is given twice with different values`);
    values.set(key, value);
  }
  return values;
}

/** A decimal parameter in `min..max`: ASCII digits only (no sign, exponent, space, fraction or other script). */
function decimalParameter(values: Map<string, string>, name: string, min: bigint, max: bigint, fallback?: bigint): bigint {
  const raw = values.get(name);
  const n = raw === undefined ? (fallback ?? refuse('ERR_URI_MISSING_COUNTER', `parameter "${name}" is missing`)) : /^\d{1,25}$/.test(raw) ? BigInt(raw) : -1n;
  return n < min || n > max ? refuse('ERR_URI_INVALID_PARAMETER', `parameter "${name}" must be a decimal number from ${min} to ${max}`) : n;
}

/** `encoder` (`steam` in any ASCII case, on a totp SHA1 key only), or undefined when absent. */
function encoderParameter(values: Map<string, string>, type: 'totp' | 'hotp', algorithm: HashAlgorithm): CodeEncoder | undefined {
  const raw = values.get('encoder');
  if (raw === undefined) return undefined;
  if (!/^steam$/i.test(raw)) refuse('ERR_URI_INVALID_PARAMETER', 'parameter "encoder" must be steam');
  if (type !== 'totp' || algorithm !== 'SHA1') refuse('ERR_URI_INVALID_PARAMETER', 'parameter "encoder" steam needs a totp key with algorithm SHA1');
  return 'steam';
}

/**
 * Parses an otpauth:// key URI strictly and exactly (Google's Key Uri Format, draft-andesco-otpauth-uri-00;
 * the rules and refusals are tabled in docs/uri.md). Surrounding ASCII whitespace is trimmed first, as
 * the WHATWG URL parser does. Scheme, type, parameter names and algorithm values are case-insensitive,
 * and `SHA-1`, `SHA-256`, `SHA-512` read as `SHA1`, `SHA256`, `SHA512`; the label splits at its first
 * `:` or `%3A`, the rest being the account; the `issuer` parameter wins over the label prefix and a
 * mismatch keeps both; `secret` is required and decoded with the core base32 rules; a known parameter
 * repeated with another value is refused (andesco-00 §3.4); unknown ones land in `params`.
 *
 * @param uri - the key URI, at most 4,096 characters once trimmed
 * @returns the key, ready for {@link generateTOTP} / {@link generateHOTP}
 * @throws OTPError `ERR_URI_*` naming the part at fault (never repeating the input); `ERR_INVALID_OPTION`
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
  // Split at the first literal ':' or '%3A' in the raw label only; the rest, colons and all, is the account.
  const separator = /:|%3a/i.exec(rawLabel);
  const labelIssuer = separator ? shownName(decodePart(rawLabel.slice(0, separator.index), 'label issuer'), 'label issuer') : undefined;
  const rawAccount = separator ? rawLabel.slice(separator.index + separator[0].length) : rawLabel;
  const account = shownName(decodePart(rawAccount, 'label account'), 'label account');
  const values = queryParameters(query);
  const secretText = values.get('secret') ?? refuse('ERR_URI_MISSING_SECRET', 'the secret parameter is missing');
  let secret = '';
  try {
    secret = encodeBase32(secretBytes(secretText));
  } catch (cause) {
    refuse('ERR_URI_INVALID_SECRET', 'parameter "secret" is not valid base32', cause);
  }
  const issuer = values.get('issuer');
  if (issuer !== undefined) shownName(issuer, 'parameter "issuer"');
  const algorithm =
    readAlgorithmName(values.get('algorithm') ?? 'SHA1') ?? refuse('ERR_URI_INVALID_PARAMETER', `parameter "algorithm" must be ${algorithmList()}`);
  const encoder = encoderParameter(values, type, algorithm);
  // A Steam key's digits parameter is ignored, as pyotp does: its codes are 5 characters.
  const digits = encoder === 'steam' ? BigInt(STEAM_FORMAT.length) : decimalParameter(values, 'digits', 6n, 10n, 6n);
  // Period is ignored for hotp and counter for totp (andesco-00, linuxgemini-01); repeats were checked above.
  const period = type === 'totp' ? decimalParameter(values, 'period', 1n, 86_400n, 30n) : undefined;
  const counter = type === 'hotp' ? decimalParameter(values, 'counter', 0n, MAX_COUNTER) : undefined;
  // Every other parameter, by name as written: Object.fromEntries defines own keys, so "__proto__" stays a key.
  const params = Object.fromEntries([...values].filter(([name]) => !KNOWN.includes(name)));
  return toKey({ type, secret, labelIssuer, account, issuer, algorithm, digits, period, counter, encoder, params });
}

/** The fields of a key as parsed from a key URI or a migration payload, before {@link toKey} orders them. @internal */
export interface ParsedKey {
  readonly type: 'totp' | 'hotp';
  /** Canonical base32. */
  readonly secret: string;
  /** The label prefix, when the label has one. */
  readonly labelIssuer: string | undefined;
  readonly account: string;
  /** The issuer parameter or field, when given (empty falls back to the prefix). */
  readonly issuer: string | undefined;
  readonly algorithm: HashAlgorithm;
  readonly digits: bigint | number;
  /** totp only. */
  readonly period: bigint | undefined;
  /** hotp only. */
  readonly counter: bigint | undefined;
  readonly encoder: CodeEncoder | undefined;
  readonly params: Record<string, string>;
}

/**
 * A KeyURI in its fixed key order from parsed fields (key URIs and migration payloads): spaces after a
 * label prefix are dropped (Key Uri Format, "Label"); the issuer is `issuer` when non-empty, else the
 * prefix; a counter is a number up to 2^53-1, a bigint above.
 * @internal
 */
export function toKey(fields: ParsedKey): KeyURI {
  const { type, secret, labelIssuer, account, algorithm, digits, period, counter, encoder, params } = fields;
  const key = { type, secret, account: labelIssuer === undefined ? account : account.replace(/^ +/, '') } as KeyURI;
  const issuer = fields.issuer || labelIssuer;
  if (issuer !== undefined) key.issuer = issuer;
  if (labelIssuer !== undefined) key.labelIssuer = labelIssuer;
  key.algorithm = algorithm;
  key.digits = Number(digits);
  if (period !== undefined) key.period = Number(period);
  if (counter !== undefined) key.counter = counter >> 53n ? counter : Number(counter);
  if (encoder !== undefined) key.encoder = encoder;
  key.params = params;
  return key;
}

/** Whether a UTF-16 code unit is ASCII whitespace (WHATWG Infra: TAB, LF, FF, CR, SPACE). */
const isASCIIWhitespace = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;

/** `text` without surrounding ASCII whitespace, in one pass from each end (a `/\s+$/` search is quadratic). */
function trimASCIIWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isASCIIWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isASCIIWhitespace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/**
 * The checks every otpauth-style URI gets: a string, trimmed of surrounding ASCII whitespace, of at most
 * {@link MAX_URI_LENGTH} characters, well-formed UTF-16, no control character and no fragment, scheme
 * `scheme` and an authority matching `hosts` (no port, no user info). Returns [all, host, path after
 * "/", query after "?"].
 * @internal
 */
export function uriParts(value: string, scheme: string, hosts: string): (string | undefined)[] {
  const uri = trimASCIIWhitespace(tokenOption(value, 'uri'));
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

/** The fields of a key both writers check, read once each from the caller's object. @internal */
export interface KeyFields {
  readonly hotp: boolean;
  /** The raw secret bytes (a private copy). */
  readonly secret: Uint8Array<ArrayBuffer>;
  readonly account: string;
  readonly issuer: string | undefined;
  readonly labelIssuer: string | undefined;
  readonly algorithm: HashAlgorithm;
  readonly digits: number;
  /** The TOTP period in seconds; undefined for hotp. */
  readonly period: number | undefined;
  /** The HOTP counter; undefined for totp. */
  readonly counter: number | bigint | undefined;
  /** Whether the field of the other type was given (`counter` on totp, `period` on hotp). */
  readonly otherTypeField: boolean;
  /** `'steam'` for a Steam Guard key. */
  readonly encoder: CodeEncoder | undefined;
  /** `params` as given (checked by buildKeyURI only). */
  readonly params: unknown;
}

/** A label part or the issuer: a string with no control or invisible formatting character, and no ':' unless `colon`. */
function namePart(value: unknown, name: string, colon: boolean): string {
  if (typeof value !== 'string' || (!colon && value.includes(':')) || CONTROL.test(value) || SPOOFING.test(value)) {
    invalid(name, `a string without ${colon ? '' : '":", '}control or invisible formatting characters (bidirectional, zero-width) or lone surrogates`);
  }
  return value;
}

/**
 * The fields both writers check, each read once, in order (the options object, `type`, the secret,
 * label parts, `algorithm`, `digits`, then `counter` for hotp or `period` for totp), named `at` + field
 * in messages. `type` defaults to totp only for {@link buildKeyURI} (`at` empty). The account may hold
 * `:` and start with spaces only when the writer puts a label prefix before it: `hasPrefix` says when.
 * @internal
 */
export function keyFields(o: BuildKeyURIOptions, at: string, hasPrefix: (issuer: string | undefined, labelIssuer: string | undefined) => boolean): KeyFields {
  assertOptions(o, at.slice(0, -1) || 'buildKeyURI options');
  const { type = at ? undefined : 'totp', secret, account, issuer, labelIssuer, algorithm, digits, period, counter, encoder, params } = o;
  if (type !== 'totp' && type !== 'hotp') invalid(`${at}type`, '"totp" or "hotp"');
  const hotp = type === 'hotp';
  const bytes = secretBytes(secret);
  const accountText = namePart(account, `${at}account`, true);
  const issuerText = issuer === undefined ? undefined : namePart(issuer, `${at}issuer`, false);
  const labelIssuerText = labelIssuer === undefined ? undefined : namePart(labelIssuer, `${at}labelIssuer`, false);
  // Without a prefix the first ':' would split the account; after one, leading spaces are dropped on parsing.
  if (!hasPrefix(issuerText, labelIssuerText) && accountText.includes(':')) invalid(`${at}account`, 'a string without ":" when no label prefix is written');
  if (hasPrefix(issuerText, labelIssuerText) && accountText[0] === ' ') invalid(`${at}account`, 'a string without a leading space after a label prefix');
  const checkedAlgorithm = algorithmOption(algorithm);
  // Steam Guard keys are totp with SHA1 and 5-character codes.
  const format = codeFormatOption(encoder, digits);
  if (format === STEAM_FORMAT && (hotp || checkedAlgorithm !== 'SHA1')) invalid(`${at}encoder`, '"steam" only on a totp key with algorithm SHA1');
  return {
    hotp,
    secret: bytes,
    account: accountText,
    issuer: issuerText,
    labelIssuer: labelIssuerText,
    algorithm: checkedAlgorithm,
    digits: format.length,
    encoder: format === STEAM_FORMAT ? 'steam' : undefined,
    period: hotp ? undefined : periodOption(period),
    counter: hotp ? counterOption(counter) : undefined,
    otherTypeField: (hotp ? period : counter) !== undefined,
    params,
  };
}

/**
 * Builds an otpauth:// key URI that every authenticator reads and {@link parseKeyURI} turns back
 * into exactly the same key (Google's Key Uri Format). Label `Issuer:account`, both parts
 * percent-encoded (RFC 3986; spaces as `%20`, never `+`; a `:` in the account as `%3A`), the `issuer`
 * parameter equal to the prefix (Google) unless `labelIssuer` asks for a different display name (Apple,
 * andesco-00 §4); secret as canonical base32; `algorithm`, `digits`, `period` only when not the default;
 * `counter` always for hotp. Each option is read once.
 *
 * @param options - the key; see {@link BuildKeyURIOptions}
 * @returns the URI
 * @throws OTPError `ERR_URI_TOO_LONG` for a key whose URI would be longer than 4,096 characters (which
 *   parseKeyURI refuses); `ERR_INVALID_OPTION` for an issuer with `:`, a name with a control or invisible
 *   formatting character, an account with `:` or a leading space and no label prefix before it, hotp
 *   without `counter`, `counter` on totp or `period` on hotp, a bad extra parameter, or any core option
 *   rule; `ERR_INVALID_SECRET` / `ERR_BASE32_*` for the secret
 * @example
 * ```ts
 * buildKeyURI({ secret: 'JBSWY3DPEHPK3PXP', issuer: 'ACME Co', account: 'alice@example.com' })
 * // 'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co'
 * ```
 */
export function buildKeyURI(options: BuildKeyURIOptions): string {
  // The label prefix is labelIssuer, else the issuer.
  const key = keyFields(options, '', (issuer, labelIssuer) => (labelIssuer ?? issuer) !== undefined);
  const { hotp, account, issuer, algorithm, digits } = key;
  const labelIssuer = key.labelIssuer ?? issuer;
  const type = hotp ? 'hotp' : 'totp';
  if (key.otherTypeField) invalid(hotp ? 'period' : 'counter', `absent for ${type}`);
  const params = key.params ?? {};
  assertOptions(params, 'params');
  // parseKeyURI refuses a URI longer than MAX_URI_LENGTH, so none is built; every character of a name
  // and every 5 bits of the secret take at least one character, a bound checked before any is encoded.
  const shortest = account.length + (labelIssuer?.length ?? 0) + (issuer?.length ?? 0) + Math.ceil((key.secret.length * 8) / 5);
  if (shortest > MAX_URI_LENGTH) tooLong();
  const e = encodeURIComponent;
  let uri = `otpauth://${type}/${labelIssuer === undefined ? '' : `${e(labelIssuer)}:`}${e(account)}?secret=${encodeBase32(key.secret)}`;
  // Writes a parameter unless it has its default value (none for issuer, the counter or params).
  const add = (name: string, value: string | number | bigint | undefined, fallback?: string | number): void => {
    if (value !== undefined && value !== fallback) uri += `&${name}=${value}`;
  };
  add('issuer', issuer === undefined ? issuer : e(issuer));
  add('algorithm', algorithm, 'SHA1');
  // A Steam key's code length is the encoder's: written as pyotp writes it, without digits.
  if (key.encoder === undefined) add('digits', digits, 6);
  if (hotp) add('counter', key.counter);
  else add('period', key.period, 30);
  add('encoder', key.encoder);
  // Object.entries reads each extra parameter once.
  for (const [name, value] of Object.entries(params)) {
    if (!/^[\w-]+$/.test(name) || KNOWN.includes(name.toLowerCase())) invalid('params', 'names of A-Za-z0-9_- other than known parameters');
    if (typeof value !== 'string' || CONTROL.test(value)) invalid('params', 'string values without control characters or lone surrogates');
    add(name, e(value));
  }
  return uri.length > MAX_URI_LENGTH ? tooLong() : uri;
}

/** ERR_URI_TOO_LONG for a key whose URI would not parse back (nor fit in any QR code). */
function tooLong(): never {
  return refuse('ERR_URI_TOO_LONG', `the URI would be longer than ${MAX_URI_LENGTH} characters, more than any QR code holds`);
}
