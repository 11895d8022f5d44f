// Options are read exactly once, and no caller-supplied subclass or fake object is trusted.
//  a. Every option a public function takes is read once, whether it is a getter or a Proxy answers it.
//  b. A value that changes between reads (a getter, a Proxy) cannot poison the key cache: 200 seeded rounds
//     mixing hostile and honest calls, every honest answer equal to an independent node:crypto reference.
//  c. Bytes are read through the platform's own typed-array internals: a Uint8Array subclass that lies
//     about its length, slice or subarray is read for its real bytes, a Float64Array claiming the
//     Uint8Array tag and a Proxy are refused, the caller's array is copied (and never written), and an
//     Array subclass whose methods throw is read by index only.
//  d. CryptoKeys are judged by the platform's own getters: plain objects dressed as keys, objects made from
//     CryptoKey.prototype, keys of the wrong kind, and real keys with shadowing own properties get stable codes.
import { afterAll, describe, expect, it } from 'vitest';
import {
  buildKeyURI,
  buildMigrationURIs,
  configureKeyCache,
  decodeBase32,
  encodeBase32,
  findRecoveryCode,
  generateHOTP,
  generateRecoveryCodes,
  generateSecret,
  generateTOTP,
  type HashAlgorithm,
  hashRecoveryCode,
  isOTPError,
  type KeyURI,
  openSecret,
  openSecretKey,
  type OTPErrorCode,
  parseKeyURI,
  parseMigrationURI,
  resyncHOTP,
  sealSecret,
  totpStep,
  verifyHOTP,
  verifyTOTP,
} from '../src/index.js';
import { encodeQR, qrToSVG, qrToTerminal } from '../src/qr/index.js';
import { expectOTPError } from './helpers/errors.js';
import { seededRandom } from './helpers/random.js';
import { untouchable } from './helpers/hostile.js';
import { fromHex, referenceBase32, referenceHOTP, referenceTOTP } from './helpers/reference.js';

const rng = seededRandom();
const SECRET = 'JBSWY3DPEHPK3PXP';
const SECRET_BYTES = fromHex('48656c6c6f21deadbeef');
const TIME = 1_700_000_000_123;
const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'] as const;
const WEBCRYPTO_HASH = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' } as const;
const SEAL_KEY = new Uint8Array(32).fill(7);
const SEALED = await sealSecret({ secret: SECRET, key: SEAL_KEY, context: 'user-1' });
const PEPPER = await crypto.subtle.importKey(
  'raw',
  new Uint8Array(32).fill(9),
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['sign'],
);
const CODE = generateRecoveryCodes({ count: 1 })[0] as string;
const HASH = await hashRecoveryCode(CODE, { key: PEPPER, context: 'user-1' });
const MATRIX = encodeQR('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP');
const URI = `otpauth://totp/Example:alice?secret=${SECRET}&issuer=Example`;

afterAll(() => configureKeyCache({ maxEntries: 256 }));

/** The TOTP step of TIME for a period and epoch, as a bigint (reference arithmetic). */
const stepOf = (time: number, period = 30, epoch = 0): bigint =>
  (BigInt(time) - BigInt(epoch)) / (BigInt(period) * 1000n);

// ─── a. every option is read exactly once ──────────────────────────────────────────────────────────────

type Reads = Record<string, number>;

/** An object whose every property is an enumerable getter that counts its reads and answers `values[name]`. */
function countingGetters<T extends object>(values: T): { object: T; reads: Reads } {
  const reads: Reads = {};
  const object = {} as T;
  for (const [name, value] of Object.entries(values)) {
    reads[name] = 0;
    Object.defineProperty(object, name, {
      enumerable: true,
      configurable: true,
      get: () => {
        reads[name] = (reads[name] ?? 0) + 1;
        return value;
      },
    });
  }
  return { object, reads };
}

/** A Proxy over `values` whose get trap counts reads per (string) property. */
function countingProxy<T extends object>(values: T): { object: T; reads: Reads } {
  const reads: Reads = {};
  for (const name of Object.keys(values)) reads[name] = 0;
  const object = new Proxy(values, {
    get(target, key, receiver) {
      if (typeof key === 'string') reads[key] = (reads[key] ?? 0) + 1;
      return Reflect.get(target, key, receiver) as unknown;
    },
  });
  return { object, reads };
}

interface ReadCase {
  /** The options it takes, with valid values: each must be read exactly once. */
  readonly taken: Record<string, unknown>;
  /** Options of other functions (or of the other type) it need not read: at most once. */
  readonly ignored?: Record<string, unknown>;
  /** The call, with the (getter or Proxy) options object. */
  readonly call: (options: object) => unknown;
  /** Whether the answer is a function of the options alone, so that it must equal the plain call's. */
  readonly deterministic: boolean;
}

const HOTP_TOKEN = referenceHOTP(SECRET_BYTES, 7n, 8, 'SHA256');
const TOTP_TOKEN = referenceTOTP(SECRET_BYTES, TIME, 1000, 60, 7, 'SHA512');
const RESYNC_TOKENS = [
  referenceHOTP(SECRET_BYTES, 20n, 6, 'SHA1'),
  referenceHOTP(SECRET_BYTES, 21n, 6, 'SHA1'),
];
const KEY_URI = parseKeyURI(URI);

