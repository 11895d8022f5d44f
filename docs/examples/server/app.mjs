// The otpkit reference server: register, turn on two-factor with a QR code, sign in with a password
// then a code from the app, an emailed code or a recovery code, and change it all in settings.
// Every piece of second-factor state (enrolment, attempts and locks, used codes, recovery codes,
// emailed codes) goes through otpkit/twofactor's createTwoFactor; this file keeps the users, their
// passwords and the sessions, and the pages. Read it next to docs/guide.md ("The reference server");
// the comments marked "guide:" name its sections.
import { createServer } from 'node:http';
import { encodeQR, qrToSVG } from 'otpkit/qr';
import { createTwoFactor } from 'otpkit/twofactor';
import { memoryStorage, startOfDay } from './database.mjs';
import { codeField, field, form, markup, page, raw, STYLE_HASH } from './html.mjs';
import { createMailer, isMailAddress } from './mail.mjs';
import { hashPassword, needsRehash, normalisePassword, verifyPassword } from './passwords.mjs';
import { createSessions, randomToken } from './sessions.mjs';

export const ISSUER = 'otpkit example';
/**
 * How long an emailed code works (and the half-signed-in step between password and code with it),
 * how often one can be asked for, and how many a day (UTC) per account: otpkit limits none of them.
 */
const EMAIL_CODE_TTL_MS = 10 * 60_000;
const EMAIL_CODE_INTERVAL_MS = 30_000;
const EMAIL_CODES_PER_DAY = 10;
/** How often startServer sweeps expired sessions, and how many at most each time. */
const SWEEP_EVERY_MS = 60_000;
const SWEEP_LIMIT = 1_000;
/** In bytes: a password of 1,024 four-byte characters is 12,288 once form-encoded (%F0%9F...). */
const MAX_BODY = 16 * 1024;

// guide: "Registration". ASCII only, so that no name mixes scripts (a Cyrillic 'е' among Latin
// letters); names can still look alike (Bill, BiII, bi1l). Compared in lower case: names that
// differ only in case are the same name ('Erin2' and 'erin2').
const USERNAME = /^[A-Za-z0-9._-]{3,32}$/;
const USERNAME_RULE = '3 to 32 characters: letters A to Z, digits, dot (.), hyphen (-) ' +
  'and underscore (_). Upper and lower case are the same name.';
const usernameKey = (name) => name.toLowerCase();
// The mailer's own check (a plain ASCII address: nothing that could reach an SMTP command), so that
// every account can be sent its codes, and a dot after the @, to catch 'name@gmail'. A real app also
// confirms the address by sending it a code (issueCode with purpose 'verify-email').
const emailAccepted = (email) => isMailAddress(email) && /@.*\./.test(email);

/**
 * The messages a redirect can name with `?m=`: a fixed table, so nothing the user typed travels in
 * a URL and no page shows text that came from one. `ok` ones are shown in green.
 */
const MESSAGES = {
  'bad-username': { text: `A user name is ${USERNAME_RULE}` },
  'name-taken': {
    text: 'That user name is taken (upper and lower case count as the same name). Choose another.',
  },
  'bad-email': {
    text: 'Enter your email address, like name@example.com: sign-in codes are sent there. ' +
      'This server cannot send to an address with letters other than A to Z.',
  },
  'bad-password': { text: 'Choose a password of 8 to 1,024 characters.' },
  'wrong-password': { text: 'Wrong user name or password. Check both and try again.' },
  'start-again': { text: 'Your sign-in timed out. Enter your user name and password again.' },
  empty: { text: 'Enter a code first.' },
  invalid: {
    text: 'That code is not right, or it was already used. Enter the code your app shows now ' +
      '(after signing in with a code, wait for the next one).',
  },
  'enrol-invalid': {
    text: 'That code is not right. Check that the time on your phone is set automatically, then ' +
      'enter the code the app shows now.',
  },
  'enrol-expired': {
    text:
      'That setup expired, or was opened in another window. Scan this new QR code (remove the ' +
      'old entry from your app) and enter its code.',
  },
  expired: { text: 'That emailed code has expired. Ask for a new one below.' },
  locked: { text: 'Too many wrong codes. Wait a few minutes, then try again.' },
  'not-enrolled': { text: 'Two-factor authentication is off for this account.' },
  'code-sent': {
    ok: true,
    text: 'We sent a 6-digit code to your email address: enter it in the code field below. ' +
      'It works once.',
  },
  'code-wait': {
    text: 'A code was sent a moment ago. Check your mail (and its spam folder), or ask again soon.',
  },
  'code-cap': {
    text: `We send at most ${EMAIL_CODES_PER_DAY} codes a day to one account, and that is done ` +
      'for today. Use your app or a recovery code, or try again tomorrow.',
  },
  'mail-failed': {
    text:
      'We could not send the email just now. Use your app or a recovery code, or try again later.',
  },
  '2fa-on': {
    ok: true,
    text: 'Two-factor authentication is on. Your other sessions were signed out.',
  },
  'codes-new': {
    ok: true,
    text: 'New recovery codes are made: the old ones no longer work.',
  },
  'codes-saved': {
    ok: true,
    text: 'Recovery codes saved. Each works once; make new ones here when you run low.',
  },
  '2fa-off': {
    ok: true,
    text: 'Two-factor authentication is off. Your other sessions were signed out.',
  },
  'form-expired': { text: 'That form had expired, so nothing was changed. Please try again.' },
};

