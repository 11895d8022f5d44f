// Entry validation shared by the public functions. Public functions call these on their first
// lines; internal calls pass already-validated values and never re-check.
//
// Messages are built from one template, `"<option>" must be <expected>`, which names the option at fault
// and what it accepts, and never the value itself (it could be a secret or a code). Each public function
// reads every option once, at entry, and passes the values it read (never the options object) to these.
import { OTPError, type OTPErrorCode } from '../errors.ts';

/** The largest counter RFC 4226 §5.1 allows (8 bytes, unsigned). */
export const MAX_COUNTER: bigint = 0xffff_ffff_ffff_ffffn;

/**
 * Throws `OTPError(code, message)`, with `cause` when given. Without a message, the code is spelled out
 * as one: `ERR_BASE32_INVALID_LENGTH` gives `base32 invalid length`.
 */
export function fail(code: OTPErrorCode, message?: string, cause?: unknown): never {
  throw new OTPError(
    code,
    message ?? code.slice(4).replaceAll('_', ' ').toLowerCase(),
    cause === undefined ? undefined : { cause },
  );
}

/**
 * `ERR_INVALID_OPTION`: `"name" must be <expected>`. The rejected value is deliberately left out of the
 * message: it is either obvious from the name or could be a secret.
 */
export function invalid(name: string, expected: string): never {
  return fail('ERR_INVALID_OPTION', `"${name}" must be ${expected}`);
}

/** An options object (not null, not an array), or `ERR_INVALID_OPTION` naming it `name`. */
export function assertOptions(
  value: unknown,
  name = 'options',
): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || !value || Array.isArray(value)) invalid(name, 'an object');
}

/** An optional options object: `undefined` gives `{}`. */
export function optionalOptions(value: unknown, name?: string): Record<string, unknown> {
  if (value === undefined) return {};
  assertOptions(value, name);
  return value;
}

/** A boolean option; `undefined` gives `false`. */
export function boolOption(name: string, value: unknown): boolean {
  return value === undefined
    ? false
    : typeof value === 'boolean'
    ? value
    : invalid(name, 'a boolean');
}

/** An integer option in `min..max`; `undefined` gives `fallback`. Strings and other types are refused, never coerced. */
export function intOption(
  name: string,
  value: unknown,
  min: number,
  max: number,
  fallback: number,
): number {
  // Number.isInteger is false for every non-number, so no typeof check is needed.
  if (value === undefined) return fallback;
  return Number.isInteger(value) && (value as number) >= min && (value as number) <= max
    ? (value as number)
    : invalid(name, `an integer from ${min} to ${max}`);
}

/** `digits`: 6..10 (RFC 4226 §5.3 requires at least 6; 2^31 limits a 10th digit to 0-2). */
export function digitsOption(value: unknown): number {
  return intOption('digits', value, 6, 10, 6);
}

/** `period`: the TOTP time step X in seconds, 1..86400 (RFC 6238 §4.1; default 30). */
export function periodOption(value: unknown): number {
  return intOption('period', value, 1, 86_400, 30);
}

/** The time value of a real Date, read from its internal slot (a subclass's `valueOf` is not called), or undefined. */
function dateTime(value: object): number | undefined {
  try {
    return Date.prototype.getTime.call(value);
  } catch {
    return undefined;
  }
}

/** An instant in Unix milliseconds: a finite number in the Date range (±8.64e15), or a valid `Date`; `undefined` stays `undefined`. */
export function timeOption(name: string, value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const ms = typeof value === 'object' && value !== null ? dateTime(value) : value;
  // NaN and ±Infinity fail the comparison.
  return typeof ms === 'number' && Math.abs(ms) <= 8.64e15
    ? ms
    : invalid(name, 'a Date or Unix ms');
}

/** `counter`: a safe integer >= 0, or a bigint 0..2^64-1 (RFC 4226 §5.1: C is 8 bytes). Required. */
export function counterOption(value: unknown): number | bigint {
  return (typeof value === 'bigint' ? value <= MAX_COUNTER : Number.isSafeInteger(value)) &&
      (value as number) >= 0
    ? (value as number | bigint)
    : invalid('counter', 'an integer from 0 to 2^53-1, or a bigint to 2^64-1');
}

/**
 * A string option (a token, a URI, a context...), or `ERR_INVALID_OPTION` naming `name`: anything else
 * is a programming error. Its content is judged by the caller (a token by the code format).
 */
export function stringOption(value: unknown, name: string): string {
  return typeof value === 'string' ? value : invalid(name, 'a string');
}

/**
 * `text`, or `ERR_INVALID_OPTION` naming `name` when it holds a lone surrogate: no UTF-8 can carry one
 * (TextEncoder writes U+FFFD, so two different strings would give the same bytes).
 */
export function wellFormedOption(name: string, text: string): string {
  return /\p{Cs}/u.test(text) ? invalid(name, 'well-formed Unicode (no lone surrogate)') : text;
}
