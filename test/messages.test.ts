// No input text in any message: an OTPError's message (and the message of every cause under it) names
// the part at fault in otpkit's own words, never what the caller or the URI wrote there. A marker,
// 'Qz7mark', is put into seeded places of every valid URI of vectors/otpauth-uri.json and of migration
// URIs (parameter names, values, the label, the scheme; raw, upper- and lower-case, percent-encoded),
// the URIs are mutated as in test/uri.test.ts's fuzz, and every refusal is searched for the marker in
// any spelling and for any 8-character run of the secret. Then the builders, fed the marker in every
// name they check.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildKeyURI,
  buildMigrationURIs,
  decodeBase32,
  generateTOTP,
  hashRecoveryCode,
  isOTPError,
  type KeyURI,
  openSecret,
  type OTPErrorCode,
  parseKeyURI,
  parseMigrationURI,
  sealSecret,
  type TOTPKeyURI,
} from '../src/index.js';
import { encodeQR, qrToSVG } from '../src/qr/index.js';
import { expectOTPError } from './helpers/errors.js';
import { seededRandom } from './helpers/random.js';
import { URI_PIECES } from './helpers/hostile.js';
import { referenceBase32 } from './helpers/reference.js';

// Read with JSON.parse rather than imported: Vite's JSON transform rejects the lone surrogate one case holds.
const corpus = JSON.parse(
  readFileSync(new URL('../vectors/otpauth-uri.json', import.meta.url), 'utf8'),
) as {
  valid: { name: string; uri: string; key: { secret: string } }[];
};
const migrations = JSON.parse(
  readFileSync(new URL('../vectors/otpauth-migration.json', import.meta.url), 'utf8'),
) as {
  valid: { name: string; uri: string; keys: { secret: string }[] }[];
};

const MARKER = 'Qz7mark';
const percent = (text: string, upper: boolean): string =>
  [...text].map((c) =>
    `%${c.charCodeAt(0).toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']()}`
  ).join('');
/** The marker as it may be written in a URI: raw in three cases, fully and partly percent-encoded. */
const FORMS = [
  MARKER,
  MARKER.toUpperCase(),
  MARKER.toLowerCase(),
  percent(MARKER, true),
  percent(MARKER, false),
  'Qz%37mark',
  'Q%7A7m%61rk',
  'qz7%6Dark',
];

/** `text` with every valid %XX decoded (others left as they are), lower-cased. */
function decodedLower(text: string): string {
  return text.toLowerCase().replace(/(?:%[0-9a-f]{2})+/g, (run) => {
    try {
      return decodeURIComponent(run);
    } catch {
      return run;
    }
  });
}

/** The runs of `secret` a message must not hold: every 8 characters (the whole secret when shorter, from 5). */
function secretRuns(secret: string): string[] {
  const s = secret.toLowerCase().replace(/=+$/, '');
  if (s.length < 5) return [];
  if (s.length <= 8) return [s];
  const runs: string[] = [];
  for (let i = 0; i + 8 <= s.length; i++) runs.push(s.slice(i, i + 8));
  return runs;
}

/** Every message of an error and of the causes under it. */
function messages(error: unknown): string[] {
  const out: string[] = [];
  for (let e = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    out.push(e.message);
  }
  return out;
}

/** Asserts that no message of `error` holds the marker (any spelling) or a run of any of `secrets`. */
function expectClean(error: unknown, secrets: readonly string[], where: string): void {
  for (const message of messages(error)) {
    const lower = message.toLowerCase();
    const decoded = decodedLower(message);
    const context = `${where}\n  message: ${JSON.stringify(message)}`;
    expect(decoded.includes(MARKER.toLowerCase()), `marker in message: ${context}`).toBe(false);
    expect(
      lower.includes(percent(MARKER, false).slice(0, 9)),
      `percent-encoded marker in message: ${context}`,
    ).toBe(false);
    for (const secret of secrets) {
      for (const run of secretRuns(secret)) {
        expect(lower.includes(run), `secret run "${run}" in message: ${context}`).toBe(false);
      }
    }
  }
}

/** Runs `fn`; returns the OTPError it threw (anything else thrown fails the test), or undefined. */
function refusal(fn: () => unknown, where: string): (Error & { code: OTPErrorCode }) | undefined {
  try {
    fn();
  } catch (error) {
    if (!isOTPError(error)) throw new Error(`${where}: threw ${String(error)}`);
    return error;
  }
  return undefined;
}