/** A CryptoKey as given, or one imported (non-extractable) from 32 bytes; random bytes when absent. */
async function asKey(value, algorithm, usages) {
  if (value !== undefined && !(value instanceof Uint8Array)) return value;
  const bytes = value ?? crypto.getRandomValues(new Uint8Array(32));
  return crypto.subtle.importKey('raw', bytes, algorithm, false, usages);
}

/**
 * Creates the app: `{ handle, storage, mailer, sweepSessions }`, `handle` being the node:http
 * request listener. Options (all optional):
 * - `storage`: from openStorage (database.mjs); default a fresh in-memory storage
 * - `sealingKey`, `pepper`: 32 bytes or CryptoKeys (AES-GCM; HMAC SHA-256); default random per
 *   process. Every instance sharing a database needs the same two: keep them outside the database.
 * - `now`: the clock, () => Unix ms, read everywhere (tests move it); default Date.now
 * - `log`: (line) => void; default console.log. No line holds a secret, a code or a key URI.
 * - `mailer`: from mail.mjs (createMailer); default its development mailbox
 * - `devMailbox`: serve GET /dev/mailbox (the mail "sent"); default false, and then it is a 404
 * - `secureCookies`: Secure and the `__Host-` prefix, behind HTTPS; default false (plain loopback)
 * - `emailCodeTtlMs` (10 minutes; the half-signed-in step lasts as long), `emailCodeIntervalMs`
 *   (30 s), `emailCodesPerDay` (10 per account, UTC days): emailed codes
 */
