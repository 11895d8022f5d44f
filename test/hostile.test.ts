// Every public function, fed hostile arguments, either returns or throws an OTPError: never a TypeError,
// RangeError or any other exception (brief: bad input gets a clear OTPError with a stable code). The
// arguments are drawn from a seeded pool of wrong types, edge values and valid values, so most calls
// mix one or two bad fields into otherwise sensible options. A failure prints the seed and the call.
// The pool also holds hostile objects: getters that count their reads and answer differently on each,
// Proxies that answer differently on each get or claim every property, Uint8Array subclasses that lie
// about their length and slice, an Array subclass whose methods throw, fake CryptoKeys, and (picked
// rarely, to keep the test quick) 1 MB strings. No getter in the pool throws: a throwing getter is
// allowed to propagate (a documented choice), so it is not a hostile input this test judges.
import { afterAll, describe, expect, it } from 'vitest';
import * as otpkit from '../src/index.js';
import * as qr from '../src/qr/index.js';
import { seededRandom } from './helpers/random.js';
import { untouchable } from './helpers/hostile.js';

const SECRET = 'JBSWY3DPEHPK3PXP';
const URI = `otpauth://totp/Example:alice?secret=${SECRET}&issuer=Example`;
const MIGRATION =
  'otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC';

// A valid value for every option name: hostile objects answer these some of the time.
const KEY = new Uint8Array(32).fill(7);
const CODE = otpkit.generateRecoveryCodes({ count: 1 })[0] as string;
const SEALED = await otpkit.sealSecret({ secret: SECRET, key: KEY, context: 'user-1' });
const FIELDS: Record<string, unknown> = {
  secret: SECRET,
  token: '123456',
  counter: 1,
  time: 1.7e12,
  algorithm: 'SHA256',
  digits: 6,
  window: 1,
  afterStep: 5,
  period: 30,
  epoch: 0,
  lookAhead: 2,
  tokens: ['123456', '654321'],
  type: 'totp',
  account: 'alice',
  issuer: 'Example',
  labelIssuer: 'Ex',
  params: {},
  key: KEY,
  sealed: SEALED,
  context: 'user-1',
  code: CODE,
  hashes: ['sha256:00'],
  bytes: 20,
  count: 3,
  batchSize: 5,
  maxEntries: 256,
  loose: true,
  padding: true,
  ecc: 'M',
  minVersion: 1,
  margin: 4,
  dark: '#000',
  light: null,
  invert: true,
  past: 1,
  future: 1,
};

/**
 * An object whose every option is a getter that counts its reads and answers, in turn, a valid value and
 * a value drawn from the pool (`validFirst` says which comes first). `size` and `isDark` are left out:
 * qrToSVG re-reads a matrix's (reported defect), and a huge size re-read after the checks would hang it.
 */
function changingGetters(validFirst: boolean): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const reads: Record<string, number> = {};
  for (const name of Object.keys(FIELDS)) {
    reads[name] = 0;
    Object.defineProperty(object, name, {
      enumerable: true,
      get: () => ((reads[name] = (reads[name] ?? 0) + 1) % 2 === (validFirst ? 1 : 0)
        ? FIELDS[name]
        : rng.pick(POOL)),
    });
  }
  return object;
}

/** A Proxy over a valid options object that answers a pool value on every third get of a name. */
function shiftingProxy(): object {
  let gets = 0;
  return new Proxy({ ...FIELDS }, {
    get: (
      target,
      name,
      receiver,
    ) => (typeof name === 'string' && gets++ % 3 === 2
      ? rng.pick(POOL)
      : (Reflect.get(target, name, receiver) as unknown)),
  });
}

/** A Proxy that reports every property present, answering a valid value for known names and 1 for the rest. */
const EVERYTHING = new Proxy({}, {
  has: () => true,
  get: (_, name) => (typeof name === 'string' ? (FIELDS[name] ?? 1) : undefined),
  getOwnPropertyDescriptor: (
    _,
    name,
  ) => (typeof name === 'string'
    ? { value: FIELDS[name] ?? 1, enumerable: true, configurable: true, writable: true }
    : undefined),
});

/** A Uint8Array subclass that lies about its length, slice, subarray, iterator and buffer. */
class LyingBytes extends Uint8Array {
  override slice(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(3);
  }
  override subarray(): Uint8Array<ArrayBuffer> {
    return new Uint8Array(3);
  }
}
for (const name of ['length', 'byteLength']) {
  Object.defineProperty(LyingBytes.prototype, name, { get: () => 1e9 });
}
Object.defineProperty(LyingBytes.prototype, Symbol.iterator, {
  value: function* () {
    yield 300;
  },
});
Object.defineProperty(LyingBytes.prototype, 'buffer', { get: () => new ArrayBuffer(0) });

/** An array whose iteration and copying methods throw: only reading by index works. */
const throwingArray = (...items: unknown[]): unknown[] => untouchable(items);
const THROWING_ARRAYS = [
  throwingArray('123456', '654321'),
  throwingArray(SECRET),
  throwingArray(otpkit.parseKeyURI(URI)),
  throwingArray(),
];

