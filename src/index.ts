/**
 * otpkit: one-time passwords on WebCrypto, with zero dependencies. HOTP (RFC 4226), TOTP (RFC 6238),
 * base32 (RFC 4648 §6), otpauth:// key URIs (Key Uri Format), Google Authenticator's export format,
 * recovery codes and sealed secrets. QR codes are in `./qr`, stateful two-factor login in `./twofactor`.
 *
 * @example
 * ```ts
 * import { generateTOTP, verifyTOTP } from '@otpkit/otpkit';
 *
 * // RFC 6238 Appendix B: the SHA-1 seed '12345678901234567890' (base32 below), 59 s after the epoch.
 * const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
 * const token = await generateTOTP({ secret, time: 59_000, digits: 8 });
 * console.log(token); // '94287082'
 * console.log(await verifyTOTP({ secret, token, time: 59_000, digits: 8 })); // { step: 1, delta: 0 }
 * ```
 *
 * @module
 */
// Named re-exports only: no logic, nothing runs on import.
export { decodeBase32, encodeBase32 } from './base32.ts';
export { clearKeyCache, configureKeyCache } from './cache.ts';
export type { KeyCacheOptions } from './cache.ts';
export type { DecodeBase32Options, EncodeBase32Options } from './base32.ts';
export { isOTPError, OTPError } from './errors.ts';
export type { OTPErrorCode } from './errors.ts';
export { generateHOTP, verifyHOTP } from './hotp.ts';
export type { GenerateHOTPOptions, VerifyHOTPOptions } from './hotp.ts';
export { findRecoveryCode, generateRecoveryCodes, hashRecoveryCode } from './recovery.ts';
export type {
  FindRecoveryCodeOptions,
  GenerateRecoveryCodesOptions,
  HashRecoveryCodeOptions,
} from './recovery.ts';
export { resyncHOTP } from './resync.ts';
export type { ResyncHOTPOptions } from './resync.ts';
export { openSecret, openSecretKey, sealSecret } from './seal.ts';
export type { OpenSecretKeyOptions, OpenSecretOptions, SealSecretOptions } from './seal.ts';
export { buildMigrationURIs, parseMigrationURI } from './migration.ts';
export type { BuildMigrationURIsOptions } from './migration.ts';
export { generateSecret } from './secret.ts';
export type { GenerateSecretOptions } from './secret.ts';
export { generateTOTP, totpStep, verifyTOTP } from './totp.ts';
export type {
  GenerateTOTPOptions,
  TOTPMatch,
  TOTPStepInfo,
  TOTPStepOptions,
  VerifyTOTPOptions,
} from './totp.ts';
export type {
  BuildKeyURIOptions,
  CodeEncoder,
  HashAlgorithm,
  HOTPKeyURI,
  HOTPMatch,
  KeyURI,
  KeyURIBase,
  OTPKeyOptions,
  PlatformCryptoKey,
  SecretInput,
  SecretMaterial,
  TOTPKeyURI,
  WebCryptoKey,
} from './types.ts';
export { buildKeyURI, parseKeyURI } from './uri.ts';
