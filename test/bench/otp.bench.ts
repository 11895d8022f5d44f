// `npm run bench`: otpkit against raw WebCrypto baselines measured in the same run (docs/performance.md). Each describe block is one comparison, its benches interleaved over ROUNDS rounds
// (otpkit, raw, otpkit, raw, ...) so that a burst of load on this shared machine hits both sides; the
// ratios (test/bench/ratios.mjs) use each bench's best round. Names matter: ratios.mjs finds them by name.
import { bench as vitestBench, describe } from 'vitest';

// The built package (npm run bench builds first), as applications run it: one bundled file, so the
// figures do not include the per-module import indirection vitest adds to src/. Typed from src/.
const DIST = new URL('../../dist/index.js', import.meta.url).href;
const {
  clearKeyCache,
  encodeBase32,
  generateHOTP,
  generateTOTP,
  openSecret,
  openSecretKey,
  sealSecret,
  verifyTOTP,
} = (await import(/* @vite-ignore */ DIST)) as typeof import('../../src/index.js');

const subtle = globalThis.crypto.subtle;
// Each bench starts from a collected heap (npm run bench passes --expose-gc), so garbage one bench leaves
// (the new-secret benches make thousands of CryptoKeys) is not collected on the next one's time.
const OPTIONS = {
  time: 200,
  warmupTime: 50,
  setup: (): void => (globalThis as { gc?: () => void }).gc?.(),
};
const ROUNDS = 9;
const TIME = 1_700_000_000_000;
const STEP = Math.floor(TIME / 30_000);

function counter(c: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(c));
  return bytes;
}