export function createApp(options = {}) {
  const storage = options.storage ?? memoryStorage();
  const { users } = storage;
  const now = options.now ?? Date.now;
  const log = options.log ?? ((line) => console.log(line));
  const mailer = options.mailer ?? createMailer({ log, now });
  const devMailbox = options.devMailbox ?? false;
  // Codes are offered by email only where they can arrive: real mail, or a mailbox page to read.
  const canEmail = mailer.kind === 'smtp' || devMailbox;
  const emailCodeTtlMs = options.emailCodeTtlMs ?? EMAIL_CODE_TTL_MS;
  const emailCodeIntervalMs = options.emailCodeIntervalMs ?? EMAIL_CODE_INTERVAL_MS;
  const emailCodesPerDay = options.emailCodesPerDay ?? EMAIL_CODES_PER_DAY;
  // Imported once, as non-extractable CryptoKeys.
  const sealKey = asKey(options.sealingKey, 'AES-GCM', ['encrypt', 'decrypt']);
  const pepper = asKey(options.pepper, { name: 'HMAC', hash: 'SHA-256' }, ['sign']);
  const sessions = createSessions({
    table: storage.sessions,
    now,
    sealKey,
    secureCookies: options.secureCookies ?? false,
    // A code asked for as soon as the code page opens can still be typed there.
    passwordStageMs: emailCodeTtlMs,
    log,
  });
  // guide: "The second factor". The one instance: every rule is decided by the store in one step,
  // so it holds across parallel requests and across instances sharing the database.
  const ready = Promise.all([sealKey, pepper]).then(([sealKey, pepper]) =>
    createTwoFactor({ store: storage.twoFactorStore, sealKey, pepper, issuer: ISSUER, now })
  );

  // ---- who is asking --------------------------------------------------------------------------------

  /** The user of a fully signed-in session, or null. */
  const signedIn = (ctx) => (ctx.session?.stage === 'full' ? ctx.user : null);
  /** The user of a half-signed-in session (password right, code due), or null. */
  const halfSignedIn = (ctx) => (ctx.session?.stage === 'password' ? ctx.user : null);
  /** Where a page for signed-in users sends anyone else: half signed in, back to the code step. */
  const signInFirst = (ctx) => redirect(halfSignedIn(ctx) === null ? '/login' : '/login/2fa');

  /**
   * The session of a page with a form, created now if the visitor has none (a form needs its CSRF
   * token). HEAD gets one that is never stored: it must not create anything.
   */
  async function formSession(ctx) {
    ctx.session ??= ctx.head ? sessions.unsaved() : await sessions.start(ctx.res, {}, null);
    return ctx.session;
  }

  /** The message `?m=` names, or null (own keys only: not '__proto__' or 'toString'). */
  function messageOf(ctx) {
    const key = ctx.url.searchParams.get('m');
    return key !== null && Object.hasOwn(MESSAGES, key) ? MESSAGES[key] : null;
  }

  /** While locked, the wait replaces any other message: it is what the user must know first. */
  function lockedMessage(lockedUntil) {
    if (lockedUntil === null) return null;
    const minutes = Math.max(1, Math.ceil((lockedUntil - now()) / 60_000));
    return {
      text: `Too many wrong codes for this account. Wait ${minutes} minute${
        minutes === 1 ? '' : 's'
      }, then try again. If you did not make these attempts, someone else knows your password.`,
    };
  }

  const show = (ctx, title, body, extra = {}) => ({
    status: extra.status ?? 200,
    body: page(title, body, {
      user: signedIn(ctx),
      message: extra.message === undefined ? messageOf(ctx) : extra.message,
    }),
  });

  // ---- the pages ------------------------------------------------------------------------------------

  async function home(ctx) {
    const user = signedIn(ctx);
    if (halfSignedIn(ctx) !== null) return redirect('/login/2fa');
    // A visitor's home page has no form: no session is created for it.
    if (user === null) {
      return show(
        ctx,
        'Welcome',
        markup`<p>This is the otpkit reference app: an account with a password, and a second factor
from an authenticator app.</p>
<div class="actions"><a class="button" href="/login">Sign in</a>
<a class="button secondary" href="/register">Create an account</a></div>`,
      );
    }
    const { enabled } = await (await ready).status({ userId: user.id });
    const state = enabled
      ? markup`<p>Two-factor authentication is <b>on</b>: signing in takes your password and a code.</p>`
      : markup`<p class="message">Two-factor authentication is <b>off</b>: your password alone
opens this account.</p>
<p><a class="button" href="/2fa/enrol">Turn on two-factor authentication</a></p>`;
    return show(
      ctx,
      `Hello, ${user.username}`,
      markup`${state}
<div class="actions"><a class="button secondary" href="/settings">Settings</a>${
        form('/logout', ctx.session.csrf, '', 'Sign out', { style: 'secondary', inline: true })
      }</div>`,
    );
  }

  async function registerPage(ctx) {
    const session = await formSession(ctx);
    return show(
      ctx,
      'Create an account',
      markup`${
        form('/register', session.csrf, [
          field('username', 'User name', {
            hint: USERNAME_RULE,
            autocomplete: 'username',
            autocapitalize: 'none',
            spellcheck: 'false',
            maxlength: 32,
            required: true,
            autofocus: true,
          }),
          field('email', 'Email address', {
            type: 'email',
            hint: 'Required: we send sign-in codes here when your phone is not at hand.',
            autocomplete: 'email',
            maxlength: 254,
            required: true,
          }),
          field('password', 'Password', {
            type: 'password',
            hint: '8 characters or more; any characters, spaces included.',
            autocomplete: 'new-password',
            minlength: 8,
            required: true,
          }),
        ], 'Create account')
      }
<p>Already registered? <a href="/login">Sign in</a>.</p>`,
    );
  }

  async function loginPage(ctx) {
    const session = await formSession(ctx);
    return show(
      ctx,
      'Sign in',
      markup`${
        form('/login', session.csrf, [
          field('username', 'User name', {
            autocomplete: 'username',
            autocapitalize: 'none',
            spellcheck: 'false',
            required: true,
            autofocus: true,
          }),
          field('password', 'Password', {
            type: 'password',
            autocomplete: 'current-password',
            required: true,
          }),
        ], 'Next')
      }
<p>No account yet? <a href="/register">Create one</a>.</p>`,
    );
  }

  // guide: "Login". The page names the account, so that someone who typed another user's name
  // notices, and "Use another account" ends this half-signed-in session.
  async function secondFactorPage(ctx) {
    const user = halfSignedIn(ctx);
    if (user === null) return redirect('/login?m=start-again');
    const { csrf } = ctx.session;
    const { lockedUntil } = await (await ready).status({ userId: user.id });
    return show(
      ctx,
      'Enter your code',
      markup`<div class="actions"><span>Signing in as <b>${user.username}</b>.</span>${
        form('/login/cancel', csrf, '', 'Use another account', { style: 'secondary', inline: true })
      }</div>
${
        form(
          '/login/2fa',
          csrf,
          codeField('Code from your authenticator app', {
            autofocus: true,
            hint: '6 digits. A code we emailed you goes here too.',
          }),
          'Sign in',
        )
      }
${canEmail ? emailOffer(csrf) : ''}
<details><summary>Lost your phone? Use a recovery code</summary>
${
        form(
          '/login/2fa',
          csrf,
          codeField('Recovery code', {
            id: 'recovery',
            numeric: false,
            hint: 'One of the codes you saved, like abcd-efgh-jkmn-pqrs. Each works once.',
          }),
          'Sign in with a recovery code',
        )
      }
</details>`,
      { message: lockedMessage(lockedUntil) ?? messageOf(ctx) },
    );
  }

  const emailOffer = (csrf) =>
    markup`<h2>Phone not at hand?</h2>
<p class="muted">We can email a 6-digit code to the address you registered with.</p>
${form('/login/email-code', csrf, '', 'Email me a code instead', { style: 'secondary' })}`;

  // guide: "Enrolment". Bound to this session's id: a reload shows the same key; another session
  // (an intruder who has only the password, say) gets another key, and opening the page here makes
  // theirs void. The URI and the QR code are the secret: the page is no-store (every page is).
  async function enrolPage(ctx) {
    const user = signedIn(ctx);
    if (user === null) return signInFirst(ctx);
    const twoFactor = await ready;
    if ((await twoFactor.status({ userId: user.id })).enabled) return redirect('/settings');
    // HEAD changes nothing: beginEnrolment would void the key another session is being shown. The
    // page's length is known only once it is made, so HEAD gets the headers without it.
    if (ctx.head) return { status: 200, body: null };
    const { uri, secret, expiresAt } = await twoFactor.beginEnrolment({
      userId: user.id,
      account: user.username,
      binding: ctx.session.id,
    });
    const grouped = secret.match(/.{1,4}/g).join(' ');
    const confirm = form(
      '/2fa/enrol',
      ctx.session.csrf,
      codeField('6-digit code', { autofocus: true }),
      'Turn on two-factor authentication',
    );
    return show(
      ctx,
      'Turn on two-factor authentication',
      markup`<p>Each time you sign in, you will enter a code from an authenticator app on your
phone (Google Authenticator, Microsoft Authenticator, 1Password, Aegis, ...) after your password.</p>
<h2>1. Scan this QR code with the app</h2>
<div class="qr">${qrFor(uri)}</div>
<p>Cannot scan it? Add the key by hand: <code class="key">${grouped}</code><br>
<span class="muted">Time-based, 6 digits, every 30 seconds.</span>
On this phone: <a href="${uri}">open it in the app</a>.</p>
<h2>2. Enter the code the app shows</h2>
${confirm}
<p class="muted">Not now? <a href="/">Skip for now</a>: you can turn it on later in Settings.
This setup stays valid for ${duration(expiresAt - now())}.</p>`,
    );
  }

  // guide: "Recovery codes". Held (sealed) in this session from the POST that made them until the
  // user says they saved them: a refresh shows them again, nothing else ever does.
  async function recoveryCodesPage(ctx) {
    const user = signedIn(ctx);
    if (user === null) return signInFirst(ctx);
    const codes = await sessions.heldCodes(ctx.session);
    if (codes === null) return redirect('/settings');
    return show(
      ctx,
      'Save your recovery codes',
      markup`<p>If you lose your phone, each of these codes lets you sign in <b>once</b> instead
of a code from the app. Save them now, somewhere other than your phone (a password manager, or
printed): they are shown here until you choose "I have saved them", and never again after that.</p>
<ul class="codes">${codes.map((code) => markup`<li>${code}</li>`)}</ul>
<p><a class="button secondary" href="/recovery-codes.txt">Download as a text file</a></p>
${form('/recovery-codes/saved', ctx.session.csrf, '', 'I have saved them')}`,
    );
  }

  async function recoveryCodesFile(ctx) {
    const user = signedIn(ctx);
    const codes = user === null ? null : await sessions.heldCodes(ctx.session);
    if (codes === null) return notFound();
    return {
      status: 200,
      body: `Recovery codes for ${user.username} at ${ISSUER}\n` +
        'Each code works once, instead of a code from your authenticator app.\n\n' +
        `${codes.join('\n')}\n`,
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Disposition': 'attachment; filename="otpkit-example-recovery-codes.txt"',
      },
    };
  }

  async function settingsPage(ctx) {
    const user = signedIn(ctx);
    if (user === null) return signInFirst(ctx);
    const { csrf } = ctx.session;
    const status = await (await ready).status({ userId: user.id });
    const twoFactorPart = status.enabled
      ? markup`<p>Two-factor authentication is <b>on</b>. Recovery codes left: <b>${status.recoveryCodesLeft}</b> of 10${
        status.recoveryCodesLeft <= 3 ? ': make new ones soon.' : '.'
      }</p>
<h2>New recovery codes</h2>
<p>Replaces all your recovery codes. Enter a code from your app that you have not used yet.</p>
${
        form(
          '/settings/recovery-codes',
          csrf,
          codeField(undefined, { autofocus: true }),
          'Make new recovery codes',
        )
      }
<h2>Turn off two-factor authentication</h2>
<p>Your password alone will then open this account, and your other sessions are signed out.
Lost your phone? A recovery code works here.</p>
${
        form(
          '/settings/disable-2fa',
          csrf,
          codeField('A code from your app, or a recovery code', { id: 'code-off', numeric: false }),
          'Turn off two-factor authentication',
          { style: 'danger' },
        )
      }`
      : markup`<p>Two-factor authentication is <b>off</b>.</p>
<p><a class="button" href="/2fa/enrol">Turn on two-factor authentication</a></p>`;
    return show(
      ctx,
      'Settings',
      markup`${twoFactorPart}
<h2>Account</h2>
<p>User name: <b>${user.username}</b><br>Email: <b>${user.email}</b></p>
${form('/logout', csrf, '', 'Sign out', { style: 'secondary' })}`,
      { message: lockedMessage(status.lockedUntil) ?? messageOf(ctx) },
    );
  }

  function mailboxPage(ctx) {
    if (!devMailbox) return notFound();
    const messages = mailer.messages(); // newest first
    const list = messages.map((m) =>
      markup`<h2>${m.subject}</h2>
<p class="muted">To ${m.to}, ${new Date(m.sentAt).toISOString()}</p>
<pre>${m.text}</pre>`
    );
    const content = mailer.kind === 'smtp'
      ? markup`<p>Mail goes out through SMTP: none is kept here.</p>`
      : messages.length === 0
      ? markup`<p>No mail yet.</p>`
      : list;
    return show(
      ctx,
      'Development mailbox',
      markup`<p class="muted">The mail this server sent, newest first. This page exists only
because the server was started with --dev-mailbox: never do that in production.</p>
${content}`,
      { message: null },
    );
  }

  // ---- the forms ------------------------------------------------------------------------------------

  async function register(ctx) {
    const username = String(ctx.form.get('username') ?? '').trim();
    const email = String(ctx.form.get('email') ?? '').trim();
    const password = String(ctx.form.get('password') ?? '');
    if (!USERNAME.test(username)) return redirect('/register?m=bad-username');
    if (!emailAccepted(email)) return redirect('/register?m=bad-email');
    const length = [...normalisePassword(password)].length;
    if (length < 8 || length > 1024) return redirect('/register?m=bad-password');
    const id = randomToken().slice(0, 22); // 128 random bits
    const created = await users.create({
      id,
      username,
      usernameKey: usernameKey(username),
      email,
      passwordHash: await hashPassword(password),
      createdAt: now(),
    });
    if (!created) return redirect('/register?m=name-taken');
    log(`registered user=${id}`);
    await sessions.start(ctx.res, { userId: id, stage: 'full' }, ctx.session);
    return redirect('/2fa/enrol'); // which says "not now" is fine
  }

  // guide: "Login". With two-factor on, the password opens only the code step: a new,
  // half-signed-in session that grants nothing else.
  async function login(ctx) {
    const name = String(ctx.form.get('username') ?? '').trim();
    const password = String(ctx.form.get('password') ?? '');
    const user = USERNAME.test(name) ? await users.byName(usernameKey(name)) : null;
    // An unknown name still costs one PBKDF2 (verifyPassword with null), like a wrong password.
    if (!(await verifyPassword(password, user?.passwordHash ?? null))) {
      // The account's id, never the name typed (it may be a password typed in the wrong field).
      log(`login refused user=${user?.id ?? 'unknown'} reason=wrong-password`);
      return redirect('/login?m=wrong-password');
    }
    // Stored with fewer iterations than new hashes get (PBKDF2_ITERATIONS was raised since): hash
    // it again, now that the password is at hand.
    if (needsRehash(user.passwordHash)) {
      await users.setPasswordHash(user.id, await hashPassword(password));
      log(`password rehashed user=${user.id}`);
    }
    const { enabled } = await (await ready).status({ userId: user.id });
    if (user.twoFactor && !enabled) {
      // The users table says on, the second-factor store has nothing: it lost data. Never treat that
      // as "off" (the password alone would then open the account).
      throw Object.assign(new Error('second-factor state missing'), { code: 'STATE_MISSING' });
    }
    const stage = enabled ? 'password' : 'full';
    await sessions.start(ctx.res, { userId: user.id, stage }, ctx.session);
    return redirect(enabled ? '/login/2fa' : '/');
  }

  async function submitCode(ctx) {
    const user = halfSignedIn(ctx);
    if (user === null) return redirect('/login?m=start-again');
    const token = typed(ctx.form);
    if (token === '') return redirect('/login/2fa?m=empty');
    // All three methods: a code from the app, the emailed code (purpose 'login'), a recovery code.
    // The attempt is counted before it is checked, per account, in the store.
    const result = await (await ready).verify({ userId: user.id, token, purpose: 'login' });
    if (!result.ok) {
      log(`2fa login refused user=${user.id} reason=${result.reason}`);
      if (result.reason === 'not-enrolled') return redirect('/login?m=start-again');
      return redirect(`/login/2fa?m=${result.reason}`);
    }
    log(`2fa login ok user=${user.id} method=${result.method}`);
    await sessions.start(ctx.res, { userId: user.id, stage: 'full' }, ctx.session);
    return redirect('/');
  }

  // guide: "Emailed codes". issueCode stores only a keyed hash; the code itself goes into the mail
  // and nowhere else (not into a log line, not into the session).
  async function emailCode(ctx) {
    const user = halfSignedIn(ctx);
    if (user === null) return redirect('/login?m=start-again');
    if (!canEmail) return redirect('/login/2fa?m=mail-failed');
    const twoFactor = await ready;
    // While the account is locked a code could not be used, and the wait is what to show.
    if ((await twoFactor.status({ userId: user.id })).lockedUntil !== null) {
      return redirect('/login/2fa?m=locked');
    }
    // One mail per interval and emailCodesPerDay a day per account, decided by one conditional
    // UPDATE, across instances.
    if (!(await users.claimCodeSend(user.id, now(), emailCodeIntervalMs, emailCodesPerDay))) {
      const sentToday = user.codeSentAt >= startOfDay(now()) ? user.codeSends : 0;
      return redirect(`/login/2fa?m=${sentToday >= emailCodesPerDay ? 'code-cap' : 'code-wait'}`);
    }
    const { code } = await twoFactor.issueCode({
      userId: user.id,
      purpose: 'login',
      ttlMs: emailCodeTtlMs,
    });
    try {
      await mailer.send({
        to: user.email,
        subject: `Your ${ISSUER} sign-in code`,
        text: `Your sign-in code for ${ISSUER} is ${code}\n\n` +
          `It works once, within ${duration(emailCodeTtlMs)}. ` +
          'If you did not try to sign in, someone else knows your password: ignore this code.\n',
      });
    } catch (error) {
      log(`mail failed user=${user.id}: ${error?.code ?? error?.name}`); // a code, never a reply
      return redirect('/login/2fa?m=mail-failed');
    }
    log(`login code emailed user=${user.id}`);
    return redirect('/login/2fa?m=code-sent');
  }

  async function cancelLogin(ctx) {
    await sessions.end(ctx.res, ctx.session);
    return redirect('/login');
  }

  // guide: "Enrolment". On success: the users table records it, every other session of the user
  // ends (one opened with the password alone must not survive), this one is replaced, and the new
  // recovery codes are held for the next page.
  async function confirmEnrolment(ctx) {
    const user = signedIn(ctx);
    if (user === null) return signInFirst(ctx);
    const twoFactor = await ready;
    if ((await twoFactor.status({ userId: user.id })).enabled) return redirect('/settings');
    const token = typed(ctx.form);
    if (token === '') return redirect('/2fa/enrol?m=empty');
    const result = await twoFactor.confirmEnrolment({
      userId: user.id,
      binding: ctx.session.id,
      token,
    });
    if (!result.ok) {
      const m = { invalid: 'enrol-invalid', expired: 'enrol-expired' }[result.reason] ?? 'locked';
      return redirect(`/2fa/enrol?m=${m}`);
    }
    await users.setTwoFactor(user.id, true);
    const ended = await storage.sessions.deleteOthersOf(user.id, ctx.session.id);
    await sessions.start(
      ctx.res,
      { userId: user.id, stage: 'full', recoveryCodes: result.recoveryCodes },
      ctx.session,
    );
    log(`2fa on user=${user.id} other-sessions-ended=${ended}`);
    return redirect('/recovery-codes?m=2fa-on');
  }

  async function codesSaved(ctx) {
    if (signedIn(ctx) === null) return signInFirst(ctx);
    await sessions.holdCodes(ctx.session, null);
    return redirect('/settings?m=codes-saved');
  }

  // guide: "Settings". Both need a fresh code (a code already used to sign in is refused), so a
  // stolen session cookie alone cannot weaken the account. New recovery codes take a code from the
  // app only (methods: ['totp']): a recovery code must not buy ten new ones. Turning off also takes
  // a recovery code, so that someone who lost their phone and signed in with one can turn it off.
  async function freshCode(ctx, user, methods) {
    const token = typed(ctx.form);
    if (token === '') return { ok: false, reason: 'empty' };
    return (await ready).verify({ userId: user.id, token, methods });
  }

  async function newRecoveryCodes(ctx) {
    const user = signedIn(ctx);
    if (user === null) return signInFirst(ctx);
    const check = await freshCode(ctx, user, ['totp']);
    if (!check.ok) return redirect(`/settings?m=${check.reason}`);
    const codes = await (await ready).regenerateRecoveryCodes({ userId: user.id });
    await sessions.holdCodes(ctx.session, codes);
    log(`recovery codes replaced user=${user.id}`);
    return redirect('/recovery-codes?m=codes-new');
  }

  async function turnOff(ctx) {
    const user = signedIn(ctx);
    if (user === null) return signInFirst(ctx);
    const check = await freshCode(ctx, user, ['totp', 'recovery']);
    if (!check.ok) return redirect(`/settings?m=${check.reason}`);
    // The app's flag first. Should disable then fail, the store still asks for a code at login (and
    // turning off again finishes it); the other order would leave a flag saying on over a store
    // saying off, and every login would fail (STATE_MISSING) until someone repaired the row.
    await users.setTwoFactor(user.id, false);
    await (await ready).disable({ userId: user.id });
    const ended = await storage.sessions.deleteOthersOf(user.id, ctx.session.id);
    await sessions.start(ctx.res, { userId: user.id, stage: 'full' }, ctx.session);
    log(`2fa off user=${user.id} other-sessions-ended=${ended}`);
    return redirect('/settings?m=2fa-off');
  }

  async function logout(ctx) {
    await sessions.end(ctx.res, ctx.session);
    return redirect('/');
  }

  // ---- routing --------------------------------------------------------------------------------------
  // The route table of README.md. Every POST redirects (Post/Redirect/Get); `from` is the page of its
  // form, where a POST with a stale or missing CSRF token is sent back to.

  const GET = {
    '/': home,
    '/register': registerPage,
    '/login': loginPage,
    '/login/2fa': secondFactorPage,
    '/2fa/enrol': enrolPage,
    '/recovery-codes': recoveryCodesPage,
    '/recovery-codes.txt': recoveryCodesFile,
    '/settings': settingsPage,
    '/dev/mailbox': mailboxPage,
  };
  const POST = {
    '/register': { from: '/register', run: register },
    '/login': { from: '/login', run: login },
    '/login/2fa': { from: '/login/2fa', run: submitCode },
    '/login/email-code': { from: '/login/2fa', run: emailCode },
    '/login/cancel': { from: '/login/2fa', run: cancelLogin },
    '/2fa/enrol': { from: '/2fa/enrol', run: confirmEnrolment },
    '/recovery-codes/saved': { from: '/recovery-codes', run: codesSaved },
    '/settings/recovery-codes': { from: '/settings', run: newRecoveryCodes },
    '/settings/disable-2fa': { from: '/settings', run: turnOff },
    '/logout': { from: '/', run: logout },
  };

  async function route(ctx) {
    const { pathname } = ctx.url;
    const method = ctx.head ? 'GET' : ctx.req.method;
    if (method === 'GET' && Object.hasOwn(GET, pathname)) return GET[pathname](ctx);
    if (method === 'POST' && Object.hasOwn(POST, pathname)) {
      const { from, run } = POST[pathname];
      ctx.form = await readForm(ctx.req);
      // No session or a wrong token: nothing happens (a cross-site form, or one left open too long).
      if (ctx.session === null || !sessions.csrfValid(ctx.session, ctx.form)) {
        return redirect(`${from}?m=form-expired`);
      }
      return run(ctx);
    }
    const allowed = [
      ...(Object.hasOwn(GET, pathname) ? ['GET', 'HEAD'] : []),
      ...(Object.hasOwn(POST, pathname) ? ['POST'] : []),
    ];
    if (allowed.length > 0) {
      return {
        status: 405,
        body: page('Method not allowed', markup`<p>This address does not take that method.</p>`),
        headers: { Allow: allowed.join(', ') },
      };
    }
    return notFound();
  }

  /** The node:http request listener. */
  async function handle(req, res) {
    const head = req.method === 'HEAD';
    let reply;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const session = await sessions.load(req);
      const user = session?.userId ? await users.byId(session.userId) : null;
      reply = await route({ req, res, url, head, session, user, form: null });
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        reply = { status: 413, body: page('Too large', markup`<p>That form was too large.</p>`) };
      } else {
        // The code or name only: a message may hold user input, which never goes to a log.
        log(`error: ${error?.code ?? error?.name ?? 'unknown'}`);
        reply = {
          status: 500,
          body: page(
            'Something went wrong',
            markup`<p>Something went wrong on our side. Try again in a moment.</p>`,
          ),
        };
      }
    }
    send(res, reply);
  }

  /** Deletes up to SWEEP_LIMIT expired sessions (startServer calls it every minute). */
  const sweepSessions = () => sessions.sweep(SWEEP_LIMIT);

  return { handle, storage, mailer, sweepSessions };
}

