// The key-URI plumbing shared by the two public formats (src/uri.ts: otpauth://, src/migration.ts:
// otpauth-migration://): the checks every URI gets, the characters no name may hold, the one order a
// parsed key is written in, and the fields both writers check.
import type { BuildKeyURIOptions, CodeEncoder, HashAlgorithm, KeyURI } from '../types.ts';
import { algorithmOption } from './algorithms.ts';
import {
  assertOptions,
  counterOption,
  fail,
  invalid,
  periodOption,
  stringOption,
} from './assert.ts';
import { codeFormatOption, STEAM_FORMAT } from './code-format.ts';
import { secretBytes } from './secret.ts';

/** The longest URI parsed: more than any QR code holds (ISO/IEC 18004: 2,953 bytes or 4,296 alphanumerics). */
export const MAX_URI_LENGTH = 4096;

/**
 * The query parameters otpkit reads from a key URI (Key Uri Format), compared in any case; any other
 * is kept as it is in `params`. The command line's warning about misspelt parameters uses it too.
 */
export const KEY_URI_PARAMETERS: readonly string[] = [
  'secret',
  'issuer',
  'algorithm',
  'digits',
  'period',
  'counter',
  'encoder',
];

// Characters no part of a key URI may hold: the controls C0, DEL and C1 (\p{Cc}), which cannot be
// displayed and break logs and terminals; the line and paragraph separators; and a lone surrogate,
// which no URI or UTF-8 can carry (percent-encoding one throws; TextEncoder turns it into U+FFFD).
// Parsed text never holds a lone surrogate (uriParts and the decoders refuse them first), so only the
// builders can meet one here.
export const CONTROL: RegExp = /[\p{Cc}\u2028\u2029]|\p{Cs}/u;

// What the names an app shows (account, issuer, label issuer) may not hold either: format characters
// (\p{Cf}: the bidirectional controls, which reorder what is displayed, zero-width spaces and joiners,
// the byte order mark, tags, the soft hyphen) and the other default-ignorable code points (variation
// selectors, the combining grapheme joiner, Hangul fillers), which render as nothing. With any of them a
// label can show one issuer and mean another; Unicode Technical Report #36 (Unicode Security
// Considerations) advises refusing default-ignorable code points in identifiers.
export const SPOOFING: RegExp = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;

/** `text`, or ERR_URI_INVALID_CHARACTER naming `what` when it holds a control character. */
export const noControl = (text: string, what: string): string =>
  CONTROL.test(text)
    ? fail('ERR_URI_INVALID_CHARACTER', `${what} contains a control character`)
    : text;

/** The fields of a key as parsed from a key URI or a migration payload, before {@link toKey} orders them. */
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
 */
export function toKey(fields: ParsedKey): KeyURI {
  const {
    type,
    secret,
    labelIssuer,
    account,
    algorithm,
    digits,
    period,
    counter,
    encoder,
    params,
  } = fields;
  const key = {
    type,
    secret,
    account: labelIssuer === undefined ? account : account.replace(/^ +/, ''),
  } as KeyURI;
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
const isASCIIWhitespace = (code: number): boolean =>
  code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0c || code === 0x0d;

/** `text` without surrounding ASCII whitespace, in one pass from each end (a `/\s+$/` search is quadratic). */
function trimASCIIWhitespace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isASCIIWhitespace(text.charCodeAt(start))) start++;
  while (end > start && isASCIIWhitespace(text.charCodeAt(end - 1))) end--;
  return text.slice(start, end);
}

/** The parts of an otpauth-style URI, raw (still percent-encoded). */
export interface UriParts {
  /** The authority: one of the hosts asked for, as written (any case). */
  readonly host: string;
  /** After the "/" and before any "?": the label of a key URI; `''` when absent. */
  readonly path: string;
  /** After the "?": `''` when absent. */
  readonly query: string;
}

/**
 * The checks every otpauth-style URI gets: a string, trimmed of surrounding ASCII whitespace, of at most
 * {@link MAX_URI_LENGTH} characters, well-formed UTF-16, no control character and no fragment, scheme
 * `scheme` and an authority matching `hosts` (no port, no user info).
 */