const FAKE_KEYS = [
  {
    type: 'secret',
    algorithm: { name: 'AES-GCM', length: 256 },
    usages: ['encrypt', 'decrypt'],
    extractable: false,
    [Symbol.toStringTag]: 'CryptoKey',
  },
  {
    type: 'secret',
    algorithm: { name: 'HMAC', hash: { name: 'SHA-256' } },
    usages: ['sign'],
    extractable: false,
    [Symbol.toStringTag]: 'CryptoKey',
  },
  // Made from CryptoKey.prototype, with own attributes: the bare Object.create(CryptoKey.prototype) inherits
  // the platform's attribute getters, which throw on it, and a throwing getter is allowed to propagate
  // (buildKeyURI or generateTOTP reading its `type` or `algorithm` would throw the platform's TypeError).
  Object.create(CryptoKey.prototype, {
    type: { value: 'secret', enumerable: true },
    algorithm: { value: { name: 'AES-GCM', length: 256 }, enumerable: true },
    usages: { value: ['encrypt', 'decrypt', 'sign'], enumerable: true },
    extractable: { value: false, enumerable: true },
  }) as object,
  await crypto.subtle.importKey('raw', KEY, 'AES-GCM', false, ['encrypt', 'decrypt']),
  await crypto.subtle.importKey('raw', KEY, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
];

// 1 MB strings, picked rarely (see pickValue): each costs a pass over a megabyte wherever it lands.
const HUGE: readonly string[] = [
  '='.repeat(1e6),
  ' '.repeat(1e6),
  `${'JBSWY3DP'.repeat(125_000)}!`,
];

// Values of every type, edge numbers, values some option accepts, and the hostile objects above.
const POOL: readonly unknown[] = [
  undefined,
  null,
  true,
  false,
  0,
  -1,
  1,
  6,
  8,
  10,
  30,
  101,
  1.5,
  NaN,
  Infinity,
  -Infinity,
  2 ** 53,
  1.7e12,
  8.64e15 + 1,
  0n,
  1n,
  -1n,
  2n ** 64n,
  '',
  ' ',
  'x',
  ':',
  '#',
  '\u0000',
  '\ud800',
  '123456',
  '00000000',
  SECRET,
  `${SECRET}=`,
  'SHA1',
  'SHA256',
  'sha1',
  'MD5',
  'totp',
  'hotp',
  'L',
  'H',
  'Example',
  URI,
  MIGRATION,
  'otpauth://',
  [],
  [null],
  [SECRET],
  ['x'],
  {},
  { past: 1, future: 1 },
  { past: -1 },
  Object.create(null),
  new Date(0),
  new Date(NaN),
  new Uint8Array(0),
  new Uint8Array(20),
  new Uint8Array(32),
  new Uint16Array(4),
  new ArrayBuffer(8),
  new DataView(new ArrayBuffer(8)),
  Symbol('s'),
  () => 1,
  /x/,
  'SHA-256',
  '\u202e',
  '\u0085',
  changingGetters(true),
  changingGetters(false),
  shiftingProxy(),
  shiftingProxy(),
  EVERYTHING,
  new LyingBytes(new Uint8Array(20).fill(1)),
  new LyingBytes(32),
  ...THROWING_ARRAYS,
  ...FAKE_KEYS,
];
const UNCOPYABLE = new Set<unknown>(THROWING_ARRAYS);

/** A pool value; one pick in 50 is a 1 MB string instead. */
function pickValue(): unknown {
  return rng.int(0, 49) === 0 ? rng.pick(HUGE) : rng.pick(POOL);
}

type AnyFunction = (...args: unknown[]) => unknown;
const FUNCTIONS = { ...otpkit, ...qr } as unknown as Record<string, AnyFunction>;

// One valid call of every runtime export: the hostile calls are these with one to three parts replaced.
const VALID: Record<string, () => Promise<unknown[]>> = {
  decodeBase32: async () => [SECRET, { loose: true }],
  encodeBase32: async () => [new Uint8Array(5), { padding: true }],
  clearKeyCache: async () => [],
  configureKeyCache: async () => [{ maxEntries: 256 }],
  isOTPError: async () => [new Error('x')],
  generateHOTP: async () => [{ secret: SECRET, counter: 1, digits: 8 }],
  verifyHOTP: async () => [{ secret: SECRET, token: '123456', counter: 1, lookAhead: 2 }],
  resyncHOTP:
    async () => [{ secret: SECRET, tokens: ['123456', '654321'], counter: 0, lookAhead: 10 }],
  generateTOTP:
    async () => [{ secret: SECRET, time: 1.7e12, digits: 8, algorithm: 'SHA256', period: 30 }],
  verifyTOTP: async () => [{
    secret: SECRET,
    token: '123456',
    time: 1.7e12,
    window: { past: 1, future: 1 },
    afterStep: 5,
  }],
  totpStep: async () => [{ time: 1.7e12, period: 30, epoch: 0 }],
  generateSecret: async () => [{ bytes: 20 }],
  parseKeyURI: async () => [URI],
  buildKeyURI: async () => [{
    type: 'hotp',
    secret: SECRET,
    account: 'alice',
    issuer: 'Example',
    counter: 3,
    params: { image: 'x' },
  }],
  parseMigrationURI: async () => [MIGRATION],
  buildMigrationURIs: async () => [[otpkit.parseKeyURI(URI)], { batchSize: 5 }],
  generateRecoveryCodes: async () => [{ count: 3 }],
  hashRecoveryCode: async () => [CODE],
  findRecoveryCode: async () => [{ code: CODE, hashes: [await otpkit.hashRecoveryCode(CODE)] }],
  sealSecret: async () => [{ secret: SECRET, key: KEY, context: 'user-1' }],
  openSecret: async () => [{
    sealed: await otpkit.sealSecret({ secret: SECRET, key: KEY, context: 'user-1' }),
    key: KEY,
    context: 'user-1',
  }],
  openSecretKey: async () => [{
    sealed: await otpkit.sealSecret({ secret: SECRET, key: KEY, context: 'user-1' }),
    key: KEY,
    context: 'user-1',
    algorithm: 'SHA256',
  }],
  encodeQR: async () => [URI, { ecc: 'M', minVersion: 2 }],
  qrToSVG: async () => [qr.encodeQR(URI), { margin: 4, dark: '#000', light: null }],
  qrToTerminal: async () => [qr.encodeQR('x'), { margin: 2, invert: true }],
};

// Option and field names worth setting on any object argument, beside the ones it already has.
const NAMES = [
  'secret',
  'token',
  'counter',
  'time',
  'window',
  'type',
  'params',
  'key',
  'size',
  'isDark',
  'length',
  '0',
];

const rng = seededRandom();

/** `value` with one part replaced: the whole value, or (for an object or array) one field set or deleted. */
function mutate(value: unknown): unknown {
  // An untouchable array cannot be copied with a spread (its iterator throws): it is replaced whole.
  if (
    typeof value !== 'object' || value === null || ArrayBuffer.isView(value) ||
    UNCOPYABLE.has(value) || rng.int(0, 4) === 0
  ) return pickValue();
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...value };
  const names = Object.keys(copy);
  const name = rng.int(0, 2) === 0 || !names.length
    ? rng.pick([...NAMES, ...names])
    : rng.pick(names);
  // An array refuses to lose its length or take a bad one, with errors of its own: this test's doing, not otpkit's.
  if (Array.isArray(copy) && name === 'length') return copy;
  if (rng.int(0, 5) === 0) delete copy[name];
  else copy[name] = rng.int(0, 3) === 0 ? mutate(copy[name]) : pickValue();
  return copy;
}

