// The app's flows as a user goes through them (docs/examples/server/README.md, "Routes"), over a
// visitor (visitor.mjs), with codes computed as an authenticator app would: by the harness's own
// RFC 6238 implementation on node:crypto (.ci/stores/totp.mjs), never by otpkit, and at the clock the
// servers were given. Everything secret the test sees is recorded, for the search of the logs.
import { totp } from '../../.ci/stores/totp.mjs';
import { assert } from './report.mjs';
import { remember } from './secrets.mjs';
import { textOf } from './visitor.mjs';

/**
 * The clock every instance of a backend shares: Date.now() + offsetMs. `advance` moves it on all of
 * them at once, so locks, code expiry and enrolment expiry are tested without waiting.
 */
export function sharedClock(instances) {
  let offsetMs = 0;
  return {
    now: () => Date.now() + offsetMs,
    get offsetMs() {
      return offsetMs;
    },
    async advance(ms) {
      offsetMs += ms;
      await Promise.all(instances.map((instance) => instance.clock(offsetMs)));
    },
  };
}

const PERIOD_MS = 30_000;

/** The code an authenticator shows now (and remembered as a secret). */
export const codeNow = (clock, secret) => remember('totp code', totp(secret, clock.now()));

/** Moves the clock to the next 30-second step, so the code is one the server has not accepted yet. */
export async function freshCode(clock, secret) {
  await clock.advance(PERIOD_MS);
  return codeNow(clock, secret);
}

/** Six-digit codes that none of the steps around `timeMs` (±2) would accept for `secret`. */
export function wrongCodes(secret, timeMs, count) {
  const right = new Set(
    [-2, -1, 0, 1, 2].map((k) => totp(secret, timeMs + k * PERIOD_MS)),
  );
  const out = new Set();
  while (out.size < count) {
    const code = String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0');
    if (!right.has(code)) out.add(code);
  }
  return [...out];
}

/** The path and query of a page's URL. */
export const pathOf = (page) => {
  const url = new URL(page.url);
  return `${url.pathname}${url.search}`;
};

/** Throws unless the POST answered 303 and the page landed on `expected` (a path, with or without ?m=). */
export function expectLanded(page, expected, what) {
  const landed = pathOf(page);
  const ok = expected.includes('?') ? landed === expected : new URL(page.url).pathname === expected;
  assert(
    ok,
    `${what}: expected ${expected}, landed on ${landed} (POST answered ${page.postStatus}${
      page.location ? ` to ${page.location}` : ''
    })`,
  );
  if (page.postStatus !== undefined) {
    assert(page.postStatus === 303, `${what}: the POST answered ${page.postStatus}, not 303`);
  }
}

/** The otpauth URI and base32 secret on an enrolment page. */
export function keyOn(page) {
  const uri = page.body.match(/otpauth:\/\/totp\/[^"'<>\s]+/)?.[0]?.replace(/&amp;/g, '&');
  assert(uri, `no otpauth:// URI on ${pathOf(page)}`);
  const secret = new URL(uri).searchParams.get('secret');
  assert(
    secret && /^[A-Z2-7]+=*$/.test(secret),
    `no base32 secret in the key URI on ${pathOf(page)}`,
  );
  remember('otpauth URI', uri);
  remember('totp secret', secret);
  return { uri, secret };
}

const RECOVERY_CODE = /\b[0-9a-z]{4}(?:-[0-9a-z]{4}){3}\b/g;

/** The recovery codes on a page (or a text file). */
export function recoveryCodesOn(text) {
  const codes = [...new Set(textOf(text).match(RECOVERY_CODE) ?? [])];
  for (const code of codes) remember('recovery code', code);
  return codes;
}

/** Whether the visitor is signed in: /settings opens (it redirects to /login otherwise). */
export async function signedIn(visitor, via) {
  const page = await visitor.get('/settings', via ? { via } : {});
  return new URL(page.url).pathname === '/settings';
}

/** Registers; the page after is /2fa/enrol. */
export async function register(visitor, { username, email, password }, via) {
  remember('password', password);
  await visitor.get('/register', via ? { via } : {});
  return visitor.submit('/register', { username, email, password });
}

/** Password step; lands on /login/2fa (two-factor on) or / (off). */
export async function login(visitor, { username, password }, via) {
  await visitor.get('/login', via ? { via } : {});
  return visitor.submit('/login', { username, password });
}

/** Signs out through the "Sign out" form of the page (home or settings). */
export async function logout(visitor, via) {
  const page = await visitor.get('/', via ? { via } : {});
  return visitor.submit('/logout', {}, { from: page });
}

/**
 * A new user, signed in with two-factor on: registers, confirms the enrolment with a code, saves the
 * recovery codes. Resolves to { user, secret, recoveryCodes, enrolPage, codesPage }.
 */
export async function enrolledUser(visitor, clock, user, via) {
  const enrolPage = await register(visitor, user, via);
  expectLanded(enrolPage, '/2fa/enrol', 'registering');
  const { secret, uri } = keyOn(enrolPage);
  const codesPage = await visitor.submit('/2fa/enrol', { code: codeNow(clock, secret) });
  expectLanded(codesPage, '/recovery-codes', 'confirming the enrolment');
  const recoveryCodes = recoveryCodesOn(codesPage.body);
  assert(recoveryCodes.length === 10, `${recoveryCodes.length} recovery codes shown, not 10`);
  const saved = await visitor.submit('/recovery-codes/saved', {});
  expectLanded(saved, '/settings', 'saving the recovery codes');
  return { user, secret, uri, recoveryCodes, enrolPage, codesPage };
}

/** Password + a fresh authenticator code; resolves to the page after the code (expected: /). */
export async function loginWithCode(visitor, clock, user, secret, via) {
  const step = await login(visitor, user, via);
  expectLanded(step, '/login/2fa', 'the password step');
  return visitor.submit('/login/2fa', { code: await freshCode(clock, secret) });
}

/** A unique user for this run: `name` and a per-run suffix (user names are 1..64 of a fixed set). */
let serial = 0;
export function newUser(runId, name) {
  serial += 1;
  const username = `${name}${serial}-${runId}`;
  return {
    username,
    email: `${username.toLowerCase()}@example.test`,
    password: `pw ${Math.random().toString(36).slice(2)} ${serial} long enough`,
  };
}
