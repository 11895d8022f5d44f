import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  generateHOTP,
  generateSecret,
  generateTOTP,
  isOTPError,
  OTPError,
  verifyTOTP,
} from '../src/index.js';
import { expectOTPError } from './helpers/errors.js';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe('OTPError', () => {
  it('is an Error named OTPError with a stable code and an optional cause', () => {
    const cause = new Error('inner');
    const error = new OTPError('ERR_INVALID_OPTION', 'bad', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('OTPError');
    expect(error.code).toBe('ERR_INVALID_OPTION');
    expect(error.message).toBe('bad');
    expect(error.cause).toBe(cause);
    expect(String(error)).toBe('OTPError: bad');
  });
});

describe('isOTPError', () => {
  it('recognises an OTPError from another copy of the module (as the ESM and CJS builds are)', async () => {
    vi.resetModules();
    const other = (await import('../src/errors.js')) as typeof import('../src/errors.js');
    expect(other.OTPError).not.toBe(OTPError);
    const foreign = new other.OTPError('ERR_INVALID_SECRET', 'x');
    expect(foreign instanceof OTPError).toBe(false);
    expect(isOTPError(foreign)).toBe(true);
    expect(other.isOTPError(new OTPError('ERR_INVALID_SECRET', 'x'))).toBe(true);
  });

  it('is false for look-alikes and non-errors', () => {
    const fake = Object.assign(new Error('x'), { name: 'OTPError', code: 'ERR_INVALID_OPTION' });
    for (
      const value of [fake, new Error('x'), null, undefined, 'OTPError', 42, {
        code: 'ERR_INVALID_OPTION',
      }]
    ) {
      expect(isOTPError(value)).toBe(false);
    }
  });
});

describe('without WebCrypto', () => {
  it('imports without throwing, then fails with ERR_CRYPTO_UNAVAILABLE (not a TypeError)', async () => {
    vi.stubGlobal('crypto', undefined);
    vi.resetModules();
    const otp = await import('../src/index.js');
    await expectOTPError(
      () => otp.generateTOTP({ secret: 'GEZDGNBVGY3TQOJQ', time: 0 }),
      'ERR_CRYPTO_UNAVAILABLE',
    );
    await expectOTPError(() => otp.generateSecret(), 'ERR_CRYPTO_UNAVAILABLE');
  });

  it('fails with ERR_CRYPTO_UNAVAILABLE when only crypto.subtle is missing (a plain-HTTP page)', async () => {
    vi.stubGlobal('crypto', { getRandomValues: (a: Uint8Array) => a });
    await expectOTPError(
      () => generateHOTP({ secret: 'GEZDGNBVGY3TQOJQ', counter: 0 }),
      'ERR_CRYPTO_UNAVAILABLE',
    );
    await expectOTPError(
      () => verifyTOTP({ secret: 'GEZDGNBVGY3TQOJQ', token: '123456', time: 0 }),
      'ERR_CRYPTO_UNAVAILABLE',
    );
    expect(generateSecret().length).toBe(32);
  });

  it('still validates a malformed token to null before needing WebCrypto', async () => {
    vi.stubGlobal('crypto', undefined);
    expect(await verifyTOTP({ secret: 'GEZDGNBVGY3TQOJQ', token: 'abc', time: 0 })).toBeNull();
    await expectOTPError(
      () => generateTOTP({ secret: 'GEZDGNBVGY3TQOJQ', time: 0, digits: 5 }),
      'ERR_INVALID_OPTION',
    );
  });
});
