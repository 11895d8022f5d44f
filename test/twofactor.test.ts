// otpkit/twofactor on memoryStore: every rule of createTwoFactor through its public API, with a
// controlled clock and TOTP codes from the independent node:crypto reference.
import { describe, expect, it } from 'vitest';
import { decodeBase32, isOTPError, parseKeyURI } from '../src/index.js';
import {
  checkStore,
  createTwoFactor,
  memoryStore,
  redisStore,
  sqlStore,
  type TwoFactorStore,
} from '../src/twofactor/index.js';
import { expectOTPError } from './helpers/errors.js';
import { referenceTOTP } from './helpers/reference.js';

const subtle = globalThis.crypto.subtle;
const sealKey = await subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
  'encrypt',
  'decrypt',
]);
const pepper = await subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
const START = 1_800_000_000_000;

function setup(store: TwoFactorStore = memoryStore(), extra: Record<string, unknown> = {}) {
  const clock = { now: START };
  const twoFactor = createTwoFactor({
    store,
    sealKey,
    pepper,
    issuer: 'Example',
    now: () => clock.now,
    ...extra,
  });
  return { twoFactor, clock, store };
}

/** The TOTP code of a base32 secret at a time, from node:crypto. */
const codeAt = (secret: string, time: number): string =>
  referenceTOTP(decodeBase32(secret), time, 0, 30, 6, 'SHA1');

/** Enrols `userId` and returns its secret and recovery codes. */
async function enrolled(
  twoFactor: ReturnType<typeof setup>['twoFactor'],
  time: number,
  userId = 'u1',
) {
  const { secret } = await twoFactor.beginEnrolment({ userId, account: 'erin', binding: 's1' });
  const result = await twoFactor.confirmEnrolment({
    userId,
    binding: 's1',
    token: codeAt(secret, time),
  });
  if (!result.ok) throw new Error(`enrolment failed: ${result.reason}`);
  return { secret, recoveryCodes: result.recoveryCodes };
}

describe('enrolment', () => {
  it('gives a TOTP key URI for the issuer and account, and keeps the same key for the same binding', async () => {
    const { twoFactor } = setup();
    const first = await twoFactor.beginEnrolment({ userId: 'u1', account: 'erin', binding: 's1' });
    const key = parseKeyURI(first.uri);
    expect(key).toMatchObject({ type: 'totp', issuer: 'Example', account: 'erin' });
    expect(first.expiresAt).toBe(START + 15 * 60_000);
    const again = await twoFactor.beginEnrolment({ userId: 'u1', account: 'erin', binding: 's1' });
    expect(again.secret).toBe(first.secret);
    expect(again.uri).toBe(first.uri);
  });

  it('makes a new key for another binding and voids the first (the enrolment hijack)', async () => {
    const { twoFactor } = setup();
    const intruder = await twoFactor.beginEnrolment({
      userId: 'u1',
      account: 'e',
      binding: 'evil',
    });
    const user = await twoFactor.beginEnrolment({ userId: 'u1', account: 'e', binding: 'real' });
    expect(user.secret).not.toBe(intruder.secret);
    expect(
      await twoFactor.confirmEnrolment({
        userId: 'u1',
        binding: 'evil',
        token: codeAt(intruder.secret, START),
      }),
    ).toEqual({ ok: false, reason: 'expired' });
    const ok = await twoFactor.confirmEnrolment({
      userId: 'u1',
      binding: 'real',
      token: codeAt(user.secret, START),
    });
    expect(ok.ok).toBe(true);
    // The intruder's key never works.
    expect(await twoFactor.verify({ userId: 'u1', token: codeAt(intruder.secret, START + 60_000) }))
      .toMatchObject({ ok: false, reason: 'invalid' });
  });

  it('refuses a confirmation after the enrolment expired, or from another binding', async () => {
    const { twoFactor, clock } = setup();
    const { secret } = await twoFactor.beginEnrolment({
      userId: 'u1',
      account: 'e',
      binding: 's1',
    });
    expect(
      await twoFactor.confirmEnrolment({
        userId: 'u1',
        binding: 's2',
        token: codeAt(secret, START),
      }),
    ).toEqual({ ok: false, reason: 'expired' });
    clock.now = START + 15 * 60_000;
    expect(
      await twoFactor.confirmEnrolment({
        userId: 'u1',
        binding: 's1',
        token: codeAt(secret, clock.now),
      }),
    ).toEqual({ ok: false, reason: 'expired' });
    expect((await twoFactor.status({ userId: 'u1' })).enabled).toBe(false);
  });

  it('confirms with a right code, returning 10 recovery codes once, and a wrong code is invalid', async () => {
    const { twoFactor } = setup();
    const { secret } = await twoFactor.beginEnrolment({
      userId: 'u1',
      account: 'e',
      binding: 's1',
    });
    expect(await twoFactor.confirmEnrolment({ userId: 'u1', binding: 's1', token: '000000' }))
      .toMatchObject({ ok: false });
    const result = await twoFactor.confirmEnrolment({
      userId: 'u1',
      binding: 's1',
      token: codeAt(secret, START),
    });
    expect(result.ok && result.recoveryCodes.length).toBe(10);
    expect(await twoFactor.status({ userId: 'u1' })).toEqual({
      enabled: true,
      recoveryCodesLeft: 10,
      lockedUntil: null,
    });
    // Confirming again: nothing is pending any more.
    expect(
      await twoFactor.confirmEnrolment({
        userId: 'u1',
        binding: 's1',
        token: codeAt(secret, START),
      }),
    ).toEqual({ ok: false, reason: 'expired' });
  });
});

