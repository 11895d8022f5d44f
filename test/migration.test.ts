// otpauth-migration:// (Google Authenticator's export, as the open-source decoders read it): payloads
// written here by an independent protobuf writer, the batch fields read back by an independent reader, a
// seeded round trip, and hostile payloads that must end in an OTPError. The public payloads and the
// malformed ones of vectors/otpauth-migration.json are checked once, by the conformance suite in every
// runtime (test/conformance/cases/uri.js).
import { describe, expect, it } from 'vitest';
import { buildMigrationURIs, isOTPError, type KeyURI, parseMigrationURI } from '../src/index.js';
import { expectOTPError } from './helpers/errors.js';
import { randomKey } from './helpers/keys.js';
import { seededRandom } from './helpers/random.js';
import { referenceBase32 } from './helpers/reference.js';

// ─── An independent protobuf writer and reader (test-only, written from the wire format) ───────────────
type Field = [number, 'varint', bigint] | [number, 'bytes', Uint8Array | string] | [
  number,
  'fixed32' | 'fixed64',
];
function varint(value: bigint): number[] {
  const out: number[] = [];
  do {
    let b = Number(value % 128n);
    value /= 128n;
    if (value > 0n) b += 128;
    out.push(b);
  } while (value > 0n);
  return out;
}
function message(fields: readonly Field[]): Uint8Array {
  const out: number[] = [];
  for (const f of fields) {
    const [n, kind] = f;
    if (kind === 'varint') out.push(...varint(BigInt(n * 8)), ...varint(f[2]));
    else if (kind === 'bytes') {
      const body = typeof f[2] === 'string' ? new TextEncoder().encode(f[2]) : f[2];
      out.push(...varint(BigInt(n * 8 + 2)), ...varint(BigInt(body.length)), ...body);
    } else {out.push(
        ...varint(BigInt(n * 8 + (kind === 'fixed32' ? 5 : 1))),
        ...new Array<number>(kind === 'fixed32' ? 4 : 8).fill(7),
      );}
  }
  return new Uint8Array(out);
}
const uriOf = (payload: Uint8Array): string =>
  `otpauth-migration://offline?data=${encodeURIComponent(btoa(String.fromCharCode(...payload)))}`;

/** The top-level varint fields (version, batch_size, batch_index, batch_id) and the number of accounts. */
function readTop(uri: string): { accounts: number; varints: Map<number, bigint> } {
  const data = decodeURIComponent(
    new URL(uri).searchParams.get('data') === null ? '' : uri.slice(uri.indexOf('data=') + 5),
  );
  const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
  const varints = new Map<number, bigint>();
  let accounts = 0;
  let pos = 0;
  const read = (): bigint => {
    let v = 0n;
    let mul = 1n;
    for (;;) {
      const b = bytes[pos++]!;
      v += BigInt(b & 127) * mul;
      mul *= 128n;
      if (b < 128) return v;
    }
  };
  while (pos < bytes.length) {
    const tag = Number(read());
    if (tag % 8 === 2) {
      const length = Number(read());
      pos += length;
      accounts++;
    } else varints.set(tag >> 3, read());
  }
  return { accounts, varints };
}

const secretOf = (n: number): Uint8Array =>
  Uint8Array.from({ length: n }, (_, i) => (i * 37 + 11) & 255);
const key = (o: Partial<KeyURI> & Pick<KeyURI, 'secret' | 'account'>): KeyURI =>
  ({
    type: 'totp',
    ...o,
    algorithm: o.algorithm ?? 'SHA1',
    digits: o.digits ?? 6,
    ...(o.type === 'hotp' ? {} : { period: 30 }),
    params: {},
  }) as KeyURI;

