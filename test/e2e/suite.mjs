// The suite a backend runs, over two server processes on two ports sharing its storage: SQLite (Node
// 24, node:sqlite, one file), PostgreSQL (Bun, one database), Redis (Bun: the second-factor state in
// Redis, users and sessions in one bun:sqlite file; runSecondFactorChecks alone). `a` and `b` are the
// instances; a visitor's cookies go to either, as behind a load balancer. Each scenario uses its own
// users. What the servers computed is read from their counters (server-process.mjs), and what they
// stored from the store itself (SQL rows, Redis keys); the HTTP answers alone prove nothing about
// either. `backend.store` is 'redis' where the second-factor state is in Redis, else 'sql'.
import { pbkdf2Sync, randomBytes } from 'node:crypto';
import {
  codeNow,
  enrolledUser,
  expectLanded,
  freshCode,
  keyOn,
  login,
  loginWithCode,
  logout,
  newUser,
  pathOf,
  recoveryCodesOn,
  register,
  signedIn,
  wrongCodes,
} from './flows.mjs';
import { assert, check, equal, needs } from './report.mjs';
import { remember } from './secrets.mjs';
import { formsOf, posts, request, textOf, visitor } from './visitor.mjs';

const GUESSES = 1000;
const MAX_CHECKED = 5; // the app's limit (README: a lock after 5 failed codes)
const CODES_PER_DAY = 10; // README: at most 10 emailed codes a day per account
const DAY_MS = 86_400_000;

/** The distinct server processes of a backend (one if `a` and `b` are the same). */
const processesOf = ({ a, b }) => (a === b ? [a] : [a, b]);

/** HMAC-SHA-1 signs (TOTP checks) made by all the processes since `before` (per process). */
async function sha1Signs(backend) {
  const counts = await Promise.all(processesOf(backend).map((p) => p.counts()));
  return counts.map((c) => c.sha1);
}
const delta = (after, before) => after.map((value, i) => value - before[i]);
const sum = (values) => values.reduce((x, y) => x + y, 0);

/** A direct query on the backend's database, with `?` placeholders turned into $n for PostgreSQL. */
function sql(backend, text, params = []) {
  let n = 0;
  const statement = backend.dialect === 'postgres' ? text.replace(/\?/g, () => `$${++n}`) : text;
  return backend.a.query(statement, params);
}

/** The app's id of a user (app_users, looked up by user name). */
async function userIdOf(backend, username) {
  const [user] = await sql(backend, 'SELECT id FROM app_users WHERE username_key = ?', [
    username.toLowerCase(),
  ]);
  assert(user, `no app_users row for ${username}`);
  return user.id;
}

/** redisStore's default key prefix, which the app keeps (database.mjs). */
const REDIS_PREFIX = 'otp:';
/** A user's Redis keys (src/twofactor/redis.ts): the record, the recovery codes, the sent codes. */
export const redisKeysOf = (userId) => {
  const record = `${REDIS_PREFIX}{${userId}}`;
  return [record, `${record}:rc`, `${record}:sent`];
};

/**
 * What the second-factor store holds for a user, read from the store itself (the otp_users row, or
 * the user's Redis hash and set): { secret, failures, lockedUntil, recoveryLeft }, or null when it
 * holds nothing (`stateName` names where, in messages).
 */
async function twoFactorState(backend, username) {
  const id = await userIdOf(backend, username);
  if (backend.store === 'redis') {
    const [record, rc] = redisKeysOf(id);
    const hash = await backend.a.redis('HGETALL', record);
    if (Object.keys(hash).length === 0) return null;
    return {
      secret: hash.secret ?? null,
      failures: Number(hash.failures ?? 0),
      lockedUntil: Number(hash.locked_until ?? 0),
      recoveryLeft: Number(await backend.a.redis('SCARD', rc)),
    };
  }
  const [row] = await sql(backend, 'SELECT * FROM otp_users WHERE user_id = ?', [id]);
  if (!row) return null;
  return {
    secret: row.secret,
    failures: Number(row.failures),
    lockedUntil: Number(row.locked_until),
    recoveryLeft: row.recovery.split(',').filter(Boolean).length,
  };
}

/** Where the store keeps a user's second-factor record, for messages. */
function stateName(backend) {
  return backend.store === 'redis' ? `Redis ${REDIS_PREFIX}{id}` : 'otp_users';
}

/** When the user's emailed login code expires, read from the store (otp_sent_codes, or Redis). */
async function sentCodeExpiry(backend, username) {
  const id = await userIdOf(backend, username);
  if (backend.store === 'redis') {
    const sent = await backend.a.redis('HGET', redisKeysOf(id)[2], 'login');
    assert(sent, `no login code in Redis ${redisKeysOf(id)[2]}`);
    return Number(sent.slice(0, sent.indexOf(':')));
  }
  const [stored] = await sql(
    backend,
    "SELECT expires_at FROM otp_sent_codes WHERE user_id = ? AND purpose = 'login'",
    [id],
  );
  assert(stored, 'no otp_sent_codes row for the user');
  return Number(stored.expires_at);
}

