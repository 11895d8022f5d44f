// Entry validation shared by the public functions. Public functions call these on their first
// lines; internal calls pass already-validated values and never re-check.
import { OTPError, type OTPErrorCode } from '../errors.js';
import type { HashAlgorithm } from '../types.js';

/** The largest counter RFC 4226 §5.1 allows (8 bytes, unsigned). */
export const MAX_COUNTER: bigint = 0xffff_ffff_ffff_ffffn;

// ECMAScript Date range: a `time` beyond it cannot be a real instant.
const MAX_TIME = 8.64e15;

export function fail(code: OTPErrorCode, message: string): never {
  throw new OTPError(code, message);
}

/** Describes a value for an error message without ever echoing a secret or a token. */
export function describe(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'string':
      // Short words such as "MD5" or "sha-1" help; anything that could be a code or a key is hidden.
      return /^[A-Za-z][A-Za-z0-9-]{0,6}$/.test(value) ? `"${value}"` : 'a string';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      if (Array.isArray(value)) return 'an array';
      if (isBytes(value)) return 'a Uint8Array';
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date';
      return 'an object';
  }
}

/** True for any Uint8Array (Node Buffers included, being a subclass), also one created in another realm. */
export function isBytes(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array || Object.prototype.toString.call(value) === '[object Uint8Array]';
}

export function assertOptions(value: unknown, name: string): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('ERR_INVALID_OPTION', `${name} must be an options object, got ${describe(value)}`);
  }
}

/** An optional options object: `undefined` gives `{}`. */
export function optionalOptions(value: unknown, name: string): Record<string, unknown> {
  if (value === undefined) return {};
  assertOptions(value, name);
  return value;
}

/** A boolean option; `undefined` gives `false`. */
export function boolOption(name: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') fail('ERR_INVALID_OPTION', `"${name}" must be a boolean, got ${describe(value)}`);
  return value;
}

/** An integer option in `min..max`; `undefined` gives `fallback`. Strings and other types are refused, never coerced. */
export function intOption(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail('ERR_INVALID_OPTION', `"${name}" must be an integer from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/** `digits`: 6..10 (RFC 4226 §5.3 requires at least 6; 2^31 limits a 10th digit to 0-2). */
export function digitsOption(value: unknown): number {
  return intOption('digits', value, 6, 10, 6);
}

/** `period`: the TOTP time step X in seconds, 1..86400 (RFC 6238 §4.1; default 30). */
export function periodOption(value: unknown): number {
  return intOption('period', value, 1, 86_400, 30);
}

/** `algorithm`: exactly `SHA1`, `SHA256` or `SHA512` (RFC 6238 §1.2); default SHA1. */
export function algorithmOption(value: unknown): HashAlgorithm {
  if (value === undefined) return 'SHA1';
  if (value !== 'SHA1' && value !== 'SHA256' && value !== 'SHA512') {
    fail('ERR_INVALID_OPTION', `"algorithm" must be one of "SHA1", "SHA256", "SHA512", got ${describe(value)}`);
  }
  return value;
}

/** An instant in Unix milliseconds: a finite number in the Date range, or a valid `Date`. */
export function timeOption(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || Math.abs(ms) > MAX_TIME) {
    fail('ERR_INVALID_OPTION', `"${name}" must be Unix milliseconds (a finite number within the Date range) or a valid Date, got ${describe(value)}`);
  }
  return ms;
}

/** `counter`: a safe integer >= 0, or a bigint 0..2^64-1 (RFC 4226 §5.1: C is 8 bytes). Required. */
export function counterOption(value: unknown): number | bigint {
  if (typeof value === 'bigint') {
    if (value >= 0n && value <= MAX_COUNTER) return value;
  } else if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) {
    return value;
  }
  return fail('ERR_INVALID_OPTION', `"counter" must be a safe integer >= 0 or a bigint from 0 to 2^64-1, got ${describe(value)}`);
}

/** `token` must be a string (anything else is a programming error); its content is judged by {@link isToken}. */
export function tokenOption(value: unknown): string {
  // The type only: a number here is most likely the code itself, which must not reach a log.
  if (typeof value !== 'string') fail('ERR_INVALID_OPTION', `"token" must be a string, got ${value === null ? 'null' : typeof value}`);
  return value;
}

/** Exactly `digits` ASCII digits. Format may fail fast: it reveals nothing about the secret. */
export function isToken(token: string, digits: number): boolean {
  if (token.length !== digits) return false;
  for (let i = 0; i < digits; i++) {
    const c = token.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
