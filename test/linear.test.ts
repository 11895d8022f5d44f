// Every public function that takes a string answers a 1 MB hostile string quickly: it returns or throws an
// OTPError within 1,000 ms (a linear pass over 1 MB takes a few ms; the old `/=+$/` in decodeBase32 took
// minutes on '='.repeat(1e6) + 'A'). The strings are built to hurt backtracking regexes, repeated
// replacements and trims: long runs of one character, a run ending in the one character that makes the
// match fail, valid base32 with one bad character at the end, control and format characters, and a URI
// buried in whitespace. Grouped by function and position, so a failure names both and the string.
// The CLI is left out: it reads at most 64 KiB of stdin.
import { describe, expect, it } from 'vitest';
import {
  buildKeyURI,
  buildMigrationURIs,
  decodeBase32,
  findRecoveryCode,
  generateHOTP,
  generateRecoveryCodes,
  generateTOTP,
  hashRecoveryCode,
  isOTPError,
  type KeyURI,
  openSecret,
  openSecretKey,
  parseKeyURI,
  parseMigrationURI,
  resyncHOTP,
  sealSecret,
  verifyHOTP,
  verifyTOTP,
} from '../src/index.js';
import { encodeQR, qrToSVG } from '../src/qr/index.js';
import { seededRandom } from './helpers/random.js';

const rng = seededRandom();
const M = 1_000_000;
const LIMIT_MS = 1_000;
const SECRET = 'JBSWY3DPEHPK3PXP';
const URI = `otpauth://totp/Example:alice?secret=${SECRET}&issuer=Example`;

/** `M` characters of random latin-1 (controls, C1, NBSP and all), from the seeded generator. */
function randomLatin1(): string {
  const bytes = rng.bytes(M);
  let out = '';
  for (let i = 0; i < M; i += 8192) out += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return out;
}

/** `text` with `c` put at a seeded position. */
function withOne(text: string, c: string): string {
  const at = rng.int(0, text.length - 1);
  return text.slice(0, at) + c + text.slice(at + 1);
}

const VALID_BASE32 = 'JBSWY3DP'.repeat(125_000);
// [name, string]: each about a million characters.
const HOSTILE: readonly (readonly [string, string])[] = [
  ["'=' x 1e6", '='.repeat(M)],
  ["'=' x 1e6 then 'A'", `${'='.repeat(M)}A`],
  ["'A' then '=' x 1e6", `A${'='.repeat(M)}`],
  ["'=A' x 5e5", '=A'.repeat(M / 2)],
  ["' =' x 5e5", ' ='.repeat(M / 2)],
  ["' ' x 1e6", ' '.repeat(M)],
  ["'A', ' ' x 1e6, 'A'", `A${' '.repeat(M)}A`],
  ["'\\t\\n\\f\\r ' x 2e5", '\t\n\f\r '.repeat(M / 5)],
  ["'%' x 1e6", '%'.repeat(M)],
  ["'%3A' x 333,334", '%3A'.repeat(333_334)],
  ["':' x 1e6", ':'.repeat(M)],
  ["'&' x 1e6", '&'.repeat(M)],
  ["'-' x 1e6", '-'.repeat(M)],
  ["'\\u0000' x 1e6", '\u0000'.repeat(M)],
  ["'\\u0085' x 1e6", '\u0085'.repeat(M)],
  ["'\\u202e' x 1e6", '\u202e'.repeat(M)],
  ["'\\ud800' x 1e6 (lone surrogates)", '\ud800'.repeat(M)],
  ["'\\u{1F600}' x 5e5", '\u{1F600}'.repeat(M / 2)],
  ["'1' x 1e6 (digits)", '1'.repeat(M)],
  ["valid base32 'JBSWY3DP' x 125,000", VALID_BASE32],
  ["'JBSWY3DP' x 125,000 then '1'", `${VALID_BASE32}1`],
  ["'JBSWY3DP' x 125,000 with one '=' at a seeded place", withOne(VALID_BASE32, '=')],
  ["'a' x 999,990 then 'otpauth://'", `${'a'.repeat(M - 10)}otpauth://`],
  ["'otpauth://totp/' then 'a' x 1e6", `otpauth://totp/${'a'.repeat(M)}`],
  ["'otpauth://totp/x?' then '&' x 1e6", `otpauth://totp/x?${'&'.repeat(M)}`],
  ['a valid URI inside 5e5 spaces either side', `${' '.repeat(M / 2)}${URI}${' '.repeat(M / 2)}`],
  ['1e6 random latin-1 characters (seeded)', randomLatin1()],
];

