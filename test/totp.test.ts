// TOTP beyond the published tables: RFC 6238 Appendix B and vectors/rfc6238.json's extra and invalid
// tables are checked once, by the conformance suite in every runtime (test/conformance/cases/totp.js).
// Here: the clock options, the window, the spies that count HMACs, and a seeded cross-check against
// node:crypto. The RFC's SHA1 seed is a fixed example.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { generateTOTP, totpStep, verifyTOTP } from '../src/index.js';
import vectors from '../vectors/rfc6238.json' with { type: 'json' };
import { expectOTPError } from './helpers/errors.js';
import { randomOTPSetup, seededRandom } from './helpers/random.js';
import { fromHex, referenceTOTP } from './helpers/reference.js';

const SHA1 = vectors.seeds.SHA1.base32;
const SHA1_BYTES = fromHex(vectors.seeds.SHA1.hex);
const YEAR_9999 = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('generateTOTP: the clock', () => {
  it('uses Date.now() when no time is given', async () => {
    vi.spyOn(Date, 'now').mockReturnValue(59_000);
    expect(await generateTOTP({ secret: SHA1, digits: 8 })).toBe('94287082');
  });
});

describe('generateTOTP: clock options', () => {
  // RFC 6238 §4.2: T = floor((time - T0) / X)
  it('shifts steps by epoch (T0, ms) and divides by period (s)', async () => {
    expect(
      await generateTOTP({ secret: SHA1, time: 1_000_059_000, epoch: 1_000_000_000, digits: 8 }),
    ).toBe('94287082');
    expect(await generateTOTP({ secret: SHA1, time: 119_999, period: 60, digits: 8 })).toBe(
      '94287082',
    );
    expect(await generateTOTP({ secret: SHA1, time: 1_000, period: 1, digits: 8 })).toBe(
      '94287082',
    );
  });

  it('handles step boundaries exactly (59.999 s is step 1, 60 s is step 2)', () => {
    expect(totpStep({ time: 59_999 }).step).toBe(1);
    expect(totpStep({ time: 60_000 }).step).toBe(2);
    expect(totpStep({ time: 29_999 }).step).toBe(0);
  });

  // RFC 6238 §4.2: T beyond 32 bits must work.
  it('computes steps past 2^32 exactly (period 1 s, year 2500)', async () => {
    const time = Date.UTC(2500, 0, 1);
    expect(Math.floor(time / 1000)).toBeGreaterThan(2 ** 32);
    expect(await generateTOTP({ secret: SHA1_BYTES, time, period: 1 })).toBe(
      referenceTOTP(SHA1_BYTES, time, 0, 1, 6, 'SHA1'),
    );
  });

  it('works through the year 9999', async () => {
    expect(await generateTOTP({ secret: SHA1, time: YEAR_9999, digits: 10 })).toBe(
      referenceTOTP(SHA1_BYTES, YEAR_9999, 0, 30, 10, 'SHA1'),
    );
  });

  it('refuses non-finite times, invalid Dates and times outside the Date range', async () => {
    for (
      const time of [Number.NaN, Infinity, -Infinity, new Date(Number.NaN), 8.64e15 + 1, 1e300]
    ) {
      await expectOTPError(
        () => generateTOTP({ secret: SHA1, time }),
        'ERR_INVALID_OPTION',
        String(time),
      );
      expect(() => totpStep({ time })).toThrow();
    }
    await expectOTPError(
      () => generateTOTP({ secret: SHA1, time: 0, epoch: Number.NaN }),
      'ERR_INVALID_OPTION',
    );
  });
});

