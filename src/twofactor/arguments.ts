// The arguments createTwoFactor passes to a store, checked by the stores that put them into a query or
// a script (sqlStore, redisStore): a wrong type is ERR_INVALID_OPTION naming the argument, never a
// value sent to the database.
import { assertOptions, invalid } from '../internal/assert.ts';
import type { AttemptPolicy, PendingEnrolment } from './store.ts';

/** A string argument, or `ERR_INVALID_OPTION`. */
export function stringArgument(name: string, value: unknown): string {
  return typeof value === 'string' ? value : invalid(name, 'a string');
}

/** An integer argument (a time, a step, a limit), or `ERR_INVALID_OPTION`. */
export function integerArgument(name: string, value: unknown): number {
  return Number.isSafeInteger(value) ? (value as number) : invalid(name, 'a safe integer');
}

// Ten times the most codes generateRecoveryCodes makes, as findRecoveryCode bounds its hashes.
const MAX_HASHES = 1000;

/**
 * Recovery code hashes: an array of at most 1,000 strings, its length bounded before anything is read
 * (an array's length can be set to 2^32-1 with nothing in it) and each entry read once by index.
 */
export function hashesArgument(value: unknown): string[] {
  const count: unknown = Array.isArray(value) ? (value as unknown[]).length : undefined;
  if (typeof count !== 'number' || count > MAX_HASHES) {
    invalid('hashes', `an array of at most ${MAX_HASHES} strings`);
  }
  const hashes: string[] = [];
  for (let i = 0; i < count; i++) hashes.push(stringArgument('hashes', (value as unknown[])[i]));
  return hashes;
}

/** A pending enrolment argument, each field checked. */
export function pendingArgument(value: unknown): PendingEnrolment {
  assertOptions(value, 'pending');
  return {
    binding: stringArgument('pending.binding', value.binding),
    secret: stringArgument('pending.secret', value.secret),
    expiresAt: integerArgument('pending.expiresAt', value.expiresAt),
  };
}

/** An attempt policy argument, each field checked. */
export function policyArgument(value: unknown): AttemptPolicy {
  assertOptions(value, 'policy');
  return {
    now: integerArgument('policy.now', value.now),
    maxFailures: integerArgument('policy.maxFailures', value.maxFailures),
    lockMs: integerArgument('policy.lockMs', value.lockMs),
    maxLockMs: integerArgument('policy.maxLockMs', value.maxLockMs),
  };
}