// The shared pieces, and what reaches messages: escapes of controls, bidirectional overrides.
const PIECES = [...URI_PIECES, '%00', '%7F', '%C2%85', '%E2%80%AE', '\u202e'];
/** Parameters that are refused for their value or their repetition, holding the marker. */
const MARKED_PARAMETERS = (m: string): string[] => [
  `&${m}=1&${m}=2`,
  `&algorithm=${m}`,
  `&digits=${m}`,
  `&period=${m}`,
  `&counter=${m}`,
  `&secret=${m}1`,
  `&issuer=${m}%E2%80%AE`,
  `&issuer=${m}%00`,
  `&${m}%ZZ=1`,
  `&image=${m}%ZZ`,
  `&${m}%00=1`,
  `&issuer=${m}&ISSUER=x`,
];

/** A place to put the marker: after a parameter's '?' or '&' (its name), after an '=' (its value), in the label, in the scheme, anywhere. */
function markedPlace(rng: ReturnType<typeof seededRandom>, uri: string): number {
  const all = (c: string): number[] => [...uri].flatMap((x, i) => (x === c ? [i + 1] : []));
  const label = uri.indexOf('/', uri.indexOf('//') + 2) + 1;
  const choices = [
    () => rng.pick([...all('&'), ...all('?')]),
    () => rng.pick(all('=')),
    () => rng.int(label, Math.max(label, uri.indexOf('?'))),
    () => rng.int(0, 'otpauth'.length),
    () => rng.int(0, uri.length),
  ];
  const at = rng.pick(choices)();
  return at === undefined || Number.isNaN(at) ? rng.int(0, uri.length) : at;
}

/** One seeded hostile variant of `uri`: the marker (or a refused parameter holding it) put in, then 0-3 fuzz mutations. */
function variant(rng: ReturnType<typeof seededRandom>, uri: string): string {
  const m = rng.pick(FORMS);
  let out = uri;
  for (let n = rng.int(1, 2); n > 0; n--) {
    const at = markedPlace(rng, out);
    out = out.slice(0, at) + (rng.int(0, 3) === 0 ? rng.pick(MARKED_PARAMETERS(m)) : m) +
      out.slice(at);
  }
  for (let n = rng.int(0, 3); n > 0; n--) {
    const at = rng.int(0, out.length);
    const op = rng.int(0, 3);
    out = op === 0
      ? out.slice(0, at) + rng.pick(PIECES) + out.slice(at)
      : op === 1
      ? out.slice(0, at) + out.slice(at + rng.int(1, 5))
      : op === 2
      ? out.slice(0, at) + out.slice(at).toUpperCase()
      : out.slice(0, at) + rng.pick(MARKED_PARAMETERS(rng.pick(FORMS))) + out.slice(at);
  }
  return out;
}

