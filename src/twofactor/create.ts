// createTwoFactor: enrolment, verification, recovery codes and sent codes on a TwoFactorStore. Every
// check of a code from a user is preceded by one atomic reservation of an attempt (store.ts), and every
// success is one compare-and-set or consumption, so the rules hold with any number of processes.
import { isOTPError } from '../errors.ts';
import {
  assertOptions,
  fail,
  intOption,
  invalid,
  optionalOptions,
  wellFormedOption,
} from '../internal/assert.ts';
import { hex } from '../internal/bytes.ts';
import { cryptoKeyInfo, randomBytes, subtle } from '../internal/crypto.ts';
import { generateRecoveryCodes, hashRecoveryCode } from '../recovery.ts';
import { openSecret, openSecretKey, sealSecret } from '../seal.ts';
import { generateSecret } from '../secret.ts';
import { verifyTOTP } from '../totp.ts';
import type { HashAlgorithm, WebCryptoKey } from '../types.ts';
import { buildKeyURI } from '../uri.ts';
import { algorithmOption, ALGORITHMS } from '../internal/algorithms.ts';
import { checkedStore as storeOption } from './checked.ts';
import type { PendingEnrolment, TwoFactorStore } from './store.ts';

/** The TOTP parameters of every enrolment (RFC 6238); the defaults are what authenticator apps expect. */
export interface TwoFactorTOTPOptions {
  /** Default `'SHA1'`. */
  algorithm?: HashAlgorithm | undefined;
  /** 6..10, default 6. */
  digits?: number | undefined;
  /** Seconds, 1..300, default 30. */
  period?: number | undefined;
  /** Steps accepted either side of now, 0..10, default 1. */
  window?: number | undefined;
}

/** The attempt limit. */
export interface TwoFactorLimits {
  /** Attempts before a lock, 1..100, default 5. */
  maxFailures?: number | undefined;
  /** The first lock in ms, 1,000..86,400,000 (a day), default 60,000. Each further lock doubles it. */
  lockMs?: number | undefined;
  /** The longest lock in ms, at least `lockMs`, at most 30 days, default 14,400,000 (4 hours). */
  maxLockMs?: number | undefined;
}

