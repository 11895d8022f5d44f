// The rules suite of one backend (suite.mjs runs it in that backend's runtime, on that backend's store):
// each rule of otpkit/twofactor (docs/twofactor.md) is one named check that drives createTwoFactor
// with a controlled clock (`now`) and asserts the rule with real values: the TOTP codes come from the
// harness's own RFC 6238 code (totp.mjs), never from otpkit. Every check uses its own fresh user ids.
// The last check reads the backend's raw storage (`raw`, backends.mjs) for plaintext.
//
//   const { passed, of, failed } = await runRules({ tf, isOTPError, store, raw, userPrefix, log });
import { base32Decode, hotp, stepOf, totp } from './totp.mjs';

export const RULES = [
  'enrolment',
  'totp',
  'lock',
  'recovery codes',
  'sent codes',
  'disable',
  'no plaintext at rest',
];

const LIMITS = { maxFailures: 5, lockMs: 60_000, maxLockMs: 3_600_000 };
const ENROLMENT_TTL_MS = 300_000;
const PERIOD_MS = 30_000;
const WINDOW = 1; // createTwoFactor's default
const T0 = 1_798_761_600_000; // 2027-01-01, a step boundary: each check starts its clock here
const SEND_TTL_MS = 600_000; // issueCode's default ttlMs
const RECOVERY_SHAPE = /^[0-9abcdefghjkmnpqrstvwxyz]{4}(-[0-9abcdefghjkmnpqrstvwxyz]{4}){3}$/;