describe('parseKeyURI: no marker and no run of the secret in any message', () => {
  it('3,000 seeded marked and mutated corpus URIs: every refusal is clean', () => {
    const rng = seededRandom();
    const codes = new Map<string, number>();
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      const seed = rng.pick(corpus.valid);
      const uri = variant(rng, seed.uri);
      const raw = /[?&]secret=([^&#]*)/i.exec(seed.uri)?.[1] ?? '';
      const where = `${rng.tag} case ${i}: ${JSON.stringify(uri)}`;
      const error = refusal(() => parseKeyURI(uri), where);
      if (error === undefined) {
        parsed++;
        continue;
      }
      codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
      expectClean(error, [seed.key.secret, raw], where);
    }
    // The fuzz reaches most refusals, and some URIs still parse (the marker in a name or value is fine).
    expect(codes.size, `${rng.tag}: ${JSON.stringify([...codes])}`).toBeGreaterThanOrEqual(9);
    expect(parsed, rng.tag).toBeGreaterThan(100);
    expect(3000 - parsed, rng.tag).toBeGreaterThan(1500);
  });

  it.each(
    [
      [
        'a secret run into a parameter name with a bad escape',
        'otpauth://totp/x?issuer=A&JBSWY3DPEHPK3PXPJBSW%ZZ=1',
        'ERR_URI_INVALID_ENCODING',
      ],
      [
        'a secret as a repeated unknown parameter',
        'otpauth://totp/x?issuer=A&JBSWY3DPEHPK3PXP=1&JBSWY3DPEHPK3PXP=2',
        'ERR_URI_DUPLICATE_PARAMETER',
      ],
      [
        'the same after a secret',
        'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&JBSWY3DPEHPK3PXP=1&JBSWY3DPEHPK3PXP=2',
        'ERR_URI_DUPLICATE_PARAMETER',
      ],
      [
        'a secret as a parameter name with an encoded control',
        'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&JBSWY3DPEHPK3PXP%00=1',
        'ERR_URI_INVALID_CHARACTER',
      ],
      [
        'a secret as a parameter value with a bad escape',
        'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&image=JBSWY3DPEHPK3PXP%ZZ',
        'ERR_URI_INVALID_ENCODING',
      ],
      [
        'a secret with one bad character',
        'otpauth://totp/x?secret=JBSWY3DPEHPK3PX1',
        'ERR_URI_INVALID_SECRET',
      ],
      [
        'a secret of an impossible length',
        'otpauth://totp/x?secret=JBSWY3DPEHPK3PXPA',
        'ERR_URI_INVALID_SECRET',
      ],
      [
        'a secret given twice',
        'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&secret=JBSWY3DPEHPK3PXQ',
        'ERR_URI_DUPLICATE_PARAMETER',
      ],
      [
        'a secret in the label with a control',
        'otpauth://totp/JBSWY3DPEHPK3PXP%00?secret=JBSWY3DPEHPK3PXP',
        'ERR_URI_INVALID_CHARACTER',
      ],
      [
        'a secret in the label with a bidirectional control',
        'otpauth://totp/JBSWY3DPEHPK3PXP%E2%80%AE?secret=JBSWY3DPEHPK3PXP',
        'ERR_URI_INVALID_LABEL',
      ],
      [
        'a secret as the issuer with a zero-width space',
        'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&issuer=JBSWY3DPEHPK3PXP%E2%80%8B',
        'ERR_URI_INVALID_LABEL',
      ],
      [
        'a secret as the algorithm',
        'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&algorithm=JBSWY3DPEHPK3PXP',
        'ERR_URI_INVALID_PARAMETER',
      ],
      [
        'a secret as the scheme',
        'JBSWY3DPEHPK3PXP://totp/x?secret=JBSWY3DPEHPK3PXP',
        'ERR_URI_INVALID_SCHEME',
      ],
      [
        'a secret as the type',
        'otpauth://JBSWY3DPEHPK3PXP/x?secret=JBSWY3DPEHPK3PXP',
        'ERR_URI_INVALID_TYPE',
      ],
      [
        'a secret in a fragment',
        'otpauth://totp/x?secret=JBSWY3DPEHPK3PXP#JBSWY3DPEHPK3PXP',
        'ERR_URI_INVALID_CHARACTER',
      ],
    ] as const,
  )('refuses %s without a word of it: %s', (_, uri, code) => {
    const error = refusal(() => parseKeyURI(uri), uri);
    expect(error?.code, uri).toBe(code);
    for (const message of messages(error)) {
      expect(message.toLowerCase(), uri).not.toContain('jbswy3dp');
    }
    expectClean(error, ['JBSWY3DPEHPK3PXP'], uri);
  });
});

/** Bytes as standard or URL-safe base64, padded or not. */
function base64(bytes: Uint8Array, rng: ReturnType<typeof seededRandom>): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const text = btoa(binary);
  const r = rng.int(0, 2);
  return r === 0
    ? encodeURIComponent(text)
    : r === 1
    ? text.replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_')
    : text.replace(/=+$/, '');
}

function payloadOf(uri: string): Uint8Array {
  const data = decodeURIComponent(uri.slice(uri.indexOf('data=') + 5)).replaceAll('-', '+')
    .replaceAll('_', '/');
  return Uint8Array.from(atob(data + '='.repeat(-data.length & 3)), (c) => c.charCodeAt(0));
}