const READ_CASES: Record<string, ReadCase> = {
  generateHOTP: {
    taken: { secret: SECRET, counter: 5, algorithm: 'SHA256', digits: 8 },
    ignored: { period: 30, time: TIME, token: '123456', lookAhead: 1 },
    call: (o) => generateHOTP(o as never),
    deterministic: true,
  },
  verifyHOTP: {
    taken: {
      secret: SECRET,
      token: HOTP_TOKEN,
      counter: 5,
      lookAhead: 3,
      algorithm: 'SHA256',
      digits: 8,
    },
    ignored: { period: 30, time: TIME, window: 1 },
    call: (o) => verifyHOTP(o as never),
    deterministic: true,
  },
  generateTOTP: {
    taken: { secret: SECRET, time: TIME, period: 60, epoch: 1000, algorithm: 'SHA512', digits: 7 },
    ignored: { counter: 1, token: '123456', window: 1, afterStep: 0 },
    call: (o) => generateTOTP(o as never),
    deterministic: true,
  },
  verifyTOTP: {
    taken: {
      secret: SECRET,
      token: TOTP_TOKEN,
      time: TIME,
      period: 60,
      epoch: 1000,
      algorithm: 'SHA512',
      digits: 7,
      window: 2,
      afterStep: 3,
    },
    ignored: { counter: 1, lookAhead: 1 },
    call: (o) => verifyTOTP(o as never),
    deterministic: true,
  },
  totpStep: {
    taken: { time: TIME, period: 45, epoch: 5000 },
    ignored: { secret: SECRET, digits: 6 },
    call: (o) => totpStep(o as never),
    deterministic: true,
  },
  resyncHOTP: {
    taken: {
      secret: SECRET,
      tokens: RESYNC_TOKENS,
      counter: 10,
      lookAhead: 20,
      algorithm: 'SHA1',
      digits: 6,
    },
    ignored: { token: '123456', window: 1 },
    call: (o) => resyncHOTP(o as never),
    deterministic: true,
  },
  generateSecret: {
    taken: { bytes: 32 },
    ignored: { count: 3 },
    call: (o) => generateSecret(o as never),
    deterministic: false,
  },
  'buildKeyURI (totp)': {
    taken: {
      type: 'totp',
      secret: SECRET,
      account: 'alice',
      issuer: 'Example',
      labelIssuer: 'Example Inc',
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
      params: { image: 'https://example.com/i.png' },
    },
    ignored: { counter: undefined, token: '123456' },
    call: (o) => buildKeyURI(o as never),
    deterministic: true,
  },
  'buildKeyURI (hotp)': {
    taken: {
      type: 'hotp',
      secret: SECRET_BYTES,
      account: 'bob',
      issuer: 'Example',
      algorithm: 'SHA512',
      digits: 6,
      counter: 2n ** 60n,
      params: {},
    },
    ignored: { period: undefined, labelIssuer: undefined },
    call: (o) => buildKeyURI(o as never),
    deterministic: true,
  },
  'buildMigrationURIs (options)': {
    taken: { batchSize: 1 },
    call: (o) => buildMigrationURIs([KEY_URI, KEY_URI], o as never),
    deterministic: false,
  },
  generateRecoveryCodes: {
    taken: { count: 5 },
    call: (o) => generateRecoveryCodes(o as never),
    deterministic: false,
  },
  'hashRecoveryCode (options)': {
    taken: { key: PEPPER, context: 'user-1' },
    call: (o) => hashRecoveryCode(CODE, o as never),
    deterministic: true,
  },
  findRecoveryCode: {
    taken: { code: CODE, hashes: ['sha256:00', HASH], key: PEPPER, context: 'user-1' },
    call: (o) => findRecoveryCode(o as never),
    deterministic: true,
  },
  sealSecret: {
    taken: { secret: SECRET, key: SEAL_KEY, context: 'user-1' },
    ignored: { sealed: SEALED },
    call: (o) => sealSecret(o as never),
    deterministic: false,
  },
  openSecret: {
    taken: { sealed: SEALED, key: SEAL_KEY, context: 'user-1' },
    ignored: { secret: SECRET, algorithm: 'SHA1' },
    call: (o) => openSecret(o as never),
    deterministic: true,
  },
  openSecretKey: {
    taken: { sealed: SEALED, key: SEAL_KEY, context: 'user-1', algorithm: 'SHA256' },
    call: (o) => openSecretKey(o as never),
    deterministic: false,
  },
  configureKeyCache: {
    taken: { maxEntries: 256 },
    call: (o) => configureKeyCache(o as never),
    deterministic: true,
  },
  'decodeBase32 (options)': {
    taken: { loose: true },
    call: (o) => decodeBase32('jbsw y3dp-ehpk 3pxp', o as never),
    deterministic: true,
  },
  'encodeBase32 (options)': {
    taken: { padding: true },
    call: (o) => encodeBase32(SECRET_BYTES, o as never),
    deterministic: true,
  },
  encodeQR: {
    taken: { ecc: 'Q', minVersion: 3 },
    call: (o) => encodeQR(URI, o as never),
    deterministic: true,
  },
  'qrToSVG (light: null)': {
    taken: { margin: 2, dark: '#123', light: null, width: 300 },
    call: (o) => qrToSVG(MATRIX, o as never),
    deterministic: true,
  },
  "qrToSVG (light: '#eee')": {
    taken: { margin: 0, dark: 'currentColor', light: '#eee', width: '40mm', height: '100%' },
    call: (o) => qrToSVG(MATRIX, o as never),
    deterministic: true,
  },
  qrToTerminal: {
    taken: { margin: 1, invert: true },
    call: (o) => qrToTerminal(MATRIX, o as never),
    deterministic: true,
  },
};

/** An answer in a comparable form (a QR matrix by its modules). */
function comparable(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && 'isDark' in value) {
    const m = value as {
      size: number;
      version: number;
      mask: number;
      isDark(x: number, y: number): boolean;
    };
    let modules = '';
    for (let y = 0; y < m.size; y++) {
      for (let x = 0; x < m.size; x++) {
        modules += m.isDark(x, y) ? '1' : '0';
      }
    }
    return { size: m.size, version: m.version, mask: m.mask, modules };
  }
  return value;
}

async function expectReadOnce(
  name: string,
  c: ReadCase,
  make: typeof countingGetters,
): Promise<void> {
  const { object, reads } = make({ ...c.taken, ...c.ignored });
  const answer = await c.call(object);
  for (const option of Object.keys(c.taken)) {
    expect(reads[option], `${name}: "${option}" read ${reads[option]} times`).toBe(1);
  }
  for (const option of Object.keys(c.ignored ?? {})) {
    expect(reads[option], `${name}: "${option}" (not taken) read ${reads[option]} times`)
      .toBeLessThanOrEqual(1);
  }
  // Nothing else is read more than once either (a Proxy sees every property asked for).
  for (const [option, count] of Object.entries(reads)) {
    expect(count, `${name}: "${option}" read ${count} times`).toBeLessThanOrEqual(1);
  }
  if (c.deterministic) {
    expect(comparable(answer), name).toStrictEqual(
      comparable(await c.call({ ...c.taken, ...c.ignored })),
    );
  }
}

describe('a. every option a public function takes is read exactly once', () => {
  it.each(Object.keys(READ_CASES))('%s reads each option getter once', async (name) => {
    await expectReadOnce(name, READ_CASES[name] as ReadCase, countingGetters);
  });

  it.each(Object.keys(READ_CASES))('%s asks a Proxy for each option once', async (name) => {
    await expectReadOnce(name, READ_CASES[name] as ReadCase, countingProxy);
  });

  it("verifyTOTP reads window's past and future once each, from getters and from a Proxy", async () => {
    for (const make of [countingGetters, countingProxy]) {
      const window = make({ past: 2, future: 0 });
      const match = await verifyTOTP({
        secret: SECRET,
        token: referenceTOTP(SECRET_BYTES, TIME - 60_000, 0, 30, 6, 'SHA1'),
        time: TIME,
        window: window.object,
      });
      expect(window.reads).toEqual({ past: 1, future: 1 });
      expect(match).toEqual({ step: Number(stepOf(TIME)) - 2, delta: -2 });
    }
  });

  it('buildKeyURI reads each extra parameter once (getters and a Proxy)', () => {
    for (const make of [countingGetters, countingProxy]) {
      const params = make({ image: 'https://example.com/i.png', color: 'red' });
      const uri = buildKeyURI({ secret: SECRET, account: 'alice', params: params.object });
      expect(params.reads).toEqual({ image: 1, color: 1 });
      expect(uri).toBe(
        `otpauth://totp/alice?secret=${SECRET}&image=https%3A%2F%2Fexample.com%2Fi.png&color=red`,
      );
    }
  });

  it('buildMigrationURIs reads each field of each key once, and the keys array by length and index once each', () => {
    const hotp: KeyURI = {
      type: 'hotp',
      secret: SECRET,
      account: 'bob',
      algorithm: 'SHA256',
      digits: 8,
      counter: 7,
      params: {},
    };
    for (const make of [countingGetters, countingProxy]) {
      const a = make({ ...KEY_URI });
      const b = make({ ...hotp });
      const keys = countingProxy([a.object, b.object]);
      const uris = buildMigrationURIs(keys.object, { batchSize: 10 });
      expect(parseMigrationURI(uris[0] as string)).toStrictEqual([KEY_URI, { ...hotp }]);
      for (
        const field of [
          'type',
          'secret',
          'account',
          'issuer',
          'labelIssuer',
          'algorithm',
          'digits',
          'period',
        ]
      ) expect(a.reads[field], `totp key ${field}`).toBe(1);
      for (const field of ['type', 'secret', 'account', 'algorithm', 'digits', 'counter']) {
        expect(b.reads[field], `hotp key ${field}`).toBe(1);
      }
      for (const [field, count] of [...Object.entries(a.reads), ...Object.entries(b.reads)]) {
        expect(count, field).toBeLessThanOrEqual(1);
      }
      expect(keys.reads).toMatchObject({ length: 1, 0: 1, 1: 1 });
    }
  });

  it('resyncHOTP and findRecoveryCode read their arrays by length and index once each', async () => {
    const tokens = countingProxy([...RESYNC_TOKENS]);
    expect(
      await resyncHOTP({
        secret: SECRET,
        tokens: tokens.object as [string, string],
        counter: 10,
        lookAhead: 20,
      }),
    ).toEqual({ counter: 21, nextCounter: 22, delta: 11 });
    expect(tokens.reads).toMatchObject({ length: 1, 0: 1, 1: 1 });
    const hashes = countingProxy(['x', 'sha256:00', HASH]);
    expect(
      await findRecoveryCode({ code: CODE, hashes: hashes.object, key: PEPPER, context: 'user-1' }),
    ).toBe(2);
    expect(hashes.reads).toMatchObject({ length: 1, 0: 1, 1: 1, 2: 1 });
    for (
      const [name, count] of [...Object.entries(tokens.reads), ...Object.entries(hashes.reads)]
    ) expect(count, name).toBeLessThanOrEqual(1);
  });

  it("qrToSVG and qrToTerminal read a matrix's size and isDark once each: what they check is what they draw", () => {
    for (const draw of [(m: never) => qrToSVG(m), (m: never) => qrToTerminal(m)]) {
      const matrix = countingGetters({
        size: MATRIX.size,
        version: MATRIX.version,
        ecc: MATRIX.ecc,
        mask: MATRIX.mask,
        isDark: (x: number, y: number) => MATRIX.isDark(x, y),
      });
      expect(draw(matrix.object as never)).toBe(draw(MATRIX as never));
      expect(matrix.reads.size).toBe(1);
      expect(matrix.reads.isDark).toBe(1);
    }
  });

  it('a matrix whose size or isDark changes after the checks cannot put markup in the SVG nor make a TypeError escape', async () => {
    let sizeReads = 0;
    const growing = {
      isDark: () => false,
      get size(): number {
        return (++sizeReads === 1 ? 21 : '"/><script>alert(1)</script><x y="') as number;
      },
    };
    expect(qrToSVG(growing as never)).not.toContain('<script');
    let darkReads = 0;
    const vanishing = {
      size: 21,
      get isDark(): unknown {
        return ++darkReads === 1 ? () => true : 'not a function';
      },
    };
    for (
      const draw of [() => qrToSVG(vanishing as never), () => qrToTerminal(vanishing as never)]
    ) {
      darkReads = 0;
      try {
        draw();
      } catch (error) {
        expect(isOTPError(error), String(error)).toBe(true);
      }
    }
    // isDark answering something other than true is light: a truthy object is not dark.
    const truthy = { size: 21, isDark: () => ({}) };
    expect(qrToSVG(truthy as never)).toBe(qrToSVG({ size: 21, isDark: () => false } as never));
  });
});

