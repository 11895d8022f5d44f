// The runtime-neutral conformance suite (test/conformance/), run here against src/ so that a failure
// shows in `npm test` before `npm run test:runtimes` runs the same cases against dist/ in Node 20/22/24,
// Deno, Bun, workerd and Chromium (docs/runtimes.md).
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as otp from '../src/index.js';
import * as qr from '../src/qr/index.js';
import {
  CASE_FILES,
  collectCases,
  runCases,
  runConformance,
  unavailableCases,
} from './conformance/index.js';
import { loadVectors, type Vectors } from './conformance/vectors.mjs';

const vectors: Vectors = loadVectors();
const cases = collectCases({ otp, qr, vectors });

// vectors.d.mts declares the shape of each vectors/*.json file, which the case files are type-checked
// against (tsc -p test/conformance). Here TypeScript reads the files themselves, so a file that drifts
// from its declared shape fails `tsc --noEmit`: the file's type must fit the declaration with literal
// unions (algorithm names, error codes) widened to string, since JSON gives plain strings; the cases
// check the values.
type Files = {
  'otpauth-migration': typeof import('../vectors/otpauth-migration.json');
  'otpauth-uri': typeof import('../vectors/otpauth-uri.json');
  'qr-iso18004': typeof import('../vectors/qr-iso18004.json');
  rfc4226: typeof import('../vectors/rfc4226.json');
  'rfc4648-base32': typeof import('../vectors/rfc4648-base32.json');
  rfc6238: typeof import('../vectors/rfc6238.json');
  steam: typeof import('../vectors/steam.json');
};
type Widen<T> = T extends string ? string
  : T extends number ? number
  : T extends boolean ? boolean
  : T extends readonly (infer U)[] ? Widen<U>[]
  : T extends object ? { [K in keyof T]: Widen<T[K]> }
  : T;
type Expect<T extends true> = T;
/** Compile-time only: every file has a declared shape, and fits it. */
export type VectorFilesFitTheirShapes = Expect<
  [keyof Files] extends [keyof Vectors]
    ? [keyof Vectors] extends [keyof Files] ? Files extends Widen<Vectors> ? true
      : false
    : false
    : false
>;
/** The declared file names, at run time (a Record of every key of Vectors, and only those). */
const DECLARED: Record<keyof Vectors, true> = {
  'otpauth-migration': true,
  'otpauth-uri': true,
  'qr-iso18004': true,
  rfc4226: true,
  'rfc4648-base32': true,
  rfc6238: true,
  steam: true,
};

describe('conformance suite (against src/)', () => {
  for (const { name, run } of cases) it(name, run);
});

// The no-WebCrypto cases that Chromium runs on a non-secure origin, here with the global stubbed.
describe('without WebCrypto (as on a plain-HTTP page or in React Native)', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('rejects with ERR_CRYPTO_UNAVAILABLE when there is no crypto at all', async () => {
    vi.stubGlobal('crypto', undefined);
    const result = await runCases(unavailableCases({ otp }), { label: 'no-crypto', log: () => {} });
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(result.total);
  });

  it('rejects with ERR_CRYPTO_UNAVAILABLE when only getRandomValues is left (a non-secure browser origin)', async () => {
    const { getRandomValues } = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: getRandomValues.bind(globalThis.crypto) });
    const result = await runCases(unavailableCases({ otp }), { label: 'no-subtle', log: () => {} });
    expect(result.failures).toEqual([]);
    expect(result.passed).toBe(result.total);
  });

  it('fails its first case when crypto.subtle is in fact there', async () => {
    const result = await runCases(unavailableCases({ otp }), {
      label: 'with-crypto',
      log: () => {},
    });
    expect(result.failures.map((f) => f.name)).toContain(
      'no-webcrypto: the environment really lacks crypto.subtle',
    );
  });
});

describe('conformance suite itself', () => {
  it('declares the shape of every vectors/*.json file the loader reads (vectors.d.mts), and of no other', () => {
    expect(Object.keys(vectors)).toEqual(Object.keys(DECLARED).sort());
  });

  it('builds the same list twice (no case depends on time or randomness) with every case file contributing', () => {
    const again = collectCases({ otp, qr, vectors });
    expect(again.map((c) => c.name)).toEqual(cases.map((c) => c.name));
    for (const [area] of CASE_FILES) {
      expect(cases.some((c) => c.name.startsWith(`${area}: `)), area).toBe(true);
    }
    expect(cases.length).toBeGreaterThan(200);
  });

  it('reports a failing case as failed, with the final "N passed, M failed" line, instead of throwing', async () => {
    const lines: string[] = [];
    // A copy of otpkit whose HOTP is off by one digit: the vectors must catch it.
    const broken = {
      ...otp,
      generateHOTP: async (o: Parameters<typeof otp.generateHOTP>[0]) =>
        (await otp.generateHOTP(o)).replace(/^./, (d) => String((Number(d) + 1) % 10)),
    };
    const result = await runConformance({
      otp: broken,
      qr,
      vectors,
      label: 'broken',
      log: (line) => lines.push(line),
    });
    expect(result.failed).toBeGreaterThan(50);
    expect(result.passed + result.failed).toBe(cases.length);
    expect(lines.at(-1)).toBe(`broken: ${result.passed} passed, ${result.failed} failed`);
    expect(
      lines.some((l) =>
        l.startsWith('FAIL hotp: RFC 4226 App. D: counter 1, 6 digits gives 287082: ')
      ),
    ).toBe(true);
  });

  it('builds the same list without otpkit/qr, and then every qr case fails saying so (never a silent skip)', async () => {
    const withoutQR = collectCases({ otp, vectors });
    expect(withoutQR.map((c) => c.name)).toEqual(cases.map((c) => c.name));
    const qrNames = cases.filter((c) => c.name.startsWith('qr: ')).map((c) => c.name);
    expect(qrNames.length).toBeGreaterThan(30);
    const result = await runCases(withoutQR, { label: 'no-qr', log: () => {} });
    expect(result.failures.map((f) => f.name)).toEqual(qrNames);
    for (const f of result.failures) {
      expect(f.message).toContain('passed no otpkit/qr namespace (ctx.qr)');
    }
  });

  it('refuses to build cases without the otpkit namespace', () => {
    expect(() => collectCases({ otp: {} as typeof otp, vectors })).toThrow(/module namespace/);
  });
});