/**
 * Starts the server. `port` 0 picks a free port; `host` defaults to loopback only. Resolves to
 * `{ url, port, app, close }`; rejects with the listen error (`code` 'EADDRINUSE' for a port in use).
 * `close` stops the server; the storage stays open (its opener closes it).
 */
export async function startServer({ port = 3000, host = '127.0.0.1', ...options } = {}) {
  const app = createApp(options);
  const server = createServer((req, res) => void app.handle(req, res));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Sessions are also swept on every write (sessions.mjs); this catches a quiet server up.
  const sweeper = setInterval(() => void app.sweepSessions(), SWEEP_EVERY_MS);
  sweeper.unref();
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    app,
    close: () =>
      new Promise((resolve) => {
        clearInterval(sweeper);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---- plumbing --------------------------------------------------------------------------------------

class BodyTooLarge extends Error {}

async function readForm(req) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** A time in words, in whole minutes rounded down from one ("30 seconds", "1 minute", "15 minutes"). */
function duration(ms) {
  const seconds = Math.round(ms / 1000); // a few ms spent making the page do not count
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/** The typed code without spaces (apps show "123 456"; recovery codes may be typed in groups). */
const typed = (formData) => String(formData.get('code') ?? '').replace(/\s+/g, '');

// The QR code of the otpauth URI, drawn here by otpkit/qr: the secret never goes to a chart
// service. 20rem (320 px) wide on a desktop, the page width on a phone (html.mjs).
function qrFor(uri) {
  return raw(
    qrToSVG(encodeQR(uri), { margin: 4 }).replace(
      '<svg ',
      '<svg role="img" aria-label="QR code of your two-factor key" ',
    ),
  );
}

const redirect = (location) => ({ status: 303, body: '', headers: { Location: location } });

function notFound() {
  return {
    status: 404,
    body: page(
      'Page not found',
      markup`<p>There is nothing here. <a href="/">Go to the start page</a>.</p>`,
    ),
  };
}

/** Sends a reply; `body` null is a HEAD whose page was not made, sent without Content-Length. */
function send(res, { status, body, headers = {} }) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  // Every answer: the enrolment page holds the secret, the recovery pages the codes, and the others
  // are personal. no-store keeps all of them out of browser and proxy caches (and the back button).
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader(
    'Content-Security-Policy',
    `default-src 'none'; style-src ${STYLE_HASH}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  );
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  // HEAD: the same headers (Content-Length included); node:http sends no body for HEAD.
  if (body !== null) res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body ?? '');
}
