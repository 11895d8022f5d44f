// @ts-check
// otpkit's runtime-neutral conformance suite. Plain ESM and web-standard APIs only (TextEncoder,
// crypto.subtle, BigInt, console): the same files run in Node, Deno, Bun, workerd and Chromium against
// the BUILT package, and in vitest against src/ (test/conformance.test.ts).
//
// The suite never imports otpkit itself: every runner imports the package its own way (a path, a bare
// specifier, npm:, require, an import map) and passes the module namespaces in, `otp` (otpkit) and `qr`
// (otpkit/qr, loaded the same way), together with the parsed vectors/*.json keyed by file name without
// ".json" (e.g. vectors.rfc4226).
//
// ─── Adding cases (the extension point) ──────────────────────────────────────────────────────────────
// 1. Write test/conformance/cases/<area>.js exporting
//      export default function (ctx) { return [{ name, run }, ...] }
//    where ctx = { otp, qr, vectors, assert, ref } (see index.d.ts) and `run` may be async; throw (for example
//    through ctx.assert) to fail. Use web-standard APIs only; build cases from data, never from time or
//    randomness, so that every runtime counts the same cases.
// 2. Add it to CASE_FILES below. Nothing else: every runner (vitest included) picks it up, and a new
//    vectors/<name>.json file reaches every runtime as ctx.vectors.<name> without further work (declare
//    its shape in vectors.d.mts, so that the cases type-check against it).
// Every file here is type-checked (`// @ts-check`, test/conformance/tsconfig.json, part of `npm test`)
// against the declarations beside it (index.d.ts, assert.d.ts, reference.d.ts, vectors.d.mts), with
// JSDoc only: the files run unchanged in every runtime.
// ─────────────────────────────────────────────────────────────────────────────────────────────────────
import * as assert from './assert.js';
import * as ref from './reference.js';
import base32 from './cases/base32.js';
import errors from './cases/errors.js';
import hotp from './cases/hotp.js';
import qr from './cases/qr.js';
import secret from './cases/secret.js';
import toolkit from './cases/toolkit.js';
import totp from './cases/totp.js';
import uri from './cases/uri.js';

/**
 * The case files, in run order: [area, factory]. Case names are prefixed with the area.
 * @type {typeof import('./index.js').CASE_FILES}
 */
export const CASE_FILES = [
  ['base32', base32],
  ['hotp', hotp],
  ['totp', totp],
  ['secret', secret],
  ['errors', errors],
  ['uri', uri],
  ['toolkit', toolkit],
  ['qr', qr],
];

/**
 * Every case, built from the package namespaces `otp` (otpkit) and `qr` (otpkit/qr) and the parsed
 * vectors. Names are unique. The list never depends on `qr`: without it the same cases are built and
 * every "qr: ..." case fails, saying that the runner did not pass otpkit/qr.
 * @type {typeof import('./index.js').collectCases}
 */
export function collectCases({ otp, qr, vectors }) {
  if (typeof otp !== 'object' || otp === null || typeof otp.generateHOTP !== 'function') {
    throw new Error('conformance: `otp` must be the otpkit module namespace');
  }
  /** @type {import('./index.js').ConformanceContext} */
  const ctx = { otp, qr, vectors, assert, ref };
  /** @type {import('./index.js').ConformanceCase[]} */
  const cases = [];
  /** @type {Set<string>} */
  const names = new Set();
  for (const [area, factory] of CASE_FILES) {
    for (const { name, run } of factory(ctx)) {
      const full = `${area}: ${name}`;
      if (names.has(full)) throw new Error(`conformance: duplicate case name "${full}"`);
      names.add(full);
      cases.push({ name: full, run });
    }
  }
  return cases;
}

/**
 * Runs every case in order and reports through `log` (default console.log): a line per failure (and per
 * pass when `verbose`), then the final line `<label>: N passed, M failed`. Never throws for a failing case.
 * Returns { passed, failed, total, failures: [{ name, message }] }.
 * @type {typeof import('./index.js').runCases}
 */
export async function runCases(
  cases,
  {
    label = 'conformance',
    verbose = false,
    log = (/** @type {string} */ line) => console.log(line),
  } = {},
) {
  /** @type {import('./index.js').ConformanceResult['failures']} */
  const failures = [];
  let passed = 0;
  for (const { name, run } of cases) {
    try {
      await run();
      passed++;
      if (verbose) log(`ok   ${name}`);
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      failures.push({ name, message });
      log(`FAIL ${name}: ${message}`);
    }
  }
  log(`${label}: ${passed} passed, ${failures.length} failed`);
  return { passed, failed: failures.length, total: cases.length, failures };
}

/**
 * Builds every case (collectCases) and runs them (runCases).
 * @type {typeof import('./index.js').runConformance}
 */
export async function runConformance({ otp, qr, vectors, ...options }) {
  return runCases(collectCases({ otp, qr, vectors }), options);
}

/**
 * The cases for a runtime WITHOUT WebCrypto (a plain-HTTP page, React Native, crypto.subtle removed):
 * importing works, everything that needs an HMAC rejects with OTPError ERR_CRYPTO_UNAVAILABLE (never a
 * TypeError), and what needs no crypto still works. `generateSecret` works if `crypto.getRandomValues`
 * is there (browsers keep it on insecure origins) and otherwise throws ERR_CRYPTO_UNAVAILABLE too.
 * Not part of the main list: runners call it in an environment they stripped on purpose.
 * @type {typeof import('./index.js').unavailableCases}
 */
export function unavailableCases({ otp }) {
  const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
  const code = 'ERR_CRYPTO_UNAVAILABLE';
  /** @type {[string, () => Promise<unknown>][]} */
  const calls = [
    ['generateTOTP', () => otp.generateTOTP({ secret, time: 59_000 })],
    ['verifyTOTP', () => otp.verifyTOTP({ secret, token: '287082', time: 59_000 })],
    ['generateHOTP', () => otp.generateHOTP({ secret, counter: 1 })],
    ['verifyHOTP', () => otp.verifyHOTP({ secret, token: '287082', counter: 1 })],
  ];
  const cases = [
    {
      name: 'the environment really lacks crypto.subtle',
      run: () => assert.equal(globalThis.crypto?.subtle, undefined, 'crypto.subtle'),
    },
    ...calls.map(([fn, call]) => ({
      name: `${fn} rejects with OTPError ${code}, not a TypeError`,
      run: () => assert.rejectsOTPError(otp, call, code),
    })),
    {
      name: 'option errors still come first, with their own code',
      run: () =>
        assert.rejectsOTPError(
          otp,
          () => otp.generateTOTP({ secret, digits: 5 }),
          'ERR_INVALID_OPTION',
        ),
    },
    {
      name: 'base32 and totpStep need no crypto and still work',
      run: () => {
        assert.equal(otp.encodeBase32(otp.decodeBase32('MZXW6YTBOI')), 'MZXW6YTBOI');
        assert.equal(otp.totpStep({ time: 59_000 }).step, 1);
      },
    },
    {
      name: 'generateSecret works with crypto.getRandomValues, else throws ERR_CRYPTO_UNAVAILABLE',
      run: () => {
        if (typeof globalThis.crypto?.getRandomValues === 'function') {
          assert.equal(otp.generateSecret().length, 32);
        } else assert.throwsOTPError(otp, () => otp.generateSecret(), code);
      },
    },
  ];
  return cases.map(({ name, run }) => ({ name: `no-webcrypto: ${name}`, run }));
}
