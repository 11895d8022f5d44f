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

/** `ERR_INVALID_OPTION`: `"name" must be <expected>, got <safe description of value>`. */
export function invalid(name: string, expected: string, value: unknown): never {
  return fail('ERR_INVALID_OPTION', `"${name}" must be ${expected}, got ${describe(value)}`);
}

/** Describes a value for an error message without ever echoing a secret or a token. */
export function describe(value: unknown): string {
  const type = typeof value;
  // Short words such as "MD5" or "sha-1" help; anything that could be a code or a key is hidden.
  if (type === 'string') return /^[A-Za-z][\w-]{0,6}$/.test(value as string) ? `"${value as string}"` : 'a string';
  if (value === null || (type !== 'object' && type !== 'function')) return type === 'bigint' ? `${value as bigint}n` : String(value);
  if (isBytes(value)) return 'a Uint8Array';
  if (Array.isArray(value)) return 'an array';
  return value instanceof Date ? (Number.isNaN(value.getTime()) ? 'an invalid Date' : 'a Date') : `a ${type}`;
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
  if (typeof value !== 'boolean') invalid(name, 'a boolean', value);
  return value;
}

/** An integer option in `min..max`; `undefined` gives `fallback`. Strings and other types are refused, never coerced. */
export function intOption(name: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalid(name, `an integer from ${min} to ${max}`, value);
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
    invalid('algorithm', 'SHA1, SHA256 or SHA512', value);
  }
  return value;
}

/** An instant in Unix milliseconds: a finite number in the Date range, or a valid `Date`. */
export function timeOption(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const ms = value instanceof Date ? value.getTime() : value;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || Math.abs(ms) > MAX_TIME) {
    invalid(name, 'a valid Date or Unix ms in its range', value);
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
  return invalid('counter', 'a safe integer >= 0 or a bigint up to 2^64-1', value);
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