/** Options for {@link createTwoFactor}. */
export interface TwoFactorOptions {
  /** Where the state lives: {@link memoryStore}, {@link sqlStore}, {@link redisStore} or your own. */
  store: TwoFactorStore;
  /** AES-256-GCM `CryptoKey` (a {@link WebCryptoKey}) allowing `encrypt` and `decrypt`: TOTP secrets are stored sealed with it. */
  sealKey: WebCryptoKey;
  /** HMAC SHA-256 `CryptoKey` (a {@link WebCryptoKey}) allowing `sign`: recovery codes, sent codes and bindings are stored as keyed hashes. */
  pepper: WebCryptoKey;
  /** The issuer shown in authenticator apps (Key Uri Format `issuer`). */
  issuer: string;
  /** The TOTP parameters of every enrolment: algorithm, digits, period, window. */
  totp?: TwoFactorTOTPOptions | undefined;
  /** The attempt limit: failures before a lock, and how long locks last. */
  limits?: TwoFactorLimits | undefined;
  /** How long a pending enrolment may be confirmed, in ms, 60,000..86,400,000. Default 15 minutes. */
  enrolmentTtlMs?: number | undefined;
  /** The clock, Unix ms; read once per call. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/** Why a code from a user was not accepted. */
export interface TwoFactorFailure {
  /** Always `false`: the code was not accepted. */
  readonly ok: false;
  /**
   * `'invalid'`: wrong, malformed or already used. `'locked'`: too many attempts; nothing was checked.
   * `'expired'`: the enrolment (or the sent code) is no longer valid. `'not-enrolled'`: two-factor is off
   * and no other accepted method applies.
   */
  readonly reason: 'invalid' | 'locked' | 'expired' | 'not-enrolled';
  /** With `'locked'`: ms until attempts are allowed again. */
  readonly retryAfterMs?: number | undefined;
}

/** The methods {@link TwoFactor.verify} may accept. */
export type TwoFactorMethod = 'totp' | 'recovery' | 'code';

/** What {@link TwoFactor.beginEnrolment} returns: show `uri` as a QR code and `secret` for typing in. */
export interface TwoFactorEnrolment {
  /** The otpauth:// key URI for the authenticator app (it holds the secret: show it, never log it). */
  readonly uri: string;
  /** The new secret in base32, for users who type it into their app. */
  readonly secret: string;
  /** Unix ms after which the enrolment can no longer be confirmed. */
  readonly expiresAt: number;
}

/** The second factor of an application, from {@link createTwoFactor}. */
export interface TwoFactor {
  /**
   * Starts (or, for the same `binding`, shows again) an enrolment: a new secret, stored sealed as pending.
   * @param options - `userId`, `account` (the name shown in the app), `binding` (the login session)
   */
  beginEnrolment(options: {
    userId: string;
    account: string;
    binding: string;
  }): Promise<TwoFactorEnrolment>;
  /** Turns two-factor on with the first code from the app; the recovery codes are returned this once. */
  confirmEnrolment(options: {
    userId: string;
    binding: string;
    token: string;
  }): Promise<{ readonly ok: true; readonly recoveryCodes: string[] } | TwoFactorFailure>;
  /** Checks a code: TOTP, a recovery code or a sent code, as `methods` allows (default all three). */
  verify(options: {
    userId: string;
    token: string;
    methods?: readonly TwoFactorMethod[] | undefined;
    purpose?: string | undefined;
  }): Promise<
    | {
      readonly ok: true;
      readonly method: TwoFactorMethod;
      readonly recoveryCodesLeft: number;
    }
    | TwoFactorFailure
  >;
  /** A new one-time code for `purpose` (default `'login'`), which the application sends; voids the one before. */
  issueCode(options: {
    userId: string;
    purpose?: string | undefined;
    ttlMs?: number | undefined;
    digits?: number | undefined;
  }): Promise<{ readonly code: string; readonly expiresAt: number }>;
  /** New recovery codes, replacing all the old ones. Throws `ERR_TWOFACTOR_NOT_ENROLLED` when two-factor is off. */
  regenerateRecoveryCodes(options: { userId: string }): Promise<string[]>;
  /** Turns two-factor off (secret, recovery codes, pending enrolment and sent codes removed). */
  disable(options: { userId: string }): Promise<void>;
  /** Whether two-factor is on, the recovery codes left, and until when (Unix ms) attempts are locked, else `null`. */
  status(options: { userId: string }): Promise<{
    readonly enabled: boolean;
    readonly recoveryCodesLeft: number;
    readonly lockedUntil: number | null;
  }>;
}

const METHODS: readonly TwoFactorMethod[] = ['totp', 'recovery', 'code'];
const MAX_ID = 256;
const MAX_TOKEN = 64;
const ENCODER = new TextEncoder();

/**
 * A user id, binding, purpose or account: a non-empty string of at most 256 characters, well-formed
 * Unicode (a lone surrogate becomes U+FFFD in UTF-8, so 'x\uD800' and 'x\uFFFD' would name one user in
 * every database and in the keyed hashes).
 */
function idOption(value: unknown, name: string): string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_ID
    ? wellFormedOption(name, value)
    : invalid(name, `a non-empty string of at most ${MAX_ID} characters`);
}

/** A CryptoKey of `algorithm` (and `hash`, and for AES 256 bits) allowing every one of `usages`. */
function keyOption(
  value: unknown,
  name: string,
  expected: string,
  { algorithm, usages, hash }: { algorithm: string; usages: readonly string[]; hash?: string },
): CryptoKey {
  const info = cryptoKeyInfo(value);
  const fits = info !== null && info.name === algorithm &&
    (hash === undefined || info.hash === hash) && usages.every((u) => info.usages.includes(u)) &&
    (algorithm !== 'AES-GCM' || info.length === 256);
  return fits ? (value as CryptoKey) : invalid(name, expected);
}

const ALL_METHODS: ReadonlySet<TwoFactorMethod> = new Set(METHODS);
const METHODS_EXPECTED = `a non-empty array of ${METHODS.map((m) => `'${m}'`).join(', ')}`;

/** `methods`: each entry one of METHODS, at most as many entries as there are methods. */
function methodsOption(value: unknown): ReadonlySet<TwoFactorMethod> {
  if (value === undefined) return ALL_METHODS;
  const count: unknown = Array.isArray(value) ? (value as unknown[]).length : undefined;
  if (typeof count !== 'number' || count < 1 || count > METHODS.length) {
    invalid('methods', METHODS_EXPECTED);
  }
  const methods = new Set<TwoFactorMethod>();
  for (let i = 0; i < count; i++) {
    const method: unknown = (value as unknown[])[i];
    if (!METHODS.includes(method as TwoFactorMethod)) invalid('methods', METHODS_EXPECTED);
    methods.add(method as TwoFactorMethod);
  }
  return methods;
}

