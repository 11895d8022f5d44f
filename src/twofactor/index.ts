/**
 * `otpkit/twofactor`: the stateful half of two-factor login, done once. {@link createTwoFactor} gives
 * enrolment bound to a login session, verification with an attempt limit that holds under parallel
 * requests, replay protection, recovery codes and codes sent by email or SMS; the state lives in a
 * {@link TwoFactorStore}: {@link memoryStore}, {@link sqlStore} (SQLite, PostgreSQL) or
 * {@link redisStore}, each taking the application's own database client. See docs/twofactor.md.
 *
 * @module
 */
export { createTwoFactor } from './create.js';
export type {
  TwoFactor,
  TwoFactorEnrolment,
  TwoFactorFailure,
  TwoFactorLimits,
  TwoFactorMethod,
  TwoFactorOptions,
  TwoFactorTOTPOptions,
} from './create.js';
export { checkStore } from './check.js';
export type { CheckStoreOptions } from './check.js';
export { memoryStore } from './memory.js';
export {
  type SqlDialect,
  type SqlQuery,
  sqlSchema,
  sqlStore,
  type SqlStoreOptions,
} from './sql.js';
export { type RedisEval, redisStore, type RedisStoreOptions } from './redis.js';
export type {
  AttemptPolicy,
  PendingEnrolment,
  Reservation,
  TwoFactorRecord,
  TwoFactorStore,
} from './store.js';
