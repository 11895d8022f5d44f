// Types for assert.js (see there).
import type { OTPError, OTPErrorCode } from '../../src/index.js';
import type { OTPKit } from './index.js';

export declare class AssertionError extends Error {}
export declare function show(value: unknown): string;
export declare function ok(value: unknown, message?: string): void;
export declare function equal(actual: unknown, expected: unknown, message?: string): void;
export declare function deepEqual(actual: unknown, expected: unknown, message?: string): void;
export declare function isOTPErrorWithCode(
  otp: OTPKit,
  error: unknown,
  code: OTPErrorCode,
  message?: string,
): asserts error is OTPError;
export declare function throwsOTPError(
  otp: OTPKit,
  fn: () => unknown,
  code: OTPErrorCode,
  message?: string,
): OTPError;
export declare function rejectsOTPError(
  otp: OTPKit,
  fn: () => unknown,
  code: OTPErrorCode,
  message?: string,
): Promise<OTPError>;
/** `value` typed as `never`: a deliberately wrong argument (hostile input). Returns `value`. */
export declare function wrongType(value: unknown): never;
/** `value` when it is neither undefined nor null; else throws an AssertionError (a missing row). */
export declare function defined<T>(value: T | undefined | null, message?: string): T;