/**
 * A keyed hash of `parts` (HMAC-SHA-256 with the pepper), each part prefixed by its length so that no
 * two lists of parts give the same input: `hmac-sha256:` + 64 hex digits.
 */
async function keyedHash(pepper: CryptoKey, parts: readonly string[]): Promise<string> {
  const input = parts.map((part) => `${part.length}:${part}`).join('');
  return `hmac-sha256:${hex(await subtle().sign('HMAC', pepper, ENCODER.encode(input)))}`;
}

/** `digits` decimal digits from the CSPRNG, each from a byte below 250 (so every digit is equally likely). */
function randomDigits(digits: number): string {
  let code = '';
  while (code.length < digits) {
    for (const byte of randomBytes(digits * 2)) {
      if (byte < 250 && code.length < digits) code += String(byte % 10);
    }
  }
  return code;
}

/**
 * The second factor of an application: enrolment with a QR code, verification with attempt limits and
 * replay protection, recovery codes and codes sent by email or SMS, with all state in `store`.
 *
 * @param options - `store`, `sealKey`, `pepper`, `issuer`, and optionally `totp`, `limits`,
 *   `enrolmentTtlMs`, `now`
 * @returns the {@link TwoFactor} methods
 * @throws OTPError `ERR_INVALID_OPTION` for a bad option
 * @example
 * ```ts
 * const twoFactor = createTwoFactor({ store: memoryStore(), sealKey, pepper, issuer: 'Example' });
 * const result = await twoFactor.verify({ userId: user.id, token: form.code });
 * if (result.ok) signIn(user);
 * ```
 */