const sessionRows = async (backend) =>
  Number((await sql(backend, 'SELECT COUNT(*) AS n FROM app_sessions'))[0].n);

/** The message key a page was sent to (?m=), or null. */
const messageOf = (page) => new URL(page.url).searchParams.get('m');

/**
 * The whole suite of a SQL backend: the checks on second-factor state, then those on the app's own
 * tables (users, sessions), then Post/Redirect/Get over every POST sent, then the sweep (last: it
 * moves the clock 13 hours).
 */
export async function runSuite(backend) {
  const firstPost = posts.length;
  await runSecondFactorChecks(backend);
  await appChecks(backend);
  await everyPostRedirected(backend, firstPost);
  await sweepChecks(backend);
}

/**
 * The checks on second-factor state (what otpkit/twofactor's store holds): the happy path, the
 * 1,000 parallel guesses and the lock, the hijack, replays across the instances, turning off,
 * emailed codes (once, expiry), the lost phone. The Redis backend runs these alone, then
 * `everyPostRedirected`: its users and sessions are in SQL, as on the other backends.
 */
export async function runSecondFactorChecks(backend) {
  const { scope, a, b, clock, runId } = backend;

  // ---- the happy path, across the instances -----------------------------------------------------
  await check(
    scope,
    `register and enrol on ${a.name}, sign in with password + code on ${b.name}`,
    async () => {
      const v = visitor(a.url, 'user');
      const user = newUser(runId, 'Ann');
      const { secret } = await enrolledUser(v, clock, user, a.url);
      assert(new URL(v.last.url).pathname === '/settings', 'not on /settings after enrolling');
      const fresh = visitor(b.url, 'user on b');
      const home = await loginWithCode(fresh, clock, user, secret, b.url);
      expectLanded(home, '/', 'password + code');
      assert(await signedIn(fresh, b.url), 'not signed in after password + code');
      return `home page on ${b.name} after the code`;
    },
  );

  // ---- 1,000 parallel wrong codes, split over the processes ---------------------------------------
  const storm = await check(
    scope,
    `${GUESSES} parallel wrong codes at one account over ${
      processesOf(backend).length
    } process(es): at most ${MAX_CHECKED} checked (counted HMACs)`,
    async () => {
      // Two users enrolled alike: a twin measures what one wrong code costs (HMAC-SHA-1 signs: one per
      // step of the window that is later than the last accepted step), the other takes the guesses.
      const twin = newUser(runId, 'Cal');
      const user = newUser(runId, 'Lou');
      const twinSide = visitor(a.url, 'twin');
      const v = visitor(a.url, 'guesser');
      const { secret: twinSecret } = await enrolledUser(twinSide, clock, twin, a.url);
      const { secret } = await enrolledUser(v, clock, user, a.url);
      await clock.advance(3 * 30_000); // every step of the window is later than the enrolment's
      for (const [side, who] of [[twinSide, twin], [v, user]]) {
        await logout(side, a.url);
        expectLanded(await login(side, who, a.url), '/login/2fa', 'the password step');
      }
      const probe = await sha1Signs(backend);
      const probed = await twinSide.submit('/login/2fa', {
        code: wrongCodes(twinSecret, clock.now(), 1)[0],
      });
      expectLanded(probed, '/login/2fa?m=invalid', 'one wrong code');
      const perCheck = sum(delta(await sha1Signs(backend), probe));
      assert(perCheck >= 1, `one wrong code computed ${perCheck} HMAC-SHA-1 signs`);
      const step = v.last;
      const form = formsOf(step.body).find((f) => f.action === '/login/2fa' && 'code' in f.fields);
      assert(form, 'no code form on /login/2fa');
      const cookie = [...v.jar].map(([k, value]) => `${k}=${value}`).join('; ');
      const codes = wrongCodes(secret, clock.now(), GUESSES);
      const before = await sha1Signs(backend);
      const targets = processesOf(backend);
      const started = Date.now();
      const answers = await Promise.all(
        codes.map((code, i) =>
          request(new URL('/login/2fa', targets[i % targets.length].url).href, {
            method: 'POST',
            headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
            body: new URLSearchParams({ ...form.fields, code }).toString(),
          })
        ),
      );
      const seconds = (Date.now() - started) / 1000;
      const signs = delta(await sha1Signs(backend), before);
      for (const answer of answers) {
        posts.push({ url: targets[0].url, path: '/login/2fa', status: answer.status });
      }
      const byAnswer = {};
      for (const answer of answers) {
        const key = `${answer.status} ${answer.headers.location ?? ''}`;
        byAnswer[key] = (byAnswer[key] ?? 0) + 1;
      }
      const checked = sum(signs) / perCheck;
      const state = await twoFactorState(backend, user.username);
      const figures = `${checked} checked (HMAC-SHA-1 signs per process: ${
        signs.join(' + ')
      }, ${perCheck} per wrong code); answers ${JSON.stringify(byAnswer)}; ${
        stateName(backend)
      } failures=${state?.failures}, locked for ${
        Math.round((Number(state?.lockedUntil) - clock.now()) / 1000)
      } s; ${seconds.toFixed(1)} s`;
      assert(
        Number.isInteger(checked),
        `signs ${sum(signs)} are not a multiple of ${perCheck}: ${figures}`,
      );
      assert(checked >= 1, `nothing was checked at all: ${figures}`);
      assert(checked <= MAX_CHECKED, `more than ${MAX_CHECKED} guesses were checked: ${figures}`);
      // And at most 5 were let through to a check at all (a process with a store of its own would
      // grant 5 more, even where it has no secret to compute with).
      const granted = answers.filter((answer) => /m=invalid$/.test(answer.headers.location ?? ''));
      assert(
        granted.length <= MAX_CHECKED,
        `${granted.length} guesses were answered "invalid" (checked), not locked: ${figures}`,
      );
      for (const [key, n] of Object.entries(byAnswer)) {
        assert(
          /^303 \/login\/2fa\?m=(invalid|locked)$/.test(key),
          `${n} answer(s) were "${key}", not a 303 to /login/2fa?m=invalid|locked: ${figures}`,
        );
      }
      assert(
        answers.every((answer) => answer.headers['set-cookie'] === undefined),
        `an answer set a cookie (a new session): ${figures}`,
      );
      return { detail: figures, v, user, secret, checked, signs };
    },
  );

  await check(scope, `after the ${GUESSES} guesses nobody is signed in`, async () => {
    const { v } = needs(storm, 'the parallel guesses');
    assert(
      !(await signedIn(v.clone(), a.url)),
      `the guessing session opens /settings on ${a.name}`,
    );
    assert(
      !(await signedIn(v.clone(), b.url)),
      `the guessing session opens /settings on ${b.name}`,
    );
    const page = await v.get('/login/2fa', { via: b.url });
    equal(new URL(page.url).pathname, '/login/2fa', 'the guessing session is still half signed in');
    return 'the session is still at the code step, on both instances';
  });

  await check(
    scope,
    'the right code during the lock is refused, with nothing computed',
    async () => {
      const { v, secret } = needs(storm, 'the parallel guesses');
      const before = await sha1Signs(backend);
      const page = await v.submit('/login/2fa', { code: codeNow(clock, secret) }, { via: b.url });
      const signs = sum(delta(await sha1Signs(backend), before));
      expectLanded(page, '/login/2fa?m=locked', 'the right code while locked');
      equal(signs, 0, 'HMAC-SHA-1 signs for a code sent while locked');
      assert(!(await signedIn(v.clone(), a.url)), 'signed in with a code sent during the lock');
      return `${pathOf(page)}, 0 HMACs`;
    },
  );

  await check(scope, 'after the lock (clock moved past it), the right code signs in', async () => {
    const { v, secret, user } = needs(storm, 'the parallel guesses');
    const state = await twoFactorState(backend, user.username);
    const wait = Number(state?.lockedUntil) - clock.now();
    assert(wait > 0, `the account is not locked (locked until ${state?.lockedUntil})`);
    await clock.advance(wait + 1_000);
    // The half-signed-in session may have outlived its 10 minutes: sign in with the password again.
    let page = await login(v, user, a.url);
    expectLanded(page, '/login/2fa', 'the password step after the lock');
    page = await v.submit('/login/2fa', { code: codeNow(clock, secret) }, { via: b.url });
    expectLanded(page, '/', 'the right code after the lock');
    assert(await signedIn(v, a.url), 'not signed in after the lock');
    return `lock of ${Math.round(wait / 1000)} s waited out on the shared clock`;
  });

  // ---- the enrolment hijack ---------------------------------------------------------------------
  const hijack = await check(
    scope,
    `hijack: the user enrolling after a password-only intruder viewed the enrolment page gets another key`,
    async () => {
      const user = newUser(runId, 'Hal');
      const owner = visitor(a.url, 'owner');
      const first = await register(owner, user, a.url);
      expectLanded(first, '/2fa/enrol', 'registering');
      const shownAtRegistration = keyOn(first);
      await logout(owner, a.url); // "Not now": the user will enrol later, in another session
      const intruder = visitor(b.url, 'intruder');
      const intruderHome = await login(intruder, user, b.url);
      expectLanded(intruderHome, '/', 'the intruder signs in with the password alone');
      const intruderPage = await intruder.get('/2fa/enrol', { via: b.url });
      const intruderKey = keyOn(intruderPage);
      const later = visitor(a.url, 'owner, later');
      expectLanded(await login(later, user, a.url), '/', 'the user signs in again');
      const enrol = await later.get('/2fa/enrol', { via: a.url });
      const userKey = keyOn(enrol);
      assert(userKey.secret !== intruderKey.secret, "the user is shown the intruder's key");
      assert(
        userKey.secret !== shownAtRegistration.secret,
        'the key shown at registration came back in another session',
      );
      return {
        detail: 'three sessions, three keys',
        user,
        intruder,
        intruderPage,
        intruderKey,
        later,
        userKey,
      };
    },
  );

  await check(scope, "hijack: the intruder's key cannot confirm the enrolment", async () => {
    const { intruder, intruderPage, intruderKey } = needs(hijack, 'the hijack set-up');
    // The form the intruder already has, and the redirect not followed: viewing the page again
    // would start another enrolment, bound to the intruder's session, and void the user's (the user
    // would then be told to scan a new code): the known password's nuisance, not this test's point.
    const page = await intruder.submit('/2fa/enrol', { code: codeNow(clock, intruderKey.secret) }, {
      from: intruderPage,
      follow: false,
    });
    equal(page.postStatus, 303, 'the POST status');
    equal(page.headers.location, '/2fa/enrol?m=enrol-expired', 'where the POST redirects');
    const state = await twoFactorState(backend, hijack.user.username);
    assert(state === null || state.secret === null, "two-factor is on after the intruder's code");
    return `303 to ${page.headers.location}; no secret in ${stateName(backend)}`;
  });

  const turnedOn = await check(
    scope,
    "turning two-factor on ends the other sessions (the intruder's) and rotates the current one",
    async () => {
      const { later, userKey, intruder } = needs(hijack, 'the hijack set-up');
      const enrolPage = await later.get('/2fa/enrol', { via: a.url });
      equal(keyOn(enrolPage).secret, userKey.secret, "the user's key on a refresh of /2fa/enrol");
      const before = later.clone('owner, old cookie');
      const page = await later.submit('/2fa/enrol', { code: codeNow(clock, userKey.secret) });
      expectLanded(page, '/recovery-codes', "confirming with the user's key");
      recoveryCodesOn(page.body);
      assert(later.cookie('sid') !== before.cookie('sid'), 'the session cookie did not change');
      assert(await signedIn(later, b.url), 'the user is not signed in after enrolling');
      assert(!(await signedIn(before, a.url)), 'the session id from before enrolling still works');
      assert(!(await signedIn(intruder, b.url)), "the intruder's session survived two-factor on");
      return 'intruder signed out, old session id dead, new one signed in';
    },
  );

  await check(scope, "hijack: the intruder's key never signs in", async () => {
    const { user, intruderKey } = needs(hijack, 'the hijack set-up');
    needs(turnedOn, 'two-factor on for the user');
    const again = visitor(b.url, 'intruder again');
    const step = await login(again, user, b.url);
    expectLanded(step, '/login/2fa', "the intruder's password step");
    const page = await again.submit('/login/2fa', {
      code: await freshCode(clock, intruderKey.secret),
    });
    expectLanded(page, '/login/2fa?m=invalid', "the intruder's code");
    assert(!(await signedIn(again, a.url)), 'the intruder is signed in');
    return pathOf(page);
  });

  // ---- each code works once, across the instances ----------------------------------------------
  const replay = await check(
    scope,
    a === b
      ? 'a code used once is refused the second time'
      : `a code used on ${a.name} is refused on ${b.name}`,
    async () => {
      const user = newUser(runId, 'Rae');
      const { secret, recoveryCodes } = await enrolledUser(visitor(a.url), clock, user, a.url);
      const first = visitor(a.url, 'first');
      expectLanded(await login(first, user, a.url), '/login/2fa', 'the password step');
      const code = await freshCode(clock, secret);
      expectLanded(await first.submit('/login/2fa', { code }), '/', 'the code, first use');
      const second = visitor(b.url, 'second');
      expectLanded(await login(second, user, b.url), '/login/2fa', 'the password step');
      const page = await second.submit('/login/2fa', { code });
      expectLanded(page, '/login/2fa?m=invalid', 'the same code again');
      return { detail: `second use: ${pathOf(page)}`, user, recoveryCodes };
    },
  );

  await check(
    scope,
    a === b
      ? 'a recovery code works once'
      : `a recovery code used on ${b.name} is refused on ${a.name}`,
    async () => {
      const { user, recoveryCodes } = needs(replay, 'the replay set-up');
      const code = recoveryCodes[0];
      const first = visitor(b.url, 'first');
      expectLanded(await login(first, user, b.url), '/login/2fa', 'the password step');
      expectLanded(await first.submit('/login/2fa', { code }), '/', 'the recovery code, first use');
      const second = visitor(a.url, 'second');
      expectLanded(await login(second, user, a.url), '/login/2fa', 'the password step');
      const page = await second.submit('/login/2fa', { code });
      expectLanded(page, '/login/2fa?m=invalid', 'the same recovery code again');
      const state = await twoFactorState(backend, user.username);
      equal(state?.recoveryLeft, 9, `recovery codes left in ${stateName(backend)}`);
      return `second use: ${pathOf(page)}; recovery codes left in ${
        stateName(backend)
      }: ${state.recoveryLeft}`;
    },
  );

  // ---- turning two-factor off -------------------------------------------------------------------
  await check(
    scope,
    'turning two-factor off ends the other sessions and rotates the current one',
    async () => {
      const user = newUser(runId, 'Dee');
      const { secret } = await enrolledUser(visitor(a.url), clock, user, a.url);
      const one = visitor(a.url, 'one');
      expectLanded(await loginWithCode(one, clock, user, secret, a.url), '/', 'session one');
      const two = visitor(b.url, 'two');
      expectLanded(await loginWithCode(two, clock, user, secret, b.url), '/', 'session two');
      const old = one.clone('one, old cookie');
      const settings = await one.get('/settings', { via: a.url });
      const page = await one.submit('/settings/disable-2fa', {
        code: await freshCode(clock, secret),
      }, {
        from: settings,
      });
      expectLanded(page, '/settings?m=2fa-off', 'turning two-factor off');
      const state = await twoFactorState(backend, user.username);
      assert(state === null || state.secret === null, `${stateName(backend)} still holds a secret`);
      assert(one.cookie('sid') !== old.cookie('sid'), 'the session cookie did not change');
      assert(await signedIn(one, b.url), 'signed out by turning two-factor off');
      assert(!(await signedIn(old, a.url)), 'the session id from before still works');
      assert(!(await signedIn(two, b.url)), 'the other session survived two-factor off');
      return 'other session ended, current one rotated';
    },
  );

  // ---- codes by email ---------------------------------------------------------------------------
  const mail = await check(
    scope,
    `email me a code: read from ${a.name}'s /dev/mailbox, it signs in${
      a === b ? '' : ` on ${b.name}`
    }`,
    async () => {
      const user = newUser(runId, 'Mai');
      await enrolledUser(visitor(a.url), clock, user, a.url);
      const v = visitor(a.url, 'mail');
      const step = await login(v, user, a.url);
      expectLanded(step, '/login/2fa', 'the password step');
      const sent = await v.submit('/login/email-code', {}, { from: step });
      expectLanded(sent, '/login/2fa?m=code-sent', 'email me a code');
      const code = await mailedCode(a, user.email);
      const page = await v.submit('/login/2fa', { code }, { via: b.url, from: sent });
      expectLanded(page, '/', 'the emailed code');
      assert(await signedIn(v, b.url), 'not signed in with the emailed code');
      return { detail: 'mailed, read, signed in', user, code };
    },
  );

  await check(scope, 'an emailed code works once', async () => {
    const { user, code } = needs(mail, 'the emailed code');
    const v = visitor(b.url);
    const step = await login(v, user, b.url);
    const page = await v.submit('/login/2fa', { code }, { from: step });
    expectLanded(page, '/login/2fa?m=invalid', 'the emailed code, second use');
    return pathOf(page);
  });

  await check(scope, 'an emailed code expires (clock moved past its lifetime)', async () => {
    const { user } = needs(mail, 'the emailed code');
    await clock.advance(31_000); // past "asked again within 30 s"
    const v = visitor(a.url);
    const step = await login(v, user, a.url);
    const sent = await v.submit('/login/email-code', {}, { from: step });
    expectLanded(sent, '/login/2fa?m=code-sent', 'email me a code, again');
    const code = await mailedCode(a, user.email);
    const lifetime = (await sentCodeExpiry(backend, user.username)) - clock.now();
    await clock.advance(lifetime + 1_000);
    const again = visitor(b.url);
    const next = await login(again, user, b.url); // the half session (as long as the code) is gone
    const page = await again.submit('/login/2fa', { code }, { from: next });
    expectLanded(page, '/login/2fa?m=expired', 'the emailed code after its lifetime');
    return `lifetime ${Math.round(lifetime / 1000)} s; then ${pathOf(page)}`;
  });

  await check(
    scope,
    'lost phone: signed in with a recovery code, two-factor is turned off with another one',
    async () => {
      const user = newUser(runId, 'Lea');
      const { recoveryCodes } = await enrolledUser(visitor(a.url), clock, user, a.url);
      const v = visitor(a.url, 'without the phone');
      expectLanded(await login(v, user, a.url), '/login/2fa', 'the password step');
      const home = await v.submit('/login/2fa', { code: recoveryCodes[0] });
      expectLanded(home, '/', 'a recovery code');
      const settings = await v.get('/settings', { via: b.url });
      const off = await v.submit('/settings/disable-2fa', { code: recoveryCodes[1] }, {
        from: settings,
      });
      expectLanded(off, '/settings?m=2fa-off', 'turning off with another recovery code');
      const state = await twoFactorState(backend, user.username);
      assert(state === null || state.secret === null, `${stateName(backend)} still holds a secret`);
      const [app] = await sql(backend, 'SELECT two_factor FROM app_users WHERE username_key = ?', [
        user.username.toLowerCase(),
      ]);
      equal(Number(app.two_factor), 0, 'app_users.two_factor');
      return 'turned off with a recovery code, on the other instance';
    },
  );
}

