// The store interface of otpkit/twofactor: the state of one user's second factor, and the few atomic
// operations createTwoFactor needs. Every operation is ONE atomic step in every backend (one SQL
// statement, one Lua script, one synchronous block in memory): that is what makes the attempt limit,
// the replay check and the one-time codes hold across any number of server processes.

/** A pending enrolment: a new TOTP secret waiting for its first code, tied to one login session. */
export interface PendingEnrolment {
  /** A keyed hash of the application's `binding` (the session), never the binding itself. */
  readonly binding: string;
  /** The new secret, sealed (sealSecret format). */
  readonly secret: string;
  /** Unix ms after which the enrolment can no longer be confirmed. */
  readonly expiresAt: number;
}

/** What a store keeps for one user, as it reads at one instant. */
export interface TwoFactorRecord {
  /** The sealed TOTP secret while two-factor is on, else null. */
  readonly secret: string | null;
  /** The last TOTP step accepted (a code is accepted once); -1 before the first. */
  readonly lastStep: number;
  /** How many recovery codes are left unused. */
  readonly recoveryCodesLeft: number;
  /** Attempts reserved since the last success or lock. */
  readonly failures: number;
  /** Unix ms until which every attempt is refused; 0 when not locked. */
  readonly lockedUntil: number;
  /** The length of the last lock in ms (the next is twice as long, up to the policy's maximum); 0 after a success. */
  readonly lockMs: number;
  /** The enrolment begun and not yet confirmed, else null. */
  readonly pending: PendingEnrolment | null;
}

/** The attempt limit, passed to every reservation (so every process applies the same rule). */
export interface AttemptPolicy {
  /** Unix ms: the instant of the call. */
  readonly now: number;
  /** Attempts allowed before a lock; the attempt that reaches it starts the lock. */
  readonly maxFailures: number;
  /** The first lock's length in ms. */
  readonly lockMs: number;
  /** The longest lock in ms. */
  readonly maxLockMs: number;
}

/** What a reservation decided, and the record as it stands after it. */
export interface Reservation {
  /** True: the attempt is counted and may be checked. False: the user is locked; nothing may be checked. */
  readonly granted: boolean;
  /** The user's record after the step (unchanged when refused). */
  readonly record: TwoFactorRecord;
}

/**
 * The state behind {@link createTwoFactor}: a small set of operations, each ONE atomic step in the
 * backend. docs/twofactor.md states the contract; {@link checkStore} tests any implementation of it,
 * including parallel calls. Every method may be called by many processes at once for the same user.
 *
 * User ids and purposes are non-empty strings (createTwoFactor allows 1..256 characters); hashes are
 * non-empty strings without commas (createTwoFactor's are `hmac-sha256:` and hex); times are Unix ms; a
 * user the store has never seen reads as the empty record (no secret, `lastStep` -1, nothing locked,
 * nothing pending). A store may refuse arguments of the wrong type with `ERR_INVALID_OPTION`.
 */
export interface TwoFactorStore {
  /**
   * Reserves one attempt, atomically: when `lockedUntil > now`, refuses and changes nothing. Otherwise
   * adds one to `failures`; when that reaches `maxFailures`, sets `lockedUntil = now + L` where L is
   * `lockMs` for the first lock and twice the last lock's length after that (at most `maxLockMs`),
   * records L as `lockMs`, and sets `failures` to 0. Either way returns the record after the step.
   */
  reserveAttempt(userId: string, policy: AttemptPolicy): Promise<Reservation>;
  /** Sets `failures`, `lockedUntil` and `lockMs` to 0 (after a success). */
  clearAttempts(userId: string): Promise<void>;
  /**
   * The TOTP compare-and-set: when the user's secret is `secret` and `lastStep < step`, sets
   * `lastStep = step` and clears the attempts (as clearAttempts), and returns true; otherwise changes
   * nothing and returns false. Of parallel calls with one step, exactly one returns true.
   */
  acceptStep(userId: string, secret: string, step: number): Promise<boolean>;
  /**
   * Removes the recovery code whose hash is `hash` and clears the attempts, returning how many codes
   * are left; null (and no change) when there is no such code. Of parallel calls with one hash, exactly
   * one returns a number.
   */
  consumeRecoveryCode(userId: string, hash: string): Promise<number | null>;
  /**
   * Replaces every recovery code with `hashes` when the user's secret is `secret`, returning true;
   * false (and no change) when it is not (two-factor was turned off or enrolled anew meanwhile).
   */
  replaceRecoveryCodes(userId: string, secret: string, hashes: readonly string[]): Promise<boolean>;
  /**
   * Stores `pending` as the user's pending enrolment, unless the pending enrolment already there has
   * the same `binding` and has not expired at `now`: then keeps that one. Returns the one kept.
   */
  beginEnrolment(userId: string, pending: PendingEnrolment, now: number): Promise<PendingEnrolment>;
  /**
   * Completes an enrolment, atomically: when the user's pending enrolment has this `binding` and
   * `secret` and `expiresAt > now`, makes `secret` the user's secret with `lastStep = step`, the
   * recovery codes `hashes`, no pending enrolment and the attempts cleared, and returns true. Otherwise
   * changes nothing and returns false. Of parallel calls, at most one returns true.
   */
  confirmEnrolment(
    userId: string,
    pending: PendingEnrolment,
    step: number,
    hashes: readonly string[],
    now: number,
  ): Promise<boolean>;
  /** Stores a sent code's hash for `(userId, purpose)`, replacing (voiding) the one before. */
  issueCode(userId: string, purpose: string, hash: string, expiresAt: number): Promise<void>;
  /**
   * Removes the sent code for `(userId, purpose)` when its hash is `hash`, returning its `expiresAt`
   * (the caller decides whether it had expired); null (and no change) otherwise. Of parallel calls,
   * exactly one returns a number.
   */
  consumeCode(userId: string, purpose: string, hash: string): Promise<number | null>;
  /**
   * Turns two-factor off: removes the secret (`lastStep` back to -1), the recovery codes, the pending
   * enrolment and the sent codes; the attempts stay. The one operation that may take two steps (the
   * record, then the sent codes, as sqlStore does on SQLite): no other operation reads both, and a
   * half-done disable leaves two-factor on, the safe side, until it is called again.
   */
  disable(userId: string): Promise<void>;
  /** The user's record. */
  read(userId: string): Promise<TwoFactorRecord>;
}

/**
 * The record of a user the store has never seen.
 * @internal
 */
export const EMPTY_RECORD: TwoFactorRecord = Object.freeze({
  secret: null,
  lastStep: -1,
  recoveryCodesLeft: 0,
  failures: 0,
  lockedUntil: 0,
  lockMs: 0,
  pending: null,
});

/**
 * The lock a reservation that reaches `maxFailures` starts: the first lock, or twice the last one
 * (memoryStore; sqlStore and redisStore state the same rule in SQL and Lua).
 * @internal
 */
export function nextLockMs(lastLockMs: number, policy: AttemptPolicy): number {
  return lastLockMs === 0 ? policy.lockMs : Math.min(policy.maxLockMs, lastLockMs * 2);
}
