// Plaintext secrets out of long-lived memory: openSecretKey opens a sealed secret straight into a
// non-extractable HMAC key (the decrypted bytes overwritten), keeps opened keys by sealed text (never by
// secret) for the very sealing key that opened them, and every OTP function takes such a CryptoKey as
// its secret, outside the secret cache. Codes are cross-checked against a node:crypto reference.
import { describe, expect, it, vi } from 'vitest';
import {
  clearKeyCache,
  configureKeyCache,
  decodeBase32,
  generateHOTP,
  generateSecret,
  generateTOTP,
  type HashAlgorithm,
  openSecret,
  openSecretKey,
  resyncHOTP,
  sealSecret,
  verifyHOTP,
  verifyTOTP,
} from '../src/index.js';
import { useFreshKeyCaches } from './helpers/cache.js';
import { expectOTPError } from './helpers/errors.js';
import { seededRandom } from './helpers/random.js';
import { referenceHOTP, referenceTOTP } from './helpers/reference.js';

const KEY_BYTES = Uint8Array.from({ length: 32 }, (_, i) => (i * 11 + 1) & 0xff);
const WEBCRYPTO_HASH = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' } as const;
const sealingKey = (): Promise<CryptoKey> =>
  crypto.subtle.importKey('raw', KEY_BYTES, 'AES-GCM', false, ['encrypt', 'decrypt']);

/** Counts calls to one crypto.subtle method, and keeps their arguments. */
function spyOn(
  method: 'decrypt' | 'importKey' | 'sign',
): { readonly count: number; readonly calls: unknown[][] } {
  const spy = vi.spyOn(globalThis.crypto.subtle, method);
  return {
    get count() {
      return spy.mock.calls.length;
    },
    get calls() {
      return spy.mock.calls as unknown[][];
    },
  };
}

useFreshKeyCaches();

