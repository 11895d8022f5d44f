// Sessions for the reference server. The cookie holds 256 random bits; the table keeps only their
// SHA-256 as the row id (a database dump holds no cookie that works), with the CSRF token, the user,
// the stage and the expiry. A session is created only when a page needs one (a form needs its CSRF
// token), and a new one replaces the old at every change of who is signed in, or how.
// guide: "Sessions"
import { createHash, timingSafeEqual } from 'node:crypto';

/** How long a visitor's session and a signed-in one last ('password' is createSessions' option). */
const ANONYMOUS_MS = 60 * 60_000;
const FULL_MS = 12 * 60 * 60_000;

/** Expired rows deleted with each new session: bounded work per request, and it keeps up. */
const SWEEP_ON_WRITE = 20;

/**
 * `table`: storage.sessions (database.mjs); `now`: the app's clock; `sealKey`: a promise of the
 * AES-GCM key, for the recovery codes a session holds; `secureCookies`: Secure and `__Host-`;
 * `passwordStageMs`: how long the half-signed-in step between password and code lasts (the app
 * passes the lifetime of an emailed code, so that a code asked for at once can still be typed).
 */
export function createSessions(
  { table, now, sealKey, secureCookies = false, passwordStageMs, log },
) {
  const cookieName = secureCookies ? '__Host-sid' : 'sid';
  const lifetime = { anonymous: ANONYMOUS_MS, password: passwordStageMs, full: FULL_MS };
  const idOf = (token) => createHash('sha256').update(token).digest('base64url');

  /** The request's session, or null (no cookie, unknown, or expired). */
  async function load(req) {
    const token = parseCookies(req.headers.cookie)[cookieName];
    if (token === undefined || !/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    return table.get(idOf(token), now());
  }

  function setCookie(res, value, extra = '') {
    const secure = secureCookies ? '; Secure' : '';
    res.setHeader(
      'Set-Cookie',
      `${cookieName}=${value}; Path=/; HttpOnly; SameSite=Strict${secure}${extra}`,
    );
  }

  /**
   * A new session (new id, new CSRF token) for `userId` at `stage`, replacing `old`: no session
   * fixation, and a cookie stolen before a login, or before two-factor changed, is worth nothing after.
   * `recoveryCodes` are held (sealed) until the user says they saved them.
   */
  async function start(res, { userId = null, stage = 'anonymous', recoveryCodes = null }, old) {
    if (old) await table.delete(old.id);
    const token = randomToken();
    const id = idOf(token);
    const session = {
      id,
      csrf: randomToken(),
      userId,
      stage,
      recoveryCodes: recoveryCodes === null ? null : await sealCodes(id, recoveryCodes),
      expiresAt: now() + lifetime[stage],
    };
    await table.create(session);
    setCookie(res, token);
    await sweep(SWEEP_ON_WRITE);
    return session;
  }

  /** Signs out: the row goes, and the browser forgets the cookie. */
  async function end(res, session) {
    await table.delete(session.id);
    setCookie(res, '', '; Max-Age=0');
  }

  /**
   * A session that is never stored: for HEAD, which renders the same page as GET (same length, same
   * headers but the cookie) without creating anything.
   */
  const unsaved = () => ({
    id: idOf(randomToken()),
    csrf: randomToken(),
    userId: null,
    stage: 'anonymous',
    recoveryCodes: null,
    expiresAt: now() + ANONYMOUS_MS,
  });

  /** The form's CSRF token against the session's, in constant time. */
  function csrfValid(session, form) {
    const sent = Buffer.from(String(form.get('csrf') ?? ''));
    const expected = Buffer.from(session.csrf);
    return sent.length === expected.length && timingSafeEqual(sent, expected);
  }

  /** Deletes up to `limit` expired sessions; never fails a request (the next sweep retries). */
  async function sweep(limit) {
    try {
      return await table.sweep(now(), limit);
    } catch (error) {
      log(`session sweep failed: ${error?.code ?? error?.name}`);
      return 0;
    }
  }

  // ---- the recovery codes a session holds, sealed ------------------------------------------------
  // Between "two-factor is on" (a POST) and "I have saved them", the codes must survive a redirect
  // and any number of refreshes, on whichever instance serves the next request; they are never
  // written in plain text, so they are sealed with the server's AES-GCM key, bound to the session.

  async function sealCodes(id, codes) {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const sealed = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: codesContext(id) },
      await sealKey,
      new TextEncoder().encode(codes.join('\n')),
    );
    return Buffer.concat([iv, new Uint8Array(sealed)]).toString('base64url');
  }

  /** The codes `session` holds, or null. */
  async function heldCodes(session) {
    if (session.recoveryCodes === null) return null;
    const bytes = Buffer.from(session.recoveryCodes, 'base64url');
    try {
      const text = await crypto.subtle.decrypt(
        { name: 'AES-GCM', iv: bytes.subarray(0, 12), additionalData: codesContext(session.id) },
        await sealKey,
        bytes.subarray(12),
      );
      return new TextDecoder().decode(text).split('\n');
    } catch {
      return null; // sealed under another key (a restart with a random key): as if none
    }
  }

  async function holdCodes(session, codes) {
    await table.setRecoveryCodes(
      session.id,
      codes === null ? null : await sealCodes(session.id, codes),
    );
  }

  return { load, start, end, unsaved, csrfValid, sweep, heldCodes, holdCodes };
}

const codesContext = (id) => new TextEncoder().encode(`otpkit-example/recovery-codes:${id}`);

/** 256 random bits, base64url (43 characters): session tokens and CSRF tokens. */
export function randomToken() {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
}

function parseCookies(header) {
  const out = {};
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}