// ─── b. no cache poisoning ─────────────────────────────────────────────────────────────────────────────

/** A getter object whose `name` answers each of `answers` in turn (the last one from then on). */
function flipping<T extends object>(base: T, name: string, answers: readonly unknown[]): T {
  let reads = 0;
  const object = { ...base };
  Object.defineProperty(object, name, {
    enumerable: true,
    get: () => answers[Math.min(reads++, answers.length - 1)],
  });
  return object;
}

/** A Proxy over `base` whose `name` answers each of `answers` in turn. */
function flippingProxy<T extends object>(base: T, name: string, answers: readonly unknown[]): T {
  let reads = 0;
  return new Proxy(base, {
    get: (
      target,
      key,
      receiver,
    ) => (key === name
      ? answers[Math.min(reads++, answers.length - 1)]
      : (Reflect.get(target, key, receiver) as unknown)),
  });
}

describe('b. a value that changes between reads cannot poison the key cache', () => {
  it('200 seeded rounds of hostile and honest calls: every answer equals the node:crypto reference', async () => {
    const secrets = Array.from({ length: 6 }, () => rng.bytes(rng.int(10, 40)));
    const textOf = (bytes: Uint8Array): string => {
      const text = referenceBase32(bytes);
      return rng.int(0, 3) === 0 ? text.toLowerCase() : text;
    };
    // A secret as base32 text (either case) or as a fresh copy of the bytes.
    const asSecret = (
      bytes: Uint8Array<ArrayBuffer>,
    ): string | Uint8Array => (rng.int(0, 1) === 0 ? textOf(bytes) : bytes.slice());
    const sizes = [256, 2, 1, 0];
    let hostileCalls = 0;
    for (let round = 0; round < 200; round++) {
      if (round % 50 === 0) configureKeyCache({ maxEntries: sizes[round / 50] as number });
      const calls: Promise<void>[] = [];
      for (let k = rng.int(3, 8); k > 0; k--) {
        const i = rng.int(0, secrets.length - 1);
        const bytes = secrets[i] as Uint8Array<ArrayBuffer>;
        const other = secrets[(i + rng.int(1, secrets.length - 1)) % secrets.length] as Uint8Array<
          ArrayBuffer
        >;
        const algorithm = rng.pick(ALGORITHMS);
        const otherAlgorithm = rng.pick(ALGORITHMS.filter((a) => a !== algorithm));
        const digits = rng.int(6, 10);
        const time = TIME + rng.int(-1e9, 1e9);
        const counter = rng.int(0, 1e6);
        const where = `round ${round}, secret ${i}, ${algorithm}, ${digits} digits; ${rng.tag}`;
        const kind = rng.int(0, 9);
        const base = { secret: asSecret(bytes), algorithm, digits, time, counter };
        calls.push(
          (async () => {
            if (kind === 0) {
              // algorithm answers A, then B: the one read (A) is used, and nothing is cached under the other.
              hostileCalls++;
              const code = await generateTOTP(
                flipping(base, 'algorithm', [algorithm, otherAlgorithm]),
              );
              expect(code, `hostile getter algorithm: ${where}`).toBe(
                referenceTOTP(bytes, time, 0, 30, digits, algorithm),
              );
            } else if (kind === 1) {
              hostileCalls++;
              const code = await generateHOTP(
                flippingProxy(base, 'secret', [asSecret(bytes), asSecret(other)]),
              );
              expect(code, `hostile Proxy secret: ${where}`).toBe(
                referenceHOTP(bytes, BigInt(counter), digits, algorithm),
              );
            } else if (kind === 2) {
              hostileCalls++;
              const token = referenceTOTP(bytes, time, 0, 30, digits, algorithm);
              const options = flipping({ ...base, token }, 'secret', [
                asSecret(bytes),
                asSecret(other),
                asSecret(other),
              ]);
              const match = await verifyTOTP(
                flipping(options, 'digits', [digits, digits === 6 ? 7 : 6]),
              );
              expect(match?.delta, `hostile getter secret and digits: ${where}`).toBe(0);
            } else if (kind === 3) {
              // The caller changes its array right after the call: the call computed with what it was given.
              hostileCalls++;
              const mine = bytes.slice();
              const pending = generateHOTP({ ...base, secret: mine });
              mine.set(other.subarray(0, mine.length));
              expect(await pending, `bytes changed after the call: ${where}`).toBe(
                referenceHOTP(bytes, BigInt(counter), digits, algorithm),
              );
              expect(
                await generateHOTP({ ...base, secret: mine }),
                `then the changed bytes: ${where}`,
              ).toBe(referenceHOTP(mine, BigInt(counter), digits, algorithm));
            } else if (kind === 4) {
              hostileCalls++;
              const code = await generateTOTP(
                flippingProxy(
                  flippingProxy(base, 'algorithm', [otherAlgorithm, algorithm]),
                  'time',
                  [time, time + 3_600_000],
                ),
              );
              expect(code, `hostile Proxy algorithm and time: ${where}`).toBe(
                referenceTOTP(bytes, time, 0, 30, digits, otherAlgorithm),
              );
            } else if (kind <= 6) {
              expect(await generateTOTP(base), `honest generateTOTP: ${where}`).toBe(
                referenceTOTP(bytes, time, 0, 30, digits, algorithm),
              );
              expect(await generateHOTP(base), `honest generateHOTP: ${where}`).toBe(
                referenceHOTP(bytes, BigInt(counter), digits, algorithm),
              );
            } else {
              // verifyTOTP against the reference, right and wrong tokens, with the exact expected step.
              const token = rng.int(0, 1) === 0
                ? referenceTOTP(bytes, time + rng.int(-1, 1) * 30_000, 0, 30, digits, algorithm)
                : referenceTOTP(bytes, time, 0, 30, digits, otherAlgorithm);
              const current = stepOf(time);
              let expected: { step: number; delta: number } | null = null;
              for (let d = -1; d <= 1 && expected === null; d++) {
                if (referenceHOTP(bytes, current + BigInt(d), digits, algorithm) === token) {
                  expected = { step: Number(current) + d, delta: d };
                }
              }
              expect(await verifyTOTP({ ...base, token }), `honest verifyTOTP: ${where}`)
                .toStrictEqual(expected);
            }
          })(),
        );
      }
      await Promise.all(calls);
    }
    expect(hostileCalls, rng.tag).toBeGreaterThan(50);
    configureKeyCache({ maxEntries: 256 });
  });
});

