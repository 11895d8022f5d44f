// otpauth:// key URIs: Google's Key Uri Format, draft-andesco-otpauth-uri-00, Apple's notes.
import { encodeBase32 } from './base32.ts';
import { algorithmList, readAlgorithmName } from './internal/algorithms.ts';
import { assertOptions, fail, invalid, MAX_COUNTER } from './internal/assert.ts';
import { STEAM_FORMAT } from './internal/code-format.ts';
import {
  CONTROL,
  KEY_URI_PARAMETERS,
  keyFields,
  MAX_URI_LENGTH,
  noControl,
  SPOOFING,
  toKey,
  uriParts,
} from './internal/key-uri.ts';
import { secretBytes } from './internal/secret.ts';
import type { BuildKeyURIOptions, CodeEncoder, HashAlgorithm, KeyURI } from './types.ts';

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
    fail('ERR_URI_INVALID_ENCODING', `${what} has invalid percent-encoding or is not UTF-8`, cause);
  }
  return noControl(text, what);
}

/** A decoded name an app shows (account, label issuer, issuer), or ERR_URI_INVALID_LABEL when it could spoof another. */
function shownName(text: string, what: string): string {
  return SPOOFING.test(text)
    ? fail(
      'ERR_URI_INVALID_LABEL',
      `${what} contains an invisible or bidirectional formatting character`,
    )
    : text;
}

/** How a parameter is named in messages: a known name as such, any other without repeating the input. */
const parameterName = (
  key: string,
): string => (KEY_URI_PARAMETERS.includes(key) ? `parameter "${key}"` : 'an unknown parameter');

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
    const key = KEY_URI_PARAMETERS.includes(name.toLowerCase()) ? name.toLowerCase() : name;
    const what = parameterName(key);
    const value = decodePart(equals < 0 ? '' : spaced.slice(equals + 1), what);
    // An identical repeat is harmless; two different values mean one app would see one and another the other.
    if ((values.get(key) ?? value) !== value) {
      fail('ERR_URI_DUPLICATE_PARAMETER', `${what} is given twice with different values`);
    }
    values.set(key, value);
  }
  return values;
}

/** A decimal parameter in `min..max`: ASCII digits only (no sign, exponent, space, fraction or other script). */
function decimalParameter(
  values: Map<string, string>,
  name: string,
  min: bigint,
  max: bigint,
  fallback?: bigint,
): bigint {
  const raw = values.get(name);
  const n = raw === undefined
    ? (fallback ?? fail('ERR_URI_MISSING_COUNTER', `parameter "${name}" is missing`))
    : /^\d{1,25}$/.test(raw)
    ? BigInt(raw)
    : -1n;
  return n < min || n > max
    ? fail(
      'ERR_URI_INVALID_PARAMETER',
      `parameter "${name}" must be a decimal number from ${min} to ${max}`,
    )
    : n;
}

