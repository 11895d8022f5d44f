// A TwoFactorStore as createTwoFactor uses it: its methods read once (a store cannot swap one later),
// and every answer checked for shape, so a store that returns a wrong type fails with
// ERR_STORE_INVALID instead of deciding a login by accident.
import { fail, invalid } from '../internal/assert.ts';
import type { PendingEnrolment, Reservation, TwoFactorRecord, TwoFactorStore } from './store.ts';

type StoreMethod = keyof TwoFactorStore;

const STORE_METHODS: readonly StoreMethod[] = [
  'reserveAttempt',
  'clearAttempts',
  'acceptStep',
  'consumeRecoveryCode',
  'replaceRecoveryCodes',
  'beginEnrolment',
  'confirmEnrolment',
  'issueCode',
  'consumeCode',
  'disable',
  'read',
];

function wrong(method: string, what: string): never {
  return fail('ERR_STORE_INVALID', `the store's ${method} returned ${what}`);
}

const isInteger = (value: unknown, min: number): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min;

// Each field of an answer is read once into a local, so the value checked is the value used (a
// getter could answer differently the second time).
function pendingOf(method: string, value: unknown): PendingEnrolment {
  if (typeof value !== 'object' || value === null) {
    return wrong(method, 'no valid pending enrolment');
  }
  const { binding, secret, expiresAt } = value as Record<string, unknown>;
  if (typeof binding !== 'string' || typeof secret !== 'string' || !isInteger(expiresAt, 0)) {
    return wrong(method, 'no valid pending enrolment');
  }
  return Object.freeze({ binding, secret, expiresAt });
}

function recordOf(method: string, value: unknown): TwoFactorRecord {
  if (typeof value !== 'object' || value === null) return wrong(method, 'no valid record');
  const { secret, lastStep, recoveryCodesLeft, failures, lockedUntil, lockMs, pending } =
    value as Record<string, unknown>;
  if (
    (secret !== null && typeof secret !== 'string') || !isInteger(lastStep, -1) ||
    !isInteger(recoveryCodesLeft, 0) || !isInteger(failures, 0) || !isInteger(lockedUntil, 0) ||
    !isInteger(lockMs, 0)
  ) {
    return wrong(method, 'no valid record');
  }
  return Object.freeze({
    secret,
    lastStep,
    recoveryCodesLeft,
    failures,
    lockedUntil,
    lockMs,
    pending: pending === null ? null : pendingOf(method, pending),
  });
}

function booleanOf(method: string, value: unknown): boolean {
  return typeof value === 'boolean' ? value : wrong(method, 'no boolean');
}

function countOrNull(method: string, value: unknown, min: number): number | null {
  return value === null || isInteger(value, min) ? value : wrong(method, 'no number or null');
}

/** `value` as a store: every method present, bound now, each answer checked. */
export function checkedStore(value: unknown): TwoFactorStore {
  if (typeof value !== 'object' || value === null) invalid('store', 'a TwoFactorStore');
  const methods = {} as Record<StoreMethod, (...args: unknown[]) => Promise<unknown>>;
  for (const name of STORE_METHODS) {
    const method: unknown = (value as Record<string, unknown>)[name];
    if (typeof method !== 'function') invalid('store', `a TwoFactorStore (no "${name}" method)`);
    // Not async itself: each wrapper below is, so a synchronous throw still becomes a rejection.
    methods[name] = (...args) =>
      (method as (...a: unknown[]) => Promise<unknown>).apply(value, args);
  }
  return {
    async reserveAttempt(userId, policy): Promise<Reservation> {
      const answer = await methods.reserveAttempt(userId, policy);
      if (typeof answer !== 'object' || answer === null) wrong('reserveAttempt', 'no reservation');
      const { granted, record } = answer as Record<string, unknown>;
      return {
        granted: booleanOf('reserveAttempt', granted),
        record: recordOf('reserveAttempt', record),
      };
    },
    async clearAttempts(userId) {
      await methods.clearAttempts(userId);
    },
    async acceptStep(userId, secret, step) {
      return booleanOf('acceptStep', await methods.acceptStep(userId, secret, step));
    },
    async consumeRecoveryCode(userId, hash) {
      const left = await methods.consumeRecoveryCode(userId, hash);
      return countOrNull('consumeRecoveryCode', left, 0);
    },
    async replaceRecoveryCodes(userId, secret, hashes) {
      const answer = await methods.replaceRecoveryCodes(userId, secret, [...hashes]);
      return booleanOf('replaceRecoveryCodes', answer);
    },
    async beginEnrolment(userId, pending, now) {
      return pendingOf('beginEnrolment', await methods.beginEnrolment(userId, pending, now));
    },
    async confirmEnrolment(userId, pending, step, hashes, now) {
      const answer = await methods.confirmEnrolment(userId, pending, step, [...hashes], now);
      return booleanOf('confirmEnrolment', answer);
    },
    async issueCode(userId, purpose, hash, expiresAt) {
      await methods.issueCode(userId, purpose, hash, expiresAt);
    },
    async consumeCode(userId, purpose, hash) {
      return countOrNull('consumeCode', await methods.consumeCode(userId, purpose, hash), 0);
    },
    async disable(userId) {
      await methods.disable(userId);
    },
    async read(userId) {
      return recordOf('read', await methods.read(userId));
    },
  };
}