describe('verify', () => {
  it('accepts a TOTP code once: the same code again is invalid (replay)', async () => {
    const { twoFactor, clock } = setup();
    const { secret } = await enrolled(twoFactor, START);
    clock.now = START + 60_000;
    const token = codeAt(secret, clock.now);
    expect(await twoFactor.verify({ userId: 'u1', token })).toEqual({
      ok: true,
      method: 'totp',
      recoveryCodesLeft: 10,
    });
    expect(await twoFactor.verify({ userId: 'u1', token })).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('locks after maxFailures attempts, refuses even a right code while locked, and doubles the next lock', async () => {
    const { twoFactor, clock } = setup();
    const { secret } = await enrolled(twoFactor, START);
    clock.now = START + 60_000;
    for (let i = 0; i < 5; i++) {
      expect(await twoFactor.verify({ userId: 'u1', token: '000000' })).toMatchObject({
        ok: false,
      });
    }
    expect(await twoFactor.verify({ userId: 'u1', token: codeAt(secret, clock.now) })).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 60_000,
    });
    expect((await twoFactor.status({ userId: 'u1' })).lockedUntil).toBe(clock.now + 60_000);
    clock.now += 60_000;
    for (let i = 0; i < 5; i++) await twoFactor.verify({ userId: 'u1', token: '000000' });
    expect(await twoFactor.verify({ userId: 'u1', token: '000000' })).toEqual({
      ok: false,
      reason: 'locked',
      retryAfterMs: 120_000,
    });
    clock.now += 120_000;
    expect(await twoFactor.verify({ userId: 'u1', token: codeAt(secret, clock.now) }))
      .toMatchObject({
        ok: true,
      });
    expect((await twoFactor.status({ userId: 'u1' })).lockedUntil).toBe(null);
  });

  it('counts every attempt before checking it: 1,000 parallel guesses check at most 5', async () => {
    const { twoFactor, clock } = setup();
    const { secret } = await enrolled(twoFactor, START);
    clock.now = START + 60_000;
    const right = codeAt(secret, clock.now);
    const guesses = Array.from({ length: 1000 }, (_, i) => String(i).padStart(6, '0'))
      .filter((g) => g !== right);
    const results = await Promise.all(
      guesses.map((token) => twoFactor.verify({ userId: 'u1', token })),
    );
    expect(results.filter((r) => r.ok)).toEqual([]);
    expect(results.filter((r) => !r.ok && r.reason === 'invalid').length).toBe(5);
    expect(await twoFactor.verify({ userId: 'u1', token: right })).toMatchObject({
      reason: 'locked',
    });
  });

  it('accepts each recovery code once, and honours methods', async () => {
    const { twoFactor } = setup();
    const { recoveryCodes } = await enrolled(twoFactor, START);
    const code = recoveryCodes[3] as string;
    expect(await twoFactor.verify({ userId: 'u1', token: code, methods: ['totp'] })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await twoFactor.verify({ userId: 'u1', token: code.toLowerCase() })).toEqual({
      ok: true,
      method: 'recovery',
      recoveryCodesLeft: 9,
    });
    expect(await twoFactor.verify({ userId: 'u1', token: code })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    const fresh = await twoFactor.regenerateRecoveryCodes({ userId: 'u1' });
    expect(fresh.length).toBe(10);
    expect(await twoFactor.verify({ userId: 'u1', token: recoveryCodes[0] as string }))
      .toMatchObject({ ok: false });
    expect(await twoFactor.verify({ userId: 'u1', token: fresh[0] as string })).toMatchObject({
      ok: true,
      recoveryCodesLeft: 9,
    });
  });

  it('sent codes: one live code per purpose, consumed once, expired after ttlMs', async () => {
    const { twoFactor, clock } = setup();
    const first = await twoFactor.issueCode({ userId: 'u2' });
    expect(first.code).toMatch(/^[0-9]{6}$/);
    expect(first.expiresAt).toBe(START + 10 * 60_000);
    const second = await twoFactor.issueCode({ userId: 'u2' });
    const other = await twoFactor.issueCode({ userId: 'u2', purpose: 'email-change', digits: 8 });
    expect(other.code).toMatch(/^[0-9]{8}$/);
    if (first.code !== second.code) {
      expect(await twoFactor.verify({ userId: 'u2', token: first.code })).toEqual({
        ok: false,
        reason: 'invalid',
      });
    }
    expect(await twoFactor.verify({ userId: 'u2', token: other.code })).toMatchObject({
      ok: false,
    });
    expect(await twoFactor.verify({ userId: 'u2', token: second.code })).toEqual({
      ok: true,
      method: 'code',
      recoveryCodesLeft: 0,
    });
    expect(await twoFactor.verify({ userId: 'u2', token: second.code })).toMatchObject({
      ok: false,
    });
    clock.now += 10 * 60_000;
    expect(await twoFactor.verify({ userId: 'u2', token: other.code, purpose: 'email-change' }))
      .toEqual({ ok: false, reason: 'expired' });
  });

  it('reports not-enrolled when two-factor is off and sent codes are not accepted', async () => {
    const { twoFactor } = setup();
    expect(
      await twoFactor.verify({ userId: 'nobody', token: '123456', methods: ['totp', 'recovery'] }),
    )
      .toEqual({ ok: false, reason: 'not-enrolled' });
  });

  it('never throws for a wrong token string, however it looks', async () => {
    const { twoFactor } = setup();
    await enrolled(twoFactor, START);
    for (
      const token of ['', 'x', '12345', '1234567', '００００００', 'a'.repeat(100_000), '\u0000']
    ) {
      expect(await twoFactor.verify({ userId: 'u1', token })).toMatchObject({ ok: false });
    }
  });
});

describe('disable and status', () => {
  it('disable removes the secret and recovery codes; regenerate then refuses', async () => {
    const { twoFactor, clock } = setup();
    const { secret, recoveryCodes } = await enrolled(twoFactor, START);
    await twoFactor.disable({ userId: 'u1' });
    expect(await twoFactor.status({ userId: 'u1' })).toEqual({
      enabled: false,
      recoveryCodesLeft: 0,
      lockedUntil: null,
    });
    clock.now += 60_000;
    expect(
      await twoFactor.verify({ userId: 'u1', token: codeAt(secret, clock.now), methods: ['totp'] }),
    )
      .toEqual({ ok: false, reason: 'not-enrolled' });
    expect(
      await twoFactor.verify({
        userId: 'u1',
        token: recoveryCodes[0] as string,
        methods: ['recovery'],
      }),
    ).toEqual({ ok: false, reason: 'not-enrolled' });
    await expectOTPError(
      () => twoFactor.regenerateRecoveryCodes({ userId: 'u1' }),
      'ERR_TWOFACTOR_NOT_ENROLLED',
    );
  });
});

describe('no plaintext at rest', () => {
  it('stores the secret sealed and codes as keyed hashes, never as given', async () => {
    const store = memoryStore();
    const { twoFactor } = setup(store);
    const { secret, recoveryCodes } = await enrolled(twoFactor, START);
    const { code } = await twoFactor.issueCode({ userId: 'u1' });
    const record = JSON.stringify(await store.read('u1'));
    expect(record).not.toContain(secret);
    expect(record).toMatch(/"secret":"v1\./);
    for (const c of recoveryCodes) expect(record).not.toContain(c);
    expect(record).not.toContain(code);
  });
});

describe('bad arguments', () => {
  it('are OTPErrors with stable codes', async () => {
    const { twoFactor } = setup();
    await expectOTPError(() => twoFactor.verify({ userId: '', token: '1' }), 'ERR_INVALID_OPTION');
    await expectOTPError(
      () => twoFactor.verify({ userId: 'u', token: 1 as unknown as string }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => twoFactor.verify({ userId: 'u', token: '1', methods: ['sms' as 'code'] }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => twoFactor.issueCode({ userId: 'u', digits: 5 }),
      'ERR_INVALID_OPTION',
    );
    for (
      const bad of [
        { sealKey: pepper },
        { pepper: sealKey },
        { store: {} },
        { issuer: '' },
        { limits: { maxFailures: 0 } },
        { limits: { lockMs: 60_000, maxLockMs: 1_000 } },
        { totp: { digits: 5 } },
      ]
    ) {
      let error: unknown;
      try {
        createTwoFactor({ store: memoryStore(), sealKey, pepper, issuer: 'X', ...bad } as never);
      } catch (caught) {
        error = caught;
      }
      expect(isOTPError(error) && error.code, JSON.stringify(Object.keys(bad))).toBe(
        'ERR_INVALID_OPTION',
      );
    }
  });

  it('a store answering with the wrong shape is ERR_STORE_INVALID, not a login', async () => {
    const store = memoryStore();
    const liar: TwoFactorStore = {
      ...store,
      reserveAttempt: async () => ({ granted: 'yes', record: {} }) as never,
    };
    const { twoFactor } = setup(liar);
    await expectOTPError(
      () => twoFactor.verify({ userId: 'u1', token: '123456' }),
      'ERR_STORE_INVALID',
    );
  });
});

describe('checkStore', () => {
  it('passes memoryStore', async () => {
    const checked = await checkStore(memoryStore());
    expect(checked.length).toBe(11);
  });

  it('names the property a broken store breaks', async () => {
    const store = memoryStore();
    // A store whose reservation is check-then-act across an await: it reads the count, yields, then
    // writes the count it computed from what it read, so parallel reservations all pass.
    const attempts = new Map<string, { failures: number; lockedUntil: number; lockMs: number }>();
    const racy: TwoFactorStore = {
      ...store,
      async reserveAttempt(userId, policy) {
        const before = attempts.get(userId) ?? { failures: 0, lockedUntil: 0, lockMs: 0 };
        await new Promise((resolve) => setTimeout(resolve, 1));
        const record = { ...(await store.read(userId)), ...before };
        if (before.lockedUntil > policy.now) return { granted: false, record };
        const after = { ...before, failures: before.failures + 1 };
        if (after.failures >= policy.maxFailures) {
          after.lockMs = after.lockMs === 0
            ? policy.lockMs
            : Math.min(policy.maxLockMs, after.lockMs * 2);
          after.lockedUntil = policy.now + after.lockMs;
          after.failures = 0;
        }
        attempts.set(userId, after);
        return { granted: true, record: { ...record, ...after } };
      },
      async read(userId) {
        return { ...(await store.read(userId)), ...attempts.get(userId) };
      },
      async clearAttempts(userId) {
        attempts.delete(userId);
      },
    };
    await expect(checkStore(racy)).rejects.toThrow(
      /store check failed: parallel reservations serialise \(got \{"granted":50\}\)/,
    );
    const replaying: TwoFactorStore = { ...store, acceptStep: async () => true };
    await expect(checkStore(replaying)).rejects.toThrow(/acceptStep/);
  });
});

describe('review fixes', () => {
  it('a sent code for another purpose does not clear the count (no more guesses at TOTP)', async () => {
    const { twoFactor } = setup();
    await enrolled(twoFactor, START);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) await twoFactor.verify({ userId: 'u1', token: '000000' });
      const { code } = await twoFactor.issueCode({ userId: 'u1', purpose: 'verify-email' });
      await twoFactor.verify({ userId: 'u1', token: code, purpose: 'verify-email' });
    }
    expect((await twoFactor.status({ userId: 'u1' })).lockedUntil).not.toBe(null);
  });

  it('a login code clears the count, as a TOTP or recovery success does', async () => {
    const { twoFactor } = setup();
    for (let i = 0; i < 4; i++) await twoFactor.verify({ userId: 'u3', token: '000000' });
    const { code } = await twoFactor.issueCode({ userId: 'u3' });
    expect(await twoFactor.verify({ userId: 'u3', token: code })).toMatchObject({ ok: true });
    for (let i = 0; i < 4; i++) await twoFactor.verify({ userId: 'u3', token: '000000' });
    expect((await twoFactor.status({ userId: 'u3' })).lockedUntil).toBe(null);
  });

  it('refuses ids with a lone surrogate (UTF-8 would make them another id)', async () => {
    const { twoFactor } = setup();
    await expectOTPError(() => twoFactor.issueCode({ userId: 'x\uD800' }), 'ERR_INVALID_OPTION');
    await expectOTPError(
      () => twoFactor.beginEnrolment({ userId: 'u', account: 'a', binding: 's\uDBFF' }),
      'ERR_INVALID_OPTION',
    );
  });

  it('refuses a bad issuer and an AES-128 key when created, not at the first enrolment', async () => {
    const k128 = await subtle.generateKey({ name: 'AES-GCM', length: 128 }, false, [
      'encrypt',
      'decrypt',
    ]);
    for (const bad of [{ issuer: 'a:b' }, { issuer: 'a\u0007' }, { sealKey: k128 }]) {
      expect(() => createTwoFactor({ store: memoryStore(), sealKey, pepper, issuer: 'X', ...bad }))
        .toThrow(expect.objectContaining({ code: 'ERR_INVALID_OPTION' }));
    }
  });

  it("a refused account does not void another session's pending enrolment", async () => {
    const { twoFactor } = setup();
    const first = await twoFactor.beginEnrolment({ userId: 'u1', account: 'e', binding: 's1' });
    await expectOTPError(
      () => twoFactor.beginEnrolment({ userId: 'u1', account: 'a\u202Eb', binding: 's2' }),
      'ERR_INVALID_OPTION',
    );
    const again = await twoFactor.beginEnrolment({ userId: 'u1', account: 'e', binding: 's1' });
    expect(again.secret).toBe(first.secret);
  });

  it("a store that keeps another binding's enrolment is ERR_STORE_INVALID, not another session's key", async () => {
    const store = memoryStore();
    let kept: Parameters<TwoFactorStore['beginEnrolment']>[1] | undefined;
    const sticky: TwoFactorStore = {
      ...store,
      async beginEnrolment(userId, pending, now) {
        kept ??= await store.beginEnrolment(userId, pending, now);
        return kept;
      },
    };
    const { twoFactor } = setup(sticky);
    await twoFactor.beginEnrolment({ userId: 'u1', account: 'e', binding: 'A' });
    await expectOTPError(
      () => twoFactor.beginEnrolment({ userId: 'u1', account: 'e', binding: 'B' }),
      'ERR_STORE_INVALID',
    );
  });
});

describe('store arguments', () => {
  // The databases are never reached: the arguments are refused first (no query runs).
  const sql = sqlStore({ dialect: 'sqlite', query: async () => [] });
  const redis = redisStore({ eval: async () => 1 });

  it('bound a hashes array before reading it (a length of 2^32-1 with nothing in it)', async () => {
    const huge: string[] = [];
    huge.length = 2 ** 32 - 1;
    for (const store of [sql, redis]) {
      const started = performance.now();
      await expectOTPError(
        () => store.replaceRecoveryCodes('u', 'v1.s', huge),
        'ERR_INVALID_OPTION',
      );
      await expectOTPError(
        () => store.confirmEnrolment('u', { binding: 'b', secret: 's', expiresAt: 1 }, 1, huge, 0),
        'ERR_INVALID_OPTION',
      );
      expect(performance.now() - started).toBeLessThan(1000);
    }
  });

  it('refuse a pending enrolment or policy of the wrong shape, in both stores', async () => {
    for (const store of [sql, redis]) {
      await expectOTPError(
        () => store.confirmEnrolment('u', { binding: 'b', secret: 's' } as never, 1, [], 0),
        'ERR_INVALID_OPTION',
      );
      await expectOTPError(
        () => store.reserveAttempt('u', { now: 1, maxFailures: 5, lockMs: '1' } as never),
        'ERR_INVALID_OPTION',
      );
    }
  });
});