/** `encoder` (`steam` in any ASCII case, on a totp SHA1 key only), or undefined when absent. */
function encoderParameter(
  values: Map<string, string>,
  type: 'totp' | 'hotp',
  algorithm: HashAlgorithm,
): CodeEncoder | undefined {
  const raw = values.get('encoder');
  if (raw === undefined) return undefined;
  if (!/^steam$/i.test(raw)) fail('ERR_URI_INVALID_PARAMETER', 'parameter "encoder" must be steam');
  if (type !== 'totp' || algorithm !== 'SHA1') {
    fail(
      'ERR_URI_INVALID_PARAMETER',
      'parameter "encoder" steam needs a totp key with algorithm SHA1',
    );
  }
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
 * @returns the key, a {@link TOTPKeyURI} or an {@link HOTPKeyURI}: once narrowed on `type`, ready for
 *   {@link generateTOTP} / {@link generateHOTP}
 * @throws OTPError `ERR_URI_*` naming the part at fault (never repeating the input); `ERR_INVALID_OPTION`
 *   when `uri` is not a string
 * @example
 * ```ts
 * const key = parseKeyURI('otpauth://totp/ACME%20Co:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co')
 * key.issuer  // 'ACME Co'
 * key.account // 'alice@example.com'
 * if (key.type === 'totp') await generateTOTP(key) // the current code
 * ```
 */
export function parseKeyURI(uri: string): KeyURI {
  const { host, path: rawLabel, query } = uriParts(uri, 'otpauth', 'totp|hotp');
  const type = host.toLowerCase() as 'totp' | 'hotp';
  // Split at the first literal ':' or '%3A' in the raw label only; the rest, colons and all, is the account.
  const separator = /:|%3a/i.exec(rawLabel);
  const labelIssuer = separator
    ? shownName(decodePart(rawLabel.slice(0, separator.index), 'label issuer'), 'label issuer')
    : undefined;
  const rawAccount = separator ? rawLabel.slice(separator.index + separator[0].length) : rawLabel;
  const account = shownName(decodePart(rawAccount, 'label account'), 'label account');
  const values = queryParameters(query);
  const secretText = values.get('secret') ??
    fail('ERR_URI_MISSING_SECRET', 'the secret parameter is missing');
  let secret = '';
  try {
    secret = encodeBase32(secretBytes(secretText));
  } catch (cause) {
    fail('ERR_URI_INVALID_SECRET', 'parameter "secret" is not valid base32', cause);
  }
  const issuer = values.get('issuer');
  if (issuer !== undefined) shownName(issuer, 'parameter "issuer"');
  const algorithm = readAlgorithmName(values.get('algorithm') ?? 'SHA1') ??
    fail('ERR_URI_INVALID_PARAMETER', `parameter "algorithm" must be ${algorithmList()}`);
  const encoder = encoderParameter(values, type, algorithm);
  // A Steam key's digits parameter is ignored, as pyotp does: its codes are 5 characters.
  const digits = encoder === 'steam'
    ? BigInt(STEAM_FORMAT.length)
    : decimalParameter(values, 'digits', 6n, 10n, 6n);
  // Period is ignored for hotp and counter for totp (andesco-00, linuxgemini-01); repeats were checked above.
  const period = type === 'totp' ? decimalParameter(values, 'period', 1n, 86_400n, 30n) : undefined;
  const counter = type === 'hotp'
    ? decimalParameter(values, 'counter', 0n, MAX_COUNTER)
    : undefined;
  // Every other parameter, by name as written: Object.fromEntries defines own keys, so "__proto__" stays a key.
  const params = Object.fromEntries(
    [...values].filter(([name]) => !KEY_URI_PARAMETERS.includes(name)),
  );
  return toKey({
    type,
    secret,
    labelIssuer,
    account,
    issuer,
    algorithm,
    digits,
    period,
    counter,
    encoder,
    params,
  });
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
  const key = keyFields(
    options,
    '',
    (issuer, labelIssuer) => (labelIssuer ?? issuer) !== undefined,
  );
  const { hotp, account, issuer, algorithm, digits } = key;
  const labelIssuer = key.labelIssuer ?? issuer;
  const type = hotp ? 'hotp' : 'totp';
  if (key.otherTypeField) invalid(hotp ? 'period' : 'counter', `absent for ${type}`);
  const params = key.params ?? {};
  assertOptions(params, 'params');
  // parseKeyURI refuses a URI longer than MAX_URI_LENGTH, so none is built; every character of a name
  // and every 5 bits of the secret take at least one character, a bound checked before any is encoded.
  const shortest = account.length + (labelIssuer?.length ?? 0) + (issuer?.length ?? 0) +
    Math.ceil((key.secret.length * 8) / 5);
  if (shortest > MAX_URI_LENGTH) tooLong();
  const e = encodeURIComponent;
  let uri = `otpauth://${type}/${labelIssuer === undefined ? '' : `${e(labelIssuer)}:`}${
    e(account)
  }?secret=${encodeBase32(key.secret)}`;
  // Writes a parameter unless it has its default value (none for issuer, the counter or params).
  const add = (
    name: string,
    value: string | number | bigint | undefined,
    fallback?: string | number,
  ): void => {
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
    if (!/^[\w-]+$/.test(name) || KEY_URI_PARAMETERS.includes(name.toLowerCase())) {
      invalid('params', 'names of A-Za-z0-9_- other than known parameters');
    }
    if (typeof value !== 'string' || CONTROL.test(value)) {
      invalid('params', 'string values without control characters or lone surrogates');
    }
    add(name, e(value));
  }
  return uri.length > MAX_URI_LENGTH ? tooLong() : uri;
}

/** ERR_URI_TOO_LONG for a key whose URI would not parse back (nor fit in any QR code). */
function tooLong(): never {
  return fail(
    'ERR_URI_TOO_LONG',
    `the URI would be longer than ${MAX_URI_LENGTH} characters, more than any QR code holds`,
  );
}
