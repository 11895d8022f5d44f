// Types for assert.js (see there).
import type { OTPKit } from './index.js';

export declare class AssertionError extends Error {}
export declare function show(value: unknown): string;
export declare function ok(value: unknown, message?: string): void;
export declare function equal(actual: unknown, expected: unknown, message?: string): void;
export declare function deepEqual(actual: unknown, expected: unknown, message?: string): void;
export declare function isOTPErrorWithCode(
  otp: OTPKit,
  error: unknown,
  code: string,
  message?: string,
): void;
export declare function throwsOTPError(
  otp: OTPKit,
  fn: () => unknown,
  code: string,
  message?: string,
): Error;
export declare function rejectsOTPError(
  otp: OTPKit,
  fn: () => unknown,
  code: string,
  message?: string,
): Promise<Error>;