// ─── c. subclasses and fake byte arrays ────────────────────────────────────────────────────────────────

/** A Uint8Array subclass that lies about everything a careless reader would ask it. */
class Evil extends Uint8Array {
  override slice(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(20);
  }
  override subarray(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(20);
  }
}
for (const name of ['length', 'byteLength', 'byteOffset']) {
  Object.defineProperty(Evil.prototype, name, {
    get: () => 1,
  });
}
Object.defineProperty(Evil.prototype, Symbol.iterator, {
  value: function* () {
    yield 0;
  },
});
Object.defineProperty(Evil.prototype, 'buffer', { get: () => new ArrayBuffer(20) });

/** An Evil holding a copy of `bytes` (built on a fresh buffer: its own slice would answer 20 zeros). */
function evil(bytes: Uint8Array): Evil {
  return new Evil(Uint8Array.prototype.slice.call(bytes).buffer);
}

/** A Float64Array whose tag says Uint8Array. */
class Impostor extends Float64Array {}
Object.defineProperty(Impostor.prototype, Symbol.toStringTag, { get: () => 'Uint8Array' });

/** The codes every OTP function gives for `secret`, checked against the reference for `bytes`. */
async function expectCodesOf(
  secret: unknown,
  bytes: Uint8Array,
  algorithm: HashAlgorithm,
  where: string,
): Promise<void> {
  const s = secret as string;
  const totp = referenceTOTP(bytes, TIME, 0, 30, 6, algorithm);
  expect(await generateTOTP({ secret: s, algorithm, time: TIME }), `generateTOTP ${where}`).toBe(
    totp,
  );
  expect(await verifyTOTP({ secret: s, algorithm, time: TIME, token: totp }), `verifyTOTP ${where}`)
    .toEqual({ step: Number(stepOf(TIME)), delta: 0 });
  expect(
    await generateHOTP({ secret: s, algorithm, counter: 9, digits: 8 }),
    `generateHOTP ${where}`,
  ).toBe(referenceHOTP(bytes, 9n, 8, algorithm));
  expect(
    await verifyHOTP({
      secret: s,
      algorithm,
      counter: 3,
      lookAhead: 10,
      token: referenceHOTP(bytes, 9n, 6, algorithm),
    }),
    `verifyHOTP ${where}`,
  ).toEqual({ counter: 9, nextCounter: 10, delta: 6 });
  const tokens = [
    referenceHOTP(bytes, 40n, 6, algorithm),
    referenceHOTP(bytes, 41n, 6, algorithm),
  ] as [string, string];
  expect(await resyncHOTP({ secret: s, algorithm, counter: 0, tokens }), `resyncHOTP ${where}`)
    .toEqual({ counter: 41, nextCounter: 42, delta: 41 });
}

/** Every OTP function refuses `secret` with `code`. */
async function expectSecretRefused(
  secret: unknown,
  code: OTPErrorCode,
  where: string,
  algorithm: HashAlgorithm = 'SHA1',
): Promise<void> {
  const s = secret as string;
  await expectOTPError(() => generateTOTP({ secret: s, algorithm }), code, `generateTOTP ${where}`);
  await expectOTPError(
    () => verifyTOTP({ secret: s, algorithm, token: '123456' }),
    code,
    `verifyTOTP ${where}`,
  );
  await expectOTPError(
    () => generateHOTP({ secret: s, algorithm, counter: 1 }),
    code,
    `generateHOTP ${where}`,
  );
  await expectOTPError(
    () => verifyHOTP({ secret: s, algorithm, counter: 1, token: '123456' }),
    code,
    `verifyHOTP ${where}`,
  );
  await expectOTPError(
    () => resyncHOTP({ secret: s, algorithm, counter: 1, tokens: ['123456', '123456'] }),
    code,
    `resyncHOTP ${where}`,
  );
}

