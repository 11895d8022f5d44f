// TOTP, RFC 6238: HOTP with the time step T = floor((time - T0) / X) as the counter.
import {
  algorithmOption,
  assertOptions,
  digitsOption,
  fail,
  intOption,
  invalid,
  isToken,
  optionalOptions,
  periodOption,
  timeOption,
  tokenOption,
} from './internal/assert.js';
import { hmacKey, keySource } from './internal/hmac.js';
import { computeOTP, findCounter } from './internal/otp.js';
import type { HashAlgorithm, SecretInput } from './types.js';

/** The clock options shared by every TOTP function. */
export interface TOTPStepOptions {
  /** The instant, Unix milliseconds or a `Date`. Default `Date.now()`. */
  time?: number | Date | undefined;
  /** The time step X in seconds (RFC 6238 §4.1), 1..86400. Default 30. */
  period?: number | undefined;
  /** T0, the Unix time in milliseconds when counting starts (RFC 6238 §4.1). Default 0. */
  epoch?: number | undefined;
}

/** Options for {@link generateTOTP}. Extra keys are ignored, so a parsed key URI can be passed as is. */
export interface GenerateTOTPOptions extends TOTPStepOptions {
  /** The shared secret K: base32 text or raw bytes. */
  secret: SecretInput;
  /** HMAC hash. Default `'SHA1'`. */
  algorithm?: HashAlgorithm | undefined;
  /** Code length, 6..10. Default 6. */
  digits?: number | undefined;
}

/** Options for {@link verifyTOTP}. */
export interface VerifyTOTPOptions extends GenerateTOTPOptions {
  /** The code the user typed. Anything but exactly `digits` ASCII digits gives `null`. */
  token: string;
  /**
   * Steps accepted either side of the current one (RFC 6238 §5.2, §6): a number `w` means `w` back and
   * `w` ahead; or `{ past, future }`. Each 0..10. Default 1.
   */
  window?: number | { past: number; future: number } | undefined;
  /**
   * The step of the last accepted code for this credential: steps `<= afterStep` are never accepted,
   * so each code works once (RFC 6238 §5.2). Store `match.step` and pass it back here.
   */
  afterStep?: number | undefined;
}

/** A successful TOTP verification. */
export interface TOTPMatch {
  /** The absolute time step T that matched: store it and pass it back as `afterStep`. */
  step: number;
  /** `step` minus the current step: negative for an old code, positive for a fast clock. */
  delta: number;
}

/** Where an instant falls in the TOTP time steps. */
export interface TOTPStepInfo {
  /** T = floor((time - T0) / X) (RFC 6238 §4.2). */
  step: number;
  /** When this step began, Unix ms. */
  startsAt: number;
  /** When the next step begins, Unix ms. */
  expiresAt: number;
  /** `expiresAt - time`: how long the current code stays current. */
  remainingMs: number;
}

interface Clock {
  time: number;
  epoch: number;
  periodMs: number;
  step: number;
}

function clockOf(options: Record<string, unknown>): Clock {
  const periodMs = periodOption(options.period) * 1000;
  const epoch = timeOption('epoch', options.epoch, 0);
  const time = options.time === undefined ? Date.now() : timeOption('time', options.time, 0);
  if (time < epoch) fail('ERR_INVALID_OPTION', `"time" must not be before "epoch" (T0), got ${time} < ${epoch}`);
  // RFC 6238 §4.2 floor division; both operands stay far below 2^53, so it is exact.
  return { time, epoch, periodMs, step: Math.floor((time - epoch) / periodMs) };
}

/**
 * The time step for an instant (RFC 6238 §4.2), with when it started and ends.
 *
 * @param options - `time` (default now), `period` in seconds (default 30), `epoch` T0 in ms (default 0)
 * @returns `{ step, startsAt, expiresAt, remainingMs }`
 * @throws OTPError `ERR_INVALID_OPTION` for an invalid time, period or epoch, or `time` before `epoch`
 * @example
 * ```ts
 * totpStep({ time: 59_000 }) // { step: 1, startsAt: 30000, expiresAt: 60000, remainingMs: 1000 }
 * ```
 */
