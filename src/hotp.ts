// HOTP, RFC 4226.
import {
  assertOptions,
  counterOption,
  digitsOption,
  intOption,
  stringOption,
} from './internal/assert.ts';
import { computeOTP, counterRange, findCounter, hotpMatch } from './internal/otp.ts';
import { decimalFormat } from './internal/code-format.ts';
import { keySource } from './internal/secret.ts';
import type { HOTPMatch, OTPKeyOptions } from './types.ts';

/** Options for {@link generateHOTP}. Extra keys are ignored, so a parsed key URI can be passed as is. */
export interface GenerateHOTPOptions extends OTPKeyOptions {
  /** The moving factor C (RFC 4226 §5.1): a safe integer >= 0, or a bigint up to 2^64-1. */
  counter: number | bigint;
  /**
   * `'hotp'` or absent: the `type` of a parsed key URI passed as the options. Not read at run time; it
   * makes a TOTP key ({@link TOTPKeyURI}) a compile error here.
   */
  type?: 'hotp' | undefined;
}

/** Options for {@link verifyHOTP}. */
export interface VerifyHOTPOptions extends GenerateHOTPOptions {
  /** The code the user typed. Anything but exactly `digits` ASCII digits gives `null`. */
  token: string;
  /** How many counters after `counter` to try as well (RFC 4226 §7.4 look-ahead s), 0..100. Default 0. */
  lookAhead?: number | undefined;
}

/**
 * Computes the HOTP value for a counter: `Truncate(HMAC(K, C))`, RFC 4226 §5.3.
 *
 * @param options - `secret`, `counter`, and optionally `algorithm` (default SHA1) and `digits` (default 6)
 * @returns the code: exactly `digits` digits, zero-padded
 * @throws OTPError `ERR_INVALID_OPTION` (bad counter, digits or algorithm), `ERR_INVALID_SECRET` or a
 *   `ERR_BASE32_*` code (bad secret), `ERR_CRYPTO_UNAVAILABLE` (no WebCrypto)
 * @example
 * ```ts
 * await generateHOTP({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', counter: 1 }) // '287082' (RFC 4226 App. D)
 * ```
 */
export async function generateHOTP(options: GenerateHOTPOptions): Promise<string> {
  assertOptions(options);
  const { secret, algorithm, digits, counter } = options;
  const source = keySource(secret, algorithm);
  const format = decimalFormat(digitsOption(digits));
  return computeOTP(source, counterOption(counter), format);
}

/**
 * Verifies an HOTP code against counters `counter .. counter + lookAhead` (RFC 4226 §7.2, Appendix A.3),
 * never below `counter`. Every candidate is computed and compared in constant time.
 *
 * On success store `match.nextCounter`; on `null` leave the stored counter unchanged and count the
 * failure for throttling (RFC 4226 §7.3).
 *
 * With a `number` counter, candidates stop at `Number.MAX_SAFE_INTEGER`; pass a bigint to go to 2^64-1.
 * Should two candidates produce the same code, the lowest counter is the match.
 *
 * @param options - `secret`, `token`, `counter`, and optionally `lookAhead` (0..100, default 0),
 *   `algorithm`, `digits`
 * @returns the match, or `null` when the token is wrong or malformed (never throws for a bad token string)
 * @throws OTPError `ERR_INVALID_OPTION` (a `token` that is not a string, bad options), `ERR_INVALID_SECRET`,
 *   `ERR_BASE32_*`, `ERR_CRYPTO_UNAVAILABLE`
 * @example
 * ```ts
 * const match = await verifyHOTP({ secret, token: '359152', counter: 1, lookAhead: 2 })
 * // { counter: 2, nextCounter: 3, delta: 1 }; store it with a compare-and-set that can fail:
 * // UPDATE users SET counter = $1 WHERE id = $2 AND counter = $3 (success iff one row changed)
 * if (match && (await db.advanceCounter(user.id, { from: user.counter, to: match.nextCounter }))) logIn(user)
 * ```
 */
export function verifyHOTP(
  options: VerifyHOTPOptions & { counter: number },
): Promise<HOTPMatch<number> | null>;
/** {@link verifyHOTP} with a `bigint` counter (up to 2^64-1): the match's counters are bigints too. */
export function verifyHOTP(
  options: VerifyHOTPOptions & { counter: bigint },
): Promise<HOTPMatch<bigint> | null>;
/** {@link verifyHOTP} with a counter whose type is not known statically (`number | bigint`). */
export function verifyHOTP(options: VerifyHOTPOptions): Promise<HOTPMatch | null>;
export async function verifyHOTP(options: VerifyHOTPOptions): Promise<HOTPMatch | null> {
  assertOptions(options);
  const { secret, algorithm, digits, token, counter, lookAhead } = options;
  const source = keySource(secret, algorithm);
  const format = decimalFormat(digitsOption(digits));
  const typed = stringOption(token, 'token');
  const from = counterOption(counter);
  // Never below the stored counter (RFC 4226 §7.2); the range stops at the largest exact counter.
  const counters = counterRange(from, intOption('lookAhead', lookAhead, 0, 100, 0) + 1);
  const index = await findCounter(source, counters, typed, format);
  return index < 0 ? null : hotpMatch(counters[index] as number | bigint, from);
}