describe('c. byte arrays are read through the platform, never through what the caller defines', () => {
  it('reads a Uint8Array subclass with a lying length, slice, subarray, iterator and buffer for its real bytes, as a secret', async () => {
    for (let i = 0; i < 6; i++) {
      const bytes = rng.bytes(rng.int(1, 80));
      const secret = evil(bytes);
      expect(secret.length, 'the subclass does lie').toBe(1);
      for (const algorithm of ALGORITHMS) {
        await expectCodesOf(
          secret,
          bytes,
          algorithm,
          `Evil(${bytes.length} bytes) ${algorithm}; ${rng.tag}`,
        );
      }
    }
  });

  it('encodes, writes into a key URI, and seals the real bytes of the lying subclass', async () => {
    for (let i = 0; i < 6; i++) {
      const bytes = rng.bytes(rng.int(1, 80));
      const where = `${bytes.length} bytes; ${rng.tag}`;
      expect(encodeBase32(evil(bytes)), where).toBe(referenceBase32(bytes));
      expect(encodeBase32(evil(bytes), { padding: true }).replace(/=+$/, ''), where).toBe(
        referenceBase32(bytes),
      );
      expect(buildKeyURI({ secret: evil(bytes), account: 'a' }), where).toBe(
        `otpauth://totp/a?secret=${referenceBase32(bytes)}`,
      );
      const sealed = await sealSecret({ secret: evil(bytes), key: SEAL_KEY });
      expect(await openSecret({ sealed, key: SEAL_KEY }), where).toBe(referenceBase32(bytes));
    }
  });

  it('uses the 32 real bytes of the lying subclass as a sealing key, interchangeably with the plain key', async () => {
    const keyBytes = rng.bytes(32);
    const sealed = await sealSecret({ secret: SECRET, key: evil(keyBytes), context: 'c' });
    expect(await openSecret({ sealed, key: keyBytes.slice(), context: 'c' }), rng.tag).toBe(SECRET);
    const sealedPlain = await sealSecret({ secret: SECRET, key: keyBytes.slice(), context: 'c' });
    expect(await openSecret({ sealed: sealedPlain, key: evil(keyBytes), context: 'c' }), rng.tag)
      .toBe(SECRET);
    const key = await openSecretKey({
      sealed: sealedPlain,
      key: evil(keyBytes),
      context: 'c',
      algorithm: 'SHA256',
    });
    expect(await generateTOTP({ secret: key, algorithm: 'SHA256', time: TIME }), rng.tag).toBe(
      referenceTOTP(SECRET_BYTES, TIME, 0, 30, 6, 'SHA256'),
    );
  });

  it('reads only the viewed bytes of a Uint8Array over part of a larger buffer', async () => {
    const buffer = rng.bytes(64).buffer;
    const view = new Uint8Array(buffer, 8, 20);
    const bytes = new Uint8Array(buffer.slice(8, 28));
    await expectCodesOf(view, bytes, 'SHA1', `a 20-byte view at offset 8; ${rng.tag}`);
    expect(encodeBase32(view)).toBe(referenceBase32(bytes));
  });

  it('refuses a Float64Array whose tag says Uint8Array, and other fakes, with ERR_INVALID_SECRET as a secret and ERR_INVALID_OPTION elsewhere', async () => {
    const fakes: [string, unknown][] = [
      ['a Float64Array subclass tagged Uint8Array', new Impostor(4)],
      ['an object made from Uint8Array.prototype', Object.create(Uint8Array.prototype)],
      ['an array-like tagged Uint8Array', {
        length: 20,
        0: 1,
        1: 2,
        [Symbol.toStringTag]: 'Uint8Array',
      }],
      ['a Proxy around a Uint8Array', new Proxy(rng.bytes(20), {})],
      ['a Proxy around a Uint8Array subclass', new Proxy(evil(rng.bytes(32)), {})],
      ['a Uint8ClampedArray', new Uint8ClampedArray(20)],
      ['a DataView', new DataView(new ArrayBuffer(20))],
      ['an ArrayBuffer', new ArrayBuffer(20)],
    ];
    expect(Object.prototype.toString.call(new Impostor(4))).toBe('[object Uint8Array]');
    for (const [what, fake] of fakes) {
      await expectSecretRefused(fake, 'ERR_INVALID_SECRET', what);
      await expectOTPError(
        () => buildKeyURI({ secret: fake as Uint8Array, account: 'a' }),
        'ERR_INVALID_SECRET',
        `buildKeyURI ${what}`,
      );
      await expectOTPError(
        () => sealSecret({ secret: fake as Uint8Array, key: SEAL_KEY }),
        'ERR_INVALID_SECRET',
        `sealSecret secret ${what}`,
      );
      await expectOTPError(
        () => encodeBase32(fake as Uint8Array),
        'ERR_INVALID_OPTION',
        `encodeBase32 ${what}`,
      );
      await expectOTPError(
        () => sealSecret({ secret: SECRET, key: fake as Uint8Array }),
        'ERR_INVALID_OPTION',
        `sealSecret key ${what}`,
      );
      await expectOTPError(
        () => openSecret({ sealed: SEALED, key: fake as Uint8Array, context: 'user-1' }),
        'ERR_INVALID_OPTION',
        `openSecret key ${what}`,
      );
      await expectOTPError(
        () => openSecretKey({ sealed: SEALED, key: fake as Uint8Array, context: 'user-1' }),
        'ERR_INVALID_OPTION',
        `openSecretKey key ${what}`,
      );
    }
  });

  it('refuses a Uint8Array whose buffer was detached (no bytes) as a secret and as a key', async () => {
    const secret = rng.bytes(20);
    const key = rng.bytes(32);
    structuredClone(secret.buffer, { transfer: [secret.buffer] });
    structuredClone(key.buffer, { transfer: [key.buffer] });
    await expectSecretRefused(secret, 'ERR_INVALID_SECRET', 'a detached secret');
    await expectOTPError(
      () => sealSecret({ secret: SECRET, key }),
      'ERR_INVALID_OPTION',
      'a detached key',
    );
    expect(encodeBase32(secret)).toBe('');
  });

  it("copies the caller's array at the call: a change right after it does not reach that call, and does reach the next", async () => {
    for (let i = 0; i < 8; i++) {
      const original = rng.bytes(rng.int(1, 64));
      const changed = rng.bytes(original.length);
      const where = `${original.length} bytes; ${rng.tag}`;
      const algorithm = rng.pick(ALGORITHMS);
      const mine = original.slice();
      const totp = generateTOTP({ secret: mine, time: TIME, algorithm });
      const hotp = verifyHOTP({
        secret: mine,
        counter: 0,
        lookAhead: 5,
        algorithm,
        token: referenceHOTP(original, 4n, 6, algorithm),
      });
      const uri = buildKeyURI({ secret: mine, account: 'a' });
      const sealed = sealSecret({ secret: mine, key: SEAL_KEY });
      mine.set(changed);
      expect(await totp, where).toBe(referenceTOTP(original, TIME, 0, 30, 6, algorithm));
      expect((await hotp)?.counter, where).toBe(4);
      expect(uri, where).toContain(`secret=${referenceBase32(original)}`);
      expect(await openSecret({ sealed: await sealed, key: SEAL_KEY }), where).toBe(
        referenceBase32(original),
      );
      // The next call sees the new contents: no key was cached under the array itself.
      expect(await generateTOTP({ secret: mine, time: TIME, algorithm }), where).toBe(
        referenceTOTP(changed, TIME, 0, 30, 6, algorithm),
      );
    }
  });

  it('copies a sealing key at the call: a change right after sealSecret does not change the key used', async () => {
    const key = rng.bytes(32);
    const original = key.slice();
    const pending = sealSecret({ secret: SECRET, key, context: 'c' });
    key.fill(0);
    expect(await openSecret({ sealed: await pending, key: original, context: 'c' }), rng.tag).toBe(
      SECRET,
    );
  });

  it("never writes into the caller's secret or key bytes (its private copies are the ones zeroed)", async () => {
    const secret = rng.bytes(20);
    const key = rng.bytes(32);
    const secretBefore = secret.slice();
    const keyBefore = key.slice();
    configureKeyCache({ maxEntries: 0 });
    try {
      await generateTOTP({ secret });
      await verifyHOTP({ secret, counter: 0, token: '000000' });
      const sealed = await sealSecret({ secret, key });
      await openSecret({ sealed, key });
      await openSecretKey({ sealed, key });
      buildKeyURI({ secret, account: 'a' });
      encodeBase32(secret);
      await new Promise((resolve) => setTimeout(resolve, 10));
    } finally {
      configureKeyCache({ maxEntries: 256 });
    }
    expect(secret, rng.tag).toEqual(secretBefore);
    expect(key, rng.tag).toEqual(keyBefore);
  });

  it.each(
    [
      ['an Array subclass whose methods and Symbol.species throw', false],
      ['a plain array with throwing own methods', true],
    ] as const,
  )(
    'reads %s by index only: resyncHOTP tokens, buildMigrationURIs keys, findRecoveryCode hashes',
    async (_, own) => {
      const tokens = untouchable(RESYNC_TOKENS, own) as [string, string];
      expect(() => tokens.map((t) => t), 'the array does throw').toThrow();
      expect(await resyncHOTP({ secret: SECRET, tokens, counter: 10, lookAhead: 20 })).toEqual({
        counter: 21,
        nextCounter: 22,
        delta: 11,
      });
      const hotp: KeyURI = {
        type: 'hotp',
        secret: SECRET,
        account: 'bob',
        algorithm: 'SHA1',
        digits: 6,
        counter: 0,
        params: {},
      };
      const keys = untouchable([KEY_URI, hotp, KEY_URI], own);
      const uris = buildMigrationURIs(keys, { batchSize: 2 });
      expect(uris.length).toBe(2);
      expect([...parseMigrationURI(uris[0] as string), ...parseMigrationURI(uris[1] as string)])
        .toStrictEqual([KEY_URI, hotp, KEY_URI]);
      const hashes = untouchable(['sha256:00', HASH, HASH], own);
      expect(await findRecoveryCode({ code: CODE, hashes, key: PEPPER, context: 'user-1' })).toBe(
        1,
      );
      expect(await findRecoveryCode({ code: 'not a code', hashes, key: PEPPER, context: 'user-1' }))
        .toBe(-1);
    },
  );

  it('refuses a fake Date (made from Date.prototype) as time or epoch with ERR_INVALID_OPTION', async () => {
    const fake = Object.create(Date.prototype) as Date;
    await expectOTPError(() => totpStep({ time: fake }), 'ERR_INVALID_OPTION', 'totpStep time');
    await expectOTPError(
      () => totpStep({ epoch: fake as unknown as number }),
      'ERR_INVALID_OPTION',
      'totpStep epoch',
    );
    await expectOTPError(
      () => generateTOTP({ secret: SECRET, time: fake }),
      'ERR_INVALID_OPTION',
      'generateTOTP time',
    );
    await expectOTPError(
      () => verifyTOTP({ secret: SECRET, token: '123456', time: fake }),
      'ERR_INVALID_OPTION',
      'verifyTOTP time',
    );
    await expectOTPError(
      () => totpStep({ time: { valueOf: () => 59_000 } as unknown as Date }),
      'ERR_INVALID_OPTION',
      'an object with a valueOf',
    );
  });

  it('reads a Date for its real time value, whatever its own valueOf or Symbol.toPrimitive say', () => {
    const liar = Object.assign(new Date(59_000), { valueOf: () => 1.7e12 });
    expect(totpStep({ time: liar }).step).toBe(1);
    class Shifted extends Date {
      override valueOf(): number {
        return 1.7e12;
      }
    }
    expect(totpStep({ time: new Shifted(59_000) }).step).toBe(1);
    const primitive = new Date(89_000);
    Object.defineProperty(primitive, Symbol.toPrimitive, { value: () => ({}) });
    expect(totpStep({ time: primitive }).step).toBe(2);
  });
});