/** The checks on the app's own pages and tables: recovery-code pages, accounts, sessions, HEAD. */
async function appChecks(backend) {
  const { scope, a, b, clock, runId } = backend;

  // ---- Post/Redirect/Get and the recovery codes --------------------------------------------------
  const codes = await check(
    scope,
    'recovery codes: shown on a page of their own, the same on every refresh, as a .txt download',
    async () => {
      const user = newUser(runId, 'Pia');
      const v = visitor(a.url, 'user');
      const enrol = await register(v, user, a.url);
      const { secret } = keyOn(enrol);
      const page = await v.submit('/2fa/enrol', { code: codeNow(clock, secret) });
      expectLanded(page, '/recovery-codes', 'confirming the enrolment');
      const shown = recoveryCodesOn(page.body);
      equal(shown.length, 10, 'recovery codes on the page');
      const refreshed = await v.get('/recovery-codes', { via: b.url });
      equal(
        recoveryCodesOn(refreshed.body),
        shown,
        'the codes after a refresh (on the other instance)',
      );
      const file = await v.get('/recovery-codes.txt', { via: a.url });
      equal(file.status, 200, 'GET /recovery-codes.txt status');
      assert(
        /^text\/plain/.test(file.headers['content-type'] ?? ''),
        `.txt content-type ${file.headers['content-type']}`,
      );
      assert(
        /attachment/.test(file.headers['content-disposition'] ?? ''),
        `.txt content-disposition ${file.headers['content-disposition']}`,
      );
      assert(
        /no-store/.test(file.headers['cache-control'] ?? ''),
        `.txt cache-control ${file.headers['cache-control']}`,
      );
      equal(recoveryCodesOn(file.body), shown, 'the codes in the .txt');
      return {
        detail: '10 codes, identical after a refresh and in the .txt',
        v,
        user,
        secret,
        shown,
      };
    },
  );

  await check(
    scope,
    'recovery codes: "I have saved them" forgets them (the page and the .txt go)',
    async () => {
      const { v } = needs(codes, 'the recovery codes page');
      const page = await v.get('/recovery-codes', { via: a.url });
      const saved = await v.submit('/recovery-codes/saved', {}, { from: page });
      expectLanded(saved, '/settings?m=codes-saved', '"I have saved them"');
      const after = await v.get('/recovery-codes', { via: b.url });
      equal(new URL(after.url).pathname, '/settings', 'GET /recovery-codes after saving goes to');
      const file = await v.get('/recovery-codes.txt', { via: b.url });
      equal(file.status, 404, 'GET /recovery-codes.txt after saving');
      return '/recovery-codes -> /settings, .txt 404';
    },
  );

  await check(
    scope,
    'new recovery codes: a refresh shows the same new codes and counts no failed attempt',
    async () => {
      const { v, user, secret, shown } = needs(codes, 'the recovery codes page');
      const settings = await v.get('/settings', { via: a.url });
      const page = await v.submit('/settings/recovery-codes', {
        code: await freshCode(clock, secret),
      }, {
        from: settings,
      });
      expectLanded(page, '/recovery-codes', 'new recovery codes');
      const fresh = recoveryCodesOn(page.body);
      equal(fresh.length, 10, 'new recovery codes shown');
      assert(fresh.every((c) => !shown.includes(c)), 'an old recovery code is among the new ones');
      const before = await sha1Signs(backend);
      const refreshed = await v.get('/recovery-codes', { via: b.url });
      const again = await v.get('/recovery-codes', { via: a.url });
      equal(recoveryCodesOn(refreshed.body), fresh, 'the new codes after a refresh');
      equal(recoveryCodesOn(again.body), fresh, 'the new codes after a second refresh');
      assert(messageOf(refreshed) === null, `the refresh shows a message: ${messageOf(refreshed)}`);
      equal(sum(delta(await sha1Signs(backend), before)), 0, 'HMACs computed by the refreshes');
      const state = await twoFactorState(backend, user.username);
      equal(state?.failures, 0, `${stateName(backend)} failures after the refreshes`);
      return 'same 10 codes twice, 0 HMACs, failures=0';
    },
  );

  // ---- accounts ---------------------------------------------------------------------------------
  await check(scope, 'a password registered in NFC signs in when typed in NFD', async () => {
    const nfc = 'Crème brûlée à Zoë, naïve'.normalize('NFC');
    const nfd = nfc.normalize('NFD');
    assert(
      nfc !== nfd && nfc.length < nfd.length,
      'the test strings are not different code points',
    );
    const user = { ...newUser(runId, 'Noe'), password: nfc };
    const v = visitor(a.url);
    expectLanded(await register(v, user, a.url), '/2fa/enrol', 'registering');
    const other = visitor(b.url);
    const page = await login(other, { ...user, password: nfd }, b.url);
    expectLanded(page, '/', 'the NFD password');
    assert(await signedIn(other, b.url), 'not signed in with the NFD password');
    return `${nfc.length} code points registered, ${nfd.length} typed`;
  });

  await check(
    scope,
    'user names are case-insensitive: Erin2 taken means erin2 is refused',
    async () => {
      const user = newUser(runId, 'Erin');
      const v = visitor(a.url);
      expectLanded(await register(v, user, a.url), '/2fa/enrol', `registering ${user.username}`);
      const lower = { ...newUser(runId, 'x'), username: user.username.toLowerCase() };
      const page = await register(visitor(b.url), lower, b.url);
      expectLanded(page, '/register?m=name-taken', `registering ${lower.username}`);
      const upper = visitor(b.url);
      expectLanded(
        await login(upper, { ...user, username: user.username.toUpperCase() }, b.url),
        '/',
        'signing in in upper case',
      );
      return `${lower.username}: ${pathOf(page)}; ${user.username.toUpperCase()} signs in`;
    },
  );

  await check(
    scope,
    'the code step names the account and offers "use another account"; enrolment can wait; the user name rule is said',
    async () => {
      const user = newUser(runId, 'Sam');
      const v = visitor(a.url);
      const enrol = await register(v, user, a.url);
      expectLanded(enrol, '/2fa/enrol', 'registering');
      assert(
        formsOf(enrol.body).length > 0 &&
          /<a href="\/"[^>]*>[^<]*(not now|skip|later)/i.test(enrol.body),
        'the enrolment page has no "not now" link to /',
      );
      const { secret } = keyOn(enrol);
      expectLanded(
        await v.submit('/2fa/enrol', { code: codeNow(clock, secret) }),
        '/recovery-codes',
        'enrolling',
      );
      const other = visitor(b.url);
      const page = await login(other, user, b.url);
      expectLanded(page, '/login/2fa', 'the password step');
      assert(textOf(page.body).includes(user.username), 'the code step does not name the account');
      const cancelled = await other.submit('/login/cancel', {}, { from: page });
      expectLanded(cancelled, '/login', '"Use another account"');
      const back = await other.get('/login/2fa', { via: a.url });
      equal(pathOf(back), '/login?m=start-again', 'the code step after "use another account"');
      const bad = await register(
        visitor(a.url),
        { ...newUser(runId, 'x'), username: 'no spaces!' },
        a.url,
      );
      expectLanded(bad, '/register?m=bad-username', 'a user name with a space and a "!"');
      const alert = textOf(
        bad.body.match(/<p class="message[^"]*"[^>]*>([\s\S]*?)<\/p>/)?.[1] ?? '',
      );
      assert(
        /letters/i.test(alert) && /digits/i.test(alert),
        `the message does not say what is allowed: "${alert}"`,
      );
      return `"${alert}"`;
    },
  );

  // ---- sessions only when needed; HEAD ------------------------------------------------------------
  await check(scope, 'a cookie-less GET / and HEAD requests store no session', async () => {
    const before = await sessionRows(backend);
    const problems = [];
    for (const instance of processesOf(backend)) {
      for (let i = 0; i < 5; i++) {
        const home = await request(`${instance.url}/`);
        if (home.status !== 200) problems.push(`GET / on ${instance.name}: ${home.status}`);
        if (home.headers['set-cookie']) problems.push(`GET / on ${instance.name} set a cookie`);
      }
      for (const path of ['/', '/login', '/register']) {
        const head = await request(`${instance.url}${path}`, { method: 'HEAD' });
        if (head.headers['set-cookie']) {
          problems.push(`HEAD ${path} on ${instance.name} set a cookie`);
        }
      }
    }
    const after = await sessionRows(backend);
    if (after !== before) problems.push(`app_sessions rows went from ${before} to ${after}`);
    assert(problems.length === 0, problems.join('; '));
    return `app_sessions rows ${before} before, ${after} after`;
  });

  await check(scope, 'HEAD is answered like GET, without a body', async () => {
    const problems = [];
    for (const path of ['/', '/login', '/register']) {
      const get = await request(`${b.url}${path}`);
      const head = await request(`${b.url}${path}`, { method: 'HEAD' });
      if (head.status !== get.status) {
        problems.push(`HEAD ${path}: ${head.status}, GET ${get.status}`);
      }
      if (head.body !== '') problems.push(`HEAD ${path} has a body`);
      if (head.headers['content-type'] !== get.headers['content-type']) {
        problems.push(`HEAD ${path} content-type ${head.headers['content-type']}`);
      }
    }
    assert(problems.length === 0, problems.join('; '));
    return 'HEAD / /login /register: same status and type, no body';
  });

  await check(
    scope,
    `at most ${CODES_PER_DAY} emailed codes a day per account (app_users.code_sends), again the next day`,
    async () => {
      // 01:00 UTC of the next day, so that no midnight falls inside the check.
      await clock.advance(Math.ceil(clock.now() / DAY_MS) * DAY_MS + 3_600_000 - clock.now());
      const user = newUser(runId, 'Dai');
      await enrolledUser(visitor(a.url), clock, user, a.url);
      const v = visitor(a.url, 'mail');
      let page = await login(v, user, a.url);
      const answers = [];
      for (let i = 0; i <= CODES_PER_DAY; i++) {
        page = await v.submit('/login/email-code', {}, { from: page });
        answers.push(messageOf(page));
        await clock.advance(31_000); // past "asked again within 30 s"
      }
      const expected = [...Array(CODES_PER_DAY).fill('code-sent'), 'code-cap'];
      equal(answers.join(' '), expected.join(' '), 'the answers');
      const [row] = await sql(backend, 'SELECT code_sends FROM app_users WHERE username_key = ?', [
        user.username.toLowerCase(),
      ]);
      equal(Number(row.code_sends), CODES_PER_DAY, 'app_users.code_sends');
      await clock.advance(DAY_MS);
      const next = visitor(a.url, 'mail, next day');
      const sent = await next.submit('/login/email-code', {}, { from: await login(next, user) });
      expectLanded(sent, '/login/2fa?m=code-sent', 'the next day');
      await mailedCode(a, user.email); // remembered, for the search of the logs
      return `${CODES_PER_DAY} sent, then code-cap; one the next day`;
    },
  );

  await check(
    scope,
    'a password hash of 310,000 iterations still signs in, and is stored again with 600,000',
    async () => {
      const user = newUser(runId, 'Old');
      expectLanded(await register(visitor(a.url), user, a.url), '/2fa/enrol', 'registering');
      // Made here with node:crypto, in the app's format: as an older configuration stored it.
      const salt = randomBytes(16);
      const hash = pbkdf2Sync(user.password.normalize('NFC'), salt, 310_000, 32, 'sha256');
      const old = `pbkdf2-sha256$310000$${salt.toString('base64url')}$${
        hash.toString('base64url')
      }`;
      await sql(backend, 'UPDATE app_users SET password_hash = ? WHERE username_key = ?', [
        old,
        user.username.toLowerCase(),
      ]);
      expectLanded(await login(visitor(b.url), user, b.url), '/', 'the password, old hash');
      const [row] = await sql(
        backend,
        'SELECT password_hash FROM app_users WHERE username_key = ?',
        [
          user.username.toLowerCase(),
        ],
      );
      assert(
        /^pbkdf2-sha256\$600000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/.test(row.password_hash),
        `the hash after the login: ${row.password_hash.split('$').slice(0, 2).join('$')}$...`,
      );
      expectLanded(await login(visitor(a.url), user, a.url), '/', 'the password, new hash');
      return 'rehashed to 600,000 at the first login';
    },
  );

  if (a !== b) {
    await check(scope, `/dev/mailbox is 404 on ${b.name}, started without the flag`, async () => {
      const page = await request(`${b.url}/dev/mailbox`);
      equal(page.status, 404, `GET /dev/mailbox on ${b.name}`);
      return '404';
    });
  }
}

