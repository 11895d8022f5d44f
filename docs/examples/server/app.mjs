// The otpkit reference server: a whole two-factor login flow on node:http with plain HTML forms,
// using only otpkit and the Node standard library. Read it next to docs/guide.md, which walks
// through each step; the comments marked "guide:" name the section.
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import {
  buildKeyURI,
  findRecoveryCode,
  generateRecoveryCodes,
  generateSecret,
  hashRecoveryCode,
  openSecret,
  openSecretKey,
  sealSecret,
  verifyTOTP,
} from 'otpkit';
import { encodeQR, qrToSVG } from 'otpkit/qr';
import { codeInput, form, html, input, page, raw } from './html.mjs';
import { hashPassword, verifyPassword } from './passwords.mjs';
import { createMemoryStore, randomId } from './store.mjs';

export const ISSUER = 'otpkit example';
/** Failed second-factor attempts, per account, before the 2FA step locks (RFC 4226 §7.3). */
export const MAX_FAILURES = 5;
/** The lock after the A-th failure (A >= 5) lasts (A - 4) times this: 1 min, 2 min, 3 min, ... */
export const LOCK_STEP_MS = 60_000;
const PASSWORD_STAGE_MS = 5 * 60_000; // time allowed between the password and the code
const SESSION_MS = 12 * 60 * 60_000;
const MAX_BODY = 8 * 1024;

/**
 * Creates the request handler. Options:
 * - `store`: a Store (store.mjs); default a new in-memory one
 * - `sealingKey`: 32 bytes or an AES-256-GCM CryptoKey for sealSecret; default a random key for this process
 * - `pepper`: 32 bytes or an HMAC-SHA-256 CryptoKey that keys the recovery-code hashes; default a random key
 *   for this process. Keep both outside the database (an environment secret, a key service).
 * - `now`: the clock, () => Unix ms; default Date.now (tests inject their own)
 * - `secureCookies`: add `Secure` and the `__Host-` prefix (behind HTTPS); default false (plain http on loopback)
 * - `log`: (line) => void; default console.log. Lines never hold a secret, a code or a URI.
 */
/** A CryptoKey as given, or one imported (non-extractable) from 32 bytes; random bytes when absent. */
async function asKey(value, algorithm, usages) {
  if (value !== undefined && !(value instanceof Uint8Array)) return value;
  const bytes = value ?? crypto.getRandomValues(new Uint8Array(32));
  return crypto.subtle.importKey('raw', bytes, algorithm, false, usages);
}

