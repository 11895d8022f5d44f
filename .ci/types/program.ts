// The program every consumer profile compiles (.ci/types/run.mjs): what an application does with otpkit,
// written as its users would, against the installed package. It must compile cleanly under every profile:
// a type that needs the DOM lib, a `?:` without `| undefined` (exactOptionalPropertyTypes) or a
// KeyURI that does not narrow on `type` turns a profile red. Compiled only, never run.
import {
  buildKeyURI,
  buildMigrationURIs,
  findRecoveryCode,
  generateHOTP,
  generateRecoveryCodes,
  generateSecret,
  generateTOTP,
  hashRecoveryCode,
  isOTPError,
  openSecret,
  openSecretKey,
  parseKeyURI,
  parseMigrationURI,
  sealSecret,
  totpStep,
  verifyHOTP,
  verifyTOTP,
} from 'otpkit';
import type {
  HOTPKeyURI,
  HOTPMatch,
  KeyURI,
  OTPErrorCode,
  TOTPKeyURI,
  TOTPMatch,
  WebCryptoKey,
} from 'otpkit';
import { encodeQR, qrToSVG, qrToTerminal } from 'otpkit/qr';
import type { QRMatrix } from 'otpkit/qr';
import { createTwoFactor, memoryStore } from 'otpkit/twofactor';
import type { TwoFactor, TwoFactorFailure } from 'otpkit/twofactor';

/** Enrolment without otpkit/twofactor: a new secret, its URI and QR code, the first code checked. */
export async function enrol(account: string, issuer: string | undefined): Promise<string> {
  const secret = generateSecret({ bytes: 20 });
  const uri = buildKeyURI({ secret, account, issuer });
  const matrix: QRMatrix = encodeQR(uri, { ecc: 'M' });
  const svg: string = qrToSVG(matrix, { margin: 4 });
  const terminal: string = qrToTerminal(matrix);
  const code: string = await generateTOTP({ secret, time: Date.now() });
  const match: TOTPMatch | null = await verifyTOTP({
    secret,
    token: code,
    window: 1,
    afterStep: 0,
  });
  return `${svg.length} ${terminal.length} ${match?.step ?? -1} ${totpStep().remainingMs}`;
}

/** A scanned URI: narrowed on `type`, each kind goes to its own functions. */
export async function codeOf(uri: string): Promise<string> {
  const key: KeyURI = parseKeyURI(uri);
  // Readable on either kind: undefined where the other kind has the field.
  const counter: number | bigint | undefined = key.counter;
  const period: number | undefined = key.period;
  void counter, period;
  if (key.type === 'hotp') {
    const hotp: HOTPKeyURI = key;
    const match: HOTPMatch | null = await verifyHOTP({ ...hotp, token: '123456', lookAhead: 5 });
    return match === null ? await generateHOTP(hotp) : String(match.nextCounter);
  }
  const totp: TOTPKeyURI = key;
  const seconds: number = totp.period;
  return `${await generateTOTP(totp)} ${seconds}`;
}

/** A key written back, and a Google Authenticator export read and written. */
export function migrate(uri: string, exported: string): string[] {
  const key = parseKeyURI(uri);
  const again: string = buildKeyURI(key);
  const keys: KeyURI[] = parseMigrationURI(exported);
  return [again, ...buildMigrationURIs([key, ...keys], { batchSize: 10 })];
}

/** Secrets sealed at rest, opened to text or straight to a signing key; recovery codes. */
export async function atRest(
  sealingKey: WebCryptoKey,
  pepper: WebCryptoKey,
  userId: string,
): Promise<number> {
  const secret = generateSecret();
  const sealed = await sealSecret({ secret, key: sealingKey, context: userId });
  const opened: string = await openSecret({ sealed, key: sealingKey, context: userId });
  const signing = await openSecretKey({ sealed, key: sealingKey, context: userId });
  await generateTOTP({ secret: signing });
  await sealSecret({ secret: opened, key: new Uint8Array(32) });
  const codes: string[] = generateRecoveryCodes({ count: 10 });
  const hashes = await Promise.all(
    codes.map((code) => hashRecoveryCode(code, { key: pepper, context: userId })),
  );
  return findRecoveryCode({ code: codes[0] ?? '', hashes, key: pepper, context: userId });
}

/** otpkit/twofactor with the memory store, keys from WebCrypto. */
export async function twoFactorLogin(userId: string, token: string): Promise<string> {
  const sealKey = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
    'encrypt',
    'decrypt',
  ]);
  const pepper = await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const twoFactor: TwoFactor = createTwoFactor({
    store: memoryStore(),
    sealKey,
    pepper,
    issuer: 'Example',
    totp: { digits: 6, period: 30 },
  });
  const enrolment = await twoFactor.beginEnrolment({ userId, account: userId, binding: 's1' });
  const confirmed = await twoFactor.confirmEnrolment({ userId, binding: 's1', token });
  if (confirmed.ok) return confirmed.recoveryCodes.join(' ');
  const result = await twoFactor.verify({ userId, token, methods: ['totp', 'recovery'] });
  if (result.ok) return result.method;
  const failure: TwoFactorFailure = result;
  const wait: number | undefined = failure.retryAfterMs;
  return `${enrolment.uri} ${failure.reason} ${wait ?? 0}`;
}

/** Errors by their stable code. */
export function describe(error: unknown): string {
  if (!isOTPError(error)) return 'unexpected';
  const code: OTPErrorCode = error.code;
  return code === 'ERR_URI_MISSING_SECRET' ? 'the URI has no secret' : code;
}
