// Mistakes the declarations must refuse, in every consumer profile (.ci/types/run.mjs). Each
// `@ts-expect-error` stands on the line after it: should the declarations ever accept that line (a
// type widened to `any`, a union that no longer tells totp from hotp), tsc reports the directive as
// unused (TS2578) and the profile fails. Compiled only, never run.
import {
  buildKeyURI,
  generateHOTP,
  generateTOTP,
  isOTPError,
  parseKeyURI,
  sealSecret,
  verifyHOTP,
  verifyTOTP,
} from 'otpkit';
import type { HOTPKeyURI, OTPError, TOTPKeyURI, WebCryptoKey } from 'otpkit';
import { createTwoFactor, memoryStore } from 'otpkit/twofactor';

const secret = 'JBSWY3DPEHPK3PXP';

export async function wrongOptionTypes(): Promise<void> {
  // @ts-expect-error digits is a number
  await generateTOTP({ secret, digits: '6' });
  // @ts-expect-error the token is a string
  await verifyTOTP({ secret, token: 123456 });
  // @ts-expect-error no such algorithm
  await generateHOTP({ secret, counter: 1, algorithm: 'MD5' });
  // @ts-expect-error a secret is text, bytes or a CryptoKey
  await generateTOTP({ secret: 42 });
  // @ts-expect-error type is 'totp' or 'hotp'
  buildKeyURI({ secret, account: 'a', type: 'motp' });
}

export async function pairing(
  uri: string,
  hotpKey: HOTPKeyURI,
  totpKey: TOTPKeyURI,
): Promise<void> {
  // @ts-expect-error an HOTP key is not TOTP options: its counter would be ignored
  await generateTOTP(hotpKey);
  // @ts-expect-error nor for verifying
  await verifyTOTP({ ...hotpKey, token: '123456' });
  // @ts-expect-error a TOTP key has no counter
  await generateHOTP(totpKey);
  // @ts-expect-error nor for verifying
  await verifyHOTP({ ...totpKey, token: '123456' });
  const key = parseKeyURI(uri);
  // @ts-expect-error a parsed key is either kind until narrowed on `type`
  await generateTOTP(key);
  if (key.type === 'hotp') {
    // @ts-expect-error narrowed to hotp
    await generateTOTP(key);
  } else {
    // @ts-expect-error narrowed to totp
    await generateHOTP(key);
  }
}

export function unknownErrorCode(error: unknown): boolean {
  if (!isOTPError(error)) return false;
  const code: OTPError['code'] = error.code;
  // @ts-expect-error no such code: the comparison can never be true
  return code === 'ERR_NO_SUCH_CODE';
}

export async function notAKey(): Promise<void> {
  // @ts-expect-error a number is not a CryptoKey (no silent `any` without the DOM lib)
  await sealSecret({ secret, key: 123 });
  // @ts-expect-error nor is an empty object
  await sealSecret({ secret, key: {} });
}

export async function missingRequired(sealKey: WebCryptoKey, pepper: WebCryptoKey): Promise<void> {
  // @ts-expect-error HOTP needs a counter
  await generateHOTP({ secret });
  // @ts-expect-error verifying needs the token
  await verifyTOTP({ secret });
  // @ts-expect-error a key URI needs an account
  buildKeyURI({ secret });
  // @ts-expect-error otpkit/twofactor needs the issuer
  createTwoFactor({ store: memoryStore(), sealKey, pepper });
}
