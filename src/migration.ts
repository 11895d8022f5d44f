// Google Authenticator's "Transfer accounts" QR codes: otpauth-migration://offline?data=<base64 protobuf>
// (reverse-engineered, no official schema; the MigrationPayload message as the open-source decoders
// read it). The protobuf is read and written by hand.
import { encodeBase32 } from './base32.ts';
import { fail, intOption, invalid, optionalOptions } from './internal/assert.ts';
import { decodeBase64url, encodeBase64 } from './internal/base64url.ts';
import { algorithmOfMigration, ALGORITHMS } from './internal/algorithms.ts';
import { randomBytes } from './internal/crypto.ts';
import {
  CONTROL,
  keyFields,
  MAX_URI_LENGTH,
  SPOOFING,
  toKey,
  uriParts,
} from './internal/key-uri.ts';
import type { KeyURI } from './types.ts';

/** Options for {@link buildMigrationURIs}. */
export interface BuildMigrationURIsOptions {
  /** Accounts per URI (one QR code each), 1..100; default 10, as Google Authenticator writes them. */
  batchSize?: number | undefined;
}

// The OtpParameters enums, by protobuf value. 0 is "unspecified", read as the default; the algorithm
// enum lives in the algorithm table (src/internal/algorithms.ts).
const DIGIT_COUNTS: readonly { value: number; digits: number }[] = [
  { value: 0, digits: 6 },
  { value: 1, digits: 6 }, // DIGIT_COUNT_SIX
  { value: 2, digits: 8 }, // DIGIT_COUNT_EIGHT
];
const OTP_TYPES: readonly { value: number; type: 'totp' | 'hotp' }[] = [
  { value: 0, type: 'totp' },
  { value: 1, type: 'hotp' }, // OTP_TYPE_HOTP
  { value: 2, type: 'totp' }, // OTP_TYPE_TOTP
];
// The value of MD5 in the algorithm enum: named in its refusal.
const MIGRATION_MD5 = 4n;

/** The enum value that writes `digits` (6 or 8) or `type`: the named one, never "unspecified". */
const digitCountValue = (digits: number): number =>
  (DIGIT_COUNTS.find((row) => row.value > 0 && row.digits === digits) as { value: number }).value;
const otpTypeValue = (type: 'totp' | 'hotp'): number =>
  (OTP_TYPES.find((row) => row.value > 0 && row.type === type) as { value: number }).value;

// More accounts than any authenticator holds; 100 URIs of 100 accounts each.
const MAX_KEYS = 10_000;

const bad = (message: string): never =>
  fail('ERR_MIGRATION_INVALID', `otpauth-migration payload: ${message}`);

/**
 * The fields of the protobuf message `bytes`, in order, as [number, value]: a bigint for a varint, a
 * subarray for a length-delimited field; fixed32/64 skipped; groups refused. Fields 1..`last` are known:
 * 1-3 must be length-delimited and 4-7 varints (`what` names the message). Lazy, so a fault is reported
 * where it stands. Every step moves forward and every length is checked against the end: a hostile
 * payload ends with an error, never a hang or an allocation beyond the input.
 */
function* fields(
  bytes: Uint8Array,
  what: string,
  last: number,
): Generator<[number, bigint | Uint8Array]> {
  let pos = 0;
  const varint = (): bigint => {
    let value = 0n;
    for (let shift = 0n, b = 128; b > 127; shift += 7n) {
      if (shift > 63n) bad('varint too long');
      if (pos >= bytes.length) bad('truncated');
      b = bytes[pos++] as number;
      value |= BigInt(b & 127) << shift;
    }
    return value >> 64n ? bad('varint too long') : value;
  };
  while (pos < bytes.length) {
    const tag = varint();
    const wire = tag & 7n;
    const n = Number(tag >> 3n);
    let value: bigint | Uint8Array = 0n;
    if (wire === 0n) value = varint();
    else {
      const length = wire === 2n
        ? varint()
        : wire === 1n
        ? 8n
        : wire === 5n
        ? 4n
        : bad('unsupported wire type (a group)');
      if (length > bytes.length - pos) bad('truncated');
      value = bytes.subarray(pos, pos += Number(length));
      if (wire !== 2n) continue;
    }
    // A known field with the wrong wire type is malformed; unknown fields are skipped (protobuf rules).
    if (n && n <= last && typeof value !== (n < 4 ? 'object' : 'bigint')) {
      bad(`${what}field ${n} has the wrong wire type`);
    }
    yield [n, value];
  }
}

