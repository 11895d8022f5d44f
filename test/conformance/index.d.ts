// Types for the plain-JavaScript conformance suite: test/conformance.test.ts type-checks against them, and
// so do the suite's own files (`// @ts-check`, test/conformance/tsconfig.json).
import type * as otpkit from '../../src/index.js';
import type * as otpkitQR from '../../src/qr/index.js';
import type * as assertHelpers from './assert.js';
import type * as reference from './reference.js';
import type { Vectors } from './vectors.mjs';

export type { Vectors };
export type {
  BuildKeyURIOptions,
  HashAlgorithm,
  KeyURI,
  OTPErrorCode,
  TOTPKeyURI,
} from '../../src/index.js';
export type { QRMatrix } from '../../src/qr/index.js';

/** The otpkit module namespace under test (src/ in vitest, dist/ in the runtimes). */
export type OTPKit = typeof otpkit;

/** The otpkit/qr module namespace under test (src/qr/ in vitest, dist/qr.js or dist/qr.cjs in the runtimes). */
export type OTPKitQR = typeof otpkitQR;

/** What each case file receives. */
export interface ConformanceContext {
  otp: OTPKit;
  /** otpkit/qr; when a runner leaves it out, every "qr: ..." case fails (the list stays the same). */
  qr: OTPKitQR | undefined;
  /** vectors/*.json parsed, keyed by file name without ".json" (shapes in vectors.d.mts). */
  vectors: Vectors;
  assert: typeof assertHelpers;
  ref: typeof reference;
}

export interface ConformanceCase {
  name: string;
  /** Throws (or rejects) to fail; a returned promise is awaited. */
  run(): void | Promise<unknown>;
}

export type CaseFactory = (ctx: ConformanceContext) => ConformanceCase[];

/** The `add(name, run)` helper each case file builds its list with. */
export type AddCase = (name: string, run: ConformanceCase['run']) => void;

export declare const CASE_FILES: ReadonlyArray<readonly [string, CaseFactory]>;

export declare function collectCases(
  input: { otp: OTPKit; qr?: OTPKitQR | undefined; vectors: Vectors },
): ConformanceCase[];

export interface ConformanceResult {
  passed: number;
  failed: number;
  total: number;
  failures: { name: string; message: string }[];
}

export interface RunOptions {
  label?: string;
  verbose?: boolean;
  log?: (line: string) => void;
}

export declare function runCases(
  cases: ConformanceCase[],
  options?: RunOptions,
): Promise<ConformanceResult>;

export declare function runConformance(
  input: { otp: OTPKit; qr?: OTPKitQR | undefined; vectors: Vectors } & RunOptions,
): Promise<ConformanceResult>;

export declare function unavailableCases(input: { otp: OTPKit }): ConformanceCase[];
