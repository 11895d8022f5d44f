// HOTP resynchronisation with consecutive codes, RFC 4226 §7.4.
import {
  assertOptions,
  counterOption,
  digitsOption,
  intOption,
  invalid,
  stringOption,
} from './internal/assert.ts';
import { decimalFormat } from './internal/code-format.ts';
import { equalBit, firstHit } from './internal/constant-time.ts';
import { computeOTPs, counterRange, hotpMatch } from './internal/otp.ts';
import { keySource } from './internal/secret.ts';
import type { HOTPMatch, OTPKeyOptions } from './types.ts';

/** Options for {@link resyncHOTP}. */
export interface ResyncHOTPOptions extends OTPKeyOptions {
  /** Two or three codes the token showed one after another, oldest first. */
  tokens: [string, string] | [string, string, string];
  /** The stored counter: the run may start at it or up to `lookAhead` after it, never before. */
  counter: number | bigint;
  /** How far after `counter` the run may start (RFC 4226 §7.4 look-ahead), 0..1000. Default 100. */
  lookAhead?: number | undefined;
}

/** `tokens`: 2 or 3 strings. The length and each entry are read once; holes are refused like any non-string. */
function tokensOption(value: unknown): string[] {
  const length: unknown = Array.isArray(value) ? value.length : undefined;
  if (length !== 2 && length !== 3) invalid('tokens', 'an array of 2 or 3 codes');
  const tokens: string[] = [];
  for (let i = 0; i < length; i++) tokens.push(stringOption((value as unknown[])[i], 'tokens[]'));
  return tokens;
}

/**
 * Resynchronises an HOTP counter that has drifted too far for {@link verifyHOTP}'s look-ahead
 * (RFC 4226 §7.4): the user presses the button two or three times and sends the codes in order.
 * They are accepted only as a run of consecutive counters starting anywhere in
 * `counter .. counter + lookAhead`, which is far harder to hit by guessing than one code in a window
 * that wide.
 *
 * Cost: one HMAC for each counter in `counter .. counter + lookAhead + tokens.length - 1` (at most
 * 1,003), computed once; every run start is then compared in constant time, with no early exit. Count a
 * `null` as a failed attempt for throttling (RFC 4226 §7.3).
 *
 * @param options - `secret`, `tokens` (2 or 3, oldest first), `counter`, and optionally `lookAhead`
 *   (0..1000, default 100), `algorithm`, `digits`
 * @returns the match of the LAST token (store its `nextCounter`), or `null` when the codes are wrong,
 *   not consecutive, or malformed (never throws for bad code strings). Should two runs match, the one
 *   starting at the lowest counter is taken.
 * @throws OTPError `ERR_INVALID_OPTION` (`tokens` not 2 or 3 strings, bad options), `ERR_INVALID_SECRET`,
 *   `ERR_BASE32_*`, `ERR_CRYPTO_UNAVAILABLE`
 * @example
 * ```ts
 * const match = await resyncHOTP({ secret, tokens: ['755224', '287082'], counter: 0 }) // RFC 4226 App. D, C = 0, 1
 * // { counter: 1, nextCounter: 2, delta: 1 }; store it with a compare-and-set on the counter read:
 * if (match && (await db.advanceCounter(user.id, { from: user.counter, to: match.nextCounter }))) resynced(user)
 * ```
 */
export function resyncHOTP(
  options: ResyncHOTPOptions & { counter: number },
): Promise<HOTPMatch<number> | null>;
/** {@link resyncHOTP} with a `bigint` counter (up to 2^64-1): the match's counters are bigints too. */
export function resyncHOTP(
  options: ResyncHOTPOptions & { counter: bigint },
): Promise<HOTPMatch<bigint> | null>;
/** {@link resyncHOTP} with a counter whose type is not known statically (`number | bigint`). */
export function resyncHOTP(options: ResyncHOTPOptions): Promise<HOTPMatch | null>;
export async function resyncHOTP(options: ResyncHOTPOptions): Promise<HOTPMatch | null> {
  assertOptions(options);
  const {
    secret,
    algorithm,
    digits,
    tokens: tokensValue,
    counter: counterValue,
    lookAhead: lookAheadValue,
  } = options;
  const source = keySource(secret, algorithm);
  const format = decimalFormat(digitsOption(digits));
  const tokens = tokensOption(tokensValue);
  const counter = counterOption(counterValue);
  const lookAhead = intOption('lookAhead', lookAheadValue, 0, 1000, 100);
  // Format may fail fast: it depends on the typed codes only.
  const typed: string[] = [];
  for (const token of tokens) {
    const canonical = format.canonical(token);
    if (canonical === null) return null;
    typed.push(canonical);
  }

  // Every counter a run can touch, each computed once, with the cached key.
  const counters = counterRange(counter, lookAhead + typed.length);
  const codes = await computeOTPs(source, counters, format);

  const starts: number[] = [];
  for (let start = 0; start + typed.length <= codes.length; start++) {
    let run = 1;
    for (let j = 0; j < typed.length; j++) {
      run &= equalBit(codes[start + j] as string, typed[j] as string);
    }
    starts.push(run);
  }
  const start = firstHit(starts);
  if (start < 0) return null;
  return hotpMatch(counters[start + typed.length - 1] as number | bigint, counter);
}
