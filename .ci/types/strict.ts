// The strictest profile (.ci/types/run.mjs: exactOptionalPropertyTypes, verbatimModuleSyntax, strict):
// option records filled from values that may be undefined, as form fields and environment lookups are.
// Each compiles only while the optional field is declared `?: T | undefined`.
import { buildKeyURI, generateTOTP, sealSecret, verifyTOTP } from 'otpkit';
import type { BuildKeyURIOptions, KeyURI, TOTPKeyURI, WebCryptoKey } from 'otpkit';
import { encodeQR, qrToSVG } from 'otpkit/qr';

export interface Form {
  secret: string;
  account: string;
  issuer: string | undefined;
  digits: number | undefined;
  period: number | undefined;
  context: string | undefined;
}

export async function fromForm(form: Form, key: WebCryptoKey): Promise<string> {
  const options: BuildKeyURIOptions = {
    secret: form.secret,
    account: form.account,
    issuer: form.issuer,
    digits: form.digits,
    period: form.period,
  };
  const parsed: TOTPKeyURI = {
    type: 'totp',
    secret: form.secret,
    account: form.account,
    issuer: form.issuer,
    labelIssuer: form.issuer,
    algorithm: 'SHA1',
    digits: form.digits ?? 6,
    period: form.period ?? 30,
    encoder: undefined,
    params: {},
  };
  const keys: KeyURI[] = [parsed];
  const code = await generateTOTP({
    secret: form.secret,
    digits: form.digits,
    period: form.period,
  });
  const match = await verifyTOTP({ secret: form.secret, token: code, afterStep: undefined });
  const sealed = await sealSecret({ secret: form.secret, key, context: form.context });
  const svg = qrToSVG(encodeQR(buildKeyURI(options), { ecc: undefined }), { margin: undefined });
  return `${keys.length} ${match?.step} ${sealed.length} ${svg.length}`;
}
