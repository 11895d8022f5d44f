// @ts-check
// A tiny assert helper for the conformance suite. Web-standard JavaScript only: it runs unchanged in
// Node, Deno, Bun, workerd and browsers, so no `node:assert`, no Buffer, no test framework.
//
// Each export is typed by its declaration in assert.d.ts (`import('./assert.js')` resolves to it).

/** Thrown by every failed check; the runner prints its message. */
export class AssertionError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'AssertionError';
  }
}

/**
 * A short, readable rendering of a value for failure messages (bigint, bytes and strings made explicit).
 * @type {typeof import('./assert.js').show}
 */
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

/** @param {Uint8Array} bytes */
function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** @param {string | undefined} message */
function prefix(message) {
  return message ? `${message}: ` : '';
}

/**
 * Fails unless `value` is truthy.
 * @type {typeof import('./assert.js').ok}
 */
export function ok(value, message) {
  if (!value) {
    throw new AssertionError(`${prefix(message)}expected a truthy value, got ${show(value)}`);
  }
}

/**
 * Fails unless `Object.is(actual, expected)` (so `1` and `1n` differ, as do `'1'` and `1`).
 * @type {typeof import('./assert.js').equal}
 */
export function equal(actual, expected, message) {
  if (!Object.is(actual, expected)) {
    throw new AssertionError(`${prefix(message)}expected ${show(expected)}, got ${show(actual)}`);
  }
}

/**
 * Structural equality for the plain values the API returns: primitives (compared with `Object.is`, so
 * number and bigint differ), arrays, Uint8Array, and objects with the same prototype (a class instance
 * never equals a literal) and the same own enumerable keys, an `undefined` value included.
 * @type {typeof import('./assert.js').deepEqual}
 */
export function deepEqual(actual, expected, message) {
  if (!isDeepEqual(actual, expected)) {
    throw new AssertionError(`${prefix(message)}expected ${show(expected)}, got ${show(actual)}`);
  }
}

/**
 * @param {unknown} a
 * @param {unknown} b
 * @returns {boolean}
 */
function isDeepEqual(a, b) {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length &&
      a.every((x, i) => x === b[i]);
  }
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const keysA = Object.keys(a);
  const keysB = Object.keys(b);
  if (keysA.length !== keysB.length) return false;
  return keysA.every((k) =>
    Object.prototype.hasOwnProperty.call(b, k) &&
    isDeepEqual(Reflect.get(a, k), Reflect.get(b, k))
  );
}

/**
 * Checks that `error` is an otpkit OTPError with `code`, recognised by `otp.isOTPError`, and nothing else (no TypeError).
 * @type {typeof import('./assert.js').isOTPErrorWithCode}
 */
export function isOTPErrorWithCode(otp, error, code, message) {
  if (!(error instanceof Error)) {
    throw new AssertionError(
      `${prefix(message)}expected OTPError ${code}, got a non-Error ${show(error)}`,
    );
  }
  const actual = 'code' in error ? error.code : undefined;
  if (error.name !== 'OTPError' || actual !== code) {
    throw new AssertionError(
      `${prefix(message)}expected OTPError ${code}, got ${error.name} ${
        show(actual)
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

/**
 * `fn()` must throw (synchronously) an OTPError with `code`. For the synchronous API.
 * @type {typeof import('./assert.js').throwsOTPError}
 */
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
 * @type {typeof import('./assert.js').rejectsOTPError}
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

/**
 * `value` itself, typed as `never` for the type checker: how a case passes a deliberately wrong type to
 * otpkit (hostile input) under `// @ts-check`. Nothing happens at run time.
 * @type {typeof import('./assert.js').wrongType}
 */
export function wrongType(value) {
  return /** @type {never} */ (value);
}

/**
 * `value` when it is neither undefined nor null, else an AssertionError: for a row a case looks up in
 * the vectors (`find`, an index), so that a missing row fails by name instead of with a TypeError.
 * @type {typeof import('./assert.js').defined}
 */
export function defined(value, message) {
  if (value === undefined || value === null) {
    throw new AssertionError(`${prefix(message)}expected a value, got ${show(value)}`);
  }
  return value;
}
