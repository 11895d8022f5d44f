// Google Authenticator's "Transfer accounts" QR codes: otpauth-migration://offline?data=<base64 protobuf>
// (SPEC.md §4.7; reverse-engineered, no official schema). The protobuf is read and written by hand.
import { encodeBase32 } from './base32.js';
import { OTPError } from './errors.js';
import { algorithmOption, counterOption, digitsOption, intOption, invalid, periodOption } from './internal/assert.js';
import { decodeBase64url, encodeBase64 } from './internal/base64url.js';
import { randomBytes } from './internal/crypto.js';
import { secretOption } from './internal/secret.js';
import type { HashAlgorithm } from './types.js';
import { CONTROL, counterValue, labelPart, MAX_URI_LENGTH, uriParts, type KeyURI } from './uri.js';

/** Options for {@link buildMigrationURIs}. */
export interface BuildMigrationURIsOptions {
  /** Accounts per URI (one QR code each), 1..100; default 10, as Google Authenticator writes them. */
  batchSize?: number | undefined;
}

// Enum values of OtpParameters (SPEC.md §4.7): index = protobuf value; 0 is "unspecified".
const ALGORITHMS = ['SHA1', 'SHA1', 'SHA256', 'SHA512'] as const;
const DIGITS = [6, 6, 8] as const;

const bad = (message: string): never => {
  throw new OTPError('ERR_MIGRATION_INVALID', `otpauth-migration payload: ${message}`);
};

/**
 * Reads the protobuf message in `bytes[start..end)` (varint and length-delimited fields; fixed32/64
 * skipped; groups refused), calling `field(number, value)` with a bigint for varints and a subarray for
 * bytes. Every step moves forward and every length is checked against `end`: a hostile payload ends
 * with an error, never a hang or an allocation beyond the input.
 */
function readMessage(bytes: Uint8Array, start: number, end: number, field: (n: number, value: bigint | Uint8Array) => void): void {
  let pos = start;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (pos >= end) bad('truncated varint');
      const b = bytes[pos++] as number;
      value |= BigInt(b & 127) << shift;
      if (b < 128) return value < 1n << 64n ? value : bad('varint above 64 bits');
    }
    return bad('varint longer than 10 bytes');
  };
  while (pos < end) {
    const tag = varint();
    const wire = Number(tag & 7n);
    const n = Number(tag >> 3n);
    if (wire === 0) field(n, varint());
    else if (wire === 2) {
      const length = varint();
      if (length > BigInt(end - pos)) bad('field longer than the payload');
      field(n, bytes.subarray(pos, (pos += Number(length))));
    } else if (wire === 1 || wire === 5) {
      if ((pos += wire === 1 ? 8 : 4) > end) bad('truncated fixed-size field');
    } else bad(`unsupported wire type ${wire}`);
  }
}

const utf8 = (bytes: Uint8Array, what: string): string => {
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    bad(`${what} is not UTF-8`);
  }
  // Same rule as key URIs: a control character cannot be shown, and ':' cannot round-trip in a label.
  if (CONTROL.test(text)) bad(`${what} contains a control character`);
  return text;
};