describe('openSecretKey', () => {
  it('gives a non-extractable HMAC signing key whose codes equal a node:crypto reference (200 seeded secrets, every hash)', async () => {
    const rng = seededRandom();
    const key = await sealingKey();
    for (let i = 0; i < 200; i++) {
      const algorithm = rng.pick(['SHA1', 'SHA256', 'SHA512'] as const);
      const bytes = rng.bytes(rng.int(16, 64));
      const context = `user:${rng.uint32()}`;
      const sealed = await sealSecret({ secret: bytes, key, context });
      const secret = await openSecretKey({ sealed, key, context, algorithm });
      expect(secret.extractable, rng.tag).toBe(false);
      expect(secret.algorithm, rng.tag).toMatchObject({
        name: 'HMAC',
        hash: { name: WEBCRYPTO_HASH[algorithm] },
      });
      const time = rng.int(0, 2 ** 41);
      const digits = rng.int(6, 10);
      const expected = referenceTOTP(bytes, time, 0, 30, digits, algorithm);
      expect(await generateTOTP({ secret, algorithm, digits, time }), rng.tag).toBe(expected);
      expect(await verifyTOTP({ secret, algorithm, digits, time, token: expected }), rng.tag)
        .toEqual({ step: Math.floor(time / 30_000), delta: 0 });
    }
  });

  it('opens once: a repeat with the same sealing CryptoKey costs no decrypt and no import', async () => {
    const key = await sealingKey();
    const sealed = await sealSecret({ secret: generateSecret(), key, context: 'u' });
    const first = await openSecretKey({ sealed, key, context: 'u' });
    const decrypt = spyOn('decrypt');
    const imports = spyOn('importKey');
    for (let i = 0; i < 5; i++) {
      expect(await openSecretKey({ sealed, key, context: 'u' })).toBe(first);
    }
    expect(decrypt.count).toBe(0);
    expect(imports.count).toBe(0);
    // Another algorithm is another key, opened afresh.
    const other = await openSecretKey({ sealed, key, context: 'u', algorithm: 'SHA256' });
    expect(other).not.toBe(first);
    expect(decrypt.count).toBe(1);
  });

  it('authenticates again for anything but the same sealing key object, context and algorithm', async () => {
    const key = await sealingKey();
    const sealed = await sealSecret({ secret: generateSecret(), key, context: 'alice' });
    await openSecretKey({ sealed, key, context: 'alice' });
    // The same sealed text under another context: the cached entry must not open it.
    await expectOTPError(
      () => openSecretKey({ sealed, key, context: 'mallory' }),
      'ERR_SEAL_INVALID',
    );
    // Another key object with other material, and the same material as bytes (no key object, no cache).
    const wrong = await crypto.subtle.importKey(
      'raw',
      KEY_BYTES.map((b) => b ^ 1),
      'AES-GCM',
      false,
      ['decrypt'],
    );
    await expectOTPError(
      () => openSecretKey({ sealed, key: wrong, context: 'alice' }),
      'ERR_SEAL_INVALID',
    );
    const decrypt = spyOn('decrypt');
    await openSecretKey({ sealed, key: KEY_BYTES, context: 'alice' });
    await openSecretKey({ sealed, key: KEY_BYTES, context: 'alice' });
    expect(decrypt.count).toBe(2);
    // A context is bound by its length too: "a:b" + sealed never meets "a" + "b:sealed".
    await expectOTPError(
      () => openSecretKey({ sealed, key, context: 'alice:' }),
      'ERR_SEAL_INVALID',
    );
  });

  it('overwrites the decrypted secret once WebCrypto holds the key', async () => {
    const key = await sealingKey();
    const sealed = await sealSecret({ secret: generateSecret({ bytes: 32 }), key, context: 'u' });
    const imports = spyOn('importKey');
    await openSecretKey({ sealed, key, context: 'u' });
    const hmacImport = imports.calls.find((call) =>
      (call[2] as { name?: string }).name === 'HMAC'
    ) as unknown[];
    const passed = hmacImport[1] as Uint8Array;
    expect(passed).toHaveLength(32);
    expect([...passed].every((b) => b === 0)).toBe(true);
  });

  it('is sized by configureKeyCache, least recently used out first, and emptied by clearKeyCache', async () => {
    const key = await sealingKey();
    const sealed = await Promise.all(
      [1, 2, 3].map(() => sealSecret({ secret: generateSecret(), key })),
    );
    configureKeyCache({ maxEntries: 2 });
    for (const s of sealed) await openSecretKey({ sealed: s, key });
    const decrypt = spyOn('decrypt');
    await openSecretKey({ sealed: sealed[2] as string, key });
    await openSecretKey({ sealed: sealed[1] as string, key });
    expect(decrypt.count).toBe(0);
    await openSecretKey({ sealed: sealed[0] as string, key });
    expect(decrypt.count).toBe(1);
    clearKeyCache();
    await openSecretKey({ sealed: sealed[0] as string, key });
    expect(decrypt.count).toBe(2);
    configureKeyCache({ maxEntries: 0 });
    await openSecretKey({ sealed: sealed[0] as string, key });
    await openSecretKey({ sealed: sealed[0] as string, key });
    expect(decrypt.count).toBe(4);
  });

  it('opens what openSecret opens, and refuses what it refuses, with the same codes', async () => {
    const key = await sealingKey();
    const secret = generateSecret();
    const sealed = await sealSecret({ secret, key, context: 'c' });
    expect(await openSecret({ sealed, key, context: 'c' })).toBe(secret);
    const opened = await openSecretKey({ sealed, key, context: 'c' });
    expect(await generateTOTP({ secret: opened, time: 0 })).toBe(
      await generateTOTP({ secret, time: 0 }),
    );
    // The second-to-last character changed to another one (the last holds pad bits: it might not change the bytes).
    const at = sealed.length - 2;
    const tampered = `${sealed.slice(0, at)}${sealed[at] === 'A' ? 'B' : 'A'}${
      sealed.slice(at + 1)
    }`;
    await expectOTPError(
      () => openSecretKey({ sealed: tampered, key, context: 'c' }),
      'ERR_SEAL_INVALID',
    );
    await expectOTPError(
      () => openSecretKey({ sealed: 'v2.x.y', key, context: 'c' }),
      'ERR_SEAL_INVALID',
    );
    await expectOTPError(() => openSecretKey({ sealed: 42 as never, key }), 'ERR_INVALID_OPTION');
    await expectOTPError(
      () => openSecretKey({ sealed, key, algorithm: 'MD5' as never }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => openSecretKey({ sealed, key, context: '\udc00' }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => openSecretKey({ sealed, key: new Uint8Array(31) }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(() => openSecretKey(null as never), 'ERR_INVALID_OPTION');
  });
});

describe('a CryptoKey as the secret', () => {
  const importSecret = (
    bytes: Uint8Array<ArrayBuffer>,
    algorithm: HashAlgorithm,
    usages: KeyUsage[] = ['sign'],
  ): Promise<CryptoKey> =>
    crypto.subtle.importKey(
      'raw',
      bytes,
      { name: 'HMAC', hash: WEBCRYPTO_HASH[algorithm] },
      false,
      usages,
    );

  it('works in every OTP function, equal to a node:crypto reference (300 seeded cases)', async () => {
    const rng = seededRandom();
    for (let i = 0; i < 300; i++) {
      const algorithm = rng.pick(['SHA1', 'SHA256', 'SHA512'] as const);
      const bytes = rng.bytes(rng.int(1, 100));
      const secret = await importSecret(bytes, algorithm);
      const digits = rng.int(6, 10);
      const counter = rng.counter64();
      const time = rng.int(0, 2 ** 41);
      expect(await generateHOTP({ secret, algorithm, digits, counter }), rng.tag).toBe(
        referenceHOTP(bytes, counter, digits, algorithm),
      );
      expect(await generateTOTP({ secret, algorithm, digits, time }), rng.tag).toBe(
        referenceTOTP(bytes, time, 0, 30, digits, algorithm),
      );
      const small = rng.int(0, 1000);
      const token = referenceHOTP(bytes, BigInt(small + 2), digits, algorithm);
      expect(
        await verifyHOTP({ secret, algorithm, digits, counter: small, token, lookAhead: 3 }),
        rng.tag,
      ).toEqual({ counter: small + 2, nextCounter: small + 3, delta: 2 });
      const run = [
        referenceHOTP(bytes, BigInt(small + 5), digits, algorithm),
        referenceHOTP(bytes, BigInt(small + 6), digits, algorithm),
      ] as [string, string];
      expect(await resyncHOTP({ secret, algorithm, digits, counter: small, tokens: run }), rng.tag)
        .toMatchObject({ counter: small + 6 });
    }
  });

  it('bypasses the secret cache: nothing is imported, nothing is kept', async () => {
    const secret = await importSecret(
      decodeBase32('JBSWY3DPEHPK3PXP') as Uint8Array<ArrayBuffer>,
      'SHA1',
    );
    const imports = spyOn('importKey');
    for (let i = 0; i < 3; i++) await verifyTOTP({ secret, token: '000000', time: 0 });
    expect(imports.count).toBe(0);
    // The text form of the same secret is imported on first use: the CryptoKey calls cached nothing.
    await generateTOTP({ secret: 'JBSWY3DPEHPK3PXP', time: 0 });
    expect(imports.count).toBe(1);
  });

  it('must be an HMAC key allowing "sign" whose hash matches "algorithm": anything else is ERR_INVALID_SECRET', async () => {
    const bytes = new Uint8Array(20).fill(7);
    const sha256 = await importSecret(bytes, 'SHA256');
    await expectOTPError(() => generateTOTP({ secret: sha256 }), 'ERR_INVALID_SECRET');
    await expectOTPError(
      () => verifyTOTP({ secret: sha256, algorithm: 'SHA512', token: '123456' }),
      'ERR_INVALID_SECRET',
    );
    expect(await generateTOTP({ secret: sha256, algorithm: 'SHA256', time: 0 })).toBe(
      referenceTOTP(bytes, 0, 0, 30, 6, 'SHA256'),
    );
    const verifyOnly = await importSecret(bytes, 'SHA1', ['verify']);
    await expectOTPError(() => generateTOTP({ secret: verifyOnly }), 'ERR_INVALID_SECRET');
    const aes = await sealingKey();
    await expectOTPError(() => generateTOTP({ secret: aes }), 'ERR_INVALID_SECRET');
    // A valid key with an invalid algorithm: the algorithm's error, as for any secret.
    await expectOTPError(
      () => generateTOTP({ secret: sha256, algorithm: 'SHA-256' as never }),
      'ERR_INVALID_OPTION',
    );
  });
});

describe('openSecretKey keys are shared, so they are frozen', () => {
  it('a caller cannot add a then or shadow an attribute on a key that later calls get from the cache', async () => {
    const key = await sealingKey();
    const alice = await sealSecret({ secret: 'JBSWY3DPEHPK3PXP', key, context: 'alice' });
    const mallory = await sealSecret({
      secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      key,
      context: 'mallory',
    });
    const aliceKey = await openSecretKey({ sealed: alice, key, context: 'alice' });
    const malloryKey = await openSecretKey({ sealed: mallory, key, context: 'mallory' });
    expect(Object.isFrozen(aliceKey)).toBe(true);
    expect(() =>
      Object.defineProperty(aliceKey, 'then', {
        value: (resolve: (k: CryptoKey) => void) => resolve(malloryKey),
      })
    ).toThrow(TypeError);
    expect(() => Object.defineProperty(aliceKey, 'type', { value: 'public' })).toThrow(TypeError);
    const again = await openSecretKey({ sealed: alice, key, context: 'alice' });
    expect(again).toBe(aliceKey);
    expect(await generateTOTP({ secret: again, time: 0 })).toBe(
      await generateTOTP({ secret: 'JBSWY3DPEHPK3PXP', time: 0 }),
    );
  });
});

describe('openSecretKey cache entries stay small', () => {
  it('does not cache a key whose id (context and sealed text) is long: a 1 KB context opens afresh every time', async () => {
    const key = await sealingKey();
    const context = 'x'.repeat(1024);
    const sealed = await sealSecret({ secret: generateSecret(), key, context });
    await openSecretKey({ sealed, key, context });
    const decrypt = spyOn('decrypt');
    await openSecretKey({ sealed, key, context });
    expect(decrypt.count).toBe(1);
    // A short context is cached as before.
    const short = await sealSecret({ secret: generateSecret(), key, context: 'user:1' });
    await openSecretKey({ sealed: short, key, context: 'user:1' });
    await openSecretKey({ sealed: short, key, context: 'user:1' });
    expect(decrypt.count).toBe(2);
  });
});
