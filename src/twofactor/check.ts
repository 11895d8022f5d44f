// checkStore: the TwoFactorStore contract (store.ts) as a runnable check, for otpkit's own stores and
// for anyone who writes one. Plain async code with no test framework: it throws an Error naming the
// property that failed, and resolves to the list of properties checked.
import { invalid, optionalOptions } from '../internal/assert.ts';
import { randomBytes } from '../internal/crypto.ts';
import {
  type AttemptPolicy,
  EMPTY_RECORD,
  type PendingEnrolment,
  type TwoFactorRecord,
  type TwoFactorStore,
} from './store.ts';

/** Options for {@link checkStore}. */
export interface CheckStoreOptions {
  /**
   * Prefix of the user ids the check writes (default `'otpkit-check-'` and a random suffix): use an
   * empty database, or a prefix no real user id has.
   */
  userPrefix?: string | undefined;
  /** How many calls to start at once in the concurrency checks, 2..1000. Default 50. */
  parallel?: number | undefined;
  /**
   * More stores over the same data (other connections or clients of the same database): the
   * concurrency checks spread their calls over `store` and these, so a store that serialises only
   * within one instance (an in-process lock) fails. Several instances in one process are still not
   * several processes: otpkit's own `npm run test:stores` also races processes.
   */
  instances?: readonly TwoFactorStore[] | undefined;
}

const T0 = 1_800_000_000_000;
const POLICY: AttemptPolicy = { now: T0, maxFailures: 5, lockMs: 60_000, maxLockMs: 200_000 };

class StoreCheckError extends Error {
  override name = 'StoreCheckError';
}

function check(condition: boolean, property: string, detail: unknown): void {
  if (!condition) {
    throw new StoreCheckError(`store check failed: ${property} (got ${JSON.stringify(detail)})`);
  }
}

const hash = (label: string): string => `hmac-sha256:${label.padEnd(64, '0').slice(0, 64)}`;
const sealed = (label: string): string => `v1.${label}.sealed`;