const KEY = new Uint8Array(32).fill(7);
const SEALED = await sealSecret({ secret: SECRET, key: KEY });
const PEPPER = await crypto.subtle.importKey(
  'raw',
  new Uint8Array(32).fill(9),
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['sign'],
);
const CODE = generateRecoveryCodes({ count: 1 })[0] as string;
const HASH = await hashRecoveryCode(CODE);
const MATRIX = encodeQR('x');
const KEY_URI: KeyURI = parseKeyURI(URI);

// Every string-taking position of every public export, as a call with that one string in it.
const POSITIONS: Record<string, (s: string) => unknown> = {
  'decodeBase32(text)': (s) => decodeBase32(s),
  'decodeBase32(text, { loose: true })': (s) => decodeBase32(s, { loose: true }),
  'generateTOTP secret': (s) => generateTOTP({ secret: s, time: 1.7e12 }),
  'generateHOTP secret': (s) => generateHOTP({ secret: s, counter: 1 }),
  'verifyTOTP secret': (s) => verifyTOTP({ secret: s, token: '123456', time: 1.7e12 }),
  'verifyTOTP token': (s) => verifyTOTP({ secret: SECRET, token: s, time: 1.7e12 }),
  'verifyHOTP secret': (s) => verifyHOTP({ secret: s, token: '123456', counter: 1, lookAhead: 2 }),
  'verifyHOTP token': (s) => verifyHOTP({ secret: SECRET, token: s, counter: 1, lookAhead: 2 }),
  'resyncHOTP secret': (s) =>
    resyncHOTP({ secret: s, tokens: ['123456', '654321'], counter: 0, lookAhead: 5 }),
  'resyncHOTP tokens': (s) =>
    resyncHOTP({ secret: SECRET, tokens: ['123456', s, s], counter: 0, lookAhead: 5 }),
  'sealSecret secret': (s) => sealSecret({ secret: s, key: new Uint8Array(32) }),
  'sealSecret context': (s) => sealSecret({ secret: SECRET, key: new Uint8Array(32), context: s }),
  'openSecret sealed': (s) => openSecret({ sealed: s, key: KEY }),
  'openSecret context': (s) => openSecret({ sealed: SEALED, key: KEY, context: s }),
  'openSecretKey sealed': (s) => openSecretKey({ sealed: s, key: KEY }),
  'openSecretKey context': (s) => openSecretKey({ sealed: SEALED, key: KEY, context: s }),
  'buildKeyURI secret': (s) => buildKeyURI({ secret: s, account: 'alice', issuer: 'Example' }),
  'buildKeyURI account': (s) => buildKeyURI({ secret: SECRET, account: s, issuer: 'Example' }),
  'buildKeyURI issuer': (s) => buildKeyURI({ secret: SECRET, account: 'alice', issuer: s }),
  'buildKeyURI labelIssuer': (s) =>
    buildKeyURI({ secret: SECRET, account: 'alice', issuer: 'Example', labelIssuer: s }),
  'buildKeyURI params value': (s) =>
    buildKeyURI({ secret: SECRET, account: 'alice', params: { image: s } }),
  'buildKeyURI params name': (s) =>
    buildKeyURI({ secret: SECRET, account: 'alice', params: { [s]: 'x' } }),
  'buildMigrationURIs key account': (s) => buildMigrationURIs([{ ...KEY_URI, account: s }]),
  // The account only: the issuer and the secret take the same path (keyFields, then the protobuf writer).
  'parseKeyURI(uri)': (s) => parseKeyURI(s),
  'parseMigrationURI(uri)': (s) => parseMigrationURI(s),
  'hashRecoveryCode(code)': (s) => hashRecoveryCode(s),
  'hashRecoveryCode context': (s) => hashRecoveryCode(CODE, { key: PEPPER, context: s }),
  'findRecoveryCode code': (s) => findRecoveryCode({ code: s, hashes: [HASH] }),
  'findRecoveryCode hashes (four 1 MB entries)': (s) =>
    findRecoveryCode({ code: CODE, hashes: [s, s, HASH, s] }),
  'findRecoveryCode context': (s) =>
    findRecoveryCode({ code: CODE, hashes: [HASH], key: PEPPER, context: s }),
  'encodeQR(text)': (s) => encodeQR(s),
  'qrToSVG dark': (s) => qrToSVG(MATRIX, { dark: s }),
  'qrToSVG light': (s) => qrToSVG(MATRIX, { light: s }),
};

// buildMigrationURIs writes the whole protobuf and its base64 before its 4,096-character bound refuses the
// URI: linear, but about 250 ms for each accepted megabyte. It gets the strings of distinct paths only
// (refused by the name checks, accepted ASCII, accepted 4-byte UTF-8), to keep this file quick.
const MIGRATION_STRINGS = new Set([
  "'\\u0000' x 1e6",
  "'\\u202e' x 1e6",
  "':' x 1e6",
  "valid base32 'JBSWY3DP' x 125,000",
  "'\\u{1F600}' x 5e5",
  '1e6 random latin-1 characters (seeded)',
]);