/** Sorted-key JSON, so that two answers compare by value whatever the order of their keys. */
function canon(value) {
  if (Array.isArray(value)) return `[${value.map(canon).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canon(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'undefined';
}

class RuleFailure extends Error {}

function expect(condition, what) {
  if (!condition) throw new RuleFailure(what);
}

/** `actual` must equal `expected` exactly (no key more, none less). */
function same(actual, expected, what) {
  if (canon(actual) !== canon(expected)) {
    throw new RuleFailure(`${what}: got ${canon(actual)}, expected ${canon(expected)}`);
  }
}

const refused = (reason) => ({ ok: false, reason });
const lockedFor = (retryAfterMs) => ({ ok: false, reason: 'locked', retryAfterMs });

/** The TOTP codes the window accepts at `time` (steps step-WINDOW..step+WINDOW). */
function windowCodes(secret, time) {
  const key = base32Decode(secret);
  const step = stepOf(time);
  const codes = new Set();
  for (let d = -WINDOW; d <= WINDOW; d++) codes.add(hotp(key, step + d));
  return codes;
}

/** A 6-digit code the window does not accept at `time`, different on each call of one `seed`. */
function wrongCode(secret, time, seed = 0) {
  const right = windowCodes(secret, time);
  let n = (Number(totp(secret, time)) + 500_000 + seed * 7_919) % 1_000_000;
  for (;;) {
    const code = String(n).padStart(6, '0');
    if (!right.has(code)) return code;
    n = (n + 1) % 1_000_000;
  }
}

/** The code of the first step at `step` or after, in `direction`, that the window at `time` does not accept. */
function outsideCode(secret, time, step, direction) {
  const key = base32Decode(secret);
  const right = windowCodes(secret, time);
  for (let s = step;; s += direction) {
    const code = hotp(key, s);
    if (!right.has(code)) return code;
  }
}

const toHex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
const toBase64 = (bytes) => btoa(String.fromCharCode(...bytes));

/**
 * Runs every rule against `store` and resolves { passed, of, failed: [{ name, message }] }; a check
 * that fails does not stop the others. `raw(userId)` resolves { where, values, complete }: every value
 * the backend holds for the user, straight from its storage; `complete` is false where that is only
 * the record (memory).
 */
export async function runRules({ tf, isOTPError, store, raw, userPrefix, log }) {
  const bytes = (n) => crypto.getRandomValues(new Uint8Array(n));
  const sealKey = await crypto.subtle.importKey('raw', bytes(32), 'AES-GCM', false, [
    'encrypt',
    'decrypt',
  ]);
  const pepper = await crypto.subtle.importKey(
    'raw',
    bytes(32),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  let clock = T0;
  const twoFactor = tf.createTwoFactor({
    store,
    sealKey,
    pepper,
    issuer: 'otpkit rules',
    limits: LIMITS,
    enrolmentTtlMs: ENROLMENT_TTL_MS,
    now: () => clock,
  });
  let serial = 0;
  const freshUser = (name) => `${userPrefix}${name.replace(/\W+/g, '-')}-${++serial}`;
  const account = (userId) => `${userId}@example.com`;

  /** Enrols `userId` at the current clock with binding `binding`; resolves { secret, recoveryCodes }. */
  const enrol = async (userId, binding = `session-${userId}`) => {
    const { secret } = await twoFactor.beginEnrolment({
      userId,
      account: account(userId),
      binding,
    });
    const answer = await twoFactor.confirmEnrolment({
      userId,
      binding,
      token: totp(secret, clock),
    });
    expect(answer.ok === true, `enrolling ${userId} failed: ${canon(answer)}`);
    return { secret, recoveryCodes: answer.recoveryCodes };
  };
  const verify = (userId, token, more = {}) => twoFactor.verify({ userId, token, ...more });

  const checks = {
    // 1. Enrolment: bound to a binding, replaced by another binding, expiring, confirmed once.
    async enrolment() {
      clock = T0;
      const userId = freshUser('enrolment');
      const first = await twoFactor.beginEnrolment({
        userId,
        account: account(userId),
        binding: 'session-1',
      });
      expect(
        /^[A-Z2-7]{32}$/.test(first.secret),
        `the secret ${JSON.stringify(first.secret)} is not 32 base32 characters (20 bytes)`,
      );
      const uri = new URL(first.uri);
      same(
        [uri.protocol, uri.host, uri.searchParams.get('secret'), uri.searchParams.get('issuer')],
        ['otpauth:', 'totp', first.secret, 'otpkit rules'],
        'the key URI (scheme, type, secret, issuer)',
      );
      same(first.expiresAt, T0 + ENROLMENT_TTL_MS, 'expiresAt of a new enrolment');
      clock = T0 + 1_000;
      const again = await twoFactor.beginEnrolment({
        userId,
        account: account(userId),
        binding: 'session-1',
      });
      same(
        [again.secret, again.uri, again.expiresAt],
        [first.secret, first.uri, first.expiresAt],
        'beginEnrolment again with the same binding (secret, uri, expiresAt)',
      );
      same(
        await twoFactor.status({ userId }),
        { enabled: false, recoveryCodesLeft: 0, lockedUntil: null },
        'status while only pending',
      );
      const other = await twoFactor.beginEnrolment({
        userId,
        account: account(userId),
        binding: 'session-2',
      });
      expect(other.secret !== first.secret, 'another binding got the same secret');
      expect(other.uri !== first.uri, 'another binding got the same URI');
      same(
        await twoFactor.confirmEnrolment({
          userId,
          binding: 'session-1',
          token: totp(first.secret, clock),
        }),
        refused('expired'),
        'confirming with the old binding (right code of its secret) after another binding began',
      );

      // The hijacker (a session with the password) begins first; the real user begins and confirms.
      clock = T0;
      const victim = freshUser('enrolment-hijack');
      const hijack = await twoFactor.beginEnrolment({
        userId: victim,
        account: account(victim),
        binding: 'hijacker',
      });
      const real = await twoFactor.beginEnrolment({
        userId: victim,
        account: account(victim),
        binding: 'real-user',
      });
      expect(real.secret !== hijack.secret, "the real user got the hijacker's secret");
      const confirmed = await twoFactor.confirmEnrolment({
        userId: victim,
        binding: 'real-user',
        token: totp(real.secret, clock),
      });
      expect(confirmed.ok === true, `the real user's confirmation failed: ${canon(confirmed)}`);
      clock = T0 + 2 * PERIOD_MS; // later steps than the confirmation's
      same(
        await twoFactor.confirmEnrolment({
          userId: victim,
          binding: 'hijacker',
          token: totp(hijack.secret, clock),
        }),
        refused('expired'),
        'the hijacker confirming its own secret after the real user enrolled',
      );
      for (const time of [clock, clock + PERIOD_MS]) {
        const token = totp(hijack.secret, time);
        if (windowCodes(real.secret, clock).has(token)) continue; // a one-in-10^5 coincidence
        same(
          await verify(victim, token),
          refused('invalid'),
          `verify with the hijacker's secret (its code at ${time - T0} ms)`,
        );
      }
      same(
        await verify(victim, totp(real.secret, clock), { methods: ['totp'] }),
        { ok: true, method: 'totp', recoveryCodesLeft: 10 },
        "the real user's code after the hijacker's attempts",
      );

      // Expiry: at exactly expiresAt the enrolment is gone; a millisecond before, it confirms.
      clock = T0;
      const late = freshUser('enrolment-late');
      const lateEnrolment = await twoFactor.beginEnrolment({
        userId: late,
        account: account(late),
        binding: 'session',
      });
      clock = lateEnrolment.expiresAt;
      same(
        await twoFactor.confirmEnrolment({
          userId: late,
          binding: 'session',
          token: totp(lateEnrolment.secret, clock),
        }),
        refused('expired'),
        'confirming (right code) at enrolmentTtlMs after beginEnrolment',
      );
      const renewed = await twoFactor.beginEnrolment({
        userId: late,
        account: account(late),
        binding: 'session',
      });
      expect(
        renewed.secret !== lateEnrolment.secret,
        'beginEnrolment with the same binding after expiry gave the expired secret again',
      );
      clock = T0;
      const onTime = freshUser('enrolment-on-time');
      const onTimeEnrolment = await twoFactor.beginEnrolment({
        userId: onTime,
        account: account(onTime),
        binding: 'session',
      });
      clock = onTimeEnrolment.expiresAt - 1;
      const inTime = await twoFactor.confirmEnrolment({
        userId: onTime,
        binding: 'session',
        token: totp(onTimeEnrolment.secret, clock),
      });
      expect(inTime.ok === true, `confirming 1 ms before expiry failed: ${canon(inTime)}`);

      // A wrong code, then the right one: ten recovery codes, enabled; then confirmed is confirmed.
      clock = T0;
      const userB = freshUser('enrolment-confirm');
      const { secret } = await twoFactor.beginEnrolment({
        userId: userB,
        account: account(userB),
        binding: 'session',
      });
      same(
        await twoFactor.confirmEnrolment({
          userId: userB,
          binding: 'session',
          token: wrongCode(secret, clock),
        }),
        refused('invalid'),
        'confirming with a wrong code',
      );
      const ok = await twoFactor.confirmEnrolment({
        userId: userB,
        binding: 'session',
        token: totp(secret, clock),
      });
      same(
        [ok.ok, Object.keys(ok).sort()],
        [true, ['ok', 'recoveryCodes']],
        'confirming with the right code',
      );
      expect(
        Array.isArray(ok.recoveryCodes) && ok.recoveryCodes.length === 10,
        `the confirmation returned ${ok.recoveryCodes?.length} recovery codes, not 10`,
      );
      expect(
        ok.recoveryCodes.every((c) => RECOVERY_SHAPE.test(c)),
        `a recovery code is not xxxx-xxxx-xxxx-xxxx: ${canon(ok.recoveryCodes)}`,
      );
      expect(new Set(ok.recoveryCodes).size === 10, 'two recovery codes are equal');
      same(
        await twoFactor.status({ userId: userB }),
        { enabled: true, recoveryCodesLeft: 10, lockedUntil: null },
        'status after the confirmation',
      );
      clock = T0 + 2 * PERIOD_MS;
      same(
        await twoFactor.confirmEnrolment({
          userId: userB,
          binding: 'session',
          token: totp(secret, clock),
        }),
        refused('expired'),
        'confirming again (a new right code) after a successful confirmation',
      );
    },

    // 2. TOTP: a code works once, only within the window, only after the last accepted step.
    async totp() {
      clock = T0;
      const userId = freshUser('totp');
      const { secret } = await enrol(userId); // accepts step s0
      clock = T0 + 4 * PERIOD_MS; // step s0 + 4: s0 + 2 is after the last step but outside the window
      const step = stepOf(clock);
      same(
        await verify(userId, outsideCode(secret, clock, step - WINDOW - 1, -1)),
        refused('invalid'),
        `a code ${WINDOW + 1} steps before now (outside the window of ${WINDOW})`,
      );
      same(
        await verify(userId, outsideCode(secret, clock, step + WINDOW + 1, 1)),
        refused('invalid'),
        `a code ${WINDOW + 1} steps after now (outside the window of ${WINDOW})`,
      );
      const code = totp(secret, clock);
      same(
        await verify(userId, code),
        { ok: true, method: 'totp', recoveryCodesLeft: 10 },
        'the current code',
      );
      same(await verify(userId, code), refused('invalid'), 'the same code again (replay)');
      clock += 1_000; // same step
      same(
        await verify(userId, code, { methods: ['totp'] }),
        refused('invalid'),
        'the same code again a second later (replay)',
      );
      const next = hotp(base32Decode(secret), step + 1);
      if (next !== code) {
        same(
          await verify(userId, next),
          { ok: true, method: 'totp', recoveryCodesLeft: 10 },
          "the next step's code (inside the window, after the last accepted step)",
        );
        same(
          await verify(userId, code),
          refused('invalid'),
          "the current code after the next step's was accepted (an earlier step)",
        );
      }
    },

    // 3. Lock: maxFailures attempts, then everything refused for lockMs; doubling; a success clears.
    async lock() {
      clock = T0;
      const userId = freshUser('lock');
      const { secret, recoveryCodes } = await enrol(userId);
      const fail = async (what) => {
        for (let i = 0; i < LIMITS.maxFailures; i++) {
          same(
            await verify(userId, wrongCode(secret, clock, i)),
            refused('invalid'),
            `${what}: wrong code ${i + 1} of ${LIMITS.maxFailures}`,
          );
        }
      };
      clock = T0 + 2 * PERIOD_MS;
      await fail('first lock');
      same(
        await verify(userId, totp(secret, clock)),
        lockedFor(LIMITS.lockMs),
        `the right code after ${LIMITS.maxFailures} wrong ones`,
      );
      const firstLockEnd = clock + LIMITS.lockMs;
      same(
        await twoFactor.status({ userId }),
        { enabled: true, recoveryCodesLeft: 10, lockedUntil: firstLockEnd },
        'status during the first lock',
      );
      clock += 1_000;
      same(
        await verify(userId, recoveryCodes[0]),
        lockedFor(LIMITS.lockMs - 1_000),
        'a recovery code during the lock, a second later',
      );
      same(
        (await twoFactor.status({ userId })).recoveryCodesLeft,
        10,
        'recovery codes left after one was refused during the lock',
      );
      clock = firstLockEnd - 1;
      same(
        await verify(userId, totp(secret, clock)),
        lockedFor(1),
        'the right code 1 ms before the lock ends',
      );
      clock = firstLockEnd;
      await fail('second lock (at the end of the first)');
      same(
        await verify(userId, totp(secret, clock)),
        lockedFor(2 * LIMITS.lockMs),
        'the right code after the second lock started (it must double)',
      );
      clock += 2 * LIMITS.lockMs;
      same(
        await verify(userId, totp(secret, clock)),
        { ok: true, method: 'totp', recoveryCodesLeft: 10 },
        'the right code after the second lock',
      );
      same(
        await twoFactor.status({ userId }),
        { enabled: true, recoveryCodesLeft: 10, lockedUntil: null },
        'status after the success',
      );
      await fail('a lock after the success');
      same(
        await verify(userId, totp(secret, clock + PERIOD_MS)),
        lockedFor(LIMITS.lockMs),
        'the right code after a new lock (a success resets the length to lockMs)',
      );
    },

    // 4. Recovery codes: each once, in any spelling, not where only TOTP is allowed, renewable.
    async 'recovery codes'() {
      clock = T0;
      const userId = freshUser('recovery');
      const { recoveryCodes: codes } = await enrol(userId);
      clock = T0 + 2 * PERIOD_MS;
      const used = (left) => ({ ok: true, method: 'recovery', recoveryCodesLeft: left });
      same(await verify(userId, codes[0]), used(9), 'a recovery code as shown');
      same(await verify(userId, codes[0]), refused('invalid'), 'the same recovery code again');
      same(
        await verify(userId, codes[0].toUpperCase().replaceAll('-', '')),
        refused('invalid'),
        'the same recovery code again, upper case without hyphens',
      );
      same(await verify(userId, codes[1].toUpperCase()), used(8), 'a recovery code in upper case');
      same(
        await verify(userId, codes[2].replaceAll('-', '')),
        used(7),
        'a recovery code without hyphens',
      );
      same(
        await verify(userId, codes[3].toUpperCase().replaceAll('-', '')),
        used(6),
        'a recovery code in upper case without hyphens',
      );
      same(
        await verify(userId, codes[4], { methods: ['totp'] }),
        refused('invalid'),
        "a recovery code with methods ['totp']",
      );
      same(
        (await twoFactor.status({ userId })).recoveryCodesLeft,
        6,
        "recovery codes left after one was refused with methods ['totp']",
      );
      same(await verify(userId, codes[4]), used(5), 'that recovery code with the default methods');
      const fresh = await twoFactor.regenerateRecoveryCodes({ userId });
      expect(
        Array.isArray(fresh) && fresh.length === 10 && fresh.every((c) => RECOVERY_SHAPE.test(c)),
        `regenerateRecoveryCodes gave ${canon(fresh)}, not 10 codes`,
      );
      expect(!fresh.some((c) => codes.includes(c)), 'a regenerated code is an old one');
      same(
        (await twoFactor.status({ userId })).recoveryCodesLeft,
        10,
        'recovery codes left after regenerateRecoveryCodes',
      );
      // Four of the five unused old codes: a fifth failure in a row would start a lock.
      for (const old of codes.slice(5, 5 + LIMITS.maxFailures - 1)) {
        same(
          await verify(userId, old),
          refused('invalid'),
          'an unused old code after regenerating',
        );
      }
      same(await verify(userId, fresh[0]), used(9), 'a regenerated code');
    },

    // 5. Sent codes: one live per purpose, purposes apart, consumed once, expiring.
    async 'sent codes'() {
      clock = T0;
      const userId = freshUser('sent'); // without TOTP: sent codes work for anyone
      const issue = async (options = {}) => {
        const issued = await twoFactor.issueCode({ userId, ...options });
        const digits = options.digits ?? 6;
        expect(
          new RegExp(`^[0-9]{${digits}}$`).test(issued.code),
          `issueCode gave ${JSON.stringify(issued.code)}, not ${digits} digits`,
        );
        same(issued.expiresAt, clock + (options.ttlMs ?? SEND_TTL_MS), "issueCode's expiresAt");
        return issued.code;
      };
      const sent = { ok: true, method: 'code', recoveryCodesLeft: 0 };
      const first = await issue();
      let second = await issue();
      while (second === first) second = await issue(); // one in 10^6
      same(await verify(userId, first), refused('invalid'), 'a code after another was issued');
      same(await verify(userId, second), sent, 'the code issued last');
      same(await verify(userId, second), refused('invalid'), 'the same code again');

      const login = await issue();
      let email = await issue({ purpose: 'email' });
      while (email === login) email = await issue({ purpose: 'email' });
      same(await verify(userId, email), refused('invalid'), "the 'email' code for 'login'");
      same(
        await verify(userId, login, { purpose: 'email' }),
        refused('invalid'),
        "the 'login' code for 'email'",
      );
      same(await verify(userId, login), sent, "the 'login' code (after the other purpose)");
      same(await verify(userId, email, { purpose: 'email' }), sent, "the 'email' code");
      same(
        await verify(userId, await issue({ digits: 8 }), { methods: ['code'] }),
        sent,
        'an 8-digit code',
      );

      const early = await issue({ ttlMs: 10_000 });
      clock += 10_000 - 1;
      same(await verify(userId, early), sent, 'a code 1 ms before ttlMs');
      const late = await issue({ ttlMs: 10_000 });
      clock += 10_000;
      same(await verify(userId, late), refused('expired'), 'a code at ttlMs after issueCode');
      same(await verify(userId, late), refused('invalid'), 'the expired code again');
    },

    // 6. disable: off, nothing accepted, nothing to regenerate, and the lock (with its length) kept.
    async disable() {
      clock = T0;
      const userId = freshUser('disable');
      const { secret, recoveryCodes } = await enrol(userId);
      const sentCode = (await twoFactor.issueCode({ userId })).code;
      clock = T0 + 2 * PERIOD_MS;
      for (let i = 0; i < LIMITS.maxFailures; i++) {
        same(
          await verify(userId, wrongCode(secret, clock, i), { methods: ['totp'] }),
          refused('invalid'),
          `wrong code ${i + 1} before disable`,
        );
      }
      const lockedUntil = clock + LIMITS.lockMs;
      await twoFactor.disable({ userId });
      same(
        await twoFactor.status({ userId }),
        { enabled: false, recoveryCodesLeft: 0, lockedUntil },
        'status after disable during a lock',
      );
      same(
        await verify(userId, totp(secret, clock)),
        lockedFor(LIMITS.lockMs),
        'the old right code after disable, during the lock',
      );
      let threw = null;
      try {
        await twoFactor.regenerateRecoveryCodes({ userId });
      } catch (error) {
        threw = error;
      }
      same(
        threw === null ? 'no throw' : [
          threw.name,
          threw.code,
          isOTPError(threw),
        ],
        ['OTPError', 'ERR_TWOFACTOR_NOT_ENROLLED', true],
        'regenerateRecoveryCodes after disable (name, code, isOTPError)',
      );

      clock = lockedUntil;
      const both = { methods: ['totp', 'recovery'] };
      same(
        await verify(userId, totp(secret, clock), both),
        refused('not-enrolled'),
        'the TOTP code after disable (methods totp, recovery)',
      );
      same(
        await verify(userId, recoveryCodes[0], both),
        refused('not-enrolled'),
        'a recovery code after disable (methods totp, recovery)',
      );
      same(
        await verify(userId, sentCode, { methods: ['code'] }),
        refused('invalid'),
        'the code sent before disable',
      );
      // Attempts still count while off, and the next lock is the doubled one: disable reset nothing.
      for (let i = 3; i < LIMITS.maxFailures; i++) {
        same(
          await verify(userId, totp(secret, clock + i * PERIOD_MS), both),
          refused('not-enrolled'),
          `attempt ${i + 1} after disable`,
        );
      }
      same(
        await verify(userId, recoveryCodes[1], both),
        lockedFor(2 * LIMITS.lockMs),
        `after ${LIMITS.maxFailures} more attempts (the lock length survives disable)`,
      );
    },

    // 7. No plaintext at rest: the backend's own storage holds none of what the user sees.
    async 'no plaintext at rest'() {
      clock = T0;
      const userId = freshUser('plaintext');
      const binding = `binding-${toHex(bytes(8))}`;
      const { secret, recoveryCodes } = await enrol(userId, binding);
      const shortCode = (await twoFactor.issueCode({ userId })).code;
      const longCode = (await twoFactor.issueCode({ userId, purpose: 'email', digits: 10 })).code;
      // A second enrolment pending (a new phone): its secret is at rest too.
      const pendingBinding = `binding-${toHex(bytes(8))}`;
      const pending = await twoFactor.beginEnrolment({
        userId,
        account: account(userId),
        binding: pendingBinding,
      });
      const record = await store.read(userId);
      const dump = await raw(userId);
      const values = dump.values.map(String);
      const text = values.join('\n');
      const lower = text.toLowerCase();
      expect(values.length > 0, `nothing found in ${dump.where} for ${userId}`);
      // The dump reads the real storage: the sealed secrets the store hands out are in it.
      expect(
        typeof record.secret === 'string' && values.includes(record.secret),
        `the sealed secret (store.read) is not in ${dump.where}: not the storage of this store?`,
      );
      expect(
        values.includes(record.pending?.secret),
        `the sealed pending secret is not in ${dump.where}`,
      );
      const needles = [];
      for (const [name, base32] of [['secret', secret], ['pending secret', pending.secret]]) {
        const key = base32Decode(base32);
        needles.push([`the ${name} in base32`, base32.toLowerCase(), 'i']);
        needles.push([`the ${name} in hex`, toHex(key), 'i']);
        needles.push([`the ${name} in base64`, toBase64(key).replace(/=+$/, ''), '']);
        needles.push([
          `the ${name} in base64url`,
          toBase64(key).replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_'),
          '',
        ]);
      }
      recoveryCodes.forEach((code, i) => {
        needles.push([`recovery code ${i + 1} as shown`, code, 'i']);
        needles.push([`recovery code ${i + 1} canonical`, code.replaceAll('-', ''), 'i']);
      });
      needles.push(['the 10-digit sent code', longCode, '']);
      needles.push(['the binding', binding, '']);
      needles.push(['the pending binding', pendingBinding, '']);
      const found = needles
        .filter(([, needle, flags]) => (flags === 'i' ? lower : text).includes(needle))
        .map(([name]) => name);
      // 6 digits can occur in a hash or a time by chance: the code counts only as a value of its own
      // or delimited by what is neither a letter nor a digit.
      if (new RegExp(`(^|[^0-9a-z])${shortCode}($|[^0-9a-z])`, 'i').test(text)) {
        found.push('the 6-digit sent code');
      }
      expect(found.length === 0, `${dump.where} holds in plaintext: ${found.join(', ')}`);
      // And it is the whole state: every keyed hash the store was given is there.
      if (dump.complete) {
        const hashes = text.match(/hmac-sha256:[0-9a-f]{64}/g) ?? [];
        expect(
          hashes.length >= 10 + 2 + 1,
          `${dump.where} holds ${hashes.length} keyed hashes, not at least 13 (10 recovery codes, ` +
            '2 sent codes, 1 binding)',
        );
      }
      log(`rules: ${values.length} values read from ${dump.where}, ${needles.length + 1} searched`);
    },
  };

  const failed = [];
  for (const name of RULES) {
    const started = Date.now();
    try {
      await checks[name]();
      log(`rules: ${name}: ok (${Date.now() - started} ms)`);
    } catch (error) {
      const message = error instanceof RuleFailure
        ? error.message
        : `threw ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
      failed.push({ name, message: message.split('\n')[0] });
      log(`rules: ${name}: FAILED: ${message}`);
    }
  }
  return { passed: RULES.length - failed.length, of: RULES.length, failed };
}