/** The fields of a record a check compares (the pending enrolment compared apart). */
function fields(record: TwoFactorRecord): Record<string, unknown> {
  const { secret, lastStep, recoveryCodesLeft, failures, lockedUntil, lockMs } = record;
  return { secret, lastStep, recoveryCodesLeft, failures, lockedUntil, lockMs };
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Checks that `store` keeps the {@link TwoFactorStore} contract: each operation's effect, and that
 * parallel calls for one user serialise (of `parallel` reservations only `maxFailures` are granted; of
 * parallel compare-and-sets and consumptions exactly one succeeds). Writes only users whose ids start
 * with `userPrefix`.
 *
 * @param store - the store to check
 * @param options - `userPrefix`, `parallel`
 * @returns the names of the properties checked
 * @throws Error naming the first property that does not hold; OTPError `ERR_INVALID_OPTION` for bad options
 * @example
 * ```ts
 * await checkStore(myMongoStore({ db }), { userPrefix: 'check-' });
 * ```
 */
export async function checkStore(
  store: TwoFactorStore,
  options?: CheckStoreOptions,
): Promise<string[]> {
  if (typeof store !== 'object' || store === null) invalid('store', 'a TwoFactorStore');
  const { userPrefix, parallel: parallelValue, instances: instancesValue } = optionalOptions(
    options,
  );
  const instances: TwoFactorStore[] = [store];
  if (instancesValue !== undefined) {
    if (!Array.isArray(instancesValue) || instancesValue.length > 64) {
      invalid('instances', 'an array of at most 64 stores');
    }
    for (const other of instancesValue as unknown[]) {
      if (typeof other !== 'object' || other === null) invalid('instances', 'an array of stores');
      instances.push(other as TwoFactorStore);
    }
  }
  const suffix = [...randomBytes(6)].map((b) => b.toString(16).padStart(2, '0')).join('');
  const prefix = userPrefix === undefined
    ? `otpkit-check-${suffix}-`
    : typeof userPrefix === 'string'
    ? `${userPrefix}${suffix}-`
    : invalid('userPrefix', 'a string');
  const parallel = parallelValue === undefined
    ? 50
    : typeof parallelValue === 'number' && Number.isInteger(parallelValue) && parallelValue >= 2 &&
        parallelValue <= 1000
    ? parallelValue
    : invalid('parallel', 'an integer 2..1000');
  const checked: string[] = [];
  let users = 0;
  const user = (): string => `${prefix}${users++}`;
  const property = async (name: string, run: () => Promise<void>): Promise<void> => {
    await run();
    checked.push(name);
  };
  const enrol = async (userId: string, secret: string, step = 10, hashes = [hash('r1')]) => {
    const pending = { binding: hash('b'), secret, expiresAt: T0 + 60_000 };
    await store.beginEnrolment(userId, pending, T0);
    const done = await store.confirmEnrolment(userId, pending, step, hashes, T0);
    check(done === true, 'confirmEnrolment completes a live pending enrolment', done);
  };
  /** `parallel` calls started at once, spread over the instances. */
  const all = <T>(make: (instance: TwoFactorStore) => Promise<T>): Promise<T[]> =>
    Promise.all(
      Array.from({ length: parallel }, (_, i) =>
        make(instances[i % instances.length] as TwoFactorStore)),
    );
  /** Reserves until the user is locked (a fresh user: maxFailures reservations). */
  const lock = async (userId: string): Promise<void> => {
    for (let i = 0; i < POLICY.maxFailures; i++) await store.reserveAttempt(userId, POLICY);
    const record = await store.read(userId);
    check(record.lockedUntil > T0, 'maxFailures reservations lock the user', record);
  };
  const unlocked = (record: TwoFactorRecord): boolean =>
    record.failures === 0 && record.lockedUntil === 0 && record.lockMs === 0;

  await property('read: a user never seen is the empty record', async () => {
    const record = await store.read(user());
    check(
      same(fields(record), fields(EMPTY_RECORD)) && record.pending === null,
      'read of an unknown user',
      record,
    );
  });

  await property('reserveAttempt: counts, locks at maxFailures, refuses while locked', async () => {
    const id = user();
    for (let i = 1; i < POLICY.maxFailures; i++) {
      const r = await store.reserveAttempt(id, POLICY);
      check(r.granted && r.record.failures === i && r.record.lockedUntil === 0, `attempt ${i}`, r);
    }
    const last = await store.reserveAttempt(id, POLICY);
    check(
      last.granted && last.record.failures === 0 && last.record.lockedUntil === T0 + 60_000 &&
        last.record.lockMs === 60_000,
      'the attempt reaching maxFailures is granted and starts the lock',
      last,
    );
    const refused = await store.reserveAttempt(id, { ...POLICY, now: T0 + 59_999 });
    check(
      !refused.granted && same(fields(refused.record), fields(last.record)),
      'an attempt while locked is refused and changes nothing',
      refused,
    );
    const later = { ...POLICY, now: T0 + 60_000 };
    for (let i = 0; i < POLICY.maxFailures; i++) await store.reserveAttempt(id, later);
    const second = await store.read(id);
    check(
      second.lockedUntil === T0 + 60_000 + 120_000 && second.lockMs === 120_000,
      'the second lock is twice the first',
      second,
    );
    const third = { ...POLICY, now: second.lockedUntil };
    for (let i = 0; i < POLICY.maxFailures; i++) await store.reserveAttempt(id, third);
    const capped = await store.read(id);
    check(
      capped.lockMs === POLICY.maxLockMs && capped.lockedUntil === third.now + POLICY.maxLockMs,
      'a lock is at most maxLockMs',
      capped,
    );
    await store.clearAttempts(id);
    const cleared = await store.read(id);
    check(
      cleared.failures === 0 && cleared.lockedUntil === 0 && cleared.lockMs === 0,
      'clearAttempts clears failures, the lock and its length',
      cleared,
    );
  });

  await property(
    `reserveAttempt: of ${parallel} parallel reservations, maxFailures are granted`,
    async () => {
      const id = user();
      const results = await all((s) => s.reserveAttempt(id, POLICY));
      const granted = results.filter((r) => r.granted).length;
      check(granted === POLICY.maxFailures, 'parallel reservations serialise', { granted });
    },
  );

  await property(
    'acceptStep: a compare-and-set on the last step, exactly one of parallel calls',
    async () => {
      const id = user();
      check(
        (await store.acceptStep(id, sealed('a'), 5)) === false,
        'acceptStep without a secret fails',
        null,
      );
      await enrol(id, sealed('a'), 10);
      check(
        (await store.acceptStep(id, sealed('a'), 10)) === false,
        'acceptStep of lastStep fails',
        10,
      );
      check(
        (await store.acceptStep(id, sealed('b'), 11)) === false,
        'acceptStep with another secret fails',
        11,
      );
      const reservation = await store.reserveAttempt(id, POLICY);
      check(
        reservation.record.secret === sealed('a') && reservation.record.lastStep === 10 &&
          reservation.record.recoveryCodesLeft === 1,
        'reserveAttempt returns the whole record (secret, lastStep, recovery codes left)',
        reservation,
      );
      await lock(id);
      const wins = (await all((s) => s.acceptStep(id, sealed('a'), 12))).filter((x) => x === true);
      check(wins.length === 1, 'parallel acceptStep of one step: exactly one true', wins.length);
      const record = await store.read(id);
      check(
        record.lastStep === 12 && unlocked(record),
        'acceptStep sets lastStep and clears the attempts and the lock',
        record,
      );
      check(
        (await store.acceptStep(id, sealed('a'), 11)) === false,
        'acceptStep of an older step fails',
        11,
      );
    },
  );

  await property(
    'beginEnrolment: the same live binding keeps its key, another replaces it',
    async () => {
      const id = user();
      const first: PendingEnrolment = {
        binding: hash('b1'),
        secret: sealed('p1'),
        expiresAt: T0 + 1000,
      };
      const kept = await store.beginEnrolment(id, first, T0);
      check(same(kept, first), 'beginEnrolment stores the first pending enrolment', kept);
      const again = await store.beginEnrolment(id, {
        ...first,
        secret: sealed('p2'),
        expiresAt: T0 + 2000,
      }, T0 + 1);
      check(same(again, first), 'the same binding, not expired: the first is kept', again);
      const other = { binding: hash('b2'), secret: sealed('p3'), expiresAt: T0 + 3000 };
      check(
        same(await store.beginEnrolment(id, other, T0 + 2), other),
        'another binding replaces it',
        other,
      );
      const late = { ...other, secret: sealed('p4'), expiresAt: T0 + 9000 };
      check(
        same(await store.beginEnrolment(id, late, T0 + 3000), late),
        'an expired one is replaced',
        late,
      );
      check(same((await store.read(id)).pending, late), 'read shows the pending enrolment', late);
    },
  );

  await property(
    'confirmEnrolment: only the live pending enrolment, at most one of parallel calls',
    async () => {
      const id = user();
      const pending = { binding: hash('b'), secret: sealed('s'), expiresAt: T0 + 1000 };
      await store.beginEnrolment(id, pending, T0);
      const reservation = await store.reserveAttempt(id, POLICY);
      check(
        same(reservation.record.pending, pending),
        'reserveAttempt returns the pending enrolment',
        reservation,
      );
      const wrong = [
        { ...pending, binding: hash('x') },
        { ...pending, secret: sealed('x') },
      ];
      for (const p of wrong) {
        check(
          (await store.confirmEnrolment(id, p, 7, [], T0)) === false,
          'confirm with another binding or secret fails',
          p,
        );
      }
      check(
        (await store.confirmEnrolment(id, pending, 7, [], T0 + 1000)) === false,
        'confirm at expiresAt fails',
        T0 + 1000,
      );
      const hashes = [hash('r1'), hash('r2'), hash('r3')];
      const wins = (await all((s) => s.confirmEnrolment(id, pending, 7, hashes, T0))).filter((
        x,
      ) => x);
      check(wins.length === 1, 'parallel confirmEnrolment: exactly one true', wins.length);
      const record = await store.read(id);
      check(
        same(fields(record), {
          secret: sealed('s'),
          lastStep: 7,
          recoveryCodesLeft: 3,
          failures: 0,
          lockedUntil: 0,
          lockMs: 0,
        }) && record.pending === null,
        'confirmEnrolment sets the secret, step and codes, and clears pending and attempts',
        record,
      );
    },
  );

  await property('consumeRecoveryCode: each code once, exactly one of parallel uses', async () => {
    const id = user();
    await enrol(id, sealed('a'), 1, [hash('r1'), hash('r2'), hash('r3')]);
    check(
      (await store.consumeRecoveryCode(id, hash('zz'))) === null,
      'an unknown code is null',
      null,
    );
    check(
      (await store.consumeRecoveryCode(id, hash('r2'))) === 2,
      'a code is consumed: 2 left',
      null,
    );
    check((await store.consumeRecoveryCode(id, hash('r2'))) === null, 'a used code is null', null);
    for (
      const part of [hash('r1').slice(0, 40), hash('r1').slice(12), `${hash('r1')},${hash('r3')}`]
    ) {
      check(
        (await store.consumeRecoveryCode(id, part)) === null,
        'only a whole hash matches (no prefix, suffix or list)',
        part,
      );
    }
    await lock(id);
    const uses = (await all((s) => s.consumeRecoveryCode(id, hash('r1')))).filter((x) =>
      x !== null
    );
    check(same(uses, [1]), 'parallel uses of one code: exactly one, 1 left', uses);
    const after = await store.read(id);
    check(unlocked(after), 'consuming a code clears the attempts and the lock', after);
    check(
      (await store.consumeRecoveryCode(user(), hash('r3'))) === null,
      'codes are per user',
      null,
    );
  });

  await property(
    'replaceRecoveryCodes: only for the current secret, replacing every code',
    async () => {
      const id = user();
      await enrol(id, sealed('a'), 1, [hash('r1'), hash('r2')]);
      check(
        (await store.replaceRecoveryCodes(id, sealed('b'), [hash('n1')])) === false,
        'replace with another secret fails',
        null,
      );
      check(
        (await store.replaceRecoveryCodes(id, sealed('a'), [
          hash('n1'),
          hash('n2'),
          hash('n3'),
        ])) === true,
        'replace with the secret succeeds',
        null,
      );
      check((await store.read(id)).recoveryCodesLeft === 3, 'three codes after replace', null);
      check(
        (await store.consumeRecoveryCode(id, hash('r1'))) === null,
        'an old code is gone',
        null,
      );
      check((await store.consumeRecoveryCode(id, hash('n3'))) === 2, 'a new code works', null);
    },
  );

  await property(
    'issueCode / consumeCode: one live code per purpose, exactly one of parallel uses',
    async () => {
      const id = user();
      await store.issueCode(id, 'login', hash('c1'), T0 + 100);
      await store.issueCode(id, 'login', hash('c2'), T0 + 200);
      await store.issueCode(id, 'email', hash('c1'), T0 + 300);
      check(
        (await store.consumeCode(id, 'login', hash('c1'))) === null,
        'issuing again voids the old code',
        null,
      );
      check(
        (await store.consumeCode(id, 'other', hash('c2'))) === null,
        'codes are per purpose',
        null,
      );
      const uses = (await all((s) => s.consumeCode(id, 'login', hash('c2')))).filter((x) =>
        x !== null
      );
      check(
        same(uses, [T0 + 200]),
        'parallel uses of one sent code: exactly one, with its expiresAt',
        uses,
      );
      check(
        (await store.consumeCode(id, 'email', hash('c1'))) === T0 + 300,
        'the other purpose is intact',
        null,
      );
    },
  );

  await property('disable: removes the factor and its codes, keeps the attempts', async () => {
    const id = user();
    await enrol(id, sealed('a'), 3, [hash('r1')]);
    await store.issueCode(id, 'login', hash('c'), T0 + 100);
    await store.beginEnrolment(
      id,
      { binding: hash('b'), secret: sealed('p'), expiresAt: T0 + 100 },
      T0,
    );
    await lock(id);
    await store.reserveAttempt(id, { ...POLICY, now: T0 + 60_000 });
    const before = await store.read(id);
    await store.disable(id);
    const record = await store.read(id);
    check(
      record.secret === null && record.lastStep === -1 && record.recoveryCodesLeft === 0 &&
        record.pending === null && record.failures === 1 &&
        record.lockedUntil === before.lockedUntil && record.lockMs === before.lockMs,
      'disable clears secret, step, codes and pending, and keeps the attempts and the lock',
      record,
    );
    check(
      (await store.consumeCode(id, 'login', hash('c'))) === null,
      'disable removes sent codes',
      null,
    );
    check(
      (await store.acceptStep(id, sealed('a'), 9)) === false,
      'no step is accepted after disable',
      null,
    );
  });

  await property(
    "users are apart: one user's attempts, lock and success leave another alone",
    async () => {
      const victim = user();
      const other = user();
      await lock(victim);
      const locked = await store.read(victim);
      const theirs = await store.reserveAttempt(other, POLICY);
      check(
        theirs.granted && theirs.record.failures === 1 && theirs.record.lockedUntil === 0,
        "another user's reservation is not refused by this user's lock",
        theirs,
      );
      await enrol(other, sealed('o'), 1, [hash('r1')]);
      await store.acceptStep(other, sealed('o'), 2);
      await store.consumeRecoveryCode(other, hash('r1'));
      await store.clearAttempts(other);
      await store.disable(other);
      check(
        same(fields(await store.read(victim)), fields(locked)),
        "another user's success, clear or disable leaves this user's lock",
        await store.read(victim),
      );
    },
  );

  return checked;
}