describe('parseMigrationURI: payloads from an independent writer', () => {
  it('maps every enum, splits the name like a label and skips unknown fields', () => {
    const max = 2n ** 64n - 1n;
    const uri = uriOf(
      message([
        [1, 'bytes', message([[1, 'bytes', secretOf(20)], [2, 'bytes', 'alice@example.com']])], // all enums unspecified
        [
          1,
          'bytes',
          message([
            [1, 'bytes', secretOf(64)],
            [2, 'bytes', 'ACME Co: bob'],
            [3, 'bytes', 'acme.example'],
            [4, 'varint', 3n],
            [5, 'varint', 2n],
            [6, 'varint', 1n],
            [7, 'varint', max],
          ]),
        ],
        [
          1,
          'bytes',
          message([
            [9, 'varint', 5n],
            [1, 'bytes', secretOf(10)],
            [10, 'bytes', 'x'],
            [11, 'fixed32'],
            [12, 'fixed64'],
            [2, 'bytes', 'Émile 😀'],
            [4, 'varint', 2n],
            [5, 'varint', 1n],
            [6, 'varint', 2n],
          ]),
        ],
        [
          1,
          'bytes',
          message([[1, 'bytes', secretOf(16)], [2, 'bytes', 'Shop:carol'], [6, 'varint', 1n], [
            7,
            'varint',
            42n,
          ]]),
        ],
        [2, 'varint', 1n],
        [3, 'varint', 1n],
        [4, 'varint', 0n],
        [5, 'varint', 123456789n],
        [99, 'bytes', 'future field'],
      ]),
    );
    expect(parseMigrationURI(uri)).toStrictEqual([
      key({ secret: referenceBase32(secretOf(20)), account: 'alice@example.com' }),
      key({
        type: 'hotp',
        secret: referenceBase32(secretOf(64)),
        account: 'bob',
        issuer: 'acme.example',
        labelIssuer: 'ACME Co',
        algorithm: 'SHA512',
        digits: 8,
        counter: max,
      }),
      key({ secret: referenceBase32(secretOf(10)), account: 'Émile 😀', algorithm: 'SHA256' }),
      key({
        type: 'hotp',
        secret: referenceBase32(secretOf(16)),
        account: 'carol',
        issuer: 'Shop',
        labelIssuer: 'Shop',
        counter: 42,
      }),
    ]);
  });

  it.each(
    [
      ['an unknown algorithm', [[4, 'varint', 9n]], 'ERR_MIGRATION_UNSUPPORTED'],
      ['MD5', [[4, 'varint', 4n]], 'ERR_MIGRATION_UNSUPPORTED'],
      ['digits 3', [[5, 'varint', 3n]], 'ERR_MIGRATION_UNSUPPORTED'],
      ['type 3', [[6, 'varint', 3n]], 'ERR_MIGRATION_UNSUPPORTED'],
      ['a secret given as a varint', [[1, 'varint', 5n]], 'ERR_MIGRATION_INVALID'],
      ['a name given as a varint', [[2, 'varint', 5n]], 'ERR_MIGRATION_INVALID'],
      ['an algorithm given as bytes', [[4, 'bytes', 'x']], 'ERR_MIGRATION_INVALID'],
      [
        'a name that is not UTF-8',
        [[2, 'bytes', new Uint8Array([0xc3, 0x28])]],
        'ERR_MIGRATION_INVALID',
      ],
      ['a name with a control character', [[2, 'bytes', 'a\nb']], 'ERR_MIGRATION_INVALID'],
      ['a name with a C1 control (U+0085)', [[2, 'bytes', 'a\u0085b']], 'ERR_MIGRATION_INVALID'],
      [
        'a name with a right-to-left override',
        [[2, 'bytes', 'Bank:alice\u202emoc.live']],
        'ERR_MIGRATION_INVALID',
      ],
      [
        'an issuer with a zero-width space',
        [[3, 'bytes', 'Pay\u200bPal']],
        'ERR_MIGRATION_INVALID',
      ],
      [
        'an issuer with a left-to-right isolate',
        [[3, 'bytes', '\u2066Bank']],
        'ERR_MIGRATION_INVALID',
      ],
      ['an issuer with a control character', [[3, 'bytes', 'a\x7f']], 'ERR_MIGRATION_INVALID'],
      ['an empty secret', [[1, 'bytes', new Uint8Array(0)]], 'ERR_MIGRATION_INVALID'],
    ] as const,
  )('refuses an account with %s', async (_, fields, code) => {
    const account = message([
      [1, 'bytes', secretOf(10)],
      [2, 'bytes', 'n'],
      ...(fields as unknown as Field[]),
    ]);
    await expectOTPError(() => parseMigrationURI(uriOf(message([[1, 'bytes', account]]))), code);
  });

  it('splits a name at its first ":" only: the rest, colons and all, is the account', () => {
    const account = message([[1, 'bytes', secretOf(10)], [2, 'bytes', 'a:b:c']]);
    expect(parseMigrationURI(uriOf(message([[1, 'bytes', account]])))).toStrictEqual([
      key({ secret: referenceBase32(secretOf(10)), account: 'b:c', issuer: 'a', labelIssuer: 'a' }),
    ]);
  });

  it('refuses an account list given as a varint', async () => {
    await expectOTPError(
      () => parseMigrationURI(uriOf(message([[1, 'varint', 1n]]))),
      'ERR_MIGRATION_INVALID',
    );
  });

  it('refuses what is not a string, and URIs over 4,096 characters', async () => {
    await expectOTPError(() => parseMigrationURI(42 as never), 'ERR_INVALID_OPTION');
    await expectOTPError(
      () => parseMigrationURI(`otpauth-migration://offline?data=${'A'.repeat(4100)}`),
      'ERR_URI_TOO_LONG',
    );
  });
});

