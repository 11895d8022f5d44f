// Checks and their report: one line per check as it finishes ("ok" or "FAIL", the backend, what was
// checked, and the figures or the reason), then `e2e: N passed, M failed`. A check whose inputs came
// from a check that failed fails too ("needs ..."): nothing is skipped.

import { createReport } from '../../.ci/report.mjs';

const report = createReport('e2e');

/** A failed precondition: the check cannot run, which counts as a failure. */
export class Needs extends Error {}

/**
 * Runs one check: `fn` resolves to a detail (string) or nothing, and throws to fail. Resolves to
 * what `fn` resolved to, or `undefined` when it failed.
 */
export async function check(scope, name, fn) {
  const started = Date.now();
  try {
    const detail = await fn();
    const seconds = (Date.now() - started) / 1000;
    const text = typeof detail === 'string' ? detail : detail?.detail;
    const took = timing(seconds);
    report.record(
      true,
      `${scope}: ${name}${text ? '' : took}`,
      text ? `${text}${took}` : undefined,
    );
    return detail ?? true;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    report.record(false, `${scope}: ${name}`, reason.split('\n').slice(0, 8).join('\n'));
    if (process.env.E2E_VERBOSE && error instanceof Error && !(error instanceof Needs)) {
      console.log(error.stack);
    }
    return undefined;
  }
}

const timing = (seconds) => (seconds >= 2 ? ` (${seconds.toFixed(1)} s)` : '');

/** Throws unless `value` is truthy. */
export function assert(value, message) {
  if (!value) throw new Error(message);
}

/** Throws unless `actual` is `expected` (compared as JSON). */
export function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

/** The value, or a `Needs` failure naming the check that should have produced it. */
export function needs(value, what) {
  if (value === undefined || value === null || value === false) {
    throw new Needs(`needs ${what}, which failed`);
  }
  return value;
}

/** Prints `e2e: N passed, M failed`; the exit code. */
export const finish = report.finish;