describe('parseMigrationURI: no marker, no name and no run of a secret in any message', () => {
  // Seeds: the published vectors, and exports of accounts whose names and issuers hold the marker.
  const rng = seededRandom();
  const marked: { uri: string; secrets: string[] }[] = [];
  for (let i = 0; i < 6; i++) {
    const keys: KeyURI[] = [];
    for (let k = rng.int(1, 3); k > 0; k--) {
      const secret = referenceBase32(rng.bytes(rng.int(10, 32)));
      const hotp = rng.int(0, 1) === 0;
      keys.push({
        secret,
        account: `alice${MARKER}@example.com`,
        issuer: `${MARKER} Inc`,
        labelIssuer: `${MARKER} Inc`,
        algorithm: rng.pick(['SHA1', 'SHA256', 'SHA512'] as const),
        digits: rng.pick([6, 8]),
        ...(hotp
          ? { type: 'hotp' as const, counter: rng.int(0, 1e6) }
          : { type: 'totp' as const, period: 30 }),
        params: {},
      });
    }
    for (const uri of buildMigrationURIs(keys)) {
      marked.push({
        uri,
        secrets: keys.map((key) => key.secret),
      });
    }
  }
  const seeds = [
    ...migrations.valid.map((v) => ({ uri: v.uri, secrets: v.keys.map((key) => key.secret) })),
    ...marked,
  ];

  it('1,000 seeded mutated payloads and URIs: every refusal is clean', () => {
    const te = new TextEncoder();
    const insertions = [
      te.encode(MARKER),
      te.encode(`${MARKER}\u0000`),
      te.encode(`\u202e${MARKER}`),
      new Uint8Array([0x7f]),
      new Uint8Array([0xc2, 0x85]),
      new Uint8Array([0xff, 0xfe]),
      new Uint8Array([0x12, 0x40]),
      new Uint8Array([0x28, 0x09]),
    ];
    const codes = new Map<string, number>();
    let parsed = 0;
    for (let i = 0; i < 1000; i++) {
      const seed = rng.pick(seeds);
      let uri = seed.uri;
      if (rng.int(0, 3) > 0) {
        // Payload-level: flip, insert, drop or cut bytes, then write the data again in some base64.
        const bytes = [...payloadOf(uri)];
        for (let n = rng.int(1, 3); n > 0; n--) {
          const at = rng.int(0, bytes.length);
          const op = rng.int(0, 3);
          if (op === 0 && bytes.length) bytes[Math.min(at, bytes.length - 1)] = rng.int(0, 255);
          else if (op === 1) bytes.splice(at, 0, ...rng.pick(insertions));
          else if (op === 2) bytes.splice(at, rng.int(1, 4));
          else bytes.length = at;
        }
        uri = `otpauth-migration://offline?data=${base64(new Uint8Array(bytes), rng)}`;
      }
      if (rng.int(0, 2) === 0) {
        // URI-level: the marker, a second data, or a fuzz piece somewhere.
        const at = rng.int(0, uri.length);
        const piece = rng.pick([
          ...FORMS,
          `&data=${rng.pick(FORMS)}`,
          `&${rng.pick(FORMS)}=1`,
          ...PIECES,
        ]);
        uri = uri.slice(0, at) + piece + uri.slice(at);
      }
      const where = `${rng.tag} case ${i}: ${JSON.stringify(uri)}`;
      const error = refusal(() => parseMigrationURI(uri), where);
      if (error === undefined) {
        parsed++;
        continue;
      }
      codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
      expectClean(error, seed.secrets, where);
      for (const message of messages(error)) {
        expect(message.toLowerCase(), `the account name in a message: ${where}`).not.toContain(
          'alice',
        );
      }
    }
    expect(codes.get('ERR_MIGRATION_INVALID') ?? 0, `${rng.tag}: ${JSON.stringify([...codes])}`)
      .toBeGreaterThan(200);
    expect(codes.size, `${rng.tag}: ${JSON.stringify([...codes])}`).toBeGreaterThanOrEqual(4);
    expect(parsed, rng.tag).toBeGreaterThan(20);
  });
});