const utf8 = (bytes: Uint8Array, what: string): string => {
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    bad(`${what} is not UTF-8`);
  }
  // Same rules as key URIs: a control character cannot be shown, and an invisible formatting one can spoof a name.
  if (CONTROL.test(text)) bad(`${what} contains a control character`);
  return SPOOFING.test(text)
    ? bad(`${what} contains an invisible or bidirectional formatting character`)
    : text;
};

/** One OtpParameters message, account number `index`, as a KeyURI. */
function entry(bytes: Uint8Array, index: number): KeyURI {
  const what = `account ${index}`;
  // By field number (the last occurrence wins, as in protobuf); only fields 1-7 are kept.
  const f: unknown[] = [];
  for (const [n, value] of fields(bytes, `${what}: `, 7)) {
    if (n < 8) {
      f[n] = n === 2 || n === 3
        ? utf8(value as Uint8Array, `${what} ${n < 3 ? 'name' : 'issuer'}`)
        : value;
    }
  }
  const [, secret, name = '', issuer, algorithm = 0n, digits = 0n, type = 0n, counter = 0n] = f as [
    unknown,
    Uint8Array?,
    string?,
    string?,
    bigint?,
    bigint?,
    bigint?,
    bigint?,
  ];
  if (!secret?.length) bad(`${what} has no secret`);
  // The messages name the field and MD5, never the number read from the payload.
  const unsupported = (field: string): never =>
    fail('ERR_MIGRATION_UNSUPPORTED', `${what}: ${field} is not supported`);
  const hash = algorithmOfMigration(algorithm) ??
    unsupported(algorithm === MIGRATION_MD5 ? 'algorithm MD5' : 'this algorithm');
  const size = DIGIT_COUNTS.find((row) => BigInt(row.value) === digits)?.digits ??
    unsupported('this digits');
  const kind = OTP_TYPES.find((row) => BigInt(row.value) === type)?.type ??
    unsupported('this type');
  // Google writes the whole label ("Issuer:account") as the name: split it at the first ':' as a key URI
  // label; the rest, colons and all, is the account.
  const colon = name.indexOf(':');
  const labelIssuer = colon < 0 ? undefined : name.slice(0, colon);
  const account = colon < 0 ? name : name.slice(colon + 1);
  // No period field: 30 s is implied.
  return toKey({
    type: kind,
    secret: encodeBase32(secret as Uint8Array),
    labelIssuer,
    account,
    issuer,
    algorithm: hash,
    digits: size,
    period: kind === 'totp' ? 30n : undefined,
    counter: kind === 'hotp' ? counter : undefined,
    encoder: undefined,
    params: {},
  });
}

/**
 * Reads the accounts of a Google Authenticator export QR code, `otpauth-migration://offline?data=...`,
 * trimmed of surrounding ASCII whitespace. The `data` value is percent-decoded, then read as standard or URL-safe base64 with or
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
  let data: string | undefined;
  for (const pair of uriParts(uri, 'otpauth-migration', 'offline').query.split('&')) {
    if (!/^data=/i.test(pair)) continue;
    if (data !== undefined) bad('"data" is given twice');
    try {
      // A raw '+' is base64, not a space: no base64 text holds a space, so this reading is the only useful one.
      data = decodeURIComponent(pair.slice(5));
    } catch {
      bad('"data" has invalid percent-encoding');
    }
  }
  if (!data) return bad('"data" is missing');
  const text = data.replaceAll('+', '-').replaceAll('/', '_');
  const unpadded = text.replace(/={1,2}$/, '');
  // Padding, when present, must be exactly right (RFC 4648 §4).
  const bytes = (unpadded !== text && text.length % 4 ? null : decodeBase64url(unpadded)) ??
    bad('"data" is not valid base64');
  const keys: KeyURI[] = [];
  for (const [n, value] of fields(bytes, '', 1)) {
    if (n === 1) keys.push(entry(value as Uint8Array, keys.length + 1));
  }
  return keys;
}

/** Appends protobuf field `n` to `out`: a varint for a number or bigint, else length-delimited bytes (a string as UTF-8). */
function put(
  out: number[],
  n: number,
  value: number | bigint | string | Uint8Array | number[],
): void {
  const varint = (v: number | bigint): void => {
    for (v = BigInt(v); v > 127n; v >>= 7n) out.push(Number(v & 127n) | 128);
    out.push(Number(v));
  };
  if (typeof value === 'string') value = new TextEncoder().encode(value);
  if (typeof value === 'object') {
    varint(n * 8 + 2);
    varint(value.length);
    for (const byte of value) out.push(byte);
  } else {
    varint(n * 8);
    varint(value);
  }
}

