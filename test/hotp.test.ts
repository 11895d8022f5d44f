// HOTP beyond the published tables: RFC 4226 Appendix D (codes, HMACs, offsets, truncated values) and
// vectors/rfc4226.json's extra and invalid tables are checked once, by the conformance suite in every
// runtime (test/conformance/cases/hotp.js). Here: the truncation on its own, the rules, the spies that
// count HMACs, and a seeded cross-check against node:crypto. The RFC's secret is a fixed example.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateHOTP, verifyHOTP } from '../src/index.js';
import { decimalFormat } from '../src/internal/code-format.js';
import { dynamicTruncate } from '../src/internal/otp.js';
import vectors from '../vectors/rfc4226.json' with { type: 'json' };
import { expectOTPError } from './helpers/errors.js';
import { randomOTPSetup, seededRandom } from './helpers/random.js';
import { fromHex, referenceHOTP } from './helpers/reference.js';

/** RFC 4226 §5.3: dynamic truncation, then Snum mod 10^digits, zero-padded. */
const truncate = (mac: Uint8Array, digits: number): string =>
  decimalFormat(digits).render(dynamicTruncate(mac));

const SECRET = vectors.secret.base32;
const SECRET_BYTES = fromHex(vectors.secret.hex);
const MAX64 = 2n ** 64n - 1n;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('generateHOTP: rules', () => {
  // RFC 4226 §5.4's worked example (not an Appendix D row): offset 0xa, DBC 0x50ef7f19.
  it('truncates the HMAC of RFC 4226 §5.4 at offset 10 to 1357872921, code 872921', () => {
    const mac = fromHex('1f8698690e02ca16618550ef7f19da8e945b555a');
    expect(dynamicTruncate(mac)).toBe(0x50ef7f19);
    expect(truncate(mac, 10)).toBe('1357872921');
    expect(truncate(mac, 6)).toBe('872921');
  });

  // RFC 4226 §5.3 / RFC 6238 App. A: the offset comes from the LAST byte of the HMAC, for every hash.
  it('takes the truncation offset from the last byte for 32- and 64-byte HMACs', () => {
    const mac = new Uint8Array(64);
    mac.set([0x12, 0x34, 0x56, 0x78], 9);
    mac[63] = 9;
    mac[19] = 0; // a SHA-1-sized reading would start at offset 0
    expect(truncate(mac, 8)).toBe(String(0x12345678 % 1e8).padStart(8, '0'));
    const mac32 = mac.slice(0, 32);
    mac32[31] = 9;
    expect(truncate(mac32, 8)).toBe(String(0x12345678 % 1e8).padStart(8, '0'));
  });

  it('clears the top bit and zero-pads to exactly `digits` (up to 10)', () => {
    const mac = new Uint8Array(20);
    mac.set([0xff, 0xff, 0xff, 0xff], 0);
    expect(dynamicTruncate(mac)).toBe(2 ** 31 - 1);
    expect(truncate(mac, 10)).toBe('2147483647');
    mac.set([0x80, 0, 0, 5], 0);
    expect(truncate(mac, 10)).toBe('0000000005');
    expect(truncate(mac, 6)).toBe('000005');
  });

  it('computes counters past 2^32, past 2^53 and up to 2^64-1 exactly (bigint)', async () => {
    for (const counter of [2n ** 32n, 2n ** 32n + 1n, 2n ** 53n + 1n, 2n ** 63n, MAX64]) {
      expect(await generateHOTP({ secret: SECRET, counter })).toBe(
        referenceHOTP(SECRET_BYTES, counter, 6, 'SHA1'),
      );
    }
    expect(await generateHOTP({ secret: SECRET, counter: Number.MAX_SAFE_INTEGER })).toBe(
      referenceHOTP(SECRET_BYTES, BigInt(Number.MAX_SAFE_INTEGER), 6, 'SHA1'),
    );
  });

  it('refuses bigint counters outside 0..2^64-1 and non-objects', async () => {
    await expectOTPError(
      () => generateHOTP({ secret: SECRET, counter: -1n }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => generateHOTP({ secret: SECRET, counter: MAX64 + 1n }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => generateHOTP({ secret: SECRET, counter: Number.NaN }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(() => generateHOTP({ secret: SECRET } as never), 'ERR_INVALID_OPTION');
    await expectOTPError(() => generateHOTP(null as never), 'ERR_INVALID_OPTION');
    await expectOTPError(() => generateHOTP('GEZDGNBV' as never), 'ERR_INVALID_OPTION');
  });

  it('ignores extra keys on the options object', async () => {
    expect(await generateHOTP({ secret: SECRET, counter: 1, issuer: 'x', type: 'hotp' } as never))
      .toBe('287082');
  });

  it('copies a Uint8Array secret: later mutation by the caller does not matter', async () => {
    const key = SECRET_BYTES.slice();
    const pending = generateHOTP({ secret: key, counter: 1 });
    key.fill(0);
    expect(await pending).toBe('287082');
  });
});

describe('verifyHOTP', () => {
  it('accepts the code at the given counter and returns counter, nextCounter and delta', async () => {
    expect(await verifyHOTP({ secret: SECRET, token: '287082', counter: 1 })).toEqual({
      counter: 1,
      nextCounter: 2,
      delta: 0,
    });
  });

  // RFC 4226 §7.4 look-ahead, Appendix A.3: C .. C + s.
  it('looks ahead up to lookAhead counters and reports the delta', async () => {
    expect(await verifyHOTP({ secret: SECRET, token: '520489', counter: 1, lookAhead: 8 })).toEqual(
      { counter: 9, nextCounter: 10, delta: 8 },
    );
    expect(await verifyHOTP({ secret: SECRET, token: '520489', counter: 1, lookAhead: 7 }))
      .toBeNull();
    expect(await verifyHOTP({ secret: SECRET, token: '359152', counter: 1 })).toBeNull();
  });

  it('returns bigints for a bigint counter, numbers for a number counter', async () => {
    const match = await verifyHOTP({ secret: SECRET, token: '969429', counter: 1n, lookAhead: 3 });
    expect(match).toEqual({ counter: 3n, nextCounter: 4n, delta: 2n });
    const top = referenceHOTP(SECRET_BYTES, MAX64, 6, 'SHA1');
    expect(await verifyHOTP({ secret: SECRET, token: top, counter: MAX64 - 2n, lookAhead: 5 }))
      .toEqual({
        counter: MAX64,
        nextCounter: MAX64 + 1n,
        delta: 2n,
      });
  });

  it('stops number counters at Number.MAX_SAFE_INTEGER (a bigint goes further)', async () => {
    const max = Number.MAX_SAFE_INTEGER;
    const atMax = referenceHOTP(SECRET_BYTES, BigInt(max), 6, 'SHA1');
    expect(await verifyHOTP({ secret: SECRET, token: atMax, counter: max - 1, lookAhead: 3 }))
      .toEqual({ counter: max, nextCounter: max + 1, delta: 1 });
    const beyond = referenceHOTP(SECRET_BYTES, BigInt(max) + 1n, 6, 'SHA1');
    if (beyond !== atMax) {
      expect(await verifyHOTP({ secret: SECRET, token: beyond, counter: max, lookAhead: 3 }))
        .toBeNull();
    }
  });

  const malformed = [
    '',
    '28708',
    '2870820',
    ' 287082',
    '287082 ',
    '287 082',
    '28708a',
    '+87082',
    '-87082',
    '2.7082',
    '١٢٣٤٥٦',
    '１２３４５６',
    '287082\n',
    '\u0000287082'.slice(0, 6),
    '0x1234',
  ];
  it.each(malformed)(
    'returns null for the malformed token %j without computing any HMAC',
    async (token) => {
      const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
      const importKey = vi.spyOn(globalThis.crypto.subtle, 'importKey');
      expect(await verifyHOTP({ secret: SECRET, token, counter: 1, lookAhead: 5 })).toBeNull();
      expect(sign).not.toHaveBeenCalled();
      expect(importKey).not.toHaveBeenCalled();
    },
  );

  it('computes and compares every candidate in the window, even after a match', async () => {
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    expect(await verifyHOTP({ secret: SECRET, token: '755224', counter: 0, lookAhead: 9 })).toEqual(
      { counter: 0, nextCounter: 1, delta: 0 },
    );
    expect(sign).toHaveBeenCalledTimes(10);
  });

  it('throws an OTPError for a token that is not a string, and for bad options', async () => {
    for (const token of [287082, null, undefined, ['287082'], 287082n]) {
      await expectOTPError(
        () => verifyHOTP({ secret: SECRET, token: token as never, counter: 1 }),
        'ERR_INVALID_OPTION',
      );
    }
    await expectOTPError(
      () => verifyHOTP({ secret: SECRET, token: '287082', counter: 1, lookAhead: -1 }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => verifyHOTP({ secret: SECRET, token: '287082', counter: 1, lookAhead: 1.5 }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => verifyHOTP({ secret: SECRET, token: '287082', counter: 1, lookAhead: '1' as never }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => verifyHOTP({ secret: '', token: '287082', counter: 1 }),
      'ERR_INVALID_SECRET',
    );
  });

  it('never puts the secret or the token in an error message', async () => {
    const secret = 'JBSWY3DPEHPK3PXP';
    for (
      const bad of [{ digits: 99 }, { algorithm: 'MD5' }, { counter: -5 }, { lookAhead: 1000 }, {
        token: 123456,
      }]
    ) {
      const error = await expectOTPError(
        () => verifyHOTP({ secret, token: '123456', counter: 0, ...bad } as never),
        'ERR_INVALID_OPTION',
      );
      expect(error.message).not.toContain(secret);
      expect(error.message).not.toContain('123456');
    }
  });
});

describe('HOTP cross-check against node:crypto', () => {
  it('agrees with an independent node:crypto HMAC reference on 1,200 seeded random cases (all hashes, 6-10 digits, keys 1-200 bytes, counters to 2^64-1)', async () => {
    const rng = seededRandom();
    for (let i = 0; i < 1200; i++) {
      const { algorithm, digits, key } = randomOTPSetup(rng);
      const counter = rng.counter64();
      const expected = referenceHOTP(key, counter, digits, algorithm);
      const context =
        `${rng.tag} case=${i} ${algorithm} digits=${digits} keyLength=${key.length} counter=${counter}`;
      const asNumber = counter <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(counter) : counter;
      expect(await generateHOTP({ secret: key, counter: asNumber, algorithm, digits }), context)
        .toBe(expected);

      // verify: the reference code for counter + k, checked from `counter` with a look-ahead past k
      const k = rng.int(0, 5);
      if (counter + BigInt(k) <= MAX64) {
        const token = referenceHOTP(key, counter + BigInt(k), digits, algorithm);
        const match = await verifyHOTP({
          secret: key,
          token,
          counter,
          lookAhead: k + rng.int(0, 2),
          algorithm,
          digits,
        });
        expect(match, context).not.toBeNull();
        // a collision with an earlier candidate is possible only at 6 digits; the reported counter must still produce the token
        expect(referenceHOTP(key, match?.counter as bigint, digits, algorithm), context).toBe(
          token,
        );
        expect(match?.nextCounter, context).toBe((match?.counter as bigint) + 1n);
      }
    }
  });
});
