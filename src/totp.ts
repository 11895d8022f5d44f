// TOTP, RFC 6238: HOTP with the time step T = floor((time - T0) / X) as the counter.
import {
  assertOptions,
  intOption,
  invalid,
  optionalOptions,
  periodOption,
  stringOption,
  timeOption,
} from './internal/assert.ts';
import { computeOTP, findCounter } from './internal/otp.ts';
import { checkSteamAlgorithm, codeFormatOption } from './internal/code-format.ts';
import { keySource } from './internal/secret.ts';
import type { CodeEncoder, OTPKeyOptions } from './types.ts';

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
export interface GenerateTOTPOptions extends TOTPStepOptions, OTPKeyOptions {
  /** Code length, 6..10. Default 6. With `encoder: 'steam'`: absent or 5. */
  digits?: number | undefined;
  /**
   * `'steam'` for Steam Guard codes: 5 characters of `23456789BCDFGHJKMNPQRTVWXY` instead of digits,
   * from the same truncated value (SHA1 only). Absent for the decimal codes of RFC 4226 §5.3.
   */
  encoder?: CodeEncoder | undefined;
  /**
   * `'totp'` or absent: the `type` of a parsed key URI passed as the options. Not read at run time; it
   * makes an HOTP key ({@link HOTPKeyURI}) a compile error here, where its counter would be ignored.
   */
  type?: 'totp' | undefined;
}

/** Options for {@link verifyTOTP}. */
export interface VerifyTOTPOptions extends GenerateTOTPOptions {
  /**
   * The code the user typed. Anything but exactly `digits` ASCII digits gives `null`; a Steam code is 5
   * characters of its alphabet, ASCII letters in either case.
   */
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

/** Validated clock options and the time step they give (RFC 6238 §4.2). */
interface Clock {
  /** T = floor((time - T0) / X). */
  readonly step: number;
  /** The instant, Unix ms. */
  readonly time: number;
  /** T0, Unix ms. */
  readonly epoch: number;
  /** X in milliseconds. */
  readonly periodMs: number;
}

/** The clock of the options' `period`, `epoch` and `time`, as read once by the caller. */
function clockOf(period: unknown, epochValue: unknown, timeValue: unknown): Clock {
  const periodMs = periodOption(period) * 1000;
  const epoch = timeOption('epoch', epochValue) ?? 0;
  // The clock is read only when no time is given.
  const time = timeOption('time', timeValue) ?? Date.now();
  if (time < epoch) invalid('time', 'at or after "epoch" (T0)');
  // RFC 6238 §4.2 floor division; both operands stay far below 2^53, so it is exact.
  return { step: Math.floor((time - epoch) / periodMs), time, epoch, periodMs };
}

/** `window`: a number w (w back, w ahead; default 1) or `{ past, future }`, each 0..10. */
function windowOption(value: unknown): { past: number; future: number } {
  if (typeof value === 'object' && value !== null) {
    const { past, future } = value as { past?: unknown; future?: unknown };
    return {
      past: intOption('window', past ?? NaN, 0, 10, 0),
      future: intOption('window', future ?? NaN, 0, 10, 0),
    };
  }
  const both = intOption('window', value === null ? NaN : value, 0, 10, 1);
  return { past: both, future: both };
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
  const { period, epoch: epochValue, time: timeValue } = optionalOptions(options);
  const { step, time, epoch, periodMs } = clockOf(period, epochValue, timeValue);
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
  assertOptions(options);
  const { secret, algorithm, digits, encoder, period, epoch, time } = options;
  const source = keySource(secret, algorithm);
  const format = codeFormatOption(encoder, digits);
  checkSteamAlgorithm(format, source.algorithm);
  return computeOTP(source, clockOf(period, epoch, time).step, format);
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
 * // UPDATE users SET last_step = $1 WHERE id = $2 AND last_step < $1: success iff one row changed
 * if (match && (await db.advanceLastStep(user.id, match.step))) logIn(user)
 * ```
 */
export async function verifyTOTP(options: VerifyTOTPOptions): Promise<TOTPMatch | null> {
  assertOptions(options);
  const { secret, algorithm, digits, encoder, token, period, epoch, time, window, afterStep = -1 } =
    options;
  const source = keySource(secret, algorithm);
  const format = codeFormatOption(encoder, digits);
  checkSteamAlgorithm(format, source.algorithm);
  const typed = stringOption(token, 'token');
  const current = clockOf(period, epoch, time).step;
  if (!Number.isSafeInteger(afterStep)) invalid('afterStep', 'a safe integer');
  const { past, future } = windowOption(window);
  const first = Math.max(0, afterStep + 1, current - past);
  const last = current + future;

  // Steps <= afterStep never count, nor steps below 0 near the epoch.
  const steps: number[] = [];
  for (let s = first; s <= last; s++) steps.push(s);
  const index = await findCounter(source, steps, typed, format);
  if (index < 0) return null;
  const step = steps[index] as number;
  return { step, delta: step - current };
}
