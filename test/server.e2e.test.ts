// End to end: the reference server (docs/examples/server) on an ephemeral loopback port, driven with
// fetch as a browser would, with codes computed by otpkit as an authenticator app would. The server's
// clock is injected, so crossing 30-second steps and waiting out locks takes no real time.
//
// The server imports 'otpkit' (the package); here that name is pointed at src/, so the suite runs on a
// fresh clone before any build, and tests the same code as the unit tests.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { findRecoveryCode, generateTOTP, hashRecoveryCode, openSecret } from '../src/index.js';
import { encodeQR, qrToSVG } from '../src/qr/index.js';
import { LOCK_STEP_MS, MAX_FAILURES, startServer } from '../docs/examples/server/app.mjs';
import { PBKDF2_ITERATIONS } from '../docs/examples/server/passwords.mjs';
import { createMemoryStore, type Store, type User } from '../docs/examples/server/store.mjs';

vi.mock('otpkit', async () => await import('../src/index.js'));
vi.mock('otpkit/qr', async () => await import('../src/qr/index.js'));

const PERIOD_MS = 30_000;
const START = 63_333_334 * PERIOD_MS + 1_000; // 1 s into a step, in 2030
const CODE_RE =
  /[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}/g;

let clock = START;
const sealingKey = crypto.getRandomValues(new Uint8Array(32));
const pepperBytes = crypto.getRandomValues(new Uint8Array(32));
const pepper = await crypto.subtle.importKey(
  'raw',
  pepperBytes,
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['sign'],
);
const logs: string[] = [];
const secretsSeen: string[] = [];

// A store whose compare-and-set steps can be held until two requests have reached them, so that a
// test can prove that two parallel requests both passed verification and only the CAS told them apart.
const store: Store = createMemoryStore();
let gate: { arrived: number; open: () => void; opened: Promise<void> } | null = null;
function armGate(): NonNullable<typeof gate> {
  let open = (): void => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
    setTimeout(resolve, 3_000); // never hang: a single arrival fails the test's count instead
  });
  gate = { arrived: 0, open, opened };
  return gate;
}
for (const method of ['advanceLastStep', 'consumeRecoveryHash'] as const) {
  const original = store[method].bind(store);
  store[method] = async (id: string, value: never) => {
    const g = gate;
    if (g) {
      if (++g.arrived === 2) g.open();
      await g.opened;
    }
    return original(id, value);
  };
}

let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  server = await startServer({
    port: 0,
    store,
    sealingKey,
    pepper: pepperBytes,
    now: () => clock,
    log: (line) => logs.push(line),
  });
});

afterAll(async () => {
  await server?.close();
});

beforeEach(() => {
  gate = null;
});

/** A cookie-keeping client: one `sid` cookie, as a browser would keep for the site. */
class Browser {
  cookie: string | null = null;
  csrf: string | null = null;
  readonly setCookies: string[] = [];

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair] = line.split(';') as [string];
      this.cookie = pair;
    }
  }

  async get(path: string): Promise<{ res: Response; text: string }> {
    const res = await fetch(server.url + path, {
      redirect: 'manual',
      headers: this.cookie ? { cookie: this.cookie } : {},
    });
    this.remember(res);
    const text = await res.text();
    this.csrf = /name="csrf" value="([^"]+)"/.exec(text)?.[1] ?? this.csrf;
    return { res, text };
  }

  /** POSTs a form with the CSRF token of the last page seen (override with `csrf`). */
  async post(
    path: string,
    fields: Record<string, string>,
    csrf: string | null = this.csrf,
  ): Promise<{ res: Response; text: string }> {
    const body = new URLSearchParams({ ...(csrf === null ? {} : { csrf }), ...fields }).toString();
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (this.cookie) headers.cookie = this.cookie;
    const res = await fetch(server.url + path, {
      method: 'POST',
      redirect: 'manual',
      headers,
      body,
    });
    this.remember(res);
    const text = await res.text();
    this.csrf = /name="csrf" value="([^"]+)"/.exec(text)?.[1] ?? this.csrf;
    return { res, text };
  }

  /** GET the page holding the form, then submit it. */
  async submit(
    page: string,
    action: string,
    fields: Record<string, string>,
  ): Promise<{ res: Response; text: string }> {
    await this.get(page);
    return this.post(action, fields);
  }
}