function stringsFor(position: string): readonly (readonly [string, string])[] {
  return position.startsWith('buildMigrationURIs')
    ? HOSTILE.filter(([name]) => MIGRATION_STRINGS.has(name))
    : HOSTILE;
}

type Outcome = { ms: number; returned: boolean; code: string | undefined; escaped: unknown };

/** Runs `call`, timing it around the await; an OTPError is an outcome, anything else thrown is `escaped`. */
async function timed(call: () => unknown): Promise<Outcome> {
  const started = performance.now();
  try {
    await Promise.resolve().then(call);
    return { ms: performance.now() - started, returned: true, code: undefined, escaped: undefined };
  } catch (error) {
    const ms = performance.now() - started;
    return isOTPError(error)
      ? { ms, returned: false, code: error.code, escaped: undefined }
      : { ms, returned: false, code: undefined, escaped: error };
  }
}

describe('every public function that takes a string answers a 1 MB hostile string quickly', () => {
  it('has strings of about a million characters each', () => {
    for (const [name, s] of HOSTILE) expect(s.length, name).toBeGreaterThanOrEqual(M);
    expect(stringsFor('buildMigrationURIs key account').length).toBe(MIGRATION_STRINGS.size);
  });

  describe.each(Object.keys(POSITIONS))('%s', (position) => {
    const call = POSITIONS[position] as (s: string) => unknown;
    it.each(stringsFor(position))(
      'returns or throws an OTPError within 1,000 ms for %s',
      async (name, s) => {
        const outcome = await timed(() => call(s));
        const where = `${position} with ${name}: ${
          outcome.returned ? 'returned' : (outcome.code ?? String(outcome.escaped))
        } in ${outcome.ms.toFixed(1)} ms; ${rng.tag}`;
        expect(outcome.escaped, where).toBeUndefined();
        expect(outcome.ms, where).toBeLessThan(LIMIT_MS);
      },
    );
  });
});