describe('buildMigrationURIs', () => {
  it('round-trips 600 random keys in batches, with consistent batch fields (seeded)', () => {
    const rng = seededRandom();
    for (let round = 0; round < 30; round++) {
      const keys = Array.from(
        { length: rng.int(0, 25) },
        () => randomKey(rng, { migration: true }),
      );
      const batchSize = rng.pick([undefined, 1, 3, 7, 10, 25]);
      const uris = buildMigrationURIs(keys, batchSize === undefined ? undefined : { batchSize });
      const size = batchSize ?? 10;
      expect(uris, rng.tag).toHaveLength(Math.ceil(keys.length / size));
      expect(uris.flatMap((uri) => parseMigrationURI(uri)), rng.tag).toStrictEqual(keys);
      const ids = new Set<bigint | undefined>();
      uris.forEach((uri, i) => {
        expect(uri, rng.tag).toMatch(/^otpauth-migration:\/\/offline\?data=[A-Za-z0-9%]+$/);
        const top = readTop(uri);
        expect(top.accounts, rng.tag).toBe(Math.min(size, keys.length - i * size));
        expect([top.varints.get(2), top.varints.get(3), top.varints.get(4)], rng.tag).toEqual([
          1n,
          BigInt(uris.length),
          BigInt(i),
        ]);
        ids.add(top.varints.get(5));
      });
      if (uris.length > 0) {
        expect(ids.size, rng.tag).toBe(1);
        expect([...ids][0]! > 0n, rng.tag).toBe(true);
      }
    }
  });

  it('reads back a key parsed from a key URI, leaving out params', () => {
    const k = key({ secret: 'JBSWY3DPEHPK3PXP', account: 'a', issuer: 'I', labelIssuer: 'I' });
    expect(parseMigrationURI(buildMigrationURIs([{ ...k, params: { image: 'x' } }])[0]!))
      .toStrictEqual([k]);
  });

  it.each(
    [
      ['digits 7', { digits: 7 }],
      ['period 60', { period: 60 }],
      ['a ":" in the account', { account: 'a:b' }],
      ['a control character in the issuer', { issuer: 'a\tb' }],
      ['an unknown type', { type: 'steam' }],
      ['an account that is not a string', { account: 1 }],
      ['a null issuer', { issuer: null }],
      ['a label issuer with a ":"', { issuer: 'I', labelIssuer: 'a:b' }],
      ['algorithm MD5', { algorithm: 'MD5' }],
    ] as const,
  )('refuses a key with %s', async (_, change) => {
    const error = await expectOTPError(
      () =>
        buildMigrationURIs([
          { ...key({ secret: 'JBSWY3DPEHPK3PXP', account: 'a' }), ...change } as never,
        ]),
      'ERR_INVALID_OPTION',
    );
    expect(error.message).not.toContain('JBSWY3DPEHPK3PXP');
  });

  it('refuses bad arguments and batches too long for one URI', async () => {
    const k = key({ secret: 'JBSWY3DPEHPK3PXP', account: 'a' });
    await expectOTPError(() => buildMigrationURIs('x' as never), 'ERR_INVALID_OPTION');
    // A non-object options argument is an OTPError too (null used to escape as a TypeError).
    await expectOTPError(() => buildMigrationURIs([k], null as never), 'ERR_INVALID_OPTION');
    await expectOTPError(() => buildMigrationURIs([k], 10 as never), 'ERR_INVALID_OPTION');
    await expectOTPError(() => buildMigrationURIs([k], { batchSize: 0 }), 'ERR_INVALID_OPTION');
    await expectOTPError(() => buildMigrationURIs([k], { batchSize: 101 }), 'ERR_INVALID_OPTION');
    await expectOTPError(() => buildMigrationURIs([null as never]), 'ERR_INVALID_OPTION');
    // A hole in a sparse array is a missing key, not one to skip silently.
    // eslint-disable-next-line no-sparse-arrays
    await expectOTPError(() => buildMigrationURIs([k, , k] as never), 'ERR_INVALID_OPTION');
    await expectOTPError(
      () => buildMigrationURIs([{ ...k, secret: 'JBSWY3DP1' }]),
      'ERR_BASE32_INVALID_CHARACTER',
    );
    const long = Array.from(
      { length: 10 },
      (_, i) => key({ secret: 'JBSWY3DPEHPK3PXP', account: `${i}${'x'.repeat(400)}` }),
    );
    await expectOTPError(() => buildMigrationURIs(long), 'ERR_INVALID_OPTION');
    expect(buildMigrationURIs(long, { batchSize: 2 })).toHaveLength(5);
    expect(buildMigrationURIs([])).toEqual([]);
  });
});

