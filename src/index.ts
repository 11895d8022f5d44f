// otpkit: HOTP (RFC 4226), TOTP (RFC 6238) and base32 (RFC 4648) on WebCrypto. Named re-exports only.
export { decodeBase32, encodeBase32 } from './base32.js';
export type { DecodeBase32Options, EncodeBase32Options } from './base32.js';
export { isOTPError, OTPError } from './errors.js';
export type { OTPErrorCode } from './errors.js';
export { generateHOTP, verifyHOTP } from './hotp.js';
export type { GenerateHOTPOptions, HOTPMatch, VerifyHOTPOptions } from './hotp.js';
export { generateSecret } from './secret.js';
export type { GenerateSecretOptions } from './secret.js';
export { generateTOTP, totpStep, verifyTOTP } from './totp.js';
export type { GenerateTOTPOptions, TOTPMatch, TOTPStepInfo, TOTPStepOptions, VerifyTOTPOptions } from './totp.js';
export type { HashAlgorithm, SecretInput } from './types.js';