// ─── d. fake and wrong CryptoKeys ──────────────────────────────────────────────────────────────────────

const importHmac = (
  bytes: Uint8Array<ArrayBuffer>,
  hash: string,
  usages: KeyUsage[] = ['sign'],
): Promise<CryptoKey> =>
  crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash }, false, usages);
const importAes = (
  bytes: Uint8Array<ArrayBuffer>,
  usages: KeyUsage[] = ['encrypt', 'decrypt'],
): Promise<CryptoKey> => crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, usages);

/** A real key with own properties shadowing the prototype's getters. */
function shadowed(
  key: CryptoKey,
  own: { algorithm?: unknown; usages?: unknown; type?: unknown },
): CryptoKey {
  for (const [name, value] of Object.entries(own)) {
    Object.defineProperty(key, name, { value, enumerable: true });
  }
  return key;
}

const AES_256 = await importAes(SEAL_KEY);
const AES_128 = await importAes(new Uint8Array(16).fill(3));
const AES_256_ENCRYPT = await importAes(SEAL_KEY, ['encrypt']);
const AES_256_DECRYPT = await importAes(SEAL_KEY, ['decrypt']);
const HMAC_256 = await importHmac(SECRET_BYTES, 'SHA-256');
const HMAC_1 = await importHmac(SECRET_BYTES, 'SHA-1');
const HMAC_512 = await importHmac(SECRET_BYTES, 'SHA-512');
const HMAC_256_VERIFY = await importHmac(SECRET_BYTES, 'SHA-256', ['verify']);
const FAKE_AES = {
  type: 'secret',
  algorithm: { name: 'AES-GCM', length: 256 },
  usages: ['encrypt', 'decrypt'],
  extractable: false,
  [Symbol.toStringTag]: 'CryptoKey',
};
const FAKE_HMAC = {
  type: 'secret',
  algorithm: { name: 'HMAC', hash: { name: 'SHA-256' }, length: 256 },
  usages: ['sign'],
  extractable: false,
  [Symbol.toStringTag]: 'CryptoKey',
};
/** An object made from CryptoKey.prototype, with `own` as own data properties (shadowing the getters). */
const fromPrototype = (own: Record<string, unknown> = {}): object =>
  Object.create(
    CryptoKey.prototype,
    Object.fromEntries(
      Object.entries(own).map(([name, value]) => [name, { value, enumerable: true }]),
    ),
  ) as object;
const dressedPrototype = (): object =>
  Object.create(CryptoKey.prototype, {
    type: { value: 'secret' },
    algorithm: { value: { name: 'AES-GCM', length: 256, hash: { name: 'SHA-256' } } },
    usages: { value: ['encrypt', 'decrypt', 'sign'] },
  }) as object;