export function totpStep(options?: TOTPStepOptions): TOTPStepInfo {
  const { time, epoch, periodMs, step } = clockOf(optionalOptions(options, 'totpStep options'));
  const startsAt = epoch + step * periodMs;
  const expiresAt = startsAt + periodMs;
  return { step, startsAt, expiresAt, remainingMs: expiresAt - time };
}

/**
 * Computes the TOTP value at an instant: HOTP(K, T) with T = floor((time - T0) / X), RFC 6238 §4.
 *
 * @param options - `secret`, and optionally `time` (default now), `period`, `epoch`, `algorithm`, `digits`
 * @returns the code: exactly `digits` digits, zero-padded
 * @throws OTPError `ERR_INVALID_OPTION`, `ERR_INVALID_SECRET`, `ERR_BASE32_*`, `ERR_CRYPTO_UNAVAILABLE`
 * @example
 * ```ts
 * await generateTOTP({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', time: 59_000, digits: 8 }) // '94287082' (RFC 6238 App. B)
 * ```
 */
export async function generateTOTP(options: GenerateTOTPOptions): Promise<string> {
  assertOptions(options, 'generateTOTP options');
  const source = keySource(options.secret, options.algorithm);
  const { step } = clockOf(options as Record<string, unknown>);
  const algorithm = algorithmOption(source.algorithm);
  const digits = digitsOption(options.digits);
  return computeOTP(await hmacKey(source, algorithm), step, digits);
}

function windowOption(value: unknown): { past: number; future: number } {
  if (value === undefined || typeof value === 'number') {
    const w = intOption('window', value, 0, 10, 1);
    return { past: w, future: w };
  }
  const w = value as { past?: unknown; future?: unknown } | null;
  if (typeof w !== 'object' || w === null || w.past === undefined || w.future === undefined) {
    invalid('window', 'an integer from 0 to 10 or { past, future }', value);
  }
  return { past: intOption('window.past', w.past, 0, 10, 0), future: intOption('window.future', w.future, 0, 10, 0) };
}

/**
 * Verifies a TOTP code against steps `current - past .. current + future` (RFC 6238 §5.2, §6), refusing
 * any step `<= afterStep` so that a code is accepted once. Every candidate is computed and compared in
 * constant time, with no early exit. Should two steps produce the same code, the earliest is the match.
 *
 * @param options - `secret`, `token`, and optionally `time`, `period`, `epoch`, `algorithm`, `digits`,
 *   `window` (default 1), `afterStep`
 * @returns `{ step, delta }`, or `null` for a wrong, replayed or malformed token (never throws for a bad token string)
 * @throws OTPError `ERR_INVALID_OPTION` (a `token` that is not a string, bad options), `ERR_INVALID_SECRET`,
 *   `ERR_BASE32_*`, `ERR_CRYPTO_UNAVAILABLE`
 * @example
 * ```ts
 * const match = await verifyTOTP({ secret: user.secret, token: input, afterStep: user.lastStep })
 * if (match) await db.setLastStep(user.id, match.step) // a compare-and-set: last_step < match.step
 * ```
 */
export async function verifyTOTP(options: VerifyTOTPOptions): Promise<TOTPMatch | null> {
  assertOptions(options, 'verifyTOTP options');
  const source = keySource(options.secret, options.algorithm);
  const token = tokenOption(options.token);
  const { step: current } = clockOf(options as Record<string, unknown>);
  const algorithm = algorithmOption(source.algorithm);
  const digits = digitsOption(options.digits);
  const { past, future } = windowOption(options.window);
  const afterStep = options.afterStep;
  if (afterStep !== undefined && !Number.isSafeInteger(afterStep)) invalid('afterStep', 'a safe integer', afterStep);
  if (!isToken(token, digits)) return null;

  const steps: number[] = [];
  const lowest = afterStep === undefined ? 0 : Math.max(0, afterStep + 1);
  for (let s = Math.max(lowest, current - past); s <= current + future; s++) steps.push(s);
  if (steps.length === 0) return null;
  const index = await findCounter(await hmacKey(source, algorithm), steps, token, digits);
  if (index < 0) return null;
  const step = steps[index] as number;
  return { step, delta: step - current };
}