function show(value: unknown, depth = 0): string {
  if (typeof value === 'symbol' || typeof value === 'function') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string' && value.length > 80) {
    return `${JSON.stringify(value.slice(0, 40))}... (${value.length} characters)`;
  }
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? String(value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) {
    return `${value.constructor.name}(${value.byteLength})`;
  }
  if (value instanceof Date) return `Date(${value.getTime()})`;
  // Getters in the pool answer pool objects, which have getters: printing stops at a depth.
  if (depth > 2) return '{ ... }';
  if (typeof CryptoKey === 'function' && value instanceof CryptoKey) return 'CryptoKey';
  return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${show(v, depth + 1)}`).join(', ')} }`;
}

describe('hostile arguments', () => {
  afterAll(() => otpkit.configureKeyCache({ maxEntries: 256 }));

  it('has a valid call for every runtime export of otpkit and otpkit/qr, and each one succeeds', async () => {
    const exported = Object.keys(FUNCTIONS).filter((name) =>
      name !== 'OTPError' && typeof FUNCTIONS[name] === 'function'
    );
    expect(Object.keys(VALID).sort()).toEqual(exported.sort());
    for (const [name, args] of Object.entries(VALID)) {
      await expect(
        Promise.resolve().then(async () => (FUNCTIONS[name] as AnyFunction)(...(await args()))),
        name,
      ).resolves.not.toThrow();
    }
  });

  it.each(Object.keys(VALID))(
    '%s throws nothing but OTPError (300 seeded near-valid calls)',
    async (name) => {
      const f = FUNCTIONS[name] as AnyFunction;
      const valid = await (VALID[name] as () => Promise<unknown[]>)();
      for (let i = 0; i < 300; i++) {
        const args = [...valid];
        for (let k = rng.int(1, 3); k > 0; k--) {
          const at = rng.int(0, args.length); // one past the end adds an argument
          args[at] = mutate(args[at]);
        }
        let escaped: unknown;
        try {
          await f(...args);
        } catch (error) {
          if (!otpkit.isOTPError(error)) escaped = error;
        }
        if (escaped !== undefined) {
          expect.fail(
            `${name}(${args.map(show).join(', ')}) threw ${String(escaped)}; ${rng.tag}`,
          );
        }
      }
    },
  );
});