export function uriParts(value: string, scheme: string, hosts: string): UriParts {
  const uri = trimASCIIWhitespace(stringOption(value, 'uri'));
  if (uri.length > MAX_URI_LENGTH) {
    fail('ERR_URI_TOO_LONG', `the URI is longer than ${MAX_URI_LENGTH} characters`);
  }
  try {
    encodeURIComponent(uri); // throws on a lone surrogate
  } catch (cause) {
    fail('ERR_URI_INVALID_ENCODING', 'the URI is not well-formed Unicode', cause);
  }
  noControl(uri, 'the URI');
  // One match: no match is a wrong scheme, no host a wrong authority.
  const match =
    new RegExp(`^${scheme}://(?:(${hosts})(?:/([^?]*))?(?:\\?(.*))?$)?`, 'i').exec(uri) ??
      fail('ERR_URI_INVALID_SCHEME', `the URI must start with ${scheme}://`);
  // A raw '#' starts a fragment (RFC 3986 §3.5) that would silently cut a value short: write it as %23.
  if (uri.includes('#')) fail('ERR_URI_INVALID_CHARACTER', 'the URI contains "#": write it as %23');
  const [, host, path = '', query = ''] = match;
  if (!host) {
    fail('ERR_URI_INVALID_TYPE', `the URI authority must be ${hosts.replace('|', ' or ')}`);
  }
  return { host, path, query };
}

/** The fields of a key both writers check, read once each from the caller's object. */
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
  if (
    typeof value !== 'string' || (!colon && value.includes(':')) || CONTROL.test(value) ||
    SPOOFING.test(value)
  ) {
    invalid(
      name,
      `a string without ${
        colon ? '' : '":", '
      }control or invisible formatting characters (bidirectional, zero-width) or lone surrogates`,
    );
  }
  return value;
}

/**
 * The fields both writers check, each read once, in order (the options object, `type`, the secret,
 * label parts, `algorithm`, `digits`, then `counter` for hotp or `period` for totp), named `at` + field
 * in messages. `type` defaults to totp only for {@link buildKeyURI} (`at` empty). The account may hold
 * `:` and start with spaces only when the writer puts a label prefix before it: `hasPrefix` says when.
 */
export function keyFields(
  o: BuildKeyURIOptions,
  at: string,
  hasPrefix: (issuer: string | undefined, labelIssuer: string | undefined) => boolean,
): KeyFields {
  assertOptions(o, at.slice(0, -1) || 'buildKeyURI options');
  const {
    type = at ? undefined : 'totp',
    secret,
    account,
    issuer,
    labelIssuer,
    algorithm,
    digits,
    period,
    counter,
    encoder,
    params,
  } = o;
  if (type !== 'totp' && type !== 'hotp') invalid(`${at}type`, '"totp" or "hotp"');
  const hotp = type === 'hotp';
  const bytes = secretBytes(secret);
  const accountText = namePart(account, `${at}account`, true);
  const issuerText = issuer === undefined ? undefined : namePart(issuer, `${at}issuer`, false);
  const labelIssuerText = labelIssuer === undefined
    ? undefined
    : namePart(labelIssuer, `${at}labelIssuer`, false);
  // Without a prefix the first ':' would split the account; after one, leading spaces are dropped on parsing.
  if (!hasPrefix(issuerText, labelIssuerText) && accountText.includes(':')) {
    invalid(`${at}account`, 'a string without ":" when no label prefix is written');
  }
  if (hasPrefix(issuerText, labelIssuerText) && accountText[0] === ' ') {
    invalid(`${at}account`, 'a string without a leading space after a label prefix');
  }
  const checkedAlgorithm = algorithmOption(algorithm);
  // Steam Guard keys are totp with SHA1 and 5-character codes.
  const format = codeFormatOption(encoder, digits);
  if (format === STEAM_FORMAT && (hotp || checkedAlgorithm !== 'SHA1')) {
    invalid(`${at}encoder`, '"steam" only on a totp key with algorithm SHA1');
  }
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