const unescape = (text: string): string =>
  text.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');
const codesSeen: string[] = [];
async function totp(secret: string, time = clock): Promise<string> {
  const code = await generateTOTP({ secret, time });
  codesSeen.push(code);
  return code;
}
/** A code that matches none of the steps the server's window accepts now. */
async function wrongCode(secret: string): Promise<string> {
  const near = await Promise.all(
    [-1, 0, 1].map((k) => generateTOTP({ secret, time: clock + k * PERIOD_MS })),
  );
  let code = near[1]!;
  while (near.includes(code)) code = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  return code;
}
const userNamed = async (name: string): Promise<User> => (await store.findUserByName(name)) as User;
const PASSWORD = 'correct horse battery staple';

async function register(name: string): Promise<Browser> {
  const b = new Browser();
  const { res } = await b.submit('/register', '/register', { username: name, password: PASSWORD });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/2fa/enrol');
  return b;
}

/** Registers and turns 2FA on; returns the authenticator's secret and the recovery codes shown. */
async function enrolled(name: string): Promise<{ secret: string; codes: string[] }> {
  const b = await register(name);
  const { text } = await b.get('/2fa/enrol');
  const uri = unescape(/href="(otpauth:\/\/[^"]+)"/.exec(text)![1]!);
  const secret = new URL(uri).searchParams.get('secret')!;
  secretsSeen.push(secret);
  const { res, text: shown } = await b.post('/2fa/enrol', { code: await totp(secret) });
  expect(res.status).toBe(200);
  const codes = shown.match(CODE_RE) ?? [];
  expect(codes).toHaveLength(10);
  clock += PERIOD_MS; // the confirming code is used up; later steps need the next one
  return { secret, codes };
}

/** A new browser past the password step, facing the code step. */
async function passwordStep(name: string): Promise<Browser> {
  const b = new Browser();
  const { res } = await b.submit('/login', '/login', { username: name, password: PASSWORD });
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/login/2fa');
  await b.get('/login/2fa');
  return b;
}

async function signedIn(b: Browser): Promise<boolean> {
  const { text } = await b.get('/');
  return text.includes('You are signed in');
}

