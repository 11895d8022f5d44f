// memoryStore: the TwoFactorStore in one process's memory. Each operation runs without an `await`
// inside it, so it is one atomic step for every caller in this process (and only in this process: use
// sqlStore or redisStore when more than one process serves the same users).
import {
  type AttemptPolicy,
  nextLockMs,
  type PendingEnrolment,
  type Reservation,
  type TwoFactorRecord,
  type TwoFactorStore,
} from './store.ts';

/** One user's state, kept privately (records handed out are frozen copies). */
interface UserState {
  secret: string | null;
  lastStep: number;
  recovery: Set<string>;
  failures: number;
  lockedUntil: number;
  lockMs: number;
  pending: PendingEnrolment | null;
  /** Sent codes by purpose. */
  sent: Map<string, { readonly hash: string; readonly expiresAt: number }>;
}

function newState(): UserState {
  return {
    secret: null,
    lastStep: -1,
    recovery: new Set(),
    failures: 0,
    lockedUntil: 0,
    lockMs: 0,
    pending: null,
    sent: new Map(),
  };
}

function snapshot(state: UserState | undefined): TwoFactorRecord {
  const s = state ?? newState();
  return Object.freeze({
    secret: s.secret,
    lastStep: s.lastStep,
    recoveryCodesLeft: s.recovery.size,
    failures: s.failures,
    lockedUntil: s.lockedUntil,
    lockMs: s.lockMs,
    pending: s.pending,
  });
}

function clear(state: UserState): void {
  state.failures = 0;
  state.lockedUntil = 0;
  state.lockMs = 0;
}

/**
 * A {@link TwoFactorStore} in this process's memory: for tests, examples and single-process apps whose
 * second-factor state may be lost on restart. Not shared between processes or restarts.
 *
 * @returns a new, empty store
 * @example
 * ```ts
 * const twoFactor = createTwoFactor({ store: memoryStore(), sealKey, pepper, issuer: 'Example' });
 * ```
 */
export function memoryStore(): TwoFactorStore {
  const users = new Map<string, UserState>();
  const state = (userId: string): UserState => {
    let found = users.get(userId);
    if (found === undefined) {
      found = newState();
      users.set(userId, found);
    }
    return found;
  };
  // `async` so that a caller never sees a synchronous throw, and every result is a promise, as from a database.
  return {
    async reserveAttempt(userId: string, policy: AttemptPolicy): Promise<Reservation> {
      const s = state(userId);
      if (s.lockedUntil > policy.now) return { granted: false, record: snapshot(s) };
      s.failures += 1;
      if (s.failures >= policy.maxFailures) {
        s.lockMs = nextLockMs(s.lockMs, policy);
        s.lockedUntil = policy.now + s.lockMs;
        s.failures = 0;
      }
      return { granted: true, record: snapshot(s) };
    },
    async clearAttempts(userId: string): Promise<void> {
      const s = users.get(userId);
      if (s !== undefined) clear(s);
    },
    async acceptStep(userId: string, secret: string, step: number): Promise<boolean> {
      const s = users.get(userId);
      if (s === undefined || s.secret !== secret || s.lastStep >= step) return false;
      s.lastStep = step;
      clear(s);
      return true;
    },
    async consumeRecoveryCode(userId: string, hash: string): Promise<number | null> {
      const s = users.get(userId);
      if (s === undefined || !s.recovery.delete(hash)) return null;
      clear(s);
      return s.recovery.size;
    },
    async replaceRecoveryCodes(
      userId: string,
      secret: string,
      hashes: readonly string[],
    ): Promise<boolean> {
      const s = users.get(userId);
      if (s === undefined || s.secret !== secret) return false;
      s.recovery = new Set(hashes);
      return true;
    },
    async beginEnrolment(
      userId: string,
      pending: PendingEnrolment,
      now: number,
    ): Promise<PendingEnrolment> {
      const s = state(userId);
      const kept = s.pending;
      if (kept !== null && kept.binding === pending.binding && kept.expiresAt > now) return kept;
      s.pending = Object.freeze({ ...pending });
      return s.pending;
    },
    async confirmEnrolment(
      userId: string,
      pending: PendingEnrolment,
      step: number,
      hashes: readonly string[],
      now: number,
    ): Promise<boolean> {
      const s = users.get(userId);
      const current = s?.pending;
      if (
        s === undefined || current == null || current.binding !== pending.binding ||
        current.secret !== pending.secret || current.expiresAt <= now
      ) {
        return false;
      }
      s.secret = current.secret;
      s.lastStep = step;
      s.recovery = new Set(hashes);
      s.pending = null;
      clear(s);
      return true;
    },
    async issueCode(userId: string, purpose: string, hash: string, expiresAt: number) {
      state(userId).sent.set(purpose, Object.freeze({ hash, expiresAt }));
    },
    async consumeCode(userId: string, purpose: string, hash: string): Promise<number | null> {
      const sent = users.get(userId)?.sent;
      const code = sent?.get(purpose);
      if (sent === undefined || code === undefined || code.hash !== hash) return null;
      sent.delete(purpose);
      return code.expiresAt;
    },
    async disable(userId: string): Promise<void> {
      const s = users.get(userId);
      if (s === undefined) return;
      s.secret = null;
      s.lastStep = -1;
      s.recovery = new Set();
      s.pending = null;
      s.sent = new Map();
    },
    async read(userId: string): Promise<TwoFactorRecord> {
      return snapshot(users.get(userId));
    },
  };
}