describe('decodeBase32 gives the right answer, not just a quick one, on the runs that used to be quadratic', () => {
  it.each(
    [
      ["'=' x 1e6 then 'A'", 'ERR_BASE32_INVALID_PADDING', `${'='.repeat(M)}A`],
      ["'=' x 1e6", 'ERR_BASE32_INVALID_PADDING', '='.repeat(M)],
      // One data character is an impossible length, reported before the padding.
      ["'A' then '=' x 1e6", 'ERR_BASE32_INVALID_LENGTH', `A${'='.repeat(M)}`],
      ["'JBSWY3DP' x 125,000 then '1'", 'ERR_BASE32_INVALID_CHARACTER', `${VALID_BASE32}1`],
      ["'JBSWY3DP' x 125,000 then 'A'", 'ERR_BASE32_INVALID_LENGTH', `${VALID_BASE32}A`],
      ["' ' x 1e6 (strict)", 'ERR_BASE32_INVALID_CHARACTER', ' '.repeat(M)],
    ] as const,
  )('refuses %s with %s', async (name, code, s) => {
    const outcome = await timed(() => decodeBase32(s));
    expect(outcome.code, `${name}; ${rng.tag}`).toBe(code);
    expect(outcome.ms, `${name}; ${rng.tag}`).toBeLessThan(LIMIT_MS);
  });

  it('decodes 1 MB of valid base32 (625,000 bytes), and the same with spaces and hyphens in loose mode', () => {
    const bytes = decodeBase32(VALID_BASE32);
    expect(bytes.length).toBe(625_000);
    expect(Array.from(bytes.subarray(0, 5))).toEqual([0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    const spaced = decodeBase32(
      `${' '.repeat(M / 2)}${VALID_BASE32.slice(0, 8)}${'-'.repeat(M / 2)}`,
      { loose: true },
    );
    expect(Array.from(spaced)).toEqual([0x48, 0x65, 0x6c, 0x6c, 0x6f]);
  });

  it('reads an empty loose text after a million spaces and hyphens as no bytes', () => {
    expect(decodeBase32(' -'.repeat(M / 2), { loose: true })).toEqual(new Uint8Array(0));
  });
});

describe('parseKeyURI trims a million surrounding whitespace characters in one pass', () => {
  it('parses a valid URI between 5e5 spaces and 5e5 tabs and newlines', async () => {
    const outcome = await timed(() =>
      parseKeyURI(`${' '.repeat(M / 2)}${URI}${'\t\n'.repeat(M / 4)}`)
    );
    expect(outcome.returned, rng.tag).toBe(true);
    expect(outcome.ms).toBeLessThan(LIMIT_MS);
    expect(parseKeyURI(`${' '.repeat(M / 2)}${URI}${' '.repeat(M / 2)}`)).toStrictEqual(KEY_URI);
  });

  it.each(
    [
      ["'A', ' ' x 1e6, 'A'", 'ERR_URI_TOO_LONG', `A${' '.repeat(M)}A`],
      ["' ' x 1e6", 'ERR_URI_INVALID_SCHEME', ' '.repeat(M)],
      ["'otpauth://totp/' then 'a' x 1e6", 'ERR_URI_TOO_LONG', `otpauth://totp/${'a'.repeat(M)}`],
    ] as const,
  )('refuses %s with %s', async (name, code, s) => {
    const outcome = await timed(() => parseKeyURI(s));
    expect(outcome.code, name).toBe(code);
    expect(outcome.ms, name).toBeLessThan(LIMIT_MS);
  });
});

describe('encodeQR refuses a text no symbol can hold with ERR_QR_TOO_LONG, before any work that grows with it', () => {
  const texts: [string, string][] = [];
  for (const [size, label] of [[M, '1 MB'], [10 * M, '10 MB']] as const) {
    texts.push([`${label} of digits`, '7'.repeat(size)]);
    texts.push([`${label} of upper-case letters`, 'Q'.repeat(size)]);
    texts.push([`${label} of bytes`, 'é'.repeat(size)]);
    texts.push([`${label} of lone surrogates`, '\ud800'.repeat(size)]);
  }
  texts.push(['7,090 digits (one past version 40-L)', '7'.repeat(7090)]);
  texts.push(['4,297 upper-case letters (one past version 40-L)', 'Q'.repeat(4297)]);
  texts.push(['2,954 bytes (one past version 40-L)', 'x'.repeat(2954)]);

  it.each(texts)('refuses %s within 1,000 ms', async (name, text) => {
    const outcome = await timed(() => encodeQR(text, { ecc: 'L' }));
    expect(outcome.code, `${name}: ${String(outcome.escaped)}`).toBe('ERR_QR_TOO_LONG');
    expect(outcome.ms, name).toBeLessThan(LIMIT_MS);
  });

  it('still encodes the largest texts version 40-L holds', () => {
    expect(encodeQR('7'.repeat(7089), { ecc: 'L' }).version).toBe(40);
    expect(encodeQR('x'.repeat(2953), { ecc: 'L' }).version).toBe(40);
  });
});

describe('array arguments are bounded before they are read', () => {
  // An array's length can be set to 2^32-1 with nothing in it; a Proxy can claim any length at all.
  const huge = (): unknown[] => {
    const array: unknown[] = [];
    array.length = 2 ** 32 - 1;
    return array;
  };
  const claims = (length: number): unknown[] =>
    new Proxy([], {
      get: (target, property) => (property === 'length' ? length : Reflect.get(target, property)),
    });

  it.each(
    [
      [
        'findRecoveryCode hashes of length 2^32-1',
        () => findRecoveryCode({ code: 'x', hashes: huge() as string[] }),
      ],
      [
        'findRecoveryCode hashes claiming 10^9 entries',
        () => findRecoveryCode({ code: '0000-0000-0000-0000', hashes: claims(1e9) as string[] }),
      ],
      [
        'findRecoveryCode hashes of 1,001 entries',
        () => findRecoveryCode({ code: 'x', hashes: new Array<string>(1001).fill('sha256:') }),
      ],
      ['buildMigrationURIs keys of length 2^32-1', () => buildMigrationURIs(huge() as KeyURI[])],
      [
        'buildMigrationURIs keys claiming 10^9 entries',
        () => buildMigrationURIs(claims(1e9) as KeyURI[]),
      ],
    ] as const,
  )('refuses %s with ERR_INVALID_OPTION at once', async (name, call) => {
    const outcome = await timed(call);
    expect(outcome.code, `${name}: ${String(outcome.escaped)}`).toBe('ERR_INVALID_OPTION');
    expect(outcome.ms, name).toBeLessThan(LIMIT_MS);
  });

  it('still takes 1,000 hashes and 10,000 keys', async () => {
    const [code] = generateRecoveryCodes({ count: 1 }) as [string];
    const hashes = new Array<string>(999).fill('sha256:x').concat(await hashRecoveryCode(code));
    expect(await findRecoveryCode({ code, hashes })).toBe(999);
    const key = parseKeyURI('otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example');
    expect(buildMigrationURIs(new Array<KeyURI>(10_000).fill(key), { batchSize: 10 })).toHaveLength(
      1000,
    );
  });
});