export function createTwoFactor(options: TwoFactorOptions): TwoFactor {
  assertOptions(options);
  const { store, sealKey, pepper, issuer, totp, limits, enrolmentTtlMs, now } = options as Partial<
    TwoFactorOptions
  >;
  const checkedStore = storeOption(store);
  const seal = keyOption(
    sealKey,
    'sealKey',
    'an AES-256-GCM CryptoKey allowing "encrypt" and "decrypt"',
    { algorithm: 'AES-GCM', usages: ['encrypt', 'decrypt'] },
  );
  const hashKey = keyOption(pepper, 'pepper', 'an HMAC SHA-256 CryptoKey allowing "sign"', {
    algorithm: 'HMAC',
    usages: ['sign'],
    hash: 'SHA-256',
  });
  const issuerName = idOption(issuer, 'issuer');
  const totpOptions = optionalOptions(totp, 'totp');
  const {
    algorithm: algorithmValue,
    digits: digitsValue,
    period: periodValue,
    window: windowValue,
  } = totpOptions;
  const algorithm = algorithmOption(algorithmValue);
  const digits = intOption('totp.digits', digitsValue, 6, 10, 6);
  const period = intOption('totp.period', periodValue, 1, 300, 30);
  const window = intOption('totp.window', windowValue, 0, 10, 1);
  const limitOptions = optionalOptions(limits, 'limits');
  const { maxFailures: maxValue, lockMs: lockValue, maxLockMs: maxLockValue } = limitOptions;
  const maxFailures = intOption('limits.maxFailures', maxValue, 1, 100, 5);
  const lockMs = intOption('limits.lockMs', lockValue, 1_000, 86_400_000, 60_000);
  const maxLockMs = intOption(
    'limits.maxLockMs',
    maxLockValue,
    lockMs,
    30 * 86_400_000,
    Math.max(lockMs, 4 * 3_600_000),
  );
  const ttl = intOption('enrolmentTtlMs', enrolmentTtlMs, 60_000, 86_400_000, 15 * 60_000);
  if (now !== undefined && typeof now !== 'function') {
    invalid('now', 'a function returning Unix ms');
  }
  const clock = now ?? Date.now;
  // The issuer goes into every key URI: refused now, not at the first enrolment.
  buildKeyURI({
    secret: 'AAAAAAAA',
    account: 'check',
    issuer: issuerName,
    algorithm,
    digits,
    period,
  });

  /** The clock, read once per call: a finite time in the Date range. */
  const readClock = (): number => {
    const time: unknown = clock();
    return typeof time === 'number' && Number.isSafeInteger(time) && time >= 0
      ? time
      : fail('ERR_INVALID_OPTION', '"now" must return Unix ms (a non-negative integer)');
  };
  const context = (userId: string): string => `otpkit/twofactor:${userId}`;
  const policy = (time: number) => ({ now: time, maxFailures, lockMs, maxLockMs });
  const locked = (lockedUntil: number, time: number): TwoFactorFailure => ({
    ok: false,
    reason: 'locked',
    retryAfterMs: Math.max(0, lockedUntil - time),
  });
  const failure = (reason: TwoFactorFailure['reason']): TwoFactorFailure => ({ ok: false, reason });
  const recoveryHashes = (userId: string, codes: readonly string[]): Promise<string[]> =>
    Promise.all(
      codes.map((code) => hashRecoveryCode(code, { key: hashKey, context: context(userId) })),
    );

  /** The step of `token` for `sealed` after `afterStep`, or null: a wrong or malformed token is null. */
  const matchTOTP = async (
    userId: string,
    sealed: string,
    token: string,
    time: number,
    afterStep: number,
  ): Promise<number | null> => {
    const key = await openSecretKey({ sealed, key: seal, context: context(userId), algorithm });
    const match = await verifyTOTP({
      secret: key,
      token,
      time,
      algorithm,
      digits,
      period,
      window,
      afterStep,
    });
    return match === null ? null : match.step;
  };

  return {
    async beginEnrolment(input) {
      assertOptions(input);
      const { userId: userValue, account: accountValue, binding: bindingValue } = input;
      const userId = idOption(userValue, 'userId');
      const account = idOption(accountValue, 'account');
      const binding = idOption(bindingValue, 'binding');
      const time = readClock();
      // RFC 6238 §5.1: a key as long as the HMAC output.
      const fresh = generateSecret({ bytes: ALGORITHMS[algorithm].macBytes });
      const pending: PendingEnrolment = {
        binding: await keyedHash(hashKey, ['binding', userId, binding]),
        secret: await sealSecret({ secret: fresh, key: seal, context: context(userId) }),
        expiresAt: time + ttl,
      };
      const uriOf = (secret: string): string =>
        buildKeyURI({
          type: 'totp',
          secret,
          account,
          issuer: issuerName,
          algorithm,
          digits,
          period,
        });
      // Built before the store is written, so a refused account cannot void another session's
      // pending enrolment.
      const freshUri = uriOf(fresh);
      const kept = await checkedStore.beginEnrolment(userId, pending, time);
      // A store that kept another binding's enrolment would show one session's key to another.
      if (kept.binding !== pending.binding) {
        fail('ERR_STORE_INVALID', "the store's beginEnrolment kept another binding's enrolment");
      }
      if (kept.secret === pending.secret) {
        return { uri: freshUri, secret: fresh, expiresAt: kept.expiresAt };
      }
      // The same binding's live enrolment was kept (a reload shows the same key): open its secret.
      const secret = await openSecret({ sealed: kept.secret, key: seal, context: context(userId) });
      return { uri: uriOf(secret), secret, expiresAt: kept.expiresAt };
    },

    async confirmEnrolment(input) {
      assertOptions(input);
      const { userId: userValue, binding: bindingValue, token: tokenValue } = input;
      const userId = idOption(userValue, 'userId');
      const binding = idOption(bindingValue, 'binding');
      const token = tokenOption(tokenValue);
      const time = readClock();
      const reservation = await checkedStore.reserveAttempt(userId, policy(time));
      if (!reservation.granted) return locked(reservation.record.lockedUntil, time);
      const pending = reservation.record.pending;
      const bindingHash = await keyedHash(hashKey, ['binding', userId, binding]);
      if (pending === null || pending.binding !== bindingHash || pending.expiresAt <= time) {
        return failure('expired');
      }
      const step = await matchTOTP(userId, pending.secret, token, time, -1);
      if (step === null) return failure('invalid');
      const recoveryCodes = generateRecoveryCodes();
      const hashes = await recoveryHashes(userId, recoveryCodes);
      const done = await checkedStore.confirmEnrolment(userId, pending, step, hashes, time);
      return done ? { ok: true, recoveryCodes } : failure('expired');
    },

    async verify(input) {
      assertOptions(input);
      const { userId: userValue, token: tokenValue, methods: methodsValue, purpose: purposeValue } =
        input;
      const userId = idOption(userValue, 'userId');
      const token = tokenOption(tokenValue);
      const methods = methodsOption(methodsValue);
      const purpose = purposeValue === undefined ? 'login' : idOption(purposeValue, 'purpose');
      const time = readClock();
      const reservation = await checkedStore.reserveAttempt(userId, policy(time));
      const record = reservation.record;
      if (!reservation.granted) return locked(record.lockedUntil, time);
      const enrolled = record.secret !== null;

      if (methods.has('totp') && record.secret !== null) {
        const step = await matchTOTP(userId, record.secret, token, time, record.lastStep);
        if (step !== null && (await checkedStore.acceptStep(userId, record.secret, step))) {
          return { ok: true, method: 'totp', recoveryCodesLeft: record.recoveryCodesLeft };
        }
      }
      const recoveryHash = methods.has('recovery') && enrolled
        ? await recoveryCodeHash(token, hashKey, context(userId))
        : null;
      if (recoveryHash !== null) {
        const left = await checkedStore.consumeRecoveryCode(userId, recoveryHash);
        if (left !== null) return { ok: true, method: 'recovery', recoveryCodesLeft: left };
      }
      if (methods.has('code') && /^[0-9]{6,10}$/.test(token)) {
        const hash = await keyedHash(hashKey, ['code', userId, purpose, token]);
        const expiresAt = await checkedStore.consumeCode(userId, purpose, hash);
        if (expiresAt !== null) {
          if (expiresAt <= time) return failure('expired');
          // Only a login code clears the count: a code sent for another purpose (to a new email
          // address, say) must not buy more guesses at the login factors.
          if (purpose === 'login') await checkedStore.clearAttempts(userId);
          return { ok: true, method: 'code', recoveryCodesLeft: record.recoveryCodesLeft };
        }
      }
      return enrolled || methods.has('code') ? failure('invalid') : failure('not-enrolled');
    },

    async issueCode(input) {
      assertOptions(input);
      const { userId: userValue, purpose: purposeValue, ttlMs: ttlValue, digits: codeDigits } =
        input;
      const userId = idOption(userValue, 'userId');
      const purpose = purposeValue === undefined ? 'login' : idOption(purposeValue, 'purpose');
      const lifetime = intOption('ttlMs', ttlValue, 10_000, 86_400_000, 10 * 60_000);
      const length = intOption('digits', codeDigits, 6, 10, 6);
      const time = readClock();
      const code = randomDigits(length);
      const expiresAt = time + lifetime;
      await checkedStore.issueCode(
        userId,
        purpose,
        await keyedHash(hashKey, ['code', userId, purpose, code]),
        expiresAt,
      );
      return { code, expiresAt };
    },

    async regenerateRecoveryCodes(input) {
      assertOptions(input);
      const { userId: userValue } = input;
      const userId = idOption(userValue, 'userId');
      const record = await checkedStore.read(userId);
      const codes = generateRecoveryCodes();
      const hashes = await recoveryHashes(userId, codes);
      const replaced = record.secret !== null &&
        (await checkedStore.replaceRecoveryCodes(userId, record.secret, hashes));
      return replaced
        ? codes
        : fail('ERR_TWOFACTOR_NOT_ENROLLED', 'two-factor is not turned on for this user');
    },

    async disable(input) {
      assertOptions(input);
      const { userId: userValue } = input;
      await checkedStore.disable(idOption(userValue, 'userId'));
    },

    async status(input) {
      assertOptions(input);
      const { userId: userValue } = input;
      const userId = idOption(userValue, 'userId');
      const time = readClock();
      const record = await checkedStore.read(userId);
      return {
        enabled: record.secret !== null,
        recoveryCodesLeft: record.recoveryCodesLeft,
        lockedUntil: record.lockedUntil > time ? record.lockedUntil : null,
      };
    },
  };
}

/** A token from a user: any string (a wrong one is a failure, never a throw); other types are refused. */
function tokenOption(value: unknown): string {
  if (typeof value !== 'string') invalid('token', 'a string');
  // Longer than any code: checked as nothing (still counted as an attempt).
  return value.length > MAX_TOKEN ? '' : value;
}

/** The keyed hash of a recovery code, or null when the token is not one (never a throw). */
async function recoveryCodeHash(
  token: string,
  key: CryptoKey,
  context: string,
): Promise<string | null> {
  try {
    return await hashRecoveryCode(token, { key, context });
  } catch (error) {
    if (isOTPError(error) && error.code === 'ERR_RECOVERY_CODE_INVALID') return null;
    throw error;
  }
}