describe('totpStep', () => {
  it('reports the step, its bounds and the time left', () => {
    expect(totpStep({ time: 59_000 })).toEqual({
      step: 1,
      startsAt: 30_000,
      expiresAt: 60_000,
      remainingMs: 1_000,
    });
    expect(totpStep({ time: 1_000_100, period: 60, epoch: 1_000 })).toEqual({
      step: 16,
      startsAt: 961_000,
      expiresAt: 1_021_000,
      remainingMs: 20_900,
    });
  });

  it('defaults to now', () => {
    vi.spyOn(Date, 'now').mockReturnValue(1_700_000_012_345);
    expect(totpStep()).toEqual({
      step: 56_666_667,
      startsAt: 1_700_000_010_000,
      expiresAt: 1_700_000_040_000,
      remainingMs: 27_655,
    });
  });

  it('validates its options', async () => {
    await expectOTPError(() => totpStep({ period: 0 }), 'ERR_INVALID_OPTION');
    await expectOTPError(() => totpStep({ time: 5, epoch: 10 }), 'ERR_INVALID_OPTION');
    await expectOTPError(() => totpStep('now' as never), 'ERR_INVALID_OPTION');
  });
});

describe('verifyTOTP', () => {
  const at = 1_111_111_111_000; // step 0x23523ED
  const step = 0x23523ed;
  const codeAt = (s: number) => referenceTOTP(SHA1_BYTES, s * 30_000, 0, 30, 6, 'SHA1');

  it('accepts the current code and reports its absolute step', async () => {
    expect(await verifyTOTP({ secret: SHA1, token: '050471', time: at })).toEqual({
      step,
      delta: 0,
    });
  });

  // RFC 6238 §5.2: at most one step of delay by default; window edges.
  it('accepts one step either side by default, and not two', async () => {
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step - 1), time: at })).toEqual({
      step: step - 1,
      delta: -1,
    });
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step + 1), time: at })).toEqual({
      step: step + 1,
      delta: 1,
    });
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step - 2), time: at })).toBeNull();
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step + 2), time: at })).toBeNull();
  });

  it('honours window as a number and as { past, future }', async () => {
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step - 1), time: at, window: 0 }))
      .toBeNull();
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step), time: at, window: 0 })).toEqual({
      step,
      delta: 0,
    });
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step - 10), time: at, window: 10 }))
      .toEqual({ step: step - 10, delta: -10 });
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step + 10), time: at, window: 10 }))
      .toEqual({ step: step + 10, delta: 10 });
    expect(
      await verifyTOTP({
        secret: SHA1,
        token: codeAt(step - 2),
        time: at,
        window: { past: 2, future: 0 },
      }),
    ).toEqual({ step: step - 2, delta: -2 });
    expect(
      await verifyTOTP({
        secret: SHA1,
        token: codeAt(step + 1),
        time: at,
        window: { past: 2, future: 0 },
      }),
    ).toBeNull();
    expect(
      await verifyTOTP({
        secret: SHA1,
        token: codeAt(step + 3),
        time: at,
        window: { past: 0, future: 3 },
      }),
    ).toEqual({ step: step + 3, delta: 3 });
    expect(
      await verifyTOTP({
        secret: SHA1,
        token: codeAt(step - 1),
        time: at,
        window: { past: 0, future: 3 },
      }),
    ).toBeNull();
  });

  it('accepts the last millisecond of a step and moves on at the next', async () => {
    const boundary = (step + 1) * 30_000;
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step), time: boundary - 1, window: 0 }))
      .toEqual({ step, delta: 0 });
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step), time: boundary, window: 0 }))
      .toBeNull();
  });

  // RFC 6238 §5.2: a code is accepted once. The app stores match.step and passes it back as afterStep.
  it('refuses a replayed code through afterStep, and every earlier step too', async () => {
    const first = await verifyTOTP({ secret: SHA1, token: codeAt(step), time: at });
    expect(first).toEqual({ step, delta: 0 });
    expect(
      await verifyTOTP({
        secret: SHA1,
        token: codeAt(step),
        time: at,
        afterStep: first?.step as number,
      }),
    ).toBeNull();
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step - 1), time: at, afterStep: step }))
      .toBeNull();
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step + 1), time: at, afterStep: step }))
      .toEqual({ step: step + 1, delta: 1 });
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step), time: at, afterStep: step - 1 }))
      .toEqual({ step, delta: 0 });
  });

  it('computes no HMAC when afterStep leaves no candidate', async () => {
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step), time: at, afterStep: step + 5 }))
      .toBeNull();
    expect(sign).not.toHaveBeenCalled();
  });

  it('computes all 2w+1 candidates even when the first matches', async () => {
    const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(step - 3), time: at, window: 3 }))
      .toEqual({ step: step - 3, delta: -3 });
    expect(sign).toHaveBeenCalledTimes(7);
  });

  it('never checks negative steps near the epoch', async () => {
    expect(await verifyTOTP({ secret: SHA1, token: codeAt(0), time: 0, window: 2 })).toEqual({
      step: 0,
      delta: 0,
    });
  });

  const malformed = [
    '',
    '05047',
    '0504711',
    ' 050471',
    '050471 ',
    '050 471',
    '05047a',
    '٠٥٠٤٧١',
    '０５０４７１',
    '050471\n',
    '5e+5',
    '-50471',
  ];
  it.each(malformed)(
    'returns null for the malformed token %j without computing any HMAC',
    async (token) => {
      const sign = vi.spyOn(globalThis.crypto.subtle, 'sign');
      expect(await verifyTOTP({ secret: SHA1, token, time: at })).toBeNull();
      expect(sign).not.toHaveBeenCalled();
    },
  );

  it('refuses bad window, afterStep and token types with ERR_INVALID_OPTION', async () => {
    const base = { secret: SHA1, token: '050471', time: at };
    const bad: object[] = [
      { window: 11 },
      { window: -1 },
      { window: 1.5 },
      { window: '1' },
      { window: null },
      { window: { past: 1 } },
      { window: { past: 11, future: 0 } },
      { window: { past: 0, future: -1 } },
      { afterStep: 1.5 },
      { afterStep: '5' },
      { afterStep: 2 ** 53 },
      { afterStep: null },
      { token: 50471 },
      { token: null },
    ];
    for (const options of bad) {
      await expectOTPError(
        () => verifyTOTP({ ...base, ...options } as never),
        'ERR_INVALID_OPTION',
        JSON.stringify(options),
      );
    }
  });
});