/** Every POST sent to the backend's processes since `firstPost` was answered 303. */
export async function everyPostRedirected(backend, firstPost) {
  const { scope } = backend;
  const ours = (entry) =>
    processesOf(backend).some((p) => new URL(entry.url ?? 'http://x/').origin === p.url);
  await check(scope, 'every POST answered 303 (Post/Redirect/Get)', async () => {
    const mine = posts.slice(firstPost).filter(ours);
    const other = mine.filter((p) => p.status !== 303);
    const tally = {};
    for (const p of other) {
      tally[`${p.status} ${p.path}`] = (tally[`${p.status} ${p.path}`] ?? 0) + 1;
    }
    assert(mine.length > GUESSES, `only ${mine.length} POSTs were recorded`);
    assert(other.length === 0, `not 303: ${JSON.stringify(tally)}`);
    return `${mine.length} POSTs`;
  });
}

/** Expired sessions are swept: last, since it moves the clock 13 hours. */
async function sweepChecks(backend) {
  const { scope, a, b, clock } = backend;
  await check(scope, 'expired sessions are swept', async () => {
    for (let i = 0; i < 30; i++) await visitor(a.url).get('/login', { via: i % 2 ? b.url : a.url });
    const total = await sessionRows(backend);
    await clock.advance(13 * 3_600_000); // past every stage's lifetime (12 hours at most)
    const expired = async () =>
      Number(
        (await sql(backend, 'SELECT COUNT(*) AS n FROM app_sessions WHERE expires_at <= ?', [
          clock.now(),
        ]))[0].n,
      );
    const stale = await expired();
    assert(stale >= 30 && stale === total, `${stale} of ${total} rows expired after 13 hours`);
    let requests = 0;
    while ((await expired()) > 0 && requests < stale) {
      await visitor(a.url).get('/login', { via: requests % 2 ? b.url : a.url });
      requests += 1;
    }
    const left = await expired();
    equal(left, 0, `expired rows left after ${requests} new sessions`);
    return `${stale} expired rows swept by ${requests} new sessions; ${await sessionRows(
      backend,
    )} rows now`;
  });
}

/** The newest code mailed to `email`, from the instance's /dev/mailbox page. */
async function mailedCode(instance, email) {
  const page = await request(`${instance.url}/dev/mailbox`);
  assert(page.status === 200, `GET /dev/mailbox on ${instance.name}: ${page.status}`);
  const at = page.body.indexOf(email);
  assert(at >= 0, `no mail to ${email} in /dev/mailbox`);
  const pre = page.body.slice(at).match(/<pre[^>]*>([\s\S]*?)<\/pre>/)?.[1] ?? '';
  const code = textOf(pre).match(/(?<!\d)\d{6}(?!\d)/)?.[0];
  assert(code, `no 6-digit code in the newest mail to ${email}`);
  return remember('emailed code', code);
}