export function createApp(options = {}) {
  const store = options.store ?? createMemoryStore();
  // Imported once as non-extractable CryptoKeys: openSecretKey caches the keys it opens per sealing-key object.
  const sealingKey = asKey(options.sealingKey, 'AES-GCM', ['encrypt', 'decrypt']);
  const pepper = asKey(options.pepper, { name: 'HMAC', hash: 'SHA-256' }, ['sign']);
  const now = options.now ?? Date.now;
  const secureCookies = options.secureCookies ?? false;
  const log = options.log ?? ((line) => console.log(line));
  const cookieName = secureCookies ? '__Host-sid' : 'sid';

  // guide: "Sealing secrets at rest". The user id is the context: a sealed secret copied into another
  // user's row does not open there. openSecretKey gives a non-extractable HMAC key: the plain secret
  // exists only inside that call.
  const sealFor = async (user, secret) =>
    sealSecret({ secret, key: await sealingKey, context: `user:${user.id}` });
  // The enrolment page alone needs the secret's text (the key URI, the key typed by hand).
  const openFor = async (user, sealed) =>
    openSecret({ sealed, key: await sealingKey, context: `user:${user.id}` });
  const openKeyFor = async (user, sealed) =>
    openSecretKey({ sealed, key: await sealingKey, context: `user:${user.id}` });
  // guide: "Recovery codes". Keyed hashes bound to the user: a database dump alone cannot test guesses.
  const hashCodesFor = async (user, codes) => {
    const key = await pepper;
    return Promise.all(codes.map((code) => hashRecoveryCode(code, { key, context: user.id })));
  };

  // ---- sessions: random ids in HttpOnly, SameSite=Strict cookies; a CSRF token per session -------------

  async function loadSession(req) {
    const id = parseCookies(req.headers.cookie)[cookieName];
    if (!id) return null;
    const session = await store.getSession(id);
    if (session === null) return null;
    if (session.expiresAt <= now()) {
      await store.deleteSession(id);
      return null;
    }
    return session;
  }

  /** A new session with a new id and CSRF token, replacing `old` (no session fixation across logins). */
  async function startSession(res, old, userId, stage) {
    if (old) await store.deleteSession(old.id);
    const session = {
      id: randomId(32),
      csrf: randomId(32),
      userId,
      stage,
      expiresAt: now() + (stage === 'password' ? PASSWORD_STAGE_MS : SESSION_MS),
    };
    await store.putSession(session);
    res.setHeader(
      'Set-Cookie',
      `${cookieName}=${session.id}; Path=/; HttpOnly; SameSite=Strict${
        secureCookies ? '; Secure' : ''
      }`,
    );
    return session;
  }

  function csrfValid(session, body) {
    const sent = Buffer.from(String(body.get('csrf') ?? ''));
    const expected = Buffer.from(session.csrf);
    return sent.length === expected.length && timingSafeEqual(sent, expected);
  }

  // ---- the second factor: one place for login, recovery-code regeneration and turning 2FA off ----------

  /**
   * Checks a TOTP code (or, where allowed, a recovery code) for `user`. guide: "Verifying a code",
   * "Replay", "Recovery codes", "Throttling".
   */
  async function checkSecondFactor(user, body, { allowRecovery }) {
    const time = now();
    if (user.lockedUntil > time) return locked(user.lockedUntil - time);
    const code = String(body.get('code') ?? '').replace(/\s+/g, '');
    const recovery = allowRecovery ? String(body.get('recovery') ?? '') : '';
    if (code === '' && recovery.trim() === '') {
      return { ok: false, status: 400, message: 'Enter a code.' };
    }

    let ok = false;
    if (code !== '') {
      // The plain secret exists only inside openSecretKey (RFC 4226 §7.5: decrypt at verification time).
      const secret = await openKeyFor(user, user.totpSecret);
      const match = await verifyTOTP({ secret, token: code, time, afterStep: user.lastStep });
      // afterStep refuses a code already used; the compare-and-set refuses the same code arriving
      // twice at once, when both requests read the same lastStep.
      ok = match !== null && (await store.advanceLastStep(user.id, match.step));
    } else {
      const index = await findRecoveryCode({
        code: recovery,
        hashes: user.recoveryHashes,
        key: await pepper,
        context: user.id,
      });
      // Deleting the hash is the compare-and-set here: only one request can delete it.
      ok = index >= 0 && (await store.consumeRecoveryHash(user.id, user.recoveryHashes[index]));
    }
    if (ok) {
      await store.clearFailures(user.id);
      return { ok: true, via: code !== '' ? 'code' : 'recovery' };
    }
    // Counted per account, not per session, so parallel sessions do not multiply the guesses.
    const failures = await store.recordFailure(user.id);
    log(`2fa failure for user ${user.id} (${failures} in a row)`);
    if (failures >= MAX_FAILURES) {
      const delay = LOCK_STEP_MS * (failures - MAX_FAILURES + 1);
      await store.lockUntil(user.id, time + delay);
      return locked(delay);
    }
    return { ok: false, status: 401, message: 'That code is wrong or was already used.' };
  }

  function locked(remainingMs) {
    const seconds = Math.ceil(remainingMs / 1000);
    return {
      ok: false,
      status: 429,
      retryAfter: seconds,
      message: `Too many wrong codes. Try again in ${seconds} seconds.`,
    };
  }

  // ---- pages ---------------------------------------------------------------------------------------------

  const loginPage = (session, message) =>
    page(
      'Sign in',
      html`${
        form('/login', session.csrf, [
          input('username', 'User name', 'text', { autocomplete: 'username', required: true }),
          input('password', 'Password', 'password', {
            autocomplete: 'current-password',
            required: true,
          }),
        ], 'Next')
      }
<p>No account? <a href="/register">Register</a>.</p>`,
      { message },
    );

  const registerPage = (session, message) =>
    page(
      'Register',
      form('/register', session.csrf, [
        input('username', 'User name', 'text', { autocomplete: 'username', required: true }),
        input('password', 'Password (8 characters or more)', 'password', {
          autocomplete: 'new-password',
          minlength: 8,
          required: true,
        }),
      ], 'Register'),
      { message },
    );

  const secondFactorPage = (session, message) =>
    page(
      'Two-factor authentication',
      html`${form('/login/2fa', session.csrf, codeInput(), 'Sign in')}
<details><summary>Lost your phone? Use a recovery code</summary>
${
        form(
          '/login/2fa',
          session.csrf,
          input('recovery', 'Recovery code', 'text', { autocomplete: 'off', spellcheck: 'false' }),
          'Sign in with a recovery code',
        )
      }
</details>`,
      { message },
    );

  async function enrolPage(session, user, message) {
    let sealed = user.pendingSecret;
    if (sealed === null) {
      sealed = await sealFor(user, generateSecret());
      await store.setPendingSecret(user.id, sealed);
    }
    const secret = await openFor(user, sealed);
    // guide: "Enrolment". The URI and the QR code are the secret: no-store, never logged.
    const uri = buildKeyURI({ secret, account: user.username, issuer: ISSUER });
    const grouped = secret.match(/.{1,4}/g).join(' ');
    return page(
      'Turn on two-factor authentication',
      html`<p>Scan this code with your authenticator app, or enter the key by hand.</p>
<div class="qr">${qrFor(uri)}</div>
<p>Key: <code>${grouped}</code> (time-based, 6 digits, every 30 seconds)</p>
<p><a href="${uri}">Open in an authenticator app on this device</a></p>
<p>Then enter the code the app shows, to confirm it works. Two-factor authentication is on only after that.</p>
${form('/2fa/enrol', session.csrf, codeInput(), 'Confirm and turn on')}`,
      { user, message },
    );
  }

  const recoveryCodesPage = (user, codes, title) =>
    page(
      title,
      html`<p>These recovery codes let you sign in if you lose your authenticator. Each works <b>once</b>.
Store them somewhere safe now: they are shown only this time, and we keep only their hashes.</p>
<ul class="recovery">${codes.map((c) => html`<li><code>${c}</code></li>`)}</ul>
<p><a href="/">Done</a></p>`,
      { user },
    );

  async function settingsPage(session, user, message) {
    const body = user.totpSecret
      ? html`<p>Two-factor authentication is <b>on</b>. Recovery codes left: ${user.recoveryHashes.length}.</p>
<h2>New recovery codes</h2>
<p>Replaces all your recovery codes. Enter a new code from your app (one you have not used yet).</p>
${form('/settings/recovery-codes', session.csrf, codeInput(), 'Make new recovery codes')}
<h2>Turn off two-factor authentication</h2>
${form('/settings/disable-2fa', session.csrf, codeInput(), 'Turn off')}`
      : html`<p>Two-factor authentication is <b>off</b>. <a href="/2fa/enrol">Turn it on</a>.</p>`;
    return page('Settings', html`${body}${form('/logout', session.csrf, '', 'Sign out')}`, {
      user,
      message,
    });
  }

  // ---- routes ----------------------------------------------------------------------------------------

  async function route(req, res, url, session) {
    const key = `${req.method} ${url.pathname}`;
    const user = session?.userId ? await store.getUser(session.userId) : null;
    const full = session?.stage === 'full' && user !== null;

    if (req.method === 'GET') {
      if (session === null) session = await startSession(res, null, null, 'anonymous');
      switch (url.pathname) {
        case '/':
          return full
            ? ok(
              page(
                'Home',
                html`<p>You are signed in. Two-factor authentication is ${
                  user.totpSecret ? 'on' : 'off'
                }.</p>
<p><a href="/settings">Settings</a></p>${form('/logout', session.csrf, '', 'Sign out')}`,
                { user },
              ),
            )
            : ok(
              page(
                'Welcome',
                html`<p><a href="/login">Sign in</a> or <a href="/register">register</a>.</p>`,
              ),
            );
        case '/register':
          return ok(registerPage(session));
        case '/login':
          return ok(loginPage(session));
        case '/login/2fa':
          return session.stage === 'password' && user
            ? ok(secondFactorPage(session))
            : redirect('/login');
        case '/2fa/enrol':
          if (!full) return redirect('/login');
          if (user.totpSecret) return redirect('/settings');
          return ok(await enrolPage(session, user));
        case '/settings':
          return full ? ok(await settingsPage(session, user)) : redirect('/login');
        default:
          return { status: 404, body: page('Not found', '') };
      }
    }
    if (req.method !== 'POST') {
      return { status: 405, body: page('Method not allowed', ''), headers: { Allow: 'GET, POST' } };
    }

    const body = await readForm(req);
    // Every form carries the session's CSRF token; no session or a wrong token: nothing happens.
    if (session === null || !csrfValid(session, body)) {
      return {
        status: 403,
        body: page('Forbidden', 'The form expired. Go back, reload and try again.'),
      };
    }

    switch (key) {
      case 'POST /register': {
        const username = String(body.get('username') ?? '');
        const password = String(body.get('password') ?? '');
        if (!/^[A-Za-z0-9._@+-]{1,64}$/.test(username)) {
          return {
            status: 400,
            body: registerPage(session, 'User names are 1 to 64 letters, digits or ._@+-.'),
          };
        }
        if (password.length < 8 || password.length > 1024) {
          return {
            status: 400,
            body: registerPage(session, 'Passwords are 8 to 1024 characters.'),
          };
        }
        const created = await store.createUser({
          username,
          passwordHash: await hashPassword(password),
        });
        if (created === null) {
          return { status: 409, body: registerPage(session, 'That user name is taken.') };
        }
        await startSession(res, session, created.id, 'full');
        return redirect('/2fa/enrol');
      }
      case 'POST /login': {
        const found = await store.findUserByName(String(body.get('username') ?? ''));
        const good = await verifyPassword(
          String(body.get('password') ?? ''),
          found?.passwordHash ?? null,
        );
        if (!good) return { status: 401, body: loginPage(session, 'Wrong user name or password.') };
        // guide: "Two-step login". With 2FA on, the password alone opens only the code step.
        await startSession(res, session, found.id, found.totpSecret ? 'password' : 'full');
        return redirect(found.totpSecret ? '/login/2fa' : '/');
      }
      case 'POST /login/2fa': {
        if (session.stage !== 'password' || user === null || !user.totpSecret) {
          return redirect('/login');
        }
        const result = await checkSecondFactor(user, body, { allowRecovery: true });
        if (!result.ok) return refused(result, secondFactorPage(session, result.message));
        await startSession(res, session, user.id, 'full');
        if (result.via === 'recovery') log(`user ${user.id} signed in with a recovery code`);
        return redirect('/');
      }
      case 'POST /2fa/enrol': {
        if (!full) return redirect('/login');
        if (user.totpSecret || user.pendingSecret === null) return redirect('/settings');
        const secret = await openKeyFor(user, user.pendingSecret);
        const match = await verifyTOTP({
          secret,
          token: String(body.get('code') ?? '').replace(/\s+/g, ''),
          time: now(),
          afterStep: user.lastStep,
        });
        // The confirming code is used up too: it cannot sign in afterwards.
        if (match === null || !(await store.advanceLastStep(user.id, match.step))) {
          return {
            status: 401,
            body: await enrolPage(
              session,
              user,
              'That code is not right. Check the time on your phone and enter the current code.',
            ),
          };
        }
        // guide: "Recovery codes". Shown once, stored only as hashes.
        const codes = generateRecoveryCodes();
        if (!(await store.enableTwoFactor(user.id, await hashCodesFor(user, codes)))) {
          return redirect('/settings');
        }
        log(`user ${user.id} turned on 2fa`);
        return ok(recoveryCodesPage(user, codes, 'Two-factor authentication is on'));
      }
      case 'POST /settings/recovery-codes':
      case 'POST /settings/disable-2fa': {
        if (!full) return redirect('/login');
        if (!user.totpSecret) return redirect('/settings');
        // guide: "Settings". A fresh code, never used before: a stolen session alone cannot do this.
        const result = await checkSecondFactor(user, body, { allowRecovery: false });
        if (!result.ok) return refused(result, await settingsPage(session, user, result.message));
        if (key === 'POST /settings/disable-2fa') {
          await store.disableTwoFactor(user.id);
          log(`user ${user.id} turned off 2fa`);
          return redirect('/settings');
        }
        const codes = generateRecoveryCodes();
        await store.replaceRecoveryHashes(user.id, await hashCodesFor(user, codes));
        return ok(recoveryCodesPage(user, codes, 'New recovery codes'));
      }
      case 'POST /logout':
        await startSession(res, session, null, 'anonymous');
        return redirect('/');
      default:
        return { status: 404, body: page('Not found', '') };
    }
  }

  /** The node:http request listener. */
  async function handle(req, res) {
    let reply;
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      reply = await route(req, res, url, await loadSession(req));
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        reply = { status: 413, body: page('Too large', '') };
      } else {
        // The code and name only: an error may carry user input, never to be logged.
        log(`error: ${error?.code ?? error?.name ?? 'unknown'}`);
        reply = { status: 500, body: page('Something went wrong', '') };
      }
    }
    send(res, reply);
  }

  return { handle, store };
}

