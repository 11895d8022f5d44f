// Types for the plain-JavaScript conformance suite, so that test/conformance.test.ts type-checks.
import type * as otpkit from '../../src/index.js';
import type * as otpkitQR from '../../src/qr/index.js';
import type * as assertHelpers from './assert.js';
import type * as reference from './reference.js';

/** The otpkit module namespace under test (src/ in vitest, dist/ in the runtimes). */
export type OTPKit = typeof otpkit;

/** The otpkit/qr module namespace under test (src/qr/ in vitest, dist/qr.js or dist/qr.cjs in the runtimes). */
export type OTPKitQR = typeof otpkitQR;

/** What each case file receives. */
export interface ConformanceContext {
  otp: OTPKit;
  /** otpkit/qr; when a runner leaves it out, every "qr: ..." case fails (the list stays the same). */
  qr: OTPKitQR | undefined;
  /** vectors/*.json parsed, keyed by file name without ".json". */
  vectors: Record<string, unknown>;
  assert: typeof assertHelpers;
  ref: typeof reference;
}

export interface ConformanceCase {
  name: string;
  run(): void | Promise<void>;
}

export type CaseFactory = (ctx: ConformanceContext) => ConformanceCase[];

export declare const CASE_FILES: ReadonlyArray<readonly [string, CaseFactory]>;

export declare function collectCases(
  input: { otp: OTPKit; qr?: OTPKitQR | undefined; vectors: Record<string, unknown> },
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
  input: { otp: OTPKit; qr?: OTPKitQR | undefined; vectors: Record<string, unknown> } & RunOptions,
): Promise<ConformanceResult>;

export declare function unavailableCases(input: { otp: OTPKit }): ConformanceCase[];
