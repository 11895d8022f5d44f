// A tiny assert helper for the conformance suite. Web-standard JavaScript only: it runs unchanged in
// Node, Deno, Bun, workerd and browsers, so no `node:assert`, no Buffer, no test framework.

/** Thrown by every failed check; the runner prints its message. */
export class AssertionError extends Error {
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

/** A short, readable rendering of a value for failure messages (bigint, bytes and strings made explicit). */
export function show(value) {
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Uint8Array) return `Uint8Array(${toHex(value)})`;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  return String(value);
}

function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

function prefix(message) {
  return message ? `${message}: ` : '';
}

/** Fails unless `value` is truthy. */
export function ok(value, message) {
  if (!value) {
    throw new AssertionError(`${prefix(message)}expected a truthy value, got ${show(value)}`);
  }
}

/** Fails unless `Object.is(actual, expected)` (so `1` and `1n` differ, as do `'1'` and `1`). */
export function equal(actual, expected, message) {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${prefix(message)}expected ${show(expected)}, got ${show(actual)}`);
  }
}

/**
 * Structural equality for the plain values the API returns: primitives (compared with `Object.is`, so
 * number and bigint differ), arrays, Uint8Array, and plain objects with the same own keys.
 */
export function deepEqual(actual, expected, message) {
  if (!isDeepEqual(actual, expected)) {
    throw new AssertionError(`${prefix(message)}expected ${show(expected)}, got ${show(actual)}`);
  }
}

function isDeepEqual(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length &&
      a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) => Object.prototype.hasOwnProperty.call(b, k) && isDeepEqual(a[k], b[k]));
}

/** Checks that `error` is an otpkit OTPError with `code`, recognised by `otp.isOTPError`, and nothing else (no TypeError). */
export function isOTPErrorWithCode(otp, error, code, message) {
  if (!(error instanceof Error)) {
    throw new AssertionError(
      `${prefix(message)}expected OTPError ${code}, got a non-Error ${show(error)}`,
    );
  }
  if (error.name !== 'OTPError' || error.code !== code) {
    throw new AssertionError(
      `${prefix(message)}expected OTPError ${code}, got ${error.name} ${
        show(error.code)
      }: ${error.message}`,
    );
  }
  if (otp.isOTPError(error) !== true) {
    throw new AssertionError(
      `${prefix(message)}isOTPError() did not recognise the OTPError ${code}`,
    );
  }
  if (!(error instanceof otp.OTPError)) {
    throw new AssertionError(
      `${prefix(message)}the error is not an instance of this copy's OTPError`,
    );
  }
}

/** `fn()` must throw (synchronously) an OTPError with `code`. For the synchronous API. */
export function throwsOTPError(otp, fn, code, message) {
  let result;
  try {
    result = fn();
  } catch (error) {
    isOTPErrorWithCode(otp, error, code, message);
    return error;
  }
  throw new AssertionError(
    `${prefix(message)}expected a thrown OTPError ${code}, got a result ${show(result)}`,
  );
}

/**
 * `fn()` must return a Promise that rejects with an OTPError with `code`. For the async API: a synchronous
 * throw is a failure too, since callers `await` and would not expect one.
 */
export async function rejectsOTPError(otp, fn, code, message) {
  let promise;
  try {
    promise = fn();
  } catch (error) {
    throw new AssertionError(
      `${prefix(message)}expected a rejected Promise, got a synchronous throw ${show(error)}`,
    );
  }
  if (!(promise instanceof Promise)) {
    throw new AssertionError(`${prefix(message)}expected a Promise, got ${show(promise)}`);
  }
  let result;
  try {
    result = await promise;
  } catch (error) {
    isOTPErrorWithCode(otp, error, code, message);
    return error;
  }
  throw new AssertionError(
    `${prefix(message)}expected a rejection with OTPError ${code}, got ${show(result)}`,
  );
}