/** One OtpParameters message as a KeyURI. */
function entry(bytes: Uint8Array, index: number): KeyURI {
  let secret: Uint8Array | undefined;
  let name = '';
  let issuer = '';
  let algorithm = 0n;
  let digits = 0n;
  let type = 0n;
  let counter = 0n;
  const what = `account ${index + 1}`;
  readMessage(bytes, 0, bytes.length, (n, value) => {
    // A known field with the wrong wire type is malformed; unknown fields are skipped (protobuf rules).
    if (n >= 1 && n <= 7 && typeof value !== (n <= 3 ? 'object' : 'bigint')) bad(`${what}: field ${n} has the wrong wire type`);
    if (n === 1) secret = value as Uint8Array;
    else if (n === 2) name = utf8(value as Uint8Array, `${what} name`);
    else if (n === 3) issuer = utf8(value as Uint8Array, `${what} issuer`);
    else if (n === 4) algorithm = value as bigint;
    else if (n === 5) digits = value as bigint;
    else if (n === 6) type = value as bigint;
    else if (n === 7) counter = value as bigint;
  });
  if (secret === undefined || secret.length === 0) bad(`${what} has no secret`);
  const unsupported = (field: string, value: bigint): never => {
    throw new OTPError('ERR_MIGRATION_UNSUPPORTED', `${what}: ${field} ${value === 4n && field === 'algorithm' ? 'MD5' : value} is not supported`);
  };
  if (algorithm > 3n) unsupported('algorithm', algorithm);
  if (digits > 2n) unsupported('digits', digits);
  if (type > 2n) unsupported('type', type);
  // Google writes the whole label ("Issuer:account") as the name: split it as a key URI label (SPEC.md §4.2).
  const colon = name.indexOf(':');
  const account = colon < 0 ? name : name.slice(colon + 1).replace(/^ +/, '');
  if (account.includes(':')) bad(`${what} name has more than one ":"`);
  const key = { type: type === 1n ? 'hotp' : 'totp', secret: encodeBase32(secret as Uint8Array), account } as KeyURI;
  const labelIssuer = colon < 0 ? undefined : name.slice(0, colon);
  if (issuer || labelIssuer !== undefined) key.issuer = issuer || (labelIssuer as string);
  if (labelIssuer !== undefined) key.labelIssuer = labelIssuer;
  key.algorithm = ALGORITHMS[Number(algorithm)] as HashAlgorithm;
  key.digits = DIGITS[Number(digits)] as number;
  // No period field: 30 s is implied (SPEC.md §4.7).
  if (key.type === 'totp') key.period = 30;
  else key.counter = counterValue(counter);
  key.params = {};
  return key;
}

/**
 * Reads the accounts of a Google Authenticator export QR code, `otpauth-migration://offline?data=...`
 * (SPEC.md §4.7). The `data` value is percent-decoded, then read as standard or URL-safe base64 with or
 * without padding; the protobuf MigrationPayload is decoded by hand (unknown fields skipped), enums
 * mapped ("unspecified" means SHA1, 6 digits, totp), each account returned as a {@link KeyURI} with
 * period 30. Batch fields are not needed to read a single code and are ignored.
 *
 * @param uri - the migration URI, at most 4,096 characters
 * @returns the accounts, in payload order
 * @throws OTPError `ERR_URI_INVALID_SCHEME` / `ERR_URI_INVALID_TYPE` / `ERR_URI_*` for the URI itself,
 *   `ERR_MIGRATION_INVALID` for a missing, repeated or malformed `data` payload,
 *   `ERR_MIGRATION_UNSUPPORTED` for an MD5 account or an unknown enum value
 * @example
 * ```ts
 * for (const key of parseMigrationURI(scannedText)) await store(key.issuer, key.account, key.secret)
 * ```
 */