describe('d. CryptoKeys are judged by the platform, never by what an object says of itself', () => {
  it('sealSecret, openSecret and openSecretKey refuse fake, wrong and shadowed sealing keys with ERR_INVALID_OPTION', async () => {
    const forBoth: [string, unknown][] = [
      ['a plain object tagged CryptoKey', FAKE_AES],
      ['Object.create(CryptoKey.prototype)', fromPrototype()],
      ['Object.create(CryptoKey.prototype) with own AES attributes', dressedPrototype()],
      ['a real HMAC key', HMAC_256],
      ['a Proxy around a real HMAC key', new Proxy(HMAC_256, {})],
      ['a real AES-128-GCM key', AES_128],
      [
        'a real AES-128 key claiming 256 bits',
        shadowed(await importAes(new Uint8Array(16)), {
          algorithm: { name: 'AES-GCM', length: 256 },
        }),
      ],
      [
        'a real HMAC key claiming AES-GCM 256',
        shadowed(await importHmac(new Uint8Array(32), 'SHA-256'), {
          algorithm: { name: 'AES-GCM', length: 256 },
          usages: ['encrypt', 'decrypt'],
        }),
      ],
    ];
    const sealOnly: [string, unknown][] = [
      ['a real AES-256 key allowing decrypt only', AES_256_DECRYPT],
      [
        'a real decrypt-only key claiming encrypt',
        shadowed(await importAes(SEAL_KEY, ['decrypt']), { usages: ['encrypt', 'decrypt'] }),
      ],
    ];
    const openOnly: [string, unknown][] = [
      ['a real AES-256 key allowing encrypt only', AES_256_ENCRYPT],
      [
        'a real encrypt-only key claiming decrypt',
        shadowed(await importAes(SEAL_KEY, ['encrypt']), { usages: ['encrypt', 'decrypt'] }),
      ],
    ];
    for (const [what, key] of [...forBoth, ...sealOnly]) {
      await expectOTPError(
        () => sealSecret({ secret: SECRET, key: key as CryptoKey }),
        'ERR_INVALID_OPTION',
        `sealSecret: ${what}`,
      );
    }
    for (const [what, key] of [...forBoth, ...openOnly]) {
      await expectOTPError(
        () => openSecret({ sealed: SEALED, key: key as CryptoKey, context: 'user-1' }),
        'ERR_INVALID_OPTION',
        `openSecret: ${what}`,
      );
      await expectOTPError(
        () => openSecretKey({ sealed: SEALED, key: key as CryptoKey, context: 'user-1' }),
        'ERR_INVALID_OPTION',
        `openSecretKey: ${what}`,
      );
    }
    // The real key itself works.
    expect(await openSecret({ sealed: SEALED, key: AES_256, context: 'user-1' })).toBe(SECRET);
    expect(
      await openSecret({
        sealed: await sealSecret({ secret: SECRET, key: AES_256 }),
        key: SEAL_KEY,
      }),
    ).toBe(SECRET);
  });

  // Node's WebCrypto reads a key's PUBLIC `algorithm` property (which an own property shadows): a key so
  // shadowed is refused, never checked as one thing and used as another.
  it('a real AES-256 key whose own `algorithm` claims 128 bits seals, or is refused with ERR_INVALID_OPTION', async () => {
    const modest = shadowed(await importAes(SEAL_KEY), {
      algorithm: { name: 'AES-GCM', length: 128 },
    });
    let outcome: unknown;
    try {
      outcome = await openSecret({
        sealed: await sealSecret({ secret: SECRET, key: modest }),
        key: SEAL_KEY,
      });
    } catch (error) {
      outcome = isOTPError(error) ? error.code : error;
    }
    expect([SECRET, 'ERR_INVALID_OPTION']).toContain(outcome);
  });

  it('every OTP function refuses fake, wrong and shadowed CryptoKey secrets with ERR_INVALID_SECRET', async () => {
    const fakes: [string, unknown, HashAlgorithm][] = [
      ['a plain object tagged CryptoKey (AES)', FAKE_AES, 'SHA1'],
      ['a plain object tagged CryptoKey (HMAC SHA-256)', FAKE_HMAC, 'SHA256'],
      ['Object.create(CryptoKey.prototype)', fromPrototype(), 'SHA1'],
      [
        'Object.create(CryptoKey.prototype) with own HMAC attributes',
        fromPrototype({
          type: 'secret',
          algorithm: { name: 'HMAC', hash: { name: 'SHA-1' } },
          usages: ['sign'],
        }),
        'SHA1',
      ],
      ['a real AES-GCM key', AES_256, 'SHA1'],
      ['a Proxy around a real AES-GCM key', new Proxy(AES_256, {}), 'SHA1'],
      ['a real HMAC key allowing verify only', HMAC_256_VERIFY, 'SHA256'],
      ['a real HMAC SHA-256 key used with SHA1', HMAC_256, 'SHA1'],
      ['a real HMAC SHA-256 key used with SHA512', HMAC_256, 'SHA512'],
      ['a real HMAC SHA-1 key used with SHA256', HMAC_1, 'SHA256'],
      [
        'a real HMAC SHA-256 key claiming SHA-1, used with SHA1',
        shadowed(await importHmac(SECRET_BYTES, 'SHA-256'), {
          algorithm: { name: 'HMAC', hash: { name: 'SHA-1' } },
        }),
        'SHA1',
      ],
      [
        'a real AES key claiming HMAC SHA-1 with sign',
        shadowed(await importAes(SEAL_KEY), {
          algorithm: { name: 'HMAC', hash: { name: 'SHA-1' } },
          usages: ['sign'],
        }),
        'SHA1',
      ],
      [
        'a real verify-only HMAC key claiming sign',
        shadowed(await importHmac(SECRET_BYTES, 'SHA-1', ['verify']), { usages: ['sign'] }),
        'SHA1',
      ],
    ];
    for (const [what, key, algorithm] of fakes) {
      await expectSecretRefused(key, 'ERR_INVALID_SECRET', what, algorithm);
    }
    // A real CryptoKey cannot be written out: buildKeyURI and sealSecret take text or bytes only.
    await expectOTPError(
      () => buildKeyURI({ secret: HMAC_1 as unknown as string, account: 'a' }),
      'ERR_INVALID_SECRET',
    );
    await expectOTPError(
      () => sealSecret({ secret: HMAC_1 as unknown as string, key: SEAL_KEY }),
      'ERR_INVALID_SECRET',
    );
    await expectOTPError(
      () => buildMigrationURIs([{ ...KEY_URI, secret: HMAC_1 as unknown as string }]),
      'ERR_INVALID_SECRET',
    );
  });

  it('hashRecoveryCode and findRecoveryCode refuse fake, wrong and shadowed keys with ERR_INVALID_OPTION', async () => {
    const fakes: [string, unknown][] = [
      ['a plain object tagged CryptoKey', FAKE_HMAC],
      ['Object.create(CryptoKey.prototype)', fromPrototype()],
      [
        'Object.create(CryptoKey.prototype) with own HMAC attributes',
        fromPrototype({
          type: 'secret',
          algorithm: { name: 'HMAC', hash: { name: 'SHA-256' } },
          usages: ['sign'],
        }),
      ],
      ['a real AES-GCM key', AES_256],
      ['a Proxy around a real AES-GCM key', new Proxy(AES_256, {})],
      ['a real HMAC SHA-1 key', HMAC_1],
      ['a real HMAC SHA-512 key', HMAC_512],
      ['a real HMAC SHA-256 key allowing verify only', HMAC_256_VERIFY],
      [
        'a real HMAC SHA-1 key claiming SHA-256',
        shadowed(await importHmac(SECRET_BYTES, 'SHA-1'), {
          algorithm: { name: 'HMAC', hash: { name: 'SHA-256' } },
        }),
      ],
      ['the 32 bytes of a key', new Uint8Array(32)],
    ];
    for (const [what, key] of fakes) {
      await expectOTPError(
        () => hashRecoveryCode(CODE, { key: key as CryptoKey }),
        'ERR_INVALID_OPTION',
        `hashRecoveryCode: ${what}`,
      );
      await expectOTPError(
        () => findRecoveryCode({ code: CODE, hashes: [HASH], key: key as CryptoKey }),
        'ERR_INVALID_OPTION',
        `findRecoveryCode: ${what}`,
      );
      // Even for a typed code that is not a recovery code: the key is a programming error, found first.
      await expectOTPError(
        () => findRecoveryCode({ code: 'x', hashes: [HASH], key: key as CryptoKey }),
        'ERR_INVALID_OPTION',
        `findRecoveryCode, bad code: ${what}`,
      );
    }
  });

  // Node signs with the public `algorithm`: a pepper whose own property claims SHA-1 would give
  // 'hmac-sha256:' and 40 hex digits, a hash no lookup matches. It is refused instead.
  it('a real HMAC SHA-256 pepper whose own `algorithm` claims SHA-1 hashes with SHA-256, or is refused', async () => {
    const claimsSha1 = shadowed(await importHmac(new Uint8Array(32).fill(9), 'SHA-256'), {
      algorithm: { name: 'HMAC', hash: { name: 'SHA-1' } },
    });
    let outcome: unknown;
    try {
      outcome = await hashRecoveryCode(CODE, { key: claimsSha1, context: 'user-1' });
    } catch (error) {
      outcome = isOTPError(error) ? error.code : error;
    }
    expect([HASH, 'ERR_INVALID_OPTION']).toContain(outcome);
  });

  it('a real HMAC CryptoKey of the matching hash gives the reference codes, for every algorithm (seeded keys)', async () => {
    for (let i = 0; i < 4; i++) {
      const bytes = rng.bytes(rng.int(1, 100));
      for (const algorithm of ALGORITHMS) {
        const key = await importHmac(bytes, WEBCRYPTO_HASH[algorithm]);
        await expectCodesOf(
          key,
          bytes,
          algorithm,
          `a real HMAC ${algorithm} key of ${bytes.length} bytes; ${rng.tag}`,
        );
      }
    }
  });

  it('a real HMAC key with an own `algorithm` naming another hash is judged by its real hash: refused for the one it claims', async () => {
    for (const algorithm of ALGORITHMS) {
      const liar = shadowed(await importHmac(rng.bytes(20), WEBCRYPTO_HASH[algorithm]), {
        algorithm: { name: 'HMAC', hash: { name: algorithm === 'SHA1' ? 'SHA-512' : 'SHA-1' } },
      });
      await expectSecretRefused(
        liar,
        'ERR_INVALID_SECRET',
        `${algorithm} key used with the hash it claims`,
        algorithm === 'SHA1' ? 'SHA512' : 'SHA1',
      );
    }
  });

  // Accepted for its real hash, it would be SIGNED with the claimed one (Node's sign reads the public
  // `algorithm`): such a key is refused.
  it('a real HMAC key with an own `algorithm` naming another hash gives its real-hash codes, or is refused', async () => {
    for (const algorithm of ALGORITHMS) {
      const bytes = rng.bytes(20);
      const liar = shadowed(await importHmac(bytes, WEBCRYPTO_HASH[algorithm]), {
        algorithm: { name: 'HMAC', hash: { name: algorithm === 'SHA1' ? 'SHA-512' : 'SHA-1' } },
      });
      let outcome: unknown;
      try {
        outcome = await generateHOTP({ secret: liar, algorithm, counter: 9 });
      } catch (error) {
        outcome = isOTPError(error) ? error.code : error;
      }
      expect(
        [referenceHOTP(bytes, 9n, 6, algorithm), 'ERR_INVALID_SECRET'],
        `${algorithm}; ${rng.tag}`,
      ).toContain(outcome);
    }
  });

  it('openSecretKey gives a key that is accepted as a secret for its algorithm only', async () => {
    for (const algorithm of ALGORITHMS) {
      const key = await openSecretKey({
        sealed: SEALED,
        key: AES_256,
        context: 'user-1',
        algorithm,
      });
      await expectCodesOf(key, SECRET_BYTES, algorithm, `opened for ${algorithm}`);
      await expectSecretRefused(
        key,
        'ERR_INVALID_SECRET',
        `opened for ${algorithm}, used with another`,
        algorithm === 'SHA1' ? 'SHA256' : 'SHA1',
      );
    }
  });

  // On Node the CryptoKey.prototype getters read the key's internal symbol properties, which a Proxy
  // forwards, so a Proxy around a real key cannot be told from the key (no portable API tells Proxies
  // apart). What holds everywhere: such a Proxy acts exactly as the key it wraps, or it is refused.
  it('sealSecret and openSecret take a Proxy around a real AES-256-GCM key as that key, or refuse it', async () => {
    for (
      const run of [
        async () =>
          openSecret({
            sealed: await sealSecret({ secret: SECRET, key: new Proxy(AES_256, {}) }),
            key: AES_256,
          }),
        async () => openSecret({ sealed: SEALED, key: new Proxy(AES_256, {}), context: 'user-1' }),
      ]
    ) {
      let outcome: unknown;
      try {
        outcome = await run();
      } catch (error) {
        outcome = isOTPError(error) ? error.code : error;
      }
      expect([SECRET, 'ERR_INVALID_OPTION']).toContain(outcome);
    }
  });

  it('the OTP functions take a Proxy around a real HMAC key as that key, or refuse it', async () => {
    let outcome: unknown;
    try {
      outcome = await generateHOTP({
        secret: new Proxy(HMAC_256, {}),
        algorithm: 'SHA256',
        counter: 5,
      });
    } catch (error) {
      outcome = isOTPError(error) ? error.code : error;
    }
    expect([
      await generateHOTP({ secret: HMAC_256, algorithm: 'SHA256', counter: 5 }),
      'ERR_INVALID_SECRET',
    ]).toContain(outcome);
  });

  it('hashRecoveryCode takes a Proxy around a real HMAC SHA-256 key as that key, or refuses it', async () => {
    let outcome: unknown;
    try {
      outcome = await hashRecoveryCode(CODE, { key: new Proxy(PEPPER, {}) });
    } catch (error) {
      outcome = isOTPError(error) ? error.code : error;
    }
    expect([await hashRecoveryCode(CODE, { key: PEPPER }), 'ERR_INVALID_OPTION']).toContain(
      outcome,
    );
  });

  it('a Proxy that reports another hash for a real HMAC key gives a code or ERR_INVALID_SECRET, never a platform error', async () => {
    // The Proxy reports SHA-512 to every reader (the getters and WebCrypto alike) for a real SHA-1 key.
    const liar = new Proxy(HMAC_1, {
      get(target, property, receiver) {
        const value: unknown = Reflect.get(target, property, target === receiver ? target : target);
        return typeof value === 'object' && value !== null &&
            (value as { name?: unknown }).name === 'HMAC'
          ? { ...(value as object), hash: { name: 'SHA-512' } }
          : value;
      },
    });
    for (const algorithm of ALGORITHMS) {
      let outcome: unknown;
      try {
        outcome = await generateHOTP({ secret: liar, algorithm, counter: 1 });
      } catch (error) {
        outcome = isOTPError(error) ? error.code : error;
      }
      // WebCrypto signs with what the Proxy reports, consistently: a code of that hash, or (where the MAC's
      // length gives the lie away, or WebCrypto refuses) ERR_INVALID_SECRET. A DOMException is a failure.
      if (outcome !== 'ERR_INVALID_SECRET') {
        expect(outcome, `${algorithm}: ${String(outcome)}`).toMatch(/^\d{6}$/);
      }
    }
  });

  // A caller's CryptoKey is never awaited nor returned from an async function, so a real key with an own
  // `then` is not taken for a thenable: what is checked is what signs or seals.
  it('a real HMAC key with an own `then` signs as itself, or is refused', async () => {
    const bytes = rng.bytes(20);
    const key = await importHmac(bytes, 'SHA-1');
    const substitute = await importHmac(rng.bytes(20), 'SHA-512');
    Object.defineProperty(key, 'then', {
      value: (resolve: (value: unknown) => void) => resolve(substitute),
    });
    let outcome: unknown;
    try {
      outcome = await generateHOTP({ secret: key, counter: 0 });
    } catch (error) {
      outcome = isOTPError(error) ? error.code : error;
    }
    expect([referenceHOTP(bytes, 0n, 6, 'SHA1'), 'ERR_INVALID_SECRET'], rng.tag).toContain(outcome);
  });

  it('a real AES-256 key with an own `then` seals as itself, or is refused', async () => {
    const key = await importAes(SEAL_KEY);
    const substitute = await importAes(new Uint8Array(16).fill(1));
    Object.defineProperty(key, 'then', {
      value: (resolve: (value: unknown) => void) => resolve(substitute),
    });
    let outcome: unknown;
    try {
      outcome = await openSecret({
        sealed: await sealSecret({ secret: SECRET, key }),
        key: SEAL_KEY,
      });
    } catch (error) {
      outcome = isOTPError(error) ? error.code : error;
    }
    expect([SECRET, 'ERR_INVALID_OPTION']).toContain(outcome);
  });

  it('never lets anything but an OTPError escape for any of these keys, in any key position', async () => {
    const keys: unknown[] = [
      FAKE_AES,
      FAKE_HMAC,
      fromPrototype(),
      dressedPrototype(),
      AES_128,
      HMAC_256_VERIFY,
      new Proxy(HMAC_1, {}),
      new Proxy({}, { get: () => 'secret' }),
    ];
    for (const key of keys) {
      for (
        const call of [
          () => generateTOTP({ secret: key as CryptoKey }),
          () => sealSecret({ secret: SECRET, key: key as CryptoKey }),
          () => openSecretKey({ sealed: SEALED, key: key as CryptoKey, context: 'user-1' }),
          () => hashRecoveryCode(CODE, { key: key as CryptoKey }),
        ]
      ) {
        try {
          await call();
        } catch (error) {
          expect(isOTPError(error), String(error)).toBe(true);
        }
      }
    }
  });
});
