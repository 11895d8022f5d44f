// Every public function, fed hostile arguments, either returns or throws an OTPError: never a TypeError,
// RangeError or any other exception (brief: bad input gets a clear OTPError with a stable code). The
// arguments are drawn from a seeded pool of wrong types, edge values and valid values, so most calls
// mix one or two bad fields into otherwise sensible options. A failure prints the seed and the call.
import { afterAll, describe, expect, it } from 'vitest';
import * as otpkit from '../src/index.js';
import * as qr from '../src/qr/index.js';
import { seededRandom } from './helpers/random.js';

const SECRET = 'JBSWY3DPEHPK3PXP';
const URI = `otpauth://totp/Example:alice?secret=${SECRET}&issuer=Example`;
const MIGRATION = 'otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8SGEV4YW1wbGU6YWxpY2VAZ29vZ2xlLmNvbRoHRXhhbXBsZTAC';

// Values of every type, edge numbers, and values some option accepts.
const POOL: readonly unknown[] = [
  undefined, null, true, false, 0, -1, 1, 6, 8, 10, 30, 101, 1.5, NaN, Infinity, -Infinity, 2 ** 53, 1.7e12, 8.64e15 + 1,
  0n, 1n, -1n, 2n ** 64n, '', ' ', 'x', ':', '#', '\u0000', '\ud800', '123456', '00000000', SECRET, `${SECRET}=`, 'SHA1', 'SHA256',
  'sha1', 'MD5', 'totp', 'hotp', 'L', 'H', 'Example', URI, MIGRATION, 'otpauth://', [], [null], [SECRET], ['x'],
  {}, { past: 1, future: 1 }, { past: -1 }, Object.create(null), new Date(0), new Date(NaN), new Uint8Array(0),
  new Uint8Array(20), new Uint8Array(32), new Uint16Array(4), new ArrayBuffer(8), new DataView(new ArrayBuffer(8)),
  Symbol('s'), () => 1, /x/,
];

type AnyFunction = (...args: unknown[]) => unknown;
const FUNCTIONS = { ...otpkit, ...qr } as unknown as Record<string, AnyFunction>;

// One valid call of every runtime export: the hostile calls are these with one to three parts replaced.
const KEY = new Uint8Array(32).fill(7);
const CODE = otpkit.generateRecoveryCodes({ count: 1 })[0] as string;
const VALID: Record<string, () => Promise<unknown[]>> = {
  decodeBase32: async () => [SECRET, { loose: true }],
  encodeBase32: async () => [new Uint8Array(5), { padding: true }],
  clearKeyCache: async () => [],
  configureKeyCache: async () => [{ maxEntries: 256 }],
  isOTPError: async () => [new Error('x')],
  generateHOTP: async () => [{ secret: SECRET, counter: 1, digits: 8 }],
  verifyHOTP: async () => [{ secret: SECRET, token: '123456', counter: 1, lookAhead: 2 }],
  resyncHOTP: async () => [{ secret: SECRET, tokens: ['123456', '654321'], counter: 0, lookAhead: 10 }],
  generateTOTP: async () => [{ secret: SECRET, time: 1.7e12, digits: 8, algorithm: 'SHA256', period: 30 }],
  verifyTOTP: async () => [{ secret: SECRET, token: '123456', time: 1.7e12, window: { past: 1, future: 1 }, afterStep: 5 }],
  totpStep: async () => [{ time: 1.7e12, period: 30, epoch: 0 }],
  generateSecret: async () => [{ bytes: 20 }],
  parseKeyURI: async () => [URI],
  buildKeyURI: async () => [{ type: 'hotp', secret: SECRET, account: 'alice', issuer: 'Example', counter: 3, params: { image: 'x' } }],
  parseMigrationURI: async () => [MIGRATION],
  buildMigrationURIs: async () => [[otpkit.parseKeyURI(URI)], { batchSize: 5 }],
  generateRecoveryCodes: async () => [{ count: 3 }],
  hashRecoveryCode: async () => [CODE],
  findRecoveryCode: async () => [{ code: CODE, hashes: [await otpkit.hashRecoveryCode(CODE)] }],
  sealSecret: async () => [{ secret: SECRET, key: KEY, context: 'user-1' }],
  openSecret: async () => [{ sealed: await otpkit.sealSecret({ secret: SECRET, key: KEY, context: 'user-1' }), key: KEY, context: 'user-1' }],
  openSecretKey: async () => [{ sealed: await otpkit.sealSecret({ secret: SECRET, key: KEY, context: 'user-1' }), key: KEY, context: 'user-1', algorithm: 'SHA256' }],
  encodeQR: async () => [URI, { ecc: 'M', minVersion: 2 }],
  qrToSVG: async () => [qr.encodeQR(URI), { margin: 4, dark: '#000', light: null }],
  qrToTerminal: async () => [qr.encodeQR('x'), { margin: 2, invert: true }],
};

// Option and field names worth setting on any object argument, beside the ones it already has.
const NAMES = ['secret', 'token', 'counter', 'time', 'window', 'type', 'params', 'key', 'size', 'isDark', 'length', '0'];

const rng = seededRandom();

/** `value` with one part replaced: the whole value, or (for an object or array) one field set or deleted. */
function mutate(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || rng.int(0, 4) === 0) return rng.pick(POOL);
  const copy: Record<string, unknown> = Array.isArray(value) ? ([...value] as never) : { ...value };
  const names = Object.keys(copy);
  const name = rng.int(0, 2) === 0 || !names.length ? rng.pick([...NAMES, ...names]) : rng.pick(names);
  // An array refuses to lose its length or take a bad one, with errors of its own: this test's doing, not otpkit's.
  if (Array.isArray(copy) && name === 'length') return copy;
  if (rng.int(0, 5) === 0) delete copy[name];
  else copy[name] = rng.int(0, 3) === 0 ? mutate(copy[name]) : rng.pick(POOL);
  return copy;
}

function show(value: unknown): string {
  if (typeof value === 'symbol' || typeof value === 'function') return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value) ?? String(value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `${value.constructor.name}(${value.byteLength})`;
  if (value instanceof Date) return `Date(${value.getTime()})`;
  return `{ ${Object.entries(value).map(([k, v]) => `${k}: ${show(v)}`).join(', ')} }`;
}

describe('hostile arguments', () => {
  afterAll(() => otpkit.configureKeyCache({ maxEntries: 256 }));

  it('has a valid call for every runtime export of otpkit and otpkit/qr, and each one succeeds', async () => {
    const exported = Object.keys(FUNCTIONS).filter((name) => name !== 'OTPError' && typeof FUNCTIONS[name] === 'function');
    expect(Object.keys(VALID).sort()).toEqual(exported.sort());
    for (const [name, args] of Object.entries(VALID)) await expect(Promise.resolve().then(async () => (FUNCTIONS[name] as AnyFunction)(...(await args()))), name).resolves.not.toThrow();
  });

  it.each(Object.keys(VALID))('%s throws nothing but OTPError (300 seeded near-valid calls)', async (name) => {
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
      if (escaped !== undefined) expect.fail(`${name}(${args.map(show).join(', ')}) threw ${String(escaped)}; ${rng.tag}`);
    }
  });
});