export function parseMigrationURI(uri: string): KeyURI[] {
  const query = uriParts(uri, 'otpauth-migration', 'offline', 'migration')[3] ?? '';
  let data: string | undefined;
  for (const pair of query.split('&')) {
    if (!/^data=/i.test(pair)) continue;
    if (data !== undefined) bad('"data" is given twice');
    try {
      // A raw '+' is base64, not a space: no base64 text holds a space, so this reading is the only useful one.
      data = decodeURIComponent(pair.slice(5));
    } catch {
      bad('"data" has invalid percent-encoding');
    }
  }
  if (!data) return bad('the "data" parameter is missing');
  const text = data.replace(/\+/g, '-').replace(/\//g, '_');
  const unpadded = text.replace(/={1,2}$/, '');
  // Padding, when present, must be exactly right (RFC 4648 §4).
  if (unpadded !== text && text.length % 4 !== 0) bad('"data" has wrong base64 padding');
  const bytes = decodeBase64url(unpadded) ?? bad('"data" is not base64');
  const keys: KeyURI[] = [];
  readMessage(bytes, 0, bytes.length, (n, value) => {
    if (n === 1) keys.push(entry(typeof value === 'bigint' ? bad('field 1 has the wrong wire type') : value, keys.length));
  });
  return keys;
}

/** Protobuf writer: a varint, and a length-delimited field. */
function varint(out: number[], value: bigint): void {
  for (; value > 127n; value >>= 7n) out.push(Number(value & 127n) | 128);
  out.push(Number(value));
}
function field(out: number[], n: number, body: ArrayLike<number>): void {
  varint(out, BigInt((n << 3) | 2));
  varint(out, BigInt(body.length));
  for (let i = 0; i < body.length; i++) out.push(body[i] as number);
}
const varintField = (out: number[], n: number, value: bigint): void => {
  varint(out, BigInt(n << 3));
  varint(out, value);
};

/**
 * Writes keys as Google Authenticator "Transfer accounts" URIs, `otpauth-migration://offline?data=...`
 * (SPEC.md §4.7), `batchSize` accounts per URI with batch_size / batch_index / a random batch_id, so users
 * can move accounts into the app by scanning each as a QR code. {@link parseMigrationURI} reads them back
 * to the same keys. The format has no period and only 6 or 8 digits: other values are refused rather
 * than silently changed; `params` (e.g. `image`) cannot be carried and are left out.
 *
 * @param keys - the accounts, as {@link parseKeyURI} returns them
 * @param options - `batchSize`: accounts per URI, 1..100, default 10
 * @returns one URI per batch (none for no keys)
 * @throws OTPError `ERR_INVALID_OPTION` for a key the format cannot hold (period other than 30, digits
 *   other than 6 or 8, a bad field) or a batch longer than 4,096 characters; secret errors as in the core
 * @example
 * ```ts
 * const [uri] = buildMigrationURIs([parseKeyURI(keyUri)])
 * console.log(qrToTerminal(encodeQR(uri)))
 * ```
 */
export function buildMigrationURIs(keys: readonly KeyURI[], options?: BuildMigrationURIsOptions): string[] {
  if (!Array.isArray(keys)) invalid('keys', 'an array of KeyURI', keys);
  const batchSize = intOption('batchSize', options === undefined ? undefined : options.batchSize, 1, 100, 10);
  const batches = Math.ceil(keys.length / batchSize);
  const id = BigInt((randomBytes(4).reduce((a, b) => a * 256 + b, 0) >>> 1) || 1);
  const uris: string[] = [];
  const encoder = new TextEncoder();
  for (let b = 0; b < batches; b++) {
    const out: number[] = [];
    keys.slice(b * batchSize, (b + 1) * batchSize).forEach((key, i) => {
      const at = `keys[${b * batchSize + i}]`;
      if (typeof key !== 'object' || key === null) invalid(at, 'a KeyURI', key);
      const hotp = key.type === 'hotp';
      if (!hotp && key.type !== 'totp') invalid(`${at}.type`, '"totp" or "hotp"', key.type);
      const p: number[] = [];
      field(p, 1, secretOption(key.secret));
      // The same rule as a key URI label: no ':' and no control character, so the name splits back.
      const account = labelPart(`${at}.account`, key.account);
      const issuer = key.issuer === undefined ? undefined : labelPart(`${at}.issuer`, key.issuer);
      const labelIssuer = key.labelIssuer === undefined ? undefined : labelPart(`${at}.labelIssuer`, key.labelIssuer);
      // The name is the label, as Google writes it: "labelIssuer:account" when the key had a prefix.
      field(p, 2, encoder.encode(labelIssuer === undefined ? account : `${labelIssuer}:${account}`));
      if (issuer !== undefined) field(p, 3, encoder.encode(issuer));
      varintField(p, 4, BigInt(ALGORITHMS.lastIndexOf(algorithmOption(key.algorithm))));
      const digits = digitsOption(key.digits);
      if (digits !== 6 && digits !== 8) invalid(`${at}.digits`, '6 or 8 (the migration format has no other)', digits);
      varintField(p, 5, digits === 6 ? 1n : 2n);
      varintField(p, 6, hotp ? 1n : 2n);
      if (hotp) varintField(p, 7, BigInt(counterOption(key.counter)));
      else if (periodOption(key.period) !== 30) invalid(`${at}.period`, '30 (the migration format has no period)', key.period);
      field(out, 1, p);
    });
    varintField(out, 2, 1n); // version
    varintField(out, 3, BigInt(batches));
    varintField(out, 4, BigInt(b));
    varintField(out, 5, id);
    const uri = `otpauth-migration://offline?data=${encodeURIComponent(encodeBase64(new Uint8Array(out)))}`;
    if (uri.length > MAX_URI_LENGTH) invalid('batchSize', `small enough for each URI to fit in ${MAX_URI_LENGTH} characters`, batchSize);
    uris.push(uri);
  }
  return uris;
}