// A fixed 20-byte secret (RFC 4226 App. D), its base32, and keys imported once for the cached baselines.
const BYTES = new TextEncoder().encode('12345678901234567890');
const SECRET = encodeBase32(BYTES);
const SHA1 = await subtle.importKey('raw', BYTES, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
const SHA512_BYTES = new TextEncoder().encode(
  '1234567890123456789012345678901234567890123456789012345678901234',
);
const SHA512_SECRET = encodeBase32(SHA512_BYTES);
const SHA512 = await subtle.importKey(
  'raw',
  SHA512_BYTES,
  { name: 'HMAC', hash: 'SHA-512' },
  false,
  ['sign'],
);
const MESSAGE = counter(STEP);

// 4,096 distinct secrets, cycled: far more than the 256 cached keys, so every call is a cache miss.
const FRESH = Array.from({ length: 4_096 }, (_, i) => {
  const bytes = new Uint8Array(20);
  new DataView(bytes.buffer).setUint32(0, i + 1);
  return { bytes, base32: encodeBase32(bytes) };
});
let fresh = 0;
const next = (): { bytes: Uint8Array<ArrayBuffer>; base32: string } =>
  FRESH[fresh++ & 4_095] as { bytes: Uint8Array<ArrayBuffer>; base32: string };

// A wrong code and the code of step + 1, both 6 digits.
const VALID_NEXT = await generateTOTP({ secret: SECRET, time: TIME + 30_000 });
const INVALID = String((Number(VALID_NEXT) + 500_000) % 1_000_000).padStart(6, '0');

// The same secret sealed at rest, with the AES-256-GCM sealing key a server imports once.
const SEALING_KEY = await subtle.importKey('raw', new Uint8Array(32).fill(9), 'AES-GCM', false, [
  'encrypt',
  'decrypt',
]);
const SEALED = await sealSecret({ secret: SECRET, key: SEALING_KEY, context: 'user:1' });
clearKeyCache();

// Collects a group's benches, then registers them ROUNDS times in turn: "name #1", "name #2", ...
function rounds(define: (add: (name: string, fn: () => Promise<void>) => void) => void): void {
  const benches: [string, () => Promise<void>][] = [];
  define((name, fn) => benches.push([name, fn]));
  for (let round = 1; round <= ROUNDS; round++) {
    // Odd rounds run otpkit first, even rounds the baseline first: the first bench of a round pays for
    // what the previous group or round left behind (a collection, a tier-up), and must not always be ours.
    const order = round % 2 === 1 ? benches : [...benches].reverse();
    for (const [name, fn] of order) vitestBench(`${name} #${round}`, fn, OPTIONS);
  }
}

describe('generateTOTP, warm cache', () =>
  rounds((bench) => {
    bench('otpkit generateTOTP (warm cache)', async () => {
      await generateTOTP({ secret: SECRET, time: TIME });
    });
    bench('raw sign, one cached key', async () => {
      await subtle.sign('HMAC', SHA1, MESSAGE);
    });
  }));

describe('first call for a new secret', () =>
  rounds((bench) => {
    bench('otpkit generateTOTP (new secret)', async () => {
      await generateTOTP({ secret: next().base32, time: TIME });
    });
    bench('raw importKey + sign', async () => {
      const key = await subtle.importKey(
        'raw',
        next().bytes,
        { name: 'HMAC', hash: 'SHA-1' },
        false,
        ['sign'],
      );
      await subtle.sign('HMAC', key, MESSAGE);
    });
  }));

describe('verifyTOTP, window 1 (3 HMACs)', () =>
  rounds((bench) => {
    bench('otpkit verifyTOTP (invalid code)', async () => {
      if (
        (await verifyTOTP({ secret: SECRET, token: INVALID, time: TIME, window: 1 })) !== null
      ) throw new Error('accepted a wrong code');
    });
    bench('otpkit verifyTOTP (valid, step + 1)', async () => {
      if (
        (await verifyTOTP({ secret: SECRET, token: VALID_NEXT, time: TIME, window: 1 }))?.delta !==
          1
      ) throw new Error('refused the code');
    });
    bench('raw 3 cached-key signs started together', async () => {
      await Promise.all([
        subtle.sign('HMAC', SHA1, counter(STEP - 1)),
        subtle.sign('HMAC', SHA1, MESSAGE),
        subtle.sign('HMAC', SHA1, counter(STEP + 1)),
      ]);
    });
  }));

describe('generateHOTP SHA-512, warm cache', () =>
  rounds((bench) => {
    bench('otpkit generateHOTP SHA512 (warm cache)', async () => {
      await generateHOTP({ secret: SHA512_SECRET, counter: STEP, algorithm: 'SHA512' });
    });
    bench('raw SHA-512 sign, one cached key', async () => {
      await subtle.sign('HMAC', SHA512, MESSAGE);
    });
  }));

describe('throughput, 64 in flight', () =>
  rounds((bench) => {
    // One iteration is 64 operations: ratios.mjs multiplies these by 64.
    bench('otpkit generateTOTP x64 in flight (warm cache)', async () => {
      await Promise.all(
        Array.from({ length: 64 }, () => generateTOTP({ secret: SECRET, time: TIME })),
      );
    });
    bench('raw sign x64 in flight, one cached key', async () => {
      await Promise.all(Array.from({ length: 64 }, () => subtle.sign('HMAC', SHA1, MESSAGE)));
    });
  }));

describe('verifyTOTP of a sealed secret, warm', () =>
  rounds((bench) => {
    // openSecretKey's cache (by sealed text) leaves 3 signs; openSecret decrypts every time, then the secret cache hits.
    bench('otpkit openSecretKey + verifyTOTP (warm)', async () => {
      const secret = await openSecretKey({ sealed: SEALED, key: SEALING_KEY, context: 'user:1' });
      if (
        (await verifyTOTP({ secret, token: INVALID, time: TIME, window: 1 })) !== null
      ) throw new Error('accepted a wrong code');
    });
    bench('otpkit openSecret + verifyTOTP', async () => {
      const secret = await openSecret({ sealed: SEALED, key: SEALING_KEY, context: 'user:1' });
      if (
        (await verifyTOTP({ secret, token: INVALID, time: TIME, window: 1 })) !== null
      ) throw new Error('accepted a wrong code');
    });
  }));
