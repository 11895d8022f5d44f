// The cache of imported HMAC keys (docs/performance.md): hits skip importKey, never a stale or
// wrong key, validation unchanged, bounded LRU, clearKeyCache / configureKeyCache.
import { describe, expect, it, vi } from 'vitest';
import {
  clearKeyCache,
  configureKeyCache,
  decodeBase32,
  encodeBase32,
  generateHOTP,
  generateTOTP,
  type OTPErrorCode,
  verifyHOTP,
  verifyTOTP,
} from '../src/index.js';
import { useFreshKeyCaches } from './helpers/cache.js';
import { expectOTPError } from './helpers/errors.js';
import { randomOTPSetup, seededRandom } from './helpers/random.js';
import { referenceHOTP, referenceTOTP } from './helpers/reference.js';

const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // RFC 4226 App. D: '12345678901234567890'
const SECRET_BYTES = new TextEncoder().encode('12345678901234567890');

function spyImport(): { readonly count: number } {
  const spy = vi.spyOn(globalThis.crypto.subtle, 'importKey');
  return {
    get count() {
      return spy.mock.calls.length;
    },
  };
}

/** Bytes from hex. */
function hex(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(text.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

/** 32-bit FNV-1a over the algorithm name, the length and the bytes: the id otpkit gives a byte secret. */
function fnv1a(algorithm: string, bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const value of [...algorithm].map((c) => c.charCodeAt(0)).concat(bytes.length, ...bytes)) {
    hash = Math.imul(hash ^ value, 0x01000193);
  }
  return hash >>> 0;
}

useFreshKeyCaches();

describe('key cache: hits', () => {
  it('imports a string secret once, then serves every HOTP/TOTP call for it from the cache', async () => {
    const imports = spyImport();
    expect(await generateHOTP({ secret: SECRET, counter: 1 })).toBe('287082');
    expect(imports.count).toBe(1);
    expect(await generateHOTP({ secret: SECRET, counter: 2 })).toBe('359152');
    expect(await verifyHOTP({ secret: SECRET, token: '969429', counter: 1, lookAhead: 3 })).toEqual(
      { counter: 3, nextCounter: 4, delta: 2 },
    );
    expect(await generateTOTP({ secret: SECRET, time: 59_000, digits: 8 })).toBe('94287082'); // RFC 6238 App. B
    expect(await verifyTOTP({ secret: SECRET, token: '94287082', time: 59_000, digits: 8 }))
      .toEqual({ step: 1, delta: 0 });
    expect(imports.count).toBe(1);
  });

  it('keeps one key per algorithm: the same secret under SHA256 is a different key', async () => {
    const imports = spyImport();
    const a = await generateTOTP({ secret: SECRET, time: 59_000, algorithm: 'SHA1' });
    const b = await generateTOTP({ secret: SECRET, time: 59_000, algorithm: 'SHA256' });
    expect(imports.count).toBe(2);
    expect(a).toBe(referenceTOTP(SECRET_BYTES, 59_000, 0, 30, 6, 'SHA1'));
    expect(b).toBe(referenceTOTP(SECRET_BYTES, 59_000, 0, 30, 6, 'SHA256'));
    expect(await generateTOTP({ secret: SECRET, time: 59_000, algorithm: 'SHA256' })).toBe(b);
    expect(await generateTOTP({ secret: SECRET, time: 59_000 })).toBe(a);
    expect(imports.count).toBe(2);
  });

  it('keys byte secrets on their contents: another array with the same bytes hits', async () => {
    const imports = spyImport();
    await generateHOTP({ secret: SECRET_BYTES.slice(), counter: 0 });
    expect(await generateHOTP({ secret: SECRET_BYTES.slice(), counter: 1 })).toBe('287082');
    expect(imports.count).toBe(1);
  });

  it('never serves a stale key after the caller mutates its Uint8Array', async () => {
    const imports = spyImport();
    const secret = SECRET_BYTES.slice();
    expect(await generateHOTP({ secret, counter: 1 })).toBe('287082');
    secret[0] = (secret[0] as number) ^ 1;
    expect(await generateHOTP({ secret, counter: 1 })).toBe(referenceHOTP(secret, 1n, 6, 'SHA1'));
    expect(imports.count).toBe(2);
    secret[0] = (secret[0] as number) ^ 1; // back to the original contents: the original key, from the cache
    expect(await generateHOTP({ secret, counter: 1 })).toBe('287082');
    expect(imports.count).toBe(2);
  });

  it('copies the bytes before importing, so a change made while the import runs does not leak in', async () => {
    const secret = SECRET_BYTES.slice();
    const pending = generateHOTP({ secret, counter: 1 });
    secret.fill(0);
    expect(await pending).toBe('287082');
    expect(await generateHOTP({ secret: SECRET_BYTES, counter: 1 })).toBe('287082');
    expect(await generateHOTP({ secret, counter: 1 })).toBe(referenceHOTP(secret, 1n, 6, 'SHA1'));
  });

  it('keeps a string and bytes with the same characters apart', async () => {
    // The bytes of the ASCII text 'GEZDGNBV...' are not the key that the base32 text decodes to.
    const ascii = new TextEncoder().encode(SECRET);
    const imports = spyImport();
    expect(await generateHOTP({ secret: ascii, counter: 1 })).toBe(
      referenceHOTP(ascii, 1n, 6, 'SHA1'),
    );
    expect(await generateHOTP({ secret: SECRET, counter: 1 })).toBe('287082');
    expect(imports.count).toBe(2);
  });

  it('tells apart byte secrets whose ids collide (the entry compares its own copy of the bytes)', async () => {
    // Two 20-byte secrets with the same 32-bit FNV-1a id under SHA1 (found by a birthday search); the
    // test's own FNV-1a below confirms they collide, so the second lookup really lands on the first's entry.
    const a = hex('00014863000000000000000000000000435ed773');
    const b = hex('000230d40000000000000000000000006023f694');
    expect(fnv1a('SHA1', a)).toBe(fnv1a('SHA1', b));
    const imports = spyImport();
    for (let round = 0; round < 2; round++) {
      expect(await generateHOTP({ secret: a, counter: 7 })).toBe(referenceHOTP(a, 7n, 6, 'SHA1'));
      expect(await generateHOTP({ secret: b, counter: 7 })).toBe(referenceHOTP(b, 7n, 6, 'SHA1'));
    }
    // One entry per id: each secret in turn replaced the other's, so every call imported.
    expect(imports.count).toBe(4);
  });

  it('reads a byte secret in place through its real length, whatever a subclass says', async () => {
    class ShortBytes extends Uint8Array {}
    Object.defineProperty(ShortBytes.prototype, 'length', { get: () => 1 });
    const long = new ShortBytes(SECRET_BYTES.slice().buffer);
    // A cached 1-byte secret equal to the first byte must not answer for the 20 bytes.
    await generateHOTP({ secret: SECRET_BYTES.slice(0, 1), counter: 1 });
    expect(await generateHOTP({ secret: long, counter: 1 })).toBe('287082');
    const imports = spyImport();
    expect(await generateHOTP({ secret: long, counter: 1 })).toBe('287082');
    expect(await generateHOTP({ secret: SECRET_BYTES.slice(), counter: 1 })).toBe('287082');
    expect(imports.count).toBe(0);
  });

  it('does not cache secrets longer than 256 characters or bytes (each call imports)', async () => {
    const long = new Uint8Array(257).fill(7);
    const text = encodeBase32(new Uint8Array(165).fill(9)); // 264 characters
    const imports = spyImport();
    for (let i = 0; i < 2; i++) {
      expect(await generateHOTP({ secret: long, counter: 5 })).toBe(
        referenceHOTP(long, 5n, 6, 'SHA1'),
      );
      expect(await generateHOTP({ secret: text, counter: 5 })).toBe(
        referenceHOTP(decodeBase32(text), 5n, 6, 'SHA1'),
      );
    }
    expect(imports.count).toBe(4);
  });
});

describe('key cache: validation is unchanged', () => {
  const bad: [string, OTPErrorCode][] = [
    ['GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJ!', 'ERR_BASE32_INVALID_CHARACTER'],
    ['GEZDGNBVGY3TQOJQGEZDGNBVGY3TQO', 'ERR_BASE32_INVALID_LENGTH'], // 30 characters: 6 mod 8
    ['GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ=', 'ERR_BASE32_INVALID_PADDING'],
    ['', 'ERR_INVALID_SECRET'],
  ];
  it.each(bad)(
    'still refuses the invalid string secret %j with %s while a near neighbour is cached',
    async (secret, code) => {
      await generateTOTP({ secret: SECRET });
      await expectOTPError(() => generateTOTP({ secret }), code);
      await expectOTPError(() => verifyTOTP({ secret, token: '123456' }), code);
      await expectOTPError(() => generateHOTP({ secret, counter: 0 }), code);
      await expectOTPError(() => verifyHOTP({ secret, token: '123456', counter: 0 }), code);
    },
  );

  it('checks the secret first, cached or not, and every other option after it as before', async () => {
    await generateTOTP({ secret: SECRET });
    // The secret's error wins over a bad digits, before and after caching.
    await expectOTPError(
      () => generateTOTP({ secret: 'bad!', digits: 99 }),
      'ERR_BASE32_INVALID_CHARACTER',
    );
    // A cached secret with a bad option still throws for that option.
    await expectOTPError(() => generateTOTP({ secret: SECRET, digits: 99 }), 'ERR_INVALID_OPTION');
    await expectOTPError(
      () => generateTOTP({ secret: SECRET, algorithm: 'MD5' as never }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => generateTOTP({ secret: SECRET, algorithm: null as never }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => generateTOTP({ secret: SECRET, algorithm: Symbol('x') as never }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => verifyTOTP({ secret: SECRET, token: 123456 as never }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => generateHOTP({ secret: [1, 2] as never, counter: 0 }),
      'ERR_INVALID_SECRET',
    );
  });

  it('does not keep a key whose import failed: the next call imports again', async () => {
    const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
    importKey.mockRejectedValueOnce(new Error('import failed'));
    await expect(generateTOTP({ secret: SECRET, time: 59_000 })).rejects.toThrow('import failed');
    expect(await generateTOTP({ secret: SECRET, time: 59_000, digits: 8 })).toBe('94287082');
    expect(importKey).toHaveBeenCalledTimes(2);
  });

  it('still reports ERR_CRYPTO_UNAVAILABLE on a cache hit when WebCrypto has gone', async () => {
    await generateTOTP({ secret: SECRET });
    vi.stubGlobal('crypto', undefined);
    try {
      await expectOTPError(() => generateTOTP({ secret: SECRET }), 'ERR_CRYPTO_UNAVAILABLE');
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe('key cache: bounds and controls', () => {
  const secrets = Array.from({ length: 5 }, (_, i) => encodeBase32(new Uint8Array(20).fill(i + 1)));

  it('evicts the least recently used key beyond maxEntries', async () => {
    configureKeyCache({ maxEntries: 2 });
    const imports = spyImport();
    const [a, b, c] = secrets as [string, string, string];
    await generateHOTP({ secret: a, counter: 0 });
    await generateHOTP({ secret: b, counter: 0 });
    await generateHOTP({ secret: a, counter: 0 }); // a is now the most recent
    expect(imports.count).toBe(2);
    await generateHOTP({ secret: c, counter: 0 }); // evicts b
    expect(imports.count).toBe(3);
    await generateHOTP({ secret: a, counter: 0 });
    await generateHOTP({ secret: c, counter: 0 });
    expect(imports.count).toBe(3);
    await generateHOTP({ secret: b, counter: 0 });
    expect(imports.count).toBe(4);
  });

  it('shrinking maxEntries evicts at once, oldest first', async () => {
    for (const secret of secrets) await generateHOTP({ secret, counter: 0 });
    configureKeyCache({ maxEntries: 1 });
    const imports = spyImport();
    await generateHOTP({ secret: secrets[4] as string, counter: 0 });
    expect(imports.count).toBe(0);
    await generateHOTP({ secret: secrets[3] as string, counter: 0 });
    expect(imports.count).toBe(1);
  });

  it('clearKeyCache drops every key, including one whose import was running', async () => {
    await generateHOTP({ secret: secrets[0] as string, counter: 0 });
    const pending = generateHOTP({ secret: secrets[1] as string, counter: 0 });
    clearKeyCache();
    await pending;
    const imports = spyImport();
    await generateHOTP({ secret: secrets[0] as string, counter: 0 });
    await generateHOTP({ secret: secrets[1] as string, counter: 0 });
    expect(imports.count).toBe(2);
  });

  it('maxEntries 0 turns the cache off (and empties it); configureKeyCache() restores 256', async () => {
    await generateHOTP({ secret: SECRET, counter: 0 });
    configureKeyCache({ maxEntries: 0 });
    const imports = spyImport();
    for (let i = 0; i < 3; i++) {
      expect(await generateHOTP({ secret: SECRET, counter: 1 })).toBe('287082');
    }
    expect(imports.count).toBe(3);
    configureKeyCache();
    for (let i = 0; i < 3; i++) {
      expect(await generateHOTP({ secret: SECRET, counter: 1 })).toBe('287082');
    }
    expect(imports.count).toBe(4);
  });

  it('refuses an invalid configuration', async () => {
    for (const maxEntries of [-1, 1.5, 1_000_001, '10', null, Number.NaN]) {
      await expectOTPError(
        () => configureKeyCache({ maxEntries: maxEntries as never }),
        'ERR_INVALID_OPTION',
      );
    }
    await expectOTPError(() => configureKeyCache(5 as never), 'ERR_INVALID_OPTION');
  });
});

describe('key cache: property test', () => {
  // Many calls over a small pool of secrets (strings, byte arrays mutated in place, three hashes) through
  // a small cache, each checked against the independent node:crypto reference.
  it('every result matches the reference over 600 seeded random calls through a 4-entry cache', async () => {
    const rng = seededRandom();
    configureKeyCache({ maxEntries: 4 });
    const pool = Array.from({ length: 6 }, () => randomOTPSetup(rng));
    for (let i = 0; i < 600; i++) {
      const setup = rng.pick(pool);
      if (rng.int(0, 9) === 0) {
        const at = rng.int(0, setup.key.length - 1);
        setup.key[at] = (setup.key[at] as number) ^ (1 << rng.int(0, 7));
      }
      const asText = rng.int(0, 1) === 0;
      const secret = asText ? encodeBase32(setup.key) : setup.key;
      const algorithm = rng.int(0, 4) === 0
        ? rng.pick(['SHA1', 'SHA256', 'SHA512'] as const)
        : setup.algorithm;
      const time = rng.int(0, 2 ** 31) * 1000;
      const expected = referenceTOTP(setup.key, time, 0, 30, setup.digits, algorithm);
      if (rng.int(0, 1) === 0) {
        expect(
          await generateTOTP({ secret, time, algorithm, digits: setup.digits }),
          `${rng.tag} call ${i}`,
        ).toBe(expected);
      } else {
        const match = await verifyTOTP({
          secret,
          token: expected,
          time,
          algorithm,
          digits: setup.digits,
          window: 0,
        });
        expect(match, `${rng.tag} call ${i}`).toEqual({
          step: Math.floor(time / 30_000),
          delta: 0,
        });
      }
    }
  });
});
