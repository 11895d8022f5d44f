// Recovery codes: format, entropy, normalisation, hashing, and the constant-time search.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { findRecoveryCode, generateRecoveryCodes, hashRecoveryCode } from '../src/index.js';
import { expectOTPError } from './helpers/errors.js';
import { seededRandom } from './helpers/random.js';

const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const FORMAT =
  /^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/;

/** Independent Crockford encoder through a string of bits. */
function referenceCrockford(bytes: Uint8Array): string {
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  let out = '';
  for (let i = 0; i < bits.length; i += 5) out += CROCKFORD[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}

/** The 80 bits a code carries, as a string of 0/1. */
function bitsOf(code: string): string {
  return [...code.replace(/-/g, '')].map((c) => CROCKFORD.indexOf(c).toString(2).padStart(5, '0'))
    .join('');
}

const referenceHash = (canonical: string): string =>
  `sha256:${createHash('sha256').update(canonical).digest('hex')}`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('generateRecoveryCodes', () => {
  it('makes 10 distinct codes by default, each xxxx-xxxx-xxxx-xxxx in lower-case Crockford base32', () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(FORMAT);
  });

  it('makes 1 to 100 codes on request', () => {
    expect(generateRecoveryCodes({ count: 1 })).toHaveLength(1);
    const many = generateRecoveryCodes({ count: 100 });
    expect(many).toHaveLength(100);
    expect(new Set(many).size).toBe(100);
    expect(generateRecoveryCodes({ count: undefined })).toHaveLength(10);
  });

  it('refuses a count outside 1..100 or not an integer', async () => {
    for (const count of [0, 101, -1, 1.5, Number.NaN, '10', null, 10n]) {
      await expectOTPError(
        () => generateRecoveryCodes({ count: count as number }),
        'ERR_INVALID_OPTION',
        String(count),
      );
    }
    await expectOTPError(() => generateRecoveryCodes(7 as never), 'ERR_INVALID_OPTION');
  });

  it('draws exactly 10 CSPRNG bytes per code and writes them as 16 Crockford symbols (80 bits)', () => {
    const rng = seededRandom();
    const drawn: Uint8Array[] = [];
    vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(
      <T extends ArrayBufferView | null>(array: T): T => {
        const bytes = array as unknown as Uint8Array;
        bytes.set(rng.bytes(bytes.length));
        drawn.push(bytes.slice());
        return array;
      },
    );
    const codes = generateRecoveryCodes({ count: 20 });
    expect(drawn.map((d) => d.length), rng.tag).toEqual(Array(20).fill(10));
    expect(codes.map((c) => c.replace(/-/g, '')), rng.tag).toEqual(drawn.map(referenceCrockford));
  });

  it('maps the all-zero and all-one draws to the first and last symbols', () => {
    for (
      const [fill, expected] of [[0x00, '0000-0000-0000-0000'], [
        0xff,
        'zzzz-zzzz-zzzz-zzzz',
      ]] as const
    ) {
      vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(
        <T extends ArrayBufferView | null>(array: T): T => {
          (array as unknown as Uint8Array).fill(fill);
          return array;
        },
      );
      expect(generateRecoveryCodes({ count: 1 })).toEqual([expected]);
      vi.restoreAllMocks();
    }
  });

  it('refuses to issue codes when the random source repeats itself', async () => {
    vi.spyOn(globalThis.crypto, 'getRandomValues').mockImplementation(<
      T extends ArrayBufferView | null,
    >(array: T): T => array);
    await expectOTPError(() => generateRecoveryCodes({ count: 2 }), 'ERR_CRYPTO_UNAVAILABLE');
  });

  it('carries 80 unbiased bits: every bit position and every symbol appears at the expected rate', () => {
    const codes = Array.from({ length: 40 }, () => generateRecoveryCodes({ count: 100 })).flat(); // 4,000 codes
    const ones = new Array<number>(80).fill(0);
    const symbols = new Map<string, number>();
    for (const code of codes) {
      const bits = bitsOf(code);
      expect(bits).toHaveLength(80);
      for (let i = 0; i < 80; i++) ones[i]! += bits[i] === '1' ? 1 : 0;
      for (const c of code.replace(/-/g, '')) symbols.set(c, (symbols.get(c) ?? 0) + 1);
    }
    // Binomial(4000, 1/2): sd ~31.6; 6 sd either side fails a fair source with probability ~1e-7 over all 80.
    for (let i = 0; i < 80; i++) expect(Math.abs(ones[i]! - 2000), `bit ${i}`).toBeLessThan(190);
    // 64,000 symbols over 32 values: 2000 expected each, sd ~44; 6 sd.
    expect([...symbols.keys()].sort().join('')).toBe(CROCKFORD);
    for (const [c, n] of symbols) expect(Math.abs(n - 2000), `symbol ${c}`).toBeLessThan(265);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

describe('hashRecoveryCode', () => {
  it("is 'sha256:' + the SHA-256 hex of the 16 canonical symbols", async () => {
    const [code] = generateRecoveryCodes({ count: 1 }) as [string];
    const hash = await hashRecoveryCode(code);
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hash).toBe(referenceHash(code.replace(/-/g, '')));
    expect(await hashRecoveryCode('0123-4567-89ab-cdef')).toBe(
      'sha256:9f9f5111f7b27a781f1f1ddde5ebc2dd2b796bfc7365c9c28b548e564176929f',
    );
  });

  it('normalises case, whitespace, hyphens and the look-alikes o -> 0, i/l -> 1', async () => {
    const canonical = await hashRecoveryCode('01ab-c1d0-1111-zzzz');
    const spellings = [
      '01abc1d01111zzzz',
      '01AB-C1D0-1111-ZZZZ',
      'oiab-cld0-ILil-zzzz',
      'OLAB CIDO 1I1L ZZZZ',
      ' 01ab\tc1d0\n1111 zzzz ',
      '01ab–c1d0—1111‐zzzz', // en dash, em dash, hyphen
      '0-1-a-b-c-1-d-0-1-1-1-1-z-z-z-z',
    ];
    for (const spelling of spellings) {
      expect(await hashRecoveryCode(spelling), spelling).toBe(canonical);
    }
  });

  it('refuses text that is not a recovery code, without repeating it in the message', async () => {
    const malformed = [
      '',
      '01ab-c1d0-1111-zzz', // 15 symbols
      '01ab-c1d0-1111-zzzzz', // 17 symbols
      '01ab-c1d0-1111-zzzu', // u is not Crockford and not a look-alike
      '01ab-c1d0-1111-zzz!',
      '01ab-c1d0-1111-zzz_',
      '01ab-c1d0-1111-zzz\u212a', // the Kelvin sign lower-cases to "k" in Unicode, not here
      '０１ab-c1d0-1111-zzzz', // full-width digits
      `${' '.repeat(60)}01abc1d01111zzzz`, // longer than 64 characters
      '01ab-c1d0-1111-zzz😀',
    ];
    for (const text of malformed) {
      const error = await expectOTPError(
        () => hashRecoveryCode(text),
        'ERR_RECOVERY_CODE_INVALID',
        JSON.stringify(text),
      );
      if (text.trim() !== '') expect(error.message).not.toContain(text.trim().slice(0, 8));
    }
  });

  it('refuses a value that is not a string', async () => {
    for (const value of [undefined, null, 1234, {}, ['01abc1d01111zzzz']]) {
      await expectOTPError(() => hashRecoveryCode(value as string), 'ERR_INVALID_OPTION');
    }
  });
});

describe('findRecoveryCode', () => {
  it('finds the index of the matching hash in any spelling, and -1 for a code not in the list', async () => {
    const codes = generateRecoveryCodes();
    const hashes = await Promise.all(codes.map((code) => hashRecoveryCode(code)));
    for (let i = 0; i < codes.length; i++) {
      expect(await findRecoveryCode({ code: codes[i]!, hashes })).toBe(i);
      expect(await findRecoveryCode({ code: codes[i]!.toUpperCase().replace(/-/g, ' '), hashes }))
        .toBe(i);
    }
    const [other] = generateRecoveryCodes({ count: 1 }) as [string];
    expect(await findRecoveryCode({ code: other, hashes })).toBe(-1);
    expect(await findRecoveryCode({ code: codes[0]!, hashes: [] })).toBe(-1);
  });

  it('after a hash is removed, its code no longer matches (use once)', async () => {
    const codes = generateRecoveryCodes({ count: 3 });
    const hashes = await Promise.all(codes.map((code) => hashRecoveryCode(code)));
    const i = await findRecoveryCode({ code: codes[1]!, hashes });
    expect(i).toBe(1);
    hashes.splice(i, 1);
    expect(await findRecoveryCode({ code: codes[1]!, hashes })).toBe(-1);
    expect(await findRecoveryCode({ code: codes[2]!, hashes })).toBe(1);
  });

  it('gives -1, never throws, for a malformed code of any type', async () => {
    const hashes = await Promise.all(
      generateRecoveryCodes({ count: 2 }).map((code) => hashRecoveryCode(code)),
    );
    for (
      const code of [
        '',
        'u',
        '01ab-c1d0-1111-zzzu',
        '123456',
        'x'.repeat(10_000),
        null,
        undefined,
        42,
        {},
        ['a'],
      ]
    ) {
      expect(await findRecoveryCode({ code: code as string, hashes }), String(code).slice(0, 20))
        .toBe(-1);
    }
  });

  it('skips malformed stored entries without throwing, and still finds a good one after them', async () => {
    const [code] = generateRecoveryCodes({ count: 1 }) as [string];
    const good = await hashRecoveryCode(code);
    const hashes = [
      null,
      42,
      '',
      'sha256:',
      good.toUpperCase(),
      good.slice(0, -1),
      `${good}0`,
      good.replace('sha256:', 'sha512:'),
      {},
      good,
    ];
    expect(await findRecoveryCode({ code, hashes: hashes as string[] })).toBe(hashes.length - 1);
    expect(await findRecoveryCode({ code, hashes: hashes.slice(0, -1) as string[] })).toBe(-1);
  });

  it('reports the first of two equal hashes', async () => {
    const [code, other] = generateRecoveryCodes({ count: 2 }) as [string, string];
    const h = await hashRecoveryCode(code);
    expect(await findRecoveryCode({ code, hashes: [await hashRecoveryCode(other), h, h] })).toBe(1);
  });

  it('reads every stored hash, whether the match is first, last or absent (no early exit)', async () => {
    const codes = generateRecoveryCodes({ count: 12 });
    const hashes = await Promise.all(codes.map((code) => hashRecoveryCode(code)));
    for (
      const [code, expected] of [[codes[0]!, 0], [codes[11]!, 11], [
        generateRecoveryCodes({ count: 1 })[0]!,
        -1,
      ]] as const
    ) {
      const read = new Set<number>();
      const spy = new Proxy(hashes, {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) read.add(Number(key));
          return Reflect.get(target, key, receiver) as unknown;
        },
      });
      expect(await findRecoveryCode({ code, hashes: spy })).toBe(expected);
      expect([...read].sort((a, b) => a - b)).toEqual(hashes.map((_, i) => i));
    }
  });

  it('refuses a call that is not shaped right (a programming error)', async () => {
    await expectOTPError(() => findRecoveryCode(null as never), 'ERR_INVALID_OPTION');
    await expectOTPError(
      () => findRecoveryCode({ code: 'x', hashes: 'sha256:00' as never }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(() => findRecoveryCode({ code: 'x' } as never), 'ERR_INVALID_OPTION');
  });
});
