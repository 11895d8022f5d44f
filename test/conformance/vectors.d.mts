// Types for vectors.mjs: the shape of each vectors/*.json file, so that the case files (checked with
// `// @ts-check`, test/conformance/tsconfig.json) and test/conformance.test.ts type-check against the
// data. test/conformance.test.ts checks these shapes against the files as TypeScript reads them.
import type { DecodeBase32Options, HashAlgorithm, KeyURI, OTPErrorCode } from '../../src/index.js';
import type { EncodeQROptions, QRErrorCorrection } from '../../src/qr/index.js';

/** One secret written three ways. */
export interface SecretForms {
  ascii: string;
  hex: string;
  base32: string;
}

/** A refusal of an options table: the options (deliberately wrong, of any type) and the code. */
export interface InvalidOptions {
  description: string;
  options: Record<string, unknown>;
  code: OTPErrorCode;
}

/** A URI that must be refused, with the code. */
export interface InvalidURI {
  name: string;
  uri: string;
  code: OTPErrorCode;
}

/** A KeyURI as JSON writes it: a bigint counter is the string "<digits>n". */
export type KeyURIJSON = Omit<KeyURI, 'counter'> & { counter?: number | `${bigint}n` };

/** vectors/rfc4648-base32.json: RFC 4648 §10 and otpkit's strict decoder rules. */
export interface Base32Vectors {
  valid: { ascii: string; base32: string }[];
  decode: { text: string; hex: string; description: string }[];
  loose: { text: string; hex: string }[];
  invalid: {
    text: string;
    options?: DecodeBase32Options;
    code: OTPErrorCode;
    description: string;
  }[];
}

/** vectors/rfc4226.json: RFC 4226 Appendix D, the Go otp library's extra vectors, and option refusals. */
export interface RFC4226Vectors {
  secret: SecretForms;
  algorithm: 'SHA1';
  valid: {
    counter: number;
    /** HMAC-SHA-1(K, C) in hex, as published. */
    hmac: string;
    offset: number;
    /** The 4 bytes at the offset, top bit cleared, in hex. */
    truncatedHex: string;
    /** Snum, the 31-bit value. */
    truncated: number;
    codes: { '6': string; '7': string; '8': string };
  }[];
  extra: {
    secretLoose: string;
    secretHex: string;
    counter: number;
    digits: number;
    code: string;
  }[];
  invalid: InvalidOptions[];
}

/**
 * vectors/rfc6238.json: RFC 6238 Appendix B (time in SECONDS), the Go otp library's extra vectors,
 * and option refusals.
 */
export interface RFC6238Vectors {
  seeds: Record<HashAlgorithm, SecretForms>;
  period: number;
  epoch: number;
  valid: {
    time: number;
    utc: string;
    step: number;
    stepHex: string;
    algorithm: HashAlgorithm;
    digits: number;
    code: string;
  }[];
  extra: { secretLoose: string; time: number; period: number; digits: number; code: string }[];
  invalid: InvalidOptions[];
}

/** vectors/steam.json: pyotp's Steam Guard codes (time in seconds) and URIs. */
export interface SteamVectors {
  valid: { secret: string; time: number; code: string }[];
  uris: { name: string; uri: string; key: KeyURIJSON }[];
  invalidURIs: InvalidURI[];
}

/** vectors/otpauth-uri.json: key URIs in the shapes producers write, and malformed ones. */
export interface KeyURIVectors {
  valid: { name: string; uri: string; key: KeyURIJSON }[];
  invalid: InvalidURI[];
}

/** vectors/otpauth-migration.json: public otpauth-migration:// payloads, and malformed ones. */
export interface MigrationVectors {
  valid: { name: string; uri: string; keys: KeyURIJSON[] }[];
  invalid: InvalidURI[];
}

/** vectors/qr-iso18004.json: published symbols and capacities; `text` repeated `repeat` times. */
export interface QRVectors {
  valid: {
    name: string;
    text: string;
    repeat?: number;
    options: EncodeQROptions;
    version: number;
    ecc: QRErrorCorrection;
    mask?: number;
    size: number;
    /** One string per module row, "1" dark. */
    rows?: string[];
  }[];
  /** `options` may be deliberately wrong (a level "m", a minVersion 0). */
  invalid: {
    name: string;
    text: string;
    repeat?: number;
    options: Record<string, unknown>;
    code: OTPErrorCode;
  }[];
}

/** vectors/*.json parsed, keyed by file name without ".json". */
export interface Vectors {
  'otpauth-migration': MigrationVectors;
  'otpauth-uri': KeyURIVectors;
  'qr-iso18004': QRVectors;
  rfc4226: RFC4226Vectors;
  'rfc4648-base32': Base32Vectors;
  rfc6238: RFC6238Vectors;
  steam: SteamVectors;
}

/** vectors/*.json parsed, as { name: data } (name = file name without .json), in file-name order. */
export declare function loadVectors(): Vectors;
