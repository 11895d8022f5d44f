import { expect } from 'vitest';
import { isOTPError, type OTPErrorCode } from '../../src/index.js';

/** Runs `fn` (sync or async) and asserts it fails with an OTPError of `code`. Returns the error. */
export async function expectOTPError(
  fn: () => unknown,
  code: OTPErrorCode,
  context = '',
): Promise<Error> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected OTPError ${code} ${context}`).toBeDefined();
  expect(isOTPError(caught), `not an OTPError: ${String(caught)} ${context}`).toBe(true);
  expect((caught as { code: string }).code, context).toBe(code);
  return caught as Error;
}