describe('TOTP cross-check against node:crypto', () => {
  it('agrees with an independent node:crypto reference on 1,200 seeded random cases (all hashes, 6-10 digits, keys 1-200 bytes, times to year 9999)', async () => {
    const rng = seededRandom();
    for (let i = 0; i < 1200; i++) {
      const { algorithm, digits, key } = randomOTPSetup(rng);
      const period = rng.pick([1, 30, 30, 60, rng.int(1, 86_400)]);
      const epoch = rng.pick([0, 0, rng.int(0, 2 ** 31) * 1000]);
      const time = epoch + Math.floor((rng.uint32() / 2 ** 32) * (YEAR_9999 - epoch));
      const context =
        `${rng.tag} case=${i} ${algorithm} digits=${digits} keyLength=${key.length} time=${time} epoch=${epoch} period=${period}`;
      const expected = referenceTOTP(key, time, epoch, period, digits, algorithm);
      expect(await generateTOTP({ secret: key, time, epoch, period, algorithm, digits }), context)
        .toBe(expected);

      const current = totpStep({ time, epoch, period }).step;
      const delta = Math.max(rng.int(-2, 2), -current);
      const token = referenceTOTP(
        key,
        time + delta * period * 1000,
        epoch,
        period,
        digits,
        algorithm,
      );
      const match = await verifyTOTP({
        secret: key,
        token,
        time,
        epoch,
        period,
        algorithm,
        digits,
        window: 2,
      });
      expect(match, context).not.toBeNull();
      expect(
        referenceTOTP(
          key,
          epoch + (match?.step as number) * period * 1000,
          epoch,
          period,
          digits,
          algorithm,
        ),
        context,
      ).toBe(token);
      expect(match?.delta, context).toBe((match?.step as number) - current);
    }
  });
});
