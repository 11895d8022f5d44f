// otpkit: HOTP (RFC 4226), TOTP (RFC 6238) and base32 (RFC 4648) on WebCrypto. Named re-exports only.
export { decodeBase32, encodeBase32 } from './base32.js';
export { clearKeyCache, configureKeyCache } from './cache.js';
export type { KeyCacheOptions } from './cache.js';
export type { DecodeBase32Options, EncodeBase32Options } from './base32.js';
export { isOTPError, OTPError } from './errors.js';
export type { OTPErrorCode } from './errors.js';
export { generateHOTP, verifyHOTP } from './hotp.js';
export type { GenerateHOTPOptions, VerifyHOTPOptions } from './hotp.js';
export { findRecoveryCode, generateRecoveryCodes, hashRecoveryCode } from './recovery.js';
export type {
  FindRecoveryCodeOptions,
  GenerateRecoveryCodesOptions,
  HashRecoveryCodeOptions,
} from './recovery.js';
export { resyncHOTP } from './resync.js';
export type { ResyncHOTPOptions } from './resync.js';
export { openSecret, openSecretKey, sealSecret } from './seal.js';
export type { OpenSecretKeyOptions, OpenSecretOptions, SealSecretOptions } from './seal.js';
export { buildMigrationURIs, parseMigrationURI } from './migration.js';
export type { BuildMigrationURIsOptions } from './migration.js';
export { generateSecret } from './secret.js';
export type { GenerateSecretOptions } from './secret.js';
export { generateTOTP, totpStep, verifyTOTP } from './totp.js';
export type {
  GenerateTOTPOptions,
  TOTPMatch,
  TOTPStepInfo,
  TOTPStepOptions,
  VerifyTOTPOptions,
} from './totp.js';
export type {
  BuildKeyURIOptions,
  CodeEncoder,
  HashAlgorithm,
  HOTPMatch,
  KeyURI,
  OTPKeyOptions,
  SecretInput,
  SecretMaterial,
} from './types.js';
export { buildKeyURI, parseKeyURI } from './uri.js';
