// A declaration profile's program (.ci/types/run.mjs): inferred types from `otpkit/twofactor` alone,
// emitted with `declaration: true`. Its keys and hash names are types it shares with `otpkit` (one
// declaration, in tsup's dist/types-<hash>.d.ts chunk); unless otpkit/twofactor exports them too, a
// program that does not import `otpkit` cannot name them: TS2742 under node16/nodenext, a silent
// `import("otpkit/dist/types-<hash>")` under node10. Compiled only, never run.
import {
  createTwoFactor,
  memoryStore,
  sqlSchema,
  type TwoFactor,
  type TwoFactorOptions,
  type TwoFactorStore,
  type TwoFactorTOTPOptions,
} from 'otpkit/twofactor';

export const sealKeyOf = (options: TwoFactorOptions) => options.sealKey;
export const pepperOf = (options: TwoFactorOptions) => options.pepper;
export const totpAlgorithmOf = (options: TwoFactorTOTPOptions) => options.algorithm;
export const totpOf = (options: TwoFactorOptions) => options.totp;
export const limitsOf = (options: TwoFactorOptions) => options.limits;
export const twoFactorOf = (options: TwoFactorOptions) => createTwoFactor(options);
export const verifyOf = (twoFactor: TwoFactor) => twoFactor.verify;
export const enrolOf = (twoFactor: TwoFactor) => twoFactor.beginEnrolment;
export const reserveOf = (store: TwoFactorStore) => store.reserveAttempt;
export const store = memoryStore();
export const schema = sqlSchema('sqlite');