describe('reference server, end to end', () => {
  it('listens on loopback only, on the port it was given (0: an ephemeral one)', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
  });

  it('stores passwords as PBKDF2-SHA256 with >= 600,000 iterations and a salt per user', async () => {
    await register('pw-a');
    await register('pw-b');
    const [a, b] = [await userNamed('pw-a'), await userNamed('pw-b')];
    const re = /^pbkdf2-sha256\$(\d+)\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;
    const [, iterA, saltA, hashA] = re.exec(a.passwordHash)!;
    const [, iterB, saltB, hashB] = re.exec(b.passwordHash)!;
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect(Number(iterA)).toBe(PBKDF2_ITERATIONS);
    expect(Number(iterB)).toBe(PBKDF2_ITERATIONS);
    expect(saltA).not.toBe(saltB);
    expect(hashA).not.toBe(hashB); // same password, different salt
    // Independent check of one hash with WebCrypto.
    const material = await crypto.subtle.importKey(
      'raw',
      new TextEncoder().encode(PASSWORD),
      'PBKDF2',
      false,
      ['deriveBits'],
    );
    const salt = Uint8Array.from(
      atob(saltA!.replace(/-/g, '+').replace(/_/g, '/')),
      (c) => c.charCodeAt(0),
    );
    const bits = new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 600_000 },
        material,
        256,
      ),
    );
    expect(
      btoa(String.fromCharCode(...bits)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
    ).toBe(hashA);
  });

  it('enrols: otpauth URI (and QR) on a no-store page, 2FA on only after a correct code, recovery codes shown once', async () => {
    const b = await register('enrol');
    const first = await b.get('/2fa/enrol');
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get('cache-control')).toBe('no-store');
    const uri = new URL(unescape(/href="(otpauth:\/\/[^"]+)"/.exec(first.text)![1]!));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/otpkit example:enrol');
    expect(uri.searchParams.get('issuer')).toBe('otpkit example');
    const secret = uri.searchParams.get('secret')!;
    secretsSeen.push(secret);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // The QR code is drawn in the page (no third-party chart service) and carries exactly the link's URI.
    const svg = /<svg[^]*?<\/svg>/.exec(first.text)?.[0] ?? '';
    const path = (text: string): string | undefined => /<path[^>]* d="([^"]+)"/.exec(text)?.[1];
    expect(path(svg)).toBeDefined();
    expect(path(svg)).toBe(path(qrToSVG(encodeQR(uri.href))));
    // A reload shows the same pending secret; it is stored sealed, never in the clear.
    expect((await b.get('/2fa/enrol')).text).toContain(secret.slice(0, 4));
    let user = await userNamed('enrol');
    expect(user.totpSecret).toBeNull();
    expect(user.pendingSecret).toMatch(/^v1\./);
    expect(JSON.stringify(user)).not.toContain(secret);

    // Not on yet: the password alone signs in.
    const early = new Browser();
    const { res: earlyRes } = await early.submit('/login', '/login', {
      username: 'enrol',
      password: PASSWORD,
    });
    expect(earlyRes.headers.get('location')).toBe('/');

    // A wrong code keeps it off.
    expect((await b.post('/2fa/enrol', { code: await wrongCode(secret) })).res.status).toBe(401);
    expect((await userNamed('enrol')).totpSecret).toBeNull();

    const { res, text } = await b.post('/2fa/enrol', { code: await totp(secret) });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const codes = text.match(CODE_RE)!;
    expect(new Set(codes).size).toBe(10);
    user = await userNamed('enrol');
    expect(
      await openSecret({ sealed: user.totpSecret!, key: sealingKey, context: `user:${user.id}` }),
    ).toBe(secret);
    // Keyed hashes bound to the user (hmac-sha256:), never the plain sha256: form.
    expect(user.recoveryHashes).toEqual(
      await Promise.all(
        codes.map((code) => hashRecoveryCode(code, { key: pepper, context: user.id })),
      ),
    );
    for (const code of codes) expect(JSON.stringify(user)).not.toContain(code);
    // Shown once: no page shows them again.
    expect((await b.get('/settings')).text.match(CODE_RE)).toBeNull();
    expect((await b.get('/2fa/enrol')).res.headers.get('location')).toBe('/settings');
    clock += PERIOD_MS;
  });

  it('logs in with password then code; the same code is refused the second time', async () => {
    const { secret } = await enrolled('login');
    const b = await passwordStep('login');
    expect(await signedIn(b)).toBe(false); // the password alone is not enough
    const before = b.cookie;
    const code = await totp(secret);
    const { res } = await b.post('/login/2fa', { code });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/');
    expect(b.cookie).not.toBe(before); // a new session id at each step
    expect(await signedIn(b)).toBe(true);
    expect((await userNamed('login')).lastStep).toBe(Math.floor(clock / PERIOD_MS));

    // The same code, a second time, in the same 30 s step: refused (RFC 6238 §5.2).
    const replay = await passwordStep('login');
    expect((await replay.post('/login/2fa', { code })).res.status).toBe(401);
    expect(await signedIn(replay)).toBe(false);
    // The next step's code works.
    clock += PERIOD_MS;
    expect((await replay.post('/login/2fa', { code: await totp(secret) })).res.status).toBe(303);
    expect(await signedIn(replay)).toBe(true);
  });

  it('refuses a code used twice at once: two parallel requests, exactly one passes (compare-and-set)', async () => {
    const { secret } = await enrolled('race');
    const [a, b] = await Promise.all([passwordStep('race'), passwordStep('race')]);
    const code = await totp(secret);
    const g = armGate();
    const [ra, rb] = await Promise.all([
      a.post('/login/2fa', { code }),
      b.post('/login/2fa', { code }),
    ]);
    expect(g.arrived).toBe(2); // both passed verifyTOTP with the same afterStep: only the CAS could refuse one
    expect([ra.res.status, rb.res.status].sort()).toEqual([303, 401]);
    expect([await signedIn(a), await signedIn(b)].filter(Boolean)).toHaveLength(1);
  });

  it('accepts a recovery code once, in any spelling, and deletes it; two parallel uses: one passes', async () => {
    const { codes } = await enrolled('recover');
    const b = await passwordStep('recover');
    const spelled = codes[3]!.toUpperCase().replace(/-/g, ' ');
    expect((await b.post('/login/2fa', { recovery: spelled })).res.status).toBe(303);
    expect(await signedIn(b)).toBe(true);
    const user = await userNamed('recover');
    expect(user.recoveryHashes).toHaveLength(9);
    expect(
      await findRecoveryCode({
        code: codes[3]!,
        hashes: user.recoveryHashes,
        key: pepper,
        context: user.id,
      }),
    ).toBe(-1);

    const again = await passwordStep('recover');
    expect((await again.post('/login/2fa', { recovery: codes[3]! })).res.status).toBe(401);
    expect(await signedIn(again)).toBe(false);

    const [x, y] = await Promise.all([passwordStep('recover'), passwordStep('recover')]);
    const g = armGate();
    const results = await Promise.all([
      x.post('/login/2fa', { recovery: codes[5]! }),
      y.post('/login/2fa', { recovery: codes[5]! }),
    ]);
    expect(g.arrived).toBe(2);
    expect(results.map((r) => r.res.status).sort()).toEqual([303, 401]);
    expect((await userNamed('recover')).recoveryHashes).toHaveLength(8);
  });

  it('locks the code step after 5 failures, across sessions, for a growing delay (RFC 4226 §7.3)', async () => {
    expect(MAX_FAILURES).toBe(5);
    const { secret, codes } = await enrolled('lock');
    const [a, b] = await Promise.all([passwordStep('lock'), passwordStep('lock')]);
    const wrong = (): Promise<string> => wrongCode(secret);
    // Failures 1-4 in two different sessions: counted together, per account.
    for (const browser of [a, b, a, b]) {
      expect((await browser.post('/login/2fa', { code: await wrong() })).res.status).toBe(401);
    }
    const fifth = await a.post('/login/2fa', { code: await wrong() });
    expect(fifth.res.status).toBe(429);
    expect(fifth.res.headers.get('retry-after')).toBe(String(LOCK_STEP_MS / 1000));
    // While locked, even the right code or a recovery code is refused, in every session, unchecked.
    expect((await b.post('/login/2fa', { code: await totp(secret) })).res.status).toBe(429);
    expect((await a.post('/login/2fa', { recovery: codes[0]! })).res.status).toBe(429);
    expect((await userNamed('lock')).failures).toBe(5);

    // The lock ends; one more failure locks again, for longer: 2 x the first delay.
    clock += LOCK_STEP_MS + 1_000;
    const sixth = await b.post('/login/2fa', { code: await wrong() });
    expect(sixth.res.status).toBe(429);
    expect(sixth.res.headers.get('retry-after')).toBe(String((2 * LOCK_STEP_MS) / 1000));
    clock += LOCK_STEP_MS + 1_000; // not long enough
    expect((await b.post('/login/2fa', { code: await totp(secret) })).res.status).toBe(429);
    clock += LOCK_STEP_MS;
    const c = await passwordStep('lock'); // a third session: the lock and its end are per account
    expect((await c.post('/login/2fa', { code: await totp(secret) })).res.status).toBe(303);
    expect(await signedIn(c)).toBe(true);
    const after = await userNamed('lock');
    expect([after.failures, after.lockedUntil]).toEqual([0, 0]);
  });

  it('regenerating recovery codes and turning 2FA off both need a fresh, never-used code', async () => {
    const { secret, codes: oldCodes } = await enrolled('settings');
    const b = await passwordStep('settings');
    const loginCode = await totp(secret);
    expect((await b.post('/login/2fa', { code: loginCode })).res.status).toBe(303);

    // The code just used to sign in is not fresh: refused, 2FA stays on.
    await b.get('/settings');
    expect((await b.post('/settings/disable-2fa', { code: loginCode })).res.status).toBe(401);
    expect((await b.post('/settings/recovery-codes', { code: loginCode })).res.status).toBe(401);
    // A recovery code is no substitute here.
    expect((await b.post('/settings/disable-2fa', { code: '', recovery: oldCodes[0]! })).res.status)
      .toBe(400);
    expect((await userNamed('settings')).totpSecret).not.toBeNull();

    clock += PERIOD_MS;
    const regenCode = await totp(secret);
    const regen = await b.post('/settings/recovery-codes', { code: regenCode });
    expect(regen.res.status).toBe(200);
    expect(regen.res.headers.get('cache-control')).toBe('no-store');
    const newCodes = regen.text.match(CODE_RE)!;
    expect(newCodes).toHaveLength(10);
    const hashes = (await userNamed('settings')).recoveryHashes;
    const context = (await userNamed('settings')).id;
    expect(hashes).toEqual(
      await Promise.all(newCodes.map((code) => hashRecoveryCode(code, { key: pepper, context }))),
    );
    for (const old of oldCodes) {
      expect(await findRecoveryCode({ code: old, hashes, key: pepper, context })).toBe(-1);
    }

    await b.get('/settings');
    expect((await b.post('/settings/disable-2fa', { code: regenCode })).res.status).toBe(401);
    clock += PERIOD_MS;
    const off = await b.post('/settings/disable-2fa', { code: await totp(secret) });
    expect(off.res.status).toBe(303);
    const user = await userNamed('settings');
    expect([user.totpSecret, user.pendingSecret, user.recoveryHashes]).toEqual([null, null, []]);
    // Now the password alone signs in.
    const plain = new Browser();
    expect(
      (await plain.submit('/login', '/login', { username: 'settings', password: PASSWORD })).res
        .headers.get('location'),
    ).toBe('/');
  });

  it('keeps sessions in HttpOnly SameSite=Strict cookies with random ids, and needs the CSRF token on every form', async () => {
    const b = new Browser();
    await b.get('/login');
    const cookie = b.setCookies.at(-1)!;
    expect(cookie).toMatch(/^sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const other = new Browser();
    await other.get('/login');
    expect(other.cookie).not.toBe(b.cookie);

    await register('csrf');
    const form = { username: 'csrf', password: PASSWORD };
    expect((await b.post('/login', form, null)).res.status).toBe(403); // no token
    expect((await b.post('/login', form, other.csrf)).res.status).toBe(403); // another session's token
    const last = b.csrf!.at(-1) === 'A' ? 'B' : 'A';
    expect((await b.post('/login', form, `${b.csrf!.slice(0, -1)}${last}`)).res.status).toBe(403); // one character off
    expect((await new Browser().post('/login', form, b.csrf)).res.status).toBe(403); // no cookie
    expect((await b.post('/login', form)).res.status).toBe(303);
    expect(await signedIn(b)).toBe(true);
  });

  it('logs no secret, code or URI', () => {
    expect(logs.length).toBeGreaterThan(0);
    const text = logs.join('\n');
    expect(text).not.toMatch(/otpauth|sha256:|v1\./);
    expect(text).not.toMatch(CODE_RE);
    expect(codesSeen.length).toBeGreaterThan(10);
    for (const value of [...secretsSeen, ...codesSeen]) expect(text).not.toContain(value);
  });
});
