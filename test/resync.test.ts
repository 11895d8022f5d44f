// HOTP resynchronisation with 2 or 3 consecutive codes, RFC 4226 §7.4.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_COUNTER } from '../src/internal/assert.js';
import { resyncHOTP } from '../src/index.js';
import { expectOTPError } from './helpers/errors.js';
import { randomOTPSetup, seededRandom } from './helpers/random.js';
import { referenceHOTP } from './helpers/reference.js';

// RFC 4226 Appendix D: K = "12345678901234567890", HOTP values for C = 0..9.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC = [
  '755224',
  '287082',
  '359152',
  '969429',
  '338314',
  '254676',
  '287922',
  '162583',
  '399871',
  '520489',
] as const;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('resyncHOTP (RFC 4226 §7.4)', () => {
  it('accepts two consecutive codes and returns the match of the last one', async () => {
    expect(await resyncHOTP({ secret: RFC_SECRET, tokens: [RFC[3], RFC[4]], counter: 0 })).toEqual({
      counter: 4,
      nextCounter: 5,
      delta: 4,
    });
    expect(await resyncHOTP({ secret: RFC_SECRET, tokens: [RFC[0], RFC[1]], counter: 0 })).toEqual({
      counter: 1,
      nextCounter: 2,
      delta: 1,
    });
  });

  it('accepts three consecutive codes and returns the match of the last one', async () => {
    expect(await resyncHOTP({ secret: RFC_SECRET, tokens: [RFC[5], RFC[6], RFC[7]], counter: 2 }))
      .toEqual({ counter: 7, nextCounter: 8, delta: 5 });
  });

  it('refuses codes that are each valid but not consecutive, out of order, or repeated', async () => {
    const refused: [string, string, string?][] = [
      [RFC[3], RFC[5]],
      [RFC[4], RFC[3]],
      [RFC[4], RFC[4]],
      [RFC[2], RFC[3], RFC[5]],
      [RFC[2], RFC[4], RFC[5]],
      [RFC[3], RFC[2], RFC[4]],
    ];
    for (const tokens of refused) {
      const t = (tokens[2] === undefined ? tokens.slice(0, 2) : tokens) as [string, string];
      expect(await resyncHOTP({ secret: RFC_SECRET, tokens: t, counter: 0 }), t.join(','))
        .toBeNull();
    }
  });

  it('never accepts a run that starts before the stored counter (HOTP has no backward window)', async () => {
    expect(await resyncHOTP({ secret: RFC_SECRET, tokens: [RFC[3], RFC[4]], counter: 4 }))
      .toBeNull();
    expect(await resyncHOTP({ secret: RFC_SECRET, tokens: [RFC[4], RFC[5]], counter: 4 })).toEqual({
      counter: 5,
      nextCounter: 6,
      delta: 1,
    });
  });

  it('accepts a run starting at counter + lookAhead and refuses one starting just after (seeded, independent HMAC)', async () => {
    const rng = seededRandom();
    for (let round = 0; round < 12; round++) {
      const { algorithm, digits, key } = randomOTPSetup(rng);
      const lookAhead = rng.pick([0, 1, 5, 17, 100]);
      const length = rng.pick([2, 3]);
      const counter = rng.int(0, 2 ** 31);
      const ctx = `${rng.tag} round ${round} lookAhead ${lookAhead} length ${length}`;
      const run = (start: number): [string, string] =>
        Array.from(
          { length },
          (_, j) => referenceHOTP(key, BigInt(start + j), digits, algorithm),
        ) as [string, string];
      const options = { secret: key, counter, lookAhead, algorithm, digits };
      const inner = rng.int(0, lookAhead);
      const last = counter + inner + length - 1;
      expect(await resyncHOTP({ ...options, tokens: run(counter + inner) }), ctx).toEqual({
        counter: last,
        nextCounter: last + 1,
        delta: last - counter,
      });
      expect(await resyncHOTP({ ...options, tokens: run(counter + lookAhead) }), ctx).toMatchObject(
        { counter: counter + lookAhead + length - 1 },
      );
      expect(await resyncHOTP({ ...options, tokens: run(counter + lookAhead + 1) }), ctx)
        .toBeNull();
    }
  });

  it('looks 100 counters ahead by default and up to 1000 on request', async () => {
    const key = new TextEncoder().encode('12345678901234567890');
    const run = (
      start: number,
    ): [string, string] => [
      referenceHOTP(key, BigInt(start), 6, 'SHA1'),
      referenceHOTP(key, BigInt(start + 1), 6, 'SHA1'),
    ];
    expect(await resyncHOTP({ secret: key, tokens: run(100), counter: 0 })).toMatchObject({
      counter: 101,
    });
    expect(await resyncHOTP({ secret: key, tokens: run(101), counter: 0 })).toBeNull();
    expect(await resyncHOTP({ secret: key, tokens: run(1000), counter: 0, lookAhead: 1000 }))
      .toMatchObject({ counter: 1001, nextCounter: 1002 });
    expect(await resyncHOTP({ secret: key, tokens: run(1001), counter: 0, lookAhead: 1000 }))
      .toBeNull();
  });

  it('computes each counter of the span once: lookAhead + tokens HMACs, wherever the run is', async () => {
    const sign = vi.spyOn(crypto.subtle, 'sign');
    for (
      const [tokens, lookAhead] of [[[RFC[0], RFC[1]], 10], [[RFC[7], RFC[8], RFC[9]], 7], [[
        RFC[0],
        RFC[2],
      ], 50]] as const
    ) {
      sign.mockClear();
      await resyncHOTP({
        secret: RFC_SECRET,
        tokens: [...tokens] as [string, string],
        counter: 0,
        lookAhead,
      });
      expect(sign).toHaveBeenCalledTimes(lookAhead + tokens.length);
    }
  });

  it('keeps the counter type: bigint in, bigint out, up to 2^64-1', async () => {
    const key = new TextEncoder().encode('12345678901234567890');
    const at = (c: bigint): string => referenceHOTP(key, c, 6, 'SHA1');
    const base = 2n ** 60n;
    expect(await resyncHOTP({ secret: key, tokens: [at(base + 3n), at(base + 4n)], counter: base }))
      .toEqual({ counter: base + 4n, nextCounter: base + 5n, delta: 4n });
    expect(
      await resyncHOTP({
        secret: key,
        tokens: [at(MAX_COUNTER - 1n), at(MAX_COUNTER)],
        counter: MAX_COUNTER - 5n,
      }),
    ).toMatchObject({ counter: MAX_COUNTER });
    // No room for two codes after the last counter there is.
    expect(
      await resyncHOTP({ secret: key, tokens: [at(MAX_COUNTER), at(0n)], counter: MAX_COUNTER }),
    ).toBeNull();
    const near = Number.MAX_SAFE_INTEGER - 1;
    expect(
      await resyncHOTP({
        secret: key,
        tokens: [at(BigInt(near)), at(BigInt(near) + 1n)],
        counter: near - 2,
      }),
    ).toEqual({
      counter: Number.MAX_SAFE_INTEGER,
      nextCounter: Number.MAX_SAFE_INTEGER + 1,
      delta: 3,
    });
  });

  it('gives null, never throws, for malformed code strings', async () => {
    for (
      const tokens of [
        ['75522', RFC[1]],
        [RFC[0], '2870820'],
        [' 755224', RFC[1]],
        [RFC[0], '28708x'],
        ['７５５２２４', RFC[1]],
        ['', ''],
      ]
    ) {
      expect(
        await resyncHOTP({ secret: RFC_SECRET, tokens: tokens as [string, string], counter: 0 }),
        tokens.join(','),
      ).toBeNull();
    }
    expect(
      await resyncHOTP({ secret: RFC_SECRET, tokens: [RFC[0], RFC[1]], counter: 0, digits: 8 }),
    ).toBeNull();
  });

  it('refuses bad options: tokens not 2 or 3 strings, lookAhead outside 0..1000, bad counter', async () => {
    const base = { secret: RFC_SECRET, counter: 0 };
    for (
      const tokens of [
        [RFC[0]],
        [RFC[0], RFC[1], RFC[2], RFC[3]],
        [],
        RFC[0],
        null,
        undefined,
        [RFC[0], 287082],
        [RFC[0], null],
        [RFC[0], , RFC[2]],
        new Array(2),
      ]
    ) {
      await expectOTPError(
        () => resyncHOTP({ ...base, tokens: tokens as [string, string] }),
        'ERR_INVALID_OPTION',
        String(tokens),
      );
    }
    for (const lookAhead of [-1, 1001, 1.5, '100', null]) {
      await expectOTPError(
        () => resyncHOTP({ ...base, tokens: [RFC[0], RFC[1]], lookAhead: lookAhead as number }),
        'ERR_INVALID_OPTION',
        String(lookAhead),
      );
    }
    for (const counter of [-1, 1.5, '0', 2n ** 64n, null]) {
      await expectOTPError(
        () => resyncHOTP({ ...base, tokens: [RFC[0], RFC[1]], counter: counter as number }),
        'ERR_INVALID_OPTION',
        String(counter),
      );
    }
    await expectOTPError(
      () => resyncHOTP({ ...base, secret: '', tokens: [RFC[0], RFC[1]] }),
      'ERR_INVALID_SECRET',
    );
    await expectOTPError(() => resyncHOTP(undefined as never), 'ERR_INVALID_OPTION');
  });

  it('tells the code apart from the secret in its errors (no token in messages)', async () => {
    const error = await expectOTPError(
      () => resyncHOTP({ secret: RFC_SECRET, tokens: [RFC[0], 287082 as never], counter: 0 }),
      'ERR_INVALID_OPTION',
    );
    expect(error.message).not.toContain('287082');
    expect(error.message).not.toContain('755224');
  });
});