/**
 * Starts the server. `port` 0 picks a free port; `host` defaults to loopback only.
 * Resolves to `{ url, port, close, app }`.
 */
export async function startServer({ port = 3000, host = '127.0.0.1', ...options } = {}) {
  const app = createApp(options);
  const server = createServer((req, res) => void app.handle(req, res));
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address();
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    app,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---- plumbing --------------------------------------------------------------------------------------------

class BodyTooLarge extends Error {}

async function readForm(req) {
  let size = 0;
  const chunks = [];
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  // Reading a form body with URLSearchParams is fine; it is building URIs with it that goes wrong.
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function parseCookies(header) {
  const out = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

// Inline SVG QR code of the otpauth URI, drawn here by otpkit/qr: the secret never goes to a chart service.
function qrFor(uri) {
  return raw(
    qrToSVG(encodeQR(uri), { margin: 4 }).replace(
      '<svg ',
      '<svg width="240" height="240" role="img" aria-label="QR code of the key" ',
    ),
  );
}

const ok = (body) => ({ status: 200, body });

function redirect(location) {
  return { status: 303, body: '', headers: { Location: location } };
}

function refused(result, body) {
  return {
    status: result.status,
    body,
    headers: result.retryAfter ? { 'Retry-After': String(result.retryAfter) } : {},
  };
}

function send(res, { status, body, headers = {} }) {
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=utf-8');
  // Every page: the enrolment page holds the secret, the recovery page the codes, and the others are
  // personal. no-store keeps all of them out of browser and proxy caches (and the back button).
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
}