/**
 * Writes keys as Google Authenticator "Transfer accounts" URIs, `otpauth-migration://offline?data=...`
 * `batchSize` accounts per URI with batch_size / batch_index / a random batch_id, so users
 * can move accounts into the app by scanning each as a QR code. {@link parseMigrationURI} reads them back
 * to the same keys. The format has no period and only 6 or 8 digits: other values are refused rather
 * than silently changed; `params` (e.g. `image`) cannot be carried and are left out.
 *
 * @param keys - the accounts, as {@link parseKeyURI} returns them: at most 10,000
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
export function buildMigrationURIs(
  keys: readonly KeyURI[],
  options?: BuildMigrationURIsOptions,
): string[] {
  const list = keyList(keys);
  const batchSize = intOption('batchSize', optionalOptions(options).batchSize, 1, 100, 10);
  const batches = Math.ceil(list.length / batchSize);
  const id = randomBytes(4).reduce((a, b) => (a << 8) | b) >>> 1 || 1;
  const uris: string[] = [];
  for (let b = 0; b < batches; b++) {
    const out: number[] = [];
    // Holes were read as undefined and are refused by keyFields, like any key that is not an object.
    list.slice(b * batchSize, (b + 1) * batchSize).forEach((key, i) => {
      put(out, 1, migrationEntry(key, `keys[${b * batchSize + i}].`));
    });
    put(out, 2, 1); // version
    put(out, 3, batches);
    put(out, 4, b);
    put(out, 5, id);
    const uri = `otpauth-migration://offline?data=${
      encodeURIComponent(encodeBase64(new Uint8Array(out)))
    }`;
    if (uri.length > MAX_URI_LENGTH) {
      invalid('batchSize', `small enough for each URI to fit in ${MAX_URI_LENGTH} characters`);
    }
    uris.push(uri);
  }
  return uris;
}

/**
 * The caller's keys, one read of the length and of each entry, into an array of our own (no slice(),
 * which a subclass defines). The length is bounded first: an array's length can be set to 2^32-1
 * with nothing in it.
 */
function keyList(keys: unknown): unknown[] {
  const count: unknown = Array.isArray(keys) ? (keys as readonly unknown[]).length : undefined;
  if (typeof count !== 'number' || count > MAX_KEYS) {
    invalid('keys', `an array of at most ${MAX_KEYS} KeyURI`);
  }
  const list: unknown[] = [];
  for (let i = 0; i < count; i++) list.push((keys as readonly unknown[])[i]);
  return list;
}

/** One key as a MigrationPayload OtpParameters message; `at` prefixes its option names in errors. */
function migrationEntry(key: unknown, at: string): number[] {
  // The same rules as a key URI, and the same label: the name is "labelIssuer:account" only when the key has a labelIssuer.
  const {
    hotp,
    secret,
    account,
    issuer,
    labelIssuer,
    algorithm,
    digits,
    period,
    counter,
    encoder,
  } = keyFields(key as KeyURI, at, (_, prefix) => prefix !== undefined);
  // The format has no field for another code encoder.
  if (encoder !== undefined) {
    invalid(`${at}encoder`, 'absent in a migration (it cannot hold Steam keys)');
  }
  if (digits !== 6 && digits !== 8) invalid(`${at}digits`, '6 or 8 in a migration');
  // Each name character is at least one byte, the secret its bytes, and base64 makes 3 bytes 4
  // characters: a cheap bound that refuses a key no URI could hold before any of it is written.
  if (
    secret.length + account.length + (labelIssuer?.length ?? 0) + (issuer?.length ?? 0) >
      (MAX_URI_LENGTH * 3) / 4
  ) {
    invalid(`${at}account`, `short enough for the key to fit in a ${MAX_URI_LENGTH}-character URI`);
  }
  if (!hotp && period !== 30) invalid(`${at}period`, '30 in a migration');
  const algorithmValue = ALGORITHMS[algorithm].migration;
  if (algorithmValue === null) {
    invalid(`${at}algorithm`, 'one the migration format has a value for');
  }
  const p: number[] = [];
  put(p, 1, secret);
  // The name is the label, as Google writes it: "labelIssuer:account" when the key had a prefix.
  put(p, 2, labelIssuer === undefined ? account : `${labelIssuer}:${account}`);
  if (issuer !== undefined) put(p, 3, issuer);
  put(p, 4, algorithmValue);
  put(p, 5, digitCountValue(digits));
  put(p, 6, otpTypeValue(hotp ? 'hotp' : 'totp'));
  if (hotp) put(p, 7, counter as number | bigint);
  return p;
}
