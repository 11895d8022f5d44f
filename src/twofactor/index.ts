/**
 * `otpkit/twofactor`: the stateful half of two-factor login, done once. {@link createTwoFactor} gives
 * enrolment bound to a login session, verification with an attempt limit that holds under parallel
 * requests, replay protection, recovery codes and codes sent by email or SMS; the state lives in a
 * {@link TwoFactorStore}: {@link memoryStore}, {@link sqlStore} (SQLite, PostgreSQL) or
 * {@link redisStore}, each taking the application's own database client. See docs/twofactor.md.
 *
 * @example
 * ```ts
 * import { generateTOTP } from '@otpkit/otpkit';
 * import { createTwoFactor, memoryStore } from '@otpkit/otpkit/twofactor';
 *
 * // Two server keys, kept outside the database (in production, loaded from a secret manager).
 * const sealKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
 *   'encrypt',
 *   'decrypt',
 * ]);
 * const pepper = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
 * const twoFactor = createTwoFactor({ store: memoryStore(), sealKey, pepper, issuer: 'Example' });
 *
 * const enrolment = await twoFactor.beginEnrolment({ userId: 'alice', account: 'alice', binding: 's1' });
 * // Show enrolment.uri as a QR code; the user's app then shows the codes this computes.
 * const token = await generateTOTP({ secret: enrolment.secret });
 * const confirmed = await twoFactor.confirmEnrolment({ userId: 'alice', binding: 's1', token });
 * console.log(confirmed.ok); // true, with 10 recovery codes to show once
 * console.log(await twoFactor.verify({ userId: 'alice', token })); // { ok: false, reason: 'invalid' }: used once
 * ```
 *
 * @module
 */
export { createTwoFactor } from './create.ts';
export type {
  TwoFactor,
  TwoFactorEnrolment,
  TwoFactorFailure,
  TwoFactorLimits,
  TwoFactorMethod,
  TwoFactorOptions,
  TwoFactorTOTPOptions,
} from './create.ts';
export { checkStore } from './check.ts';
export type { CheckStoreOptions } from './check.ts';
export { memoryStore } from './memory.ts';
export {
  type SqlDialect,
  type SqlQuery,
  sqlSchema,
  sqlStore,
  type SqlStoreOptions,
} from './sql.ts';
export { type RedisEval, redisStore, type RedisStoreOptions } from './redis.ts';
// The shared types these declarations use, so that a consumer's own declarations can name them from
// this entry alone (else TS2742: tsup's shared chunk is no path of the package).
export type { HashAlgorithm, WebCryptoKey } from '../types.ts';
export type {
  AttemptPolicy,
  PendingEnrolment,
  Reservation,
  TwoFactorRecord,
  TwoFactorStore,
} from './store.ts';
