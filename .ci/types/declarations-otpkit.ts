// A declaration profile's program (.ci/types/run.mjs): a library of the user's own, built with
// `declaration: true`, exporting values whose types it leaves to inference, from `otpkit` alone.
// TypeScript must name each of those types through an entry of the package; run.mjs refuses any other
// path in the emitted .d.ts. Compiled only, never run.
import {
  isOTPError,
  openSecretKey,
  parseKeyURI,
  resyncHOTP,
  totpStep,
  verifyTOTP,
  type WebCryptoKey,
} from 'otpkit';

export const keyOf = (uri: string) => parseKeyURI(uri);
export const algorithmOf = (uri: string) => parseKeyURI(uri).algorithm;
export const stepNow = () => totpStep();
export const check = (secret: string, token: string) => verifyTOTP({ secret, token });
export const resync = (secret: string, first: string, second: string) =>
  resyncHOTP({ secret, tokens: [first, second], counter: 0 });
export const signingKey = (sealed: string, key: WebCryptoKey) => openSecretKey({ sealed, key });
export const codeOf = (error: unknown) => (isOTPError(error) ? error.code : undefined);