describe('the builders and other functions: no marker and no secret in any message', () => {
  const S = 'JBSWY3DPEHPK3PXP';
  const base = { secret: S, account: 'alice', issuer: 'Example' };

  /** Calls `fn`, which must throw an OTPError of `code`, whose messages are clean. */
  async function refusedClean(
    fn: () => unknown,
    code: OTPErrorCode,
    where: string,
    secrets: readonly string[] = [S],
  ): Promise<void> {
    const caught = await expectOTPError(fn, code, where);
    expectClean(caught, secrets, where);
    for (const message of messages(caught)) {
      expect(message.toLowerCase(), where).not.toContain('qz7markname');
    }
  }

  it.each(
    [
      ["params { 'Qz7mark!': 'x' } (a bad name)", { params: { 'Qz7mark!': 'x' } }],
      ['params { Qz7markName: 1 } (a value that is not a string)', { params: { Qz7markName: 1 } }],
      ['params { image: 1 }', { params: { image: 1 } }],
      ["params { Qz7markName: 'x\\u0000' } (a control in the value)", {
        params: { Qz7markName: 'x\u0000' },
      }],
      ["params { Qz7markName: '\\ud800' } (a lone surrogate in the value)", {
        params: { Qz7markName: '\ud800' },
      }],
      ["params { SECRET: 'Qz7mark' } (a known name)", { params: { SECRET: 'Qz7mark' } }],
      ["params { 'Qz7mark name': 'Qz7mark' } (a space in the name)", {
        params: { 'Qz7mark name': 'Qz7mark' },
      }],
      ['params Qz7mark (not an object)', { params: 'Qz7mark' }],
      ["account 'Qz7mark\\u0000'", { account: 'Qz7mark\u0000' }],
      ["account 'Qz7mark\\u202e'", { account: 'Qz7mark\u202e' }],
      ["account ' Qz7mark' after a prefix", { account: ' Qz7mark' }],
      ["account 'Qz7mark:x' with no prefix", { account: 'Qz7mark:x', issuer: undefined }],
      ["issuer 'Qz7mark:'", { issuer: 'Qz7mark:' }],
      ["issuer 'Qz7mark\\u200b'", { issuer: 'Qz7mark\u200b' }],
      ["labelIssuer 'Qz7mark\\u2066'", { labelIssuer: 'Qz7mark\u2066' }],
      ["algorithm 'Qz7mark'", { algorithm: 'Qz7mark' }],
      ["type 'Qz7mark'", { type: 'Qz7mark' }],
      ["digits 'Qz7mark'", { digits: 'Qz7mark' }],
      ['a counter on totp', { counter: 1 }],
    ] as const,
  )(
    'buildKeyURI with %s is refused with ERR_INVALID_OPTION, naming no input',
    async (what, change) => {
      await refusedClean(
        () => buildKeyURI({ ...base, ...change } as never),
        'ERR_INVALID_OPTION',
        what,
      );
    },
  );

  it.each(
    [
      ['one bad character', 'JBSWY3DPEHPK3PX!', 'ERR_BASE32_INVALID_CHARACTER'],
      ['a misplaced pad', 'JBSWY3DP=EHPK3PXP', 'ERR_BASE32_INVALID_PADDING'],
      ['an impossible length', 'JBSWY3DPEHPK3PXPA', 'ERR_BASE32_INVALID_LENGTH'],
      ['the marker and a bad character', `${MARKER}JBSWY3DP!`, 'ERR_BASE32_INVALID_CHARACTER'],
    ] as const,
  )(
    'every secret-taking function refuses a secret with %s, quoting none of it',
    async (what, secret, code) => {
      await refusedClean(() => buildKeyURI({ ...base, secret }), code, `buildKeyURI ${what}`);
      await refusedClean(
        () => buildMigrationURIs([{ ...parseKeyURI(`otpauth://totp/a?secret=${S}`), secret }]),
        code,
        `buildMigrationURIs ${what}`,
      );
      await refusedClean(
        () => sealSecret({ secret, key: new Uint8Array(32) }),
        code,
        `sealSecret ${what}`,
      );
      await refusedClean(() => generateTOTP({ secret }), code, `generateTOTP ${what}`);
      await refusedClean(() => decodeBase32(secret), code, `decodeBase32 ${what}`);
    },
  );

  it('buildMigrationURIs refuses keys it cannot carry without quoting their fields', async () => {
    const key = parseKeyURI(
      `otpauth://totp/${MARKER}:${MARKER}?secret=${S}&issuer=${MARKER}`,
    ) as TOTPKeyURI;
    await refusedClean(
      () => buildMigrationURIs([{ ...key, digits: 7 }]),
      'ERR_INVALID_OPTION',
      'digits 7',
    );
    await refusedClean(
      () => buildMigrationURIs([{ ...key, period: 60 }]),
      'ERR_INVALID_OPTION',
      'period 60',
    );
    await refusedClean(
      () => buildMigrationURIs([{ ...key, account: `${MARKER}\u0000` }]),
      'ERR_INVALID_OPTION',
      'control in account',
    );
    await refusedClean(
      () => buildMigrationURIs([{ ...key, issuer: `${MARKER}:x` }]),
      'ERR_INVALID_OPTION',
      'colon in issuer',
    );
    await refusedClean(
      () => buildMigrationURIs([{ ...key, type: MARKER as 'totp' }]),
      'ERR_INVALID_OPTION',
      'type',
    );
    await refusedClean(
      () => buildMigrationURIs([{ ...key, account: MARKER.repeat(1000) }]),
      'ERR_INVALID_OPTION',
      'too long for one URI',
    );
  });

  it('the other string-taking functions refuse marked text without quoting it', async () => {
    const pepper = await crypto.subtle.importKey(
      'raw',
      new Uint8Array(32),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    await refusedClean(
      () => hashRecoveryCode(`${MARKER}-abcd-efgh-jkmn`),
      'ERR_RECOVERY_CODE_INVALID',
      'hashRecoveryCode',
    );
    await refusedClean(
      () => hashRecoveryCode('0000-0000-0000-0000', { key: pepper, context: `${MARKER}\ud800` }),
      'ERR_INVALID_OPTION',
      'recovery context',
    );
    await refusedClean(
      () => sealSecret({ secret: S, key: new Uint8Array(32), context: `\ud800${MARKER}` }),
      'ERR_INVALID_OPTION',
      'seal context',
    );
    await refusedClean(
      () => openSecret({ sealed: `v1.${MARKER}.${MARKER}`, key: new Uint8Array(32) }),
      'ERR_SEAL_INVALID',
      'openSecret',
    );
    const sealed = await sealSecret({ secret: S, key: new Uint8Array(32), context: MARKER });
    await refusedClean(
      () => openSecret({ sealed, key: new Uint8Array(32), context: `${MARKER}x` }),
      'ERR_SEAL_INVALID',
      'openSecret wrong context',
    );
    await refusedClean(
      () => encodeQR(`${MARKER}\ud800`),
      'ERR_INVALID_OPTION',
      'encodeQR lone surrogate',
    );
    await refusedClean(
      () => encodeQR(MARKER.repeat(1100), { ecc: 'H' }),
      'ERR_QR_TOO_LONG',
      'encodeQR too long',
    );
    await refusedClean(
      () => encodeQR(MARKER, { ecc: MARKER as 'L' }),
      'ERR_INVALID_OPTION',
      'encodeQR ecc',
    );
    await refusedClean(
      () => qrToSVG(encodeQR('x'), { dark: MARKER.repeat(0) }),
      'ERR_INVALID_OPTION',
      'qrToSVG dark',
    );
    await refusedClean(
      () => parseKeyURI(`${MARKER}://totp/x?secret=${S}`),
      'ERR_URI_INVALID_SCHEME',
      'parseKeyURI scheme',
    );
    await refusedClean(
      () => parseMigrationURI(`otpauth-migration://offline?data=${MARKER}%ZZ`),
      'ERR_MIGRATION_INVALID',
      'parseMigrationURI data',
    );
  });

  it('200 seeded builder calls with the marker next to a refused character in one field: every refusal is clean', async () => {
    const rng = seededRandom();
    const bad = ['\u0000', '\u0085', '\u202e', '\u200b', '\ud800', ':', '\u2028'];
    const fields = ['account', 'issuer', 'labelIssuer'] as const;
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      const field = rng.pick(fields);
      const value = rng.int(0, 1) === 0
        ? `${rng.pick(FORMS)}${rng.pick(bad)}`
        : `${rng.pick(bad)}${rng.pick(FORMS)}`;
      const secret = referenceBase32(rng.bytes(rng.int(5, 40)));
      const where = `${rng.tag} case ${i}: ${field} ${JSON.stringify(value)}`;
      const error = refusal(
        () => buildKeyURI({ secret, account: 'alice', issuer: 'Example', [field]: value }),
        where,
      );
      if (error === undefined) continue;
      refused++;
      expect(error.code, where).toBe('ERR_INVALID_OPTION');
      expectClean(error, [secret], where);
    }
    expect(refused, rng.tag).toBeGreaterThan(150);
  });
});