describe('hostile payloads (seeded)', () => {
  // A hang would hit vitest's test timeout; no wall-clock assertion here (timing belongs in npm run bench).
  it('3,000 random and mutated payloads end in keys or an OTPError', () => {
    const rng = seededRandom();
    const good = message([[
      1,
      'bytes',
      message([
        [1, 'bytes', secretOf(20)],
        [2, 'bytes', 'I:a'],
        [3, 'bytes', 'I'],
        [4, 'varint', 1n],
        [5, 'varint', 1n],
        [6, 'varint', 2n],
      ]),
    ], [2, 'varint', 1n]]);
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      let payload: Uint8Array;
      if (i % 2 === 0) payload = rng.bytes(rng.int(0, 200));
      else {
        payload = good.slice(0, rng.int(0, good.length));
        for (let m = rng.int(0, 3); m > 0 && payload.length > 0; m--) {
          payload[rng.int(0, payload.length - 1)] = rng.int(0, 255);
        }
      }
      try {
        const keys = parseMigrationURI(uriOf(payload));
        parsed++;
        expect(Array.isArray(keys), rng.tag).toBe(true);
      } catch (error) {
        if (!isOTPError(error) || !/^ERR_(MIGRATION|URI)_/.test(error.code)) {
          throw new Error(`${rng.tag} #${i}: ${String(error)}`);
        }
      }
    }
    expect(parsed, rng.tag).toBeGreaterThan(10);
  });
});
