// End to end, in one process: the reference server (docs/examples/server) on an ephemeral loopback
// port, driven with fetch as a browser would (cookies, forms, redirects followed by hand), with codes
// computed by otpkit as an authenticator app would. The server's clock is injected, so crossing
// 30-second steps, waiting out locks and expiring sessions takes no real time. Storage: memory
// (database.mjs's memoryStorage, the same methods as its SQL tables). The SQLite and PostgreSQL
// runs, several processes and the browser screenshots are `npm run test:e2e` (test/e2e/).
//
// The server imports 'otpkit' (the package); here those names point at src/, so the suite runs on a
// fresh clone before any build, and tests the same code as the unit tests.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateTOTP } from '../src/index.js';
import { encodeQR, qrToSVG } from '../src/qr/index.js';
import { memoryStore } from '../src/twofactor/index.js';
import { startServer } from '../docs/examples/server/app.mjs';
import {
  memoryStorage,
  openStorage,
  type Storage,
  type User,
} from '../docs/examples/server/database.mjs';
import { createMailer } from '../docs/examples/server/mail.mjs';
import { MIN_ITERATIONS, PBKDF2_ITERATIONS } from '../docs/examples/server/passwords.mjs';

vi.mock('otpkit', async () => await import('../src/index.js'));
vi.mock('otpkit/qr', async () => await import('../src/qr/index.js'));
vi.mock('otpkit/twofactor', async () => await import('../src/twofactor/index.js'));

// The database clients a user installs (pg, redis: not installed here), as far as openStorage uses
// them, on Node's EventEmitter: as in the real ones, an 'error' event nobody listens to throws.
const fakeClients = vi.hoisted(() => ({ pools: [] as Emitter[], redis: [] as Emitter[] }));
interface Emitter {
  emit(event: string, value: unknown): boolean;
}
const loadModule = (name: string): Promise<any> => import(name);
vi.mock('pg', async () => {
  const { EventEmitter }: { EventEmitter: new () => Emitter } = await loadModule('node:events');
  class Pool extends EventEmitter {
    constructor() {
      super();
      fakeClients.pools.push(this);
    }
    async query() {
      return { rows: [] };
    }
    async connect() {
      return { query: async () => ({ rows: [] }), release: () => {} };
    }
    async end() {}
  }
  return { default: { Pool } };
});
vi.mock('redis', async () => {
  const { EventEmitter }: { EventEmitter: new () => Emitter } = await loadModule('node:events');
  class Client extends EventEmitter {
    async connect() {}
    async eval() {}
    async quit() {}
  }
  return {
    createClient: () => {
      const client = new Client();
      fakeClients.redis.push(client);
      return client;
    },
  };
});

type Server = Awaited<ReturnType<typeof startServer>>;

const PERIOD_MS = 30_000;
const START = 63_333_334 * PERIOD_MS + 1_000; // 1 s into a step, in 2030
const RECOVERY_RE = /[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}-[0-9a-z]{4}/g;
const PASSWORD = 'correct horse battery staple';

let clock = START;
const sealingKey = crypto.getRandomValues(new Uint8Array(32));
const pepper = crypto.getRandomValues(new Uint8Array(32));
const logs: string[] = [];
const secretsSeen: string[] = [];
const codesSeen: string[] = [];
const servers: Server[] = [];

/** A server of its own (its own storage unless given), on the shared clock and log. */
async function serve(options: Parameters<typeof startServer>[0] = {}): Promise<Server> {
  const s = await startServer({
    port: 0,
    storage: memoryStorage(),
    sealingKey,
    pepper,
    now: () => clock,
    log: (line) => logs.push(line),
    devMailbox: true,
    ...options,
  });
  servers.push(s);
  return s;
}

let server: Server;
beforeAll(async () => {
  server = await serve();
});
afterAll(async () => {
  for (const s of servers) await s.close();
});

interface Answer {
  res: Response;
  text: string;
  /** The Location of a redirect, or null. */
  location: string | null;
}

/** A cookie-keeping client: one session cookie, as a browser keeps for the site. */
class Browser {
  cookie: string | null = null;
  csrf: string | null = null;
  readonly setCookies: string[] = [];
  constructor(readonly on: Server = server) {}

  private async send(path: string, init: RequestInit): Promise<Answer> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set('cookie', this.cookie);
    const res = await fetch(this.on.url + path, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const pair = line.split(';')[0]!;
      this.cookie = /Max-Age=0/.test(line) ? null : pair;
    }
    const text = await res.text();
    this.csrf = /name="csrf" value="([^"]+)"/.exec(text)?.[1] ?? this.csrf;
    return { res, text, location: res.headers.get('location') };
  }

  get(path: string): Promise<Answer> {
    return this.send(path, {});
  }

  head(path: string): Promise<Answer> {
    return this.send(path, { method: 'HEAD' });
  }

  /** POSTs a form with the CSRF token of the last page seen (override with `csrf`). */
  post(path: string, fields: Record<string, string> = {}, csrf = this.csrf): Promise<Answer> {
    const body = new URLSearchParams({ ...(csrf === null ? {} : { csrf }), ...fields }).toString();
    return this.send(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
  }

  /** GET the page holding the form, then submit it. */
  async submit(page: string, action: string, fields: Record<string, string> = {}): Promise<Answer> {
    await this.get(page);
    return this.post(action, fields);
  }
}

const unescape = (text: string): string =>
  text.replace(/&amp;/g, '&').replace(/&#39;/g, "'").replace(/&quot;/g, '"');

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

const storageOf = (s: Server = server): Storage => s.app.storage;
const userNamed = async (name: string, s: Server = server): Promise<User> =>
  (await storageOf(s).users.byName(name.toLowerCase()))!;
const recordOf = async (name: string, s: Server = server) =>
  storageOf(s).twoFactorStore.read((await userNamed(name, s)).id);

async function register(name: string, s: Server = server, password = PASSWORD): Promise<Browser> {
  const b = new Browser(s);
  const r = await b.submit('/register', '/register', {
    username: name,
    email: `${name.toLowerCase()}@example.com`,
    password,
  });
  expect(r.location).toBe('/2fa/enrol');
  return b;
}

/** The secret in the enrolment page's otpauth link. */
function secretOf(page: string): string {
  const uri = unescape(/href="(otpauth:\/\/[^"]+)"/.exec(page)![1]!);
  const secret = new URL(uri).searchParams.get('secret')!;
  secretsSeen.push(secret);
  return secret;
}

/** Registers and turns 2FA on; returns the browser, the secret and the recovery codes shown. */
async function enrolled(
  name: string,
  s: Server = server,
): Promise<{ b: Browser; secret: string; codes: string[] }> {
  const b = await register(name, s);
  const secret = secretOf((await b.get('/2fa/enrol')).text);
  const confirmed = await b.post('/2fa/enrol', { code: await totp(secret) });
  expect(confirmed.location).toBe('/recovery-codes?m=2fa-on');
  const codes = (await b.get('/recovery-codes')).text.match(RECOVERY_RE) ?? [];
  expect(codes).toHaveLength(10);
  expect((await b.post('/recovery-codes/saved')).location).toBe('/settings?m=codes-saved');
  clock += PERIOD_MS; // the confirming code is used up; later steps need the next one
  return { b, secret, codes };
}

/** A new browser past the password step, facing the code step. */
async function passwordStep(name: string, s: Server = server): Promise<Browser> {
  const b = new Browser(s);
  const r = await b.submit('/login', '/login', { username: name, password: PASSWORD });
  expect(r.location).toBe('/login/2fa');
  await b.get('/login/2fa');
  return b;
}

async function signedIn(b: Browser): Promise<boolean> {
  return (await b.get('/settings')).res.status === 200;
}

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

/** A stored password hash in the app's format, computed here with WebCrypto, with `iterations`. */
async function pbkdf2Hash(password: string, iterations: number): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(password),
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    material,
    256,
  );
  return `pbkdf2-sha256$${iterations}$${base64url(salt)}$${base64url(new Uint8Array(bits))}`;
}

/** A port nothing listens on right now: one the system gave a server, which is then closed. */
async function closedPort(): Promise<number> {
  const s = await startServer({ port: 0, log: () => {} });
  await s.close();
  return s.port;
}

/** SHA-256 base64url of the cookie value: the session's row id. */
async function sessionIdOf(b: Browser): Promise<string> {
  const token = b.cookie!.split('=')[1]!;
  const digest = new Uint8Array(
    await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)),
  );
  return btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(
    /=+$/,
    '',
  );
}

describe('reference server: the server itself', () => {
  it('listens on loopback only; a port in use rejects with code EADDRINUSE', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.port).toBeGreaterThan(0);
    const error = await startServer({ port: server.port, log: () => {} }).catch((e: unknown) => e);
    expect((error as { code?: string }).code).toBe('EADDRINUSE');
  });

  it('answers HEAD with the headers of GET and no body, and never creates a session for it', async () => {
    const before = await storageOf().sessions.count();
    for (const path of ['/', '/login', '/register', '/nowhere']) {
      const b = new Browser();
      const head = await b.head(path);
      const get = await new Browser().get(path);
      expect(head.text).toBe('');
      expect(head.res.status).toBe(get.res.status);
      // All but the date, the cookie GET sets, and node:http's connection handling (hop by hop).
      const skip = ['date', 'set-cookie', 'connection', 'keep-alive'];
      const headers = (r: Response): [string, string][] => {
        const out: [string, string][] = [];
        r.headers.forEach((value, name) => {
          if (!skip.includes(name)) out.push([name, value]);
        });
        return out;
      };
      expect(headers(head.res)).toEqual(headers(get.res));
      expect(Number(head.res.headers.get('content-length'))).toBe(
        new TextEncoder().encode(get.text).length,
      );
      expect(head.res.headers.getSetCookie()).toEqual([]);
    }
    // The two GETs of /login and /register made one session each; the HEADs none.
    expect(await storageOf().sessions.count()).toBe(before + 2);
  });

  it('creates a session only for a page with a form: not for the home page of a visitor', async () => {
    const own = await serve();
    const visitor = new Browser(own);
    const home = await visitor.get('/');
    expect(home.res.status).toBe(200);
    expect(home.res.headers.getSetCookie()).toEqual([]);
    expect(home.text).toContain('href="/login"');
    expect(await storageOf(own).sessions.count()).toBe(0);
    await visitor.get('/login');
    expect(visitor.cookie).toMatch(/^sid=[A-Za-z0-9_-]{43}$/);
    expect(await storageOf(own).sessions.count()).toBe(1);
    await visitor.get('/register'); // the same session again
    expect(await storageOf(own).sessions.count()).toBe(1);
  });

  it('sweeps expired sessions: a bounded number on each write, the rest periodically', async () => {
    const own = await serve();
    for (let i = 0; i < 45; i++) await new Browser(own).get('/login');
    expect(await storageOf(own).sessions.count()).toBe(45);
    clock += 2 * 60 * 60_000; // anonymous sessions last an hour
    await new Browser(own).get('/login'); // one new session, and at most 20 expired ones swept
    expect(await storageOf(own).sessions.count()).toBe(45 - 20 + 1);
    expect(await own.app.sweepSessions()).toBe(25);
    expect(await storageOf(own).sessions.count()).toBe(1);
  });

  it('keeps sessions in HttpOnly SameSite=Strict cookies of 256 random bits, stored only as a hash', async () => {
    const b = new Browser();
    await b.get('/login');
    expect(b.setCookies.at(-1)).toMatch(
      /^sid=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/,
    );
    const other = new Browser();
    await other.get('/login');
    expect(other.cookie).not.toBe(b.cookie);
    const row = await storageOf().sessions.get(await sessionIdOf(b), clock);
    expect(row?.stage).toBe('anonymous');
    expect(row?.id).not.toBe(b.cookie!.split('=')[1]); // the table holds the hash, not the cookie
  });

  it('needs the CSRF token on every form: without it nothing happens and the form page is shown again', async () => {
    await register('csrf-user');
    const b = new Browser();
    await b.get('/login');
    const other = new Browser();
    await other.get('/login');
    const form = { username: 'csrf-user', password: PASSWORD };
    const expired = '/login?m=form-expired';
    expect((await b.post('/login', form, null)).location).toBe(expired); // no token
    expect((await b.post('/login', form, other.csrf)).location).toBe(expired); // another session's
    const last = b.csrf!.at(-1) === 'A' ? 'B' : 'A';
    expect((await b.post('/login', form, `${b.csrf!.slice(0, -1)}${last}`)).location).toBe(expired);
    expect((await new Browser().post('/login', form, b.csrf)).location).toBe(expired); // no cookie
    expect(await signedIn(b)).toBe(false);
    const page = await b.get(expired);
    expect(page.text).toContain('That form had expired, so nothing was changed');
    expect((await b.post('/login', form)).location).toBe('/');
    expect(await signedIn(b)).toBe(true);
  });

  it('answers unknown paths with 404 and other methods with 405, Allow naming what the path takes', async () => {
    const b = new Browser();
    expect((await b.get('/nowhere')).res.status).toBe(404);
    const allowed = { '/login': 'GET, HEAD, POST', '/logout': 'POST', '/settings': 'GET, HEAD' };
    for (const [path, allow] of Object.entries(allowed)) {
      for (const method of ['PUT', 'DELETE']) {
        const res = await fetch(`${server.url}${path}`, { method, redirect: 'manual' });
        expect([path, method, res.status, res.headers.get('allow')]).toEqual([
          path,
          method,
          405,
          allow,
        ]);
      }
    }
    // GET of a POST-only path, POST of a GET-only one.
    expect((await b.get('/logout')).res.headers.get('allow')).toBe('POST');
    await b.get('/login');
    const post = await b.post('/settings');
    expect([post.res.status, post.res.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });

  it('shows only the messages of its table: ?m=__proto__, toString and the like show none', async () => {
    for (const m of ['__proto__', 'toString', 'constructor', 'hasOwnProperty', 'valueOf', 'nope']) {
      const page = await new Browser().get(`/login?m=${m}`);
      expect(page.res.status).toBe(200);
      expect(page.text).not.toContain('class="message');
    }
    expect((await new Browser().get('/login?m=wrong-password')).text).toContain(
      '<p class="message" role="alert">Wrong user name or password.',
    );
  });

  it('takes a form of 16 KB (bytes), and answers 413 beyond', async () => {
    const b = new Browser();
    await b.get('/login');
    const big = await b.post('/login', { username: 'x', password: 'p'.repeat(16 * 1024) });
    expect(big.res.status).toBe(413);
    expect(big.text).toContain('That form was too large.');
    const fits = await b.post('/login', { username: 'x', password: 'p'.repeat(15 * 1024) });
    expect(fits.location).toBe('/login?m=wrong-password');
  });

  it('looks like an app: one inline stylesheet allowed by its hash, viewport, focus on the first field', async () => {
    const b = new Browser();
    for (const path of ['/login', '/register']) {
      const { res, text } = await b.get(path);
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).toMatch(/^default-src 'none'; /);
      const style = /<style>([^]*?)<\/style>/.exec(text)![1]!;
      const digest = new Uint8Array(
        await crypto.subtle.digest('SHA-256', new TextEncoder().encode(style)),
      );
      expect(csp).toContain(`style-src 'sha256-${btoa(String.fromCharCode(...digest))}'`);
      expect(text.match(/<style>/g)).toHaveLength(1);
      expect(text).not.toMatch(/ style="/);
      expect(text).toContain(
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
      );
      // autofocus is on the first input the user types into, and on no other.
      const inputs = [...text.matchAll(/<input [^>]*>/g)].map((m) => m[0]).filter((i) =>
        !i.includes('type="hidden"')
      );
      expect(inputs[0]).toContain(' autofocus');
      expect(inputs.slice(1).join('')).not.toContain('autofocus');
    }
    expect(/min-height: 48px/.test((await b.get('/login')).text)).toBe(true); // buttons
  });
});

describe('reference server: accounts', () => {
  it('stores passwords as PBKDF2-SHA256 with >= 600,000 iterations and a salt per user', async () => {
    await register('pw-a');
    await register('pw-b');
    const re = /^pbkdf2-sha256\$(\d+)\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/;
    const [, iterA, saltA, hashA] = re.exec((await userNamed('pw-a')).passwordHash)!;
    const [, iterB, saltB, hashB] = re.exec((await userNamed('pw-b')).passwordHash)!;
    expect(PBKDF2_ITERATIONS).toBeGreaterThanOrEqual(600_000);
    expect([Number(iterA), Number(iterB)]).toEqual([PBKDF2_ITERATIONS, PBKDF2_ITERATIONS]);
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

  it('takes a password of 1,024 four-byte characters (12 KB form-encoded), refuses 1,025', async () => {
    const emoji = '\u{1F600}'; // 4 bytes in UTF-8, %F0%9F%98%80 in a form
    const b = await register('emoji-pw', server, emoji.repeat(1024));
    expect(await signedIn(b)).toBe(true);
    const again = await new Browser().submit('/login', '/login', {
      username: 'emoji-pw',
      password: emoji.repeat(1024),
    });
    expect(again.location).toBe('/');
    const over = await new Browser().submit('/register', '/register', {
      username: 'emoji-pw2',
      email: 'emoji@example.com',
      password: emoji.repeat(1025),
    });
    expect(over.location).toBe('/register?m=bad-password');
  });

  it('checks a stored hash with its own iterations, at least 310,000, and rehashes it at the next login', async () => {
    expect([MIN_ITERATIONS, PBKDF2_ITERATIONS]).toEqual([310_000, 600_000]);
    await register('rehash');
    const { id } = await userNamed('rehash');
    // A hash from a time when the app used 310,000 iterations still opens, and is made again.
    await storageOf().users.setPasswordHash(id, await pbkdf2Hash(PASSWORD, MIN_ITERATIONS));
    const login = async () =>
      (await new Browser().submit('/login', '/login', { username: 'rehash', password: PASSWORD }))
        .location;
    expect(await login()).toBe('/');
    const rehashed = (await userNamed('rehash')).passwordHash;
    expect(rehashed).toMatch(/^pbkdf2-sha256\$600000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(logs).toContain(`password rehashed user=${id}`);
    expect(await login()).toBe('/');
    expect((await userNamed('rehash')).passwordHash).toBe(rehashed); // once only
    // Fewer than 310,000: refused, though the hash is right for the password.
    await storageOf().users.setPasswordHash(id, await pbkdf2Hash(PASSWORD, MIN_ITERATIONS - 1));
    expect(await login()).toBe('/login?m=wrong-password');
  });

  it('logs a wrong password with the account id, never the name typed', async () => {
    await register('Typed-Name');
    const { id } = await userNamed('Typed-Name');
    const before = logs.length;
    for (const username of ['typed-name', 'nobody-here', 'my password 123']) {
      const r = await new Browser().submit('/login', '/login', { username, password: 'wrong one' });
      expect(r.location).toBe('/login?m=wrong-password');
    }
    expect(logs.slice(before)).toEqual([
      `login refused user=${id} reason=wrong-password`,
      'login refused user=unknown reason=wrong-password',
      'login refused user=unknown reason=wrong-password',
    ]);
  });

  it('normalises passwords to NFC: the same password typed in NFD signs in', async () => {
    const composed = 'Crème brûlée à Zürich'.normalize('NFC');
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    await register('nfc-user', server, decomposed);
    for (const typed of [composed, decomposed]) {
      const b = new Browser();
      const r = await b.submit('/login', '/login', { username: 'nfc-user', password: typed });
      expect(r.location).toBe('/');
    }
    const wrong = await new Browser().submit('/login', '/login', {
      username: 'nfc-user',
      password: composed.replace('è', 'e'),
    });
    expect(wrong.location).toBe('/login?m=wrong-password');
  });

  it('compares user names case-insensitively and says which characters are allowed', async () => {
    const page = await new Browser().get('/register');
    expect(page.text).toContain(
      '3 to 32 characters: letters A to Z, digits, dot (.), hyphen (-) and underscore (_)',
    );
    await register('Erin2');
    const twin = await new Browser().submit('/register', '/register', {
      username: 'erin2',
      email: 'other@example.com',
      password: PASSWORD,
    });
    expect(twin.location).toBe('/register?m=name-taken');
    expect((await userNamed('erin2')).username).toBe('Erin2'); // shown as typed at registration
    // Look-alikes and spaces are refused, with the rule in the message.
    for (const username of ['Erіn2', /* Cyrillic і */ 'erin 2', 'er', 'e'.repeat(33)]) {
      const b = new Browser();
      const r = await b.submit('/register', '/register', {
        username,
        email: 'x@example.com',
        password: PASSWORD,
      });
      expect(r.location).toBe('/register?m=bad-username');
      expect((await b.get(r.location!)).text).toContain('letters A to Z');
    }
    const login = await new Browser().submit('/login', '/login', {
      username: 'ERIN2',
      password: PASSWORD,
    });
    expect(login.location).toBe('/');
  });

  it('asks for an email address (required) and refuses a malformed one', async () => {
    const page = await new Browser().get('/register');
    expect(page.text).toMatch(/<input id="email" name="email" type="email"[^>]* required/);
    // Only what the mailer sends to (plain ASCII, isMailAddress), with a dot after the @.
    for (
      const email of [
        '',
        'no-at-sign',
        'a@b',
        'a b@example.com',
        'jöe@example.com',
        'joe@exämple.com',
        'joe@example.com>',
        `${'a'.repeat(65)}@example.com`,
      ]
    ) {
      const r = await new Browser().submit('/register', '/register', {
        username: 'mail-less',
        email,
        password: PASSWORD,
      });
      expect(r.location).toBe('/register?m=bad-email');
    }
    const fine = await new Browser().submit('/register', '/register', {
      username: 'mail-ok',
      email: 'first.last+2fa@mail.example.co.uk',
      password: PASSWORD,
    });
    expect(fine.location).toBe('/2fa/enrol');
    const short = await new Browser().submit('/register', '/register', {
      username: 'short-pw',
      email: 'short@example.com',
      password: 'seven77',
    });
    expect(short.location).toBe('/register?m=bad-password');
  });
});

describe('reference server: enrolment', () => {
  it('shows the otpauth URI and a QR code on a no-store page; "not now" leaves it for later', async () => {
    const b = await register('enrol');
    const first = await b.get('/2fa/enrol');
    expect(first.res.status).toBe(200);
    expect(first.res.headers.get('cache-control')).toBe('no-store');
    const uri = new URL(unescape(/href="(otpauth:\/\/[^"]+)"/.exec(first.text)![1]!));
    expect([uri.protocol, uri.host]).toEqual(['otpauth:', 'totp']);
    expect(decodeURIComponent(uri.pathname)).toBe('/otpkit example:enrol');
    expect(uri.searchParams.get('issuer')).toBe('otpkit example');
    const secret = secretOf(first.text);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    // The QR code is drawn in the page and carries exactly the link's URI; it scales by its viewBox.
    const svg = /<svg[^]*?<\/svg>/.exec(first.text)?.[0] ?? '';
    const path = (text: string): string | undefined => /<path[^>]* d="([^"]+)"/.exec(text)?.[1];
    expect(path(svg)).toBe(path(qrToSVG(encodeQR(uri.href))));
    expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/);
    expect(first.text).toContain('.qr svg { width: min(100%, 20rem)');
    // A reload shows the same key (same session: same binding).
    expect(secretOf((await b.get('/2fa/enrol')).text)).toBe(secret);
    // "Not now": a link home, and two-factor stays off (the password alone signs in).
    expect(first.text).toMatch(/<a href="\/">Skip for now<\/a>/);
    const later = await new Browser().submit('/login', '/login', {
      username: 'enrol',
      password: PASSWORD,
    });
    expect(later.location).toBe('/');
    // A wrong code keeps it off, and redirects back with a message about the phone's clock.
    const wrong = await b.post('/2fa/enrol', { code: await wrongCode(secret) });
    expect(wrong.location).toBe('/2fa/enrol?m=enrol-invalid');
    expect((await b.get(wrong.location!)).text).toContain('time on your phone');
    expect((await recordOf('enrol')).secret).toBeNull();
  });

  it("says how long the setup stays valid, from the enrolment's expiry", async () => {
    const b = await register('enrol-ttl');
    expect((await b.get('/2fa/enrol')).text).toContain('This setup stays valid for 15 minutes.');
    clock += 4 * 60_000 + 50_000; // a reload shows the same enrolment, 10 min 10 s from its end
    expect((await b.get('/2fa/enrol')).text).toContain('This setup stays valid for 10 minutes.');
    clock += 9 * 60_000 + 40_000;
    expect((await b.get('/2fa/enrol')).text).toContain('This setup stays valid for 30 seconds.');
  });

  it('HEAD /2fa/enrol changes nothing: the key shown to another session still confirms', async () => {
    const b = await register('enrol-head');
    const secret = secretOf((await b.get('/2fa/enrol')).text);
    const other = new Browser(); // the same user, signed in elsewhere
    await other.submit('/login', '/login', { username: 'enrol-head', password: PASSWORD });
    const head = await other.head('/2fa/enrol');
    expect([head.res.status, head.text]).toEqual([200, '']);
    expect(head.res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(head.res.headers.get('cache-control')).toBe('no-store');
    expect(head.res.headers.get('content-length')).toBeNull(); // known only once the page is made
    expect((await b.post('/2fa/enrol', { code: await totp(secret) })).location).toBe(
      '/recovery-codes?m=2fa-on',
    );
    clock += PERIOD_MS;
  });

  it('turns on with the first code, ends the other sessions and rotates this one', async () => {
    const b = await register('rotate');
    const other = new Browser(); // the same user, signed in elsewhere with the password
    expect(
      (await other.submit('/login', '/login', { username: 'rotate', password: PASSWORD }))
        .location,
    ).toBe('/');
    const secret = secretOf((await b.get('/2fa/enrol')).text);
    const before = b.cookie;
    const r = await b.post('/2fa/enrol', { code: await totp(secret) });
    expect(r.location).toBe('/recovery-codes?m=2fa-on');
    expect(b.cookie).not.toBe(before);
    expect(await signedIn(b)).toBe(true);
    expect(await signedIn(other)).toBe(false);
    expect((await userNamed('rotate')).twoFactor).toBe(true);
    expect((await recordOf('rotate')).secret).toMatch(/^v1\./); // sealed
    expect(logs.some((l) => /^2fa on user=\S+ other-sessions-ended=1$/.test(l))).toBe(true);
    // With two-factor on, the enrolment page sends to settings (a new key needs a fresh code there).
    expect((await b.get('/2fa/enrol')).location).toBe('/settings');
    clock += PERIOD_MS;
  });

  it('shows recovery codes on a page of their own until "I have saved them", with a text download', async () => {
    const b = await register('codes');
    const secret = secretOf((await b.get('/2fa/enrol')).text);
    expect((await b.post('/2fa/enrol', { code: await totp(secret) })).location).toBe(
      '/recovery-codes?m=2fa-on',
    );
    const first = await b.get('/recovery-codes?m=2fa-on');
    expect(first.text).toContain('Two-factor authentication is on. Your other sessions were');
    const codes = first.text.match(RECOVERY_RE)!;
    expect(new Set(codes).size).toBe(10);
    expect(first.res.headers.get('cache-control')).toBe('no-store');
    // A refresh shows the same codes: nothing is lost, nothing is made again.
    expect((await b.get('/recovery-codes')).text.match(RECOVERY_RE)).toEqual(codes);
    // The session holds them sealed, never in plain text.
    const row = await storageOf().sessions.get(await sessionIdOf(b), clock);
    expect(row?.recoveryCodes).toMatch(/^[A-Za-z0-9_-]{100,}$/);
    for (const code of codes) expect(JSON.stringify(row)).not.toContain(code);
    // The download: a text file, an attachment, not cached.
    const file = await b.get('/recovery-codes.txt');
    expect(file.res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(file.res.headers.get('content-disposition')).toBe(
      'attachment; filename="otpkit-example-recovery-codes.txt"',
    );
    expect(file.res.headers.get('cache-control')).toBe('no-store');
    expect(file.text.match(RECOVERY_RE)).toEqual(codes);
    expect(file.text).toMatch(/^Recovery codes for codes at otpkit example\n/);
    // "I have saved them": gone from the session; no page shows them again.
    expect((await b.post('/recovery-codes/saved')).location).toBe('/settings?m=codes-saved');
    expect((await b.get('/recovery-codes')).location).toBe('/settings');
    expect((await b.get('/recovery-codes.txt')).res.status).toBe(404);
    const settings = await b.get('/settings?m=codes-saved');
    expect(settings.text.match(RECOVERY_RE)).toBeNull();
    expect(settings.text).toContain('Recovery codes left: <b>10</b>');
    clock += PERIOD_MS;
  });

  it('the hijack: a password-only intruder who viewed the enrolment page gets a key that never works', async () => {
    const user = await register('hijack');
    // The intruder knows the password (two-factor is still off) and opens the enrolment page.
    const intruder = new Browser();
    expect(
      (await intruder.submit('/login', '/login', { username: 'hijack', password: PASSWORD }))
        .location,
    ).toBe('/');
    const intruderSecret = secretOf((await intruder.get('/2fa/enrol')).text);
    // Later the user enrols, in their own session: a different key, and the intruder's is void.
    const userSecret = secretOf((await user.get('/2fa/enrol')).text);
    expect(userSecret).not.toBe(intruderSecret);
    const attempt = await intruder.post('/2fa/enrol', { code: await totp(intruderSecret) });
    expect(attempt.location).toBe('/2fa/enrol?m=enrol-expired');
    expect((await recordOf('hijack')).secret).toBeNull();
    expect((await user.post('/2fa/enrol', { code: await totp(userSecret) })).location).toBe(
      '/recovery-codes?m=2fa-on',
    );
    // The intruder's session ended with it, and their key opens nothing at login.
    expect(await signedIn(intruder)).toBe(false);
    clock += PERIOD_MS;
    const b = await passwordStep('hijack');
    for (const k of [-1, 0, 1]) {
      const code = await totp(intruderSecret, clock + k * PERIOD_MS);
      expect((await b.post('/login/2fa', { code })).location).toBe('/login/2fa?m=invalid');
    }
    expect(await signedIn(b)).toBe(false);
    expect((await b.post('/login/2fa', { code: await totp(userSecret) })).location).toBe('/');
    clock += PERIOD_MS;
  });
});

describe('reference server: login', () => {
  it('logs in with password then code, naming the account; the same code is refused the second time', async () => {
    const { secret } = await enrolled('login');
    const b = await passwordStep('login');
    const page = await b.get('/login/2fa');
    expect(page.text).toContain('Signing in as <b>login</b>');
    expect(page.text).toContain('Use another account');
    expect(page.text).toContain('Email me a code instead');
    expect(await signedIn(b)).toBe(false); // the password alone is not enough
    await b.get('/login/2fa');
    const before = b.cookie;
    const code = await totp(secret);
    expect((await b.post('/login/2fa', { code })).location).toBe('/');
    expect(b.cookie).not.toBe(before); // a new session id at each step
    expect(await signedIn(b)).toBe(true);
    expect((await recordOf('login')).lastStep).toBe(Math.floor(clock / PERIOD_MS));

    // The same code a second time, in the same 30 s step: refused (RFC 6238 §5.2).
    const replay = await passwordStep('login');
    expect((await replay.post('/login/2fa', { code })).location).toBe('/login/2fa?m=invalid');
    expect(await signedIn(replay)).toBe(false);
    clock += PERIOD_MS;
    await replay.get('/login/2fa');
    expect((await replay.post('/login/2fa', { code: await totp(secret) })).location).toBe('/');
    expect(await signedIn(replay)).toBe(true);
    clock += PERIOD_MS;
  });

  it('sends a half-signed-in user back to the code step from /, /2fa/enrol and /settings', async () => {
    await enrolled('half-nav');
    const b = await passwordStep('half-nav');
    for (const path of ['/', '/2fa/enrol', '/settings', '/recovery-codes']) {
      expect([path, (await b.get(path)).location]).toEqual([path, '/login/2fa']);
    }
    expect((await new Browser().get('/settings')).location).toBe('/login'); // a visitor
  });

  it('keeps the code step open as long as an emailed code works (10 minutes)', async () => {
    await enrolled('half-ttl');
    const b = await passwordStep('half-ttl');
    clock += 10 * 60_000 - 1_000;
    expect((await b.get('/login/2fa')).res.status).toBe(200);
    clock += 2_000;
    expect((await b.get('/login/2fa')).location).toBe('/login?m=start-again');
  });

  it('"use another account" ends the half-signed-in session', async () => {
    await enrolled('other-account');
    const b = await passwordStep('other-account');
    expect((await b.post('/login/cancel')).location).toBe('/login');
    expect(b.cookie).toBeNull();
    expect((await b.get('/login/2fa')).location).toBe('/login?m=start-again');
  });

  it('refreshing after a failed code repeats no attempt (Post/Redirect/Get)', async () => {
    const { secret } = await enrolled('refresh');
    const b = await passwordStep('refresh');
    const r = await b.post('/login/2fa', { code: await wrongCode(secret) });
    expect(r.res.status).toBe(303);
    expect(r.location).toBe('/login/2fa?m=invalid');
    expect((await recordOf('refresh')).failures).toBe(1);
    for (let i = 0; i < 3; i++) {
      const page = await b.get(r.location!);
      expect(page.text).toContain('That code is not right, or it was already used');
    }
    expect((await recordOf('refresh')).failures).toBe(1);
    expect((await b.post('/login/2fa', { code: '' })).location).toBe('/login/2fa?m=empty');
    expect((await recordOf('refresh')).failures).toBe(1); // an empty form is no attempt
  });

  it('refuses a code used twice at once: two parallel requests, exactly one signs in', async () => {
    const { secret } = await enrolled('race');
    const [a, b] = await Promise.all([passwordStep('race'), passwordStep('race')]);
    const code = await totp(secret);
    const results = await Promise.all([
      a.post('/login/2fa', { code }),
      b.post('/login/2fa', { code }),
    ]);
    expect(results.map((r) => r.location).sort()).toEqual(['/', '/login/2fa?m=invalid']);
    expect([await signedIn(a), await signedIn(b)].filter(Boolean)).toHaveLength(1);
    clock += PERIOD_MS;
  });

  it('accepts a recovery code once, in any spelling', async () => {
    const { codes } = await enrolled('recover');
    const b = await passwordStep('recover');
    const spelled = codes[3]!.toUpperCase().replace(/-/g, ' ');
    expect((await b.post('/login/2fa', { code: spelled })).location).toBe('/');
    expect(await signedIn(b)).toBe(true);
    expect((await recordOf('recover')).recoveryCodesLeft).toBe(9);
    expect(logs).toContain(`2fa login ok user=${(await userNamed('recover')).id} method=recovery`);
    const again = await passwordStep('recover');
    expect((await again.post('/login/2fa', { code: codes[3]! })).location).toBe(
      '/login/2fa?m=invalid',
    );
    expect(await signedIn(again)).toBe(false);
  });

  it('locks after 5 failures across sessions, checks nothing while locked, and says how long to wait', async () => {
    const { secret, codes } = await enrolled('lock');
    const [a, b] = await Promise.all([passwordStep('lock'), passwordStep('lock')]);
    for (const browser of [a, b, a, b, a]) {
      expect((await browser.post('/login/2fa', { code: await wrongCode(secret) })).location).toBe(
        '/login/2fa?m=invalid',
      );
    }
    const page = await b.get('/login/2fa?m=invalid');
    expect(page.text).toContain('Too many wrong codes for this account. Wait 1 minute');
    // While locked, the right code and a recovery code are refused too, in every session.
    expect((await b.post('/login/2fa', { code: await totp(secret) })).location).toBe(
      '/login/2fa?m=locked',
    );
    expect((await a.post('/login/2fa', { code: codes[0]! })).location).toBe('/login/2fa?m=locked');
    expect((await recordOf('lock')).recoveryCodesLeft).toBe(10);
    clock += 60_000 + 1_000;
    const c = await passwordStep('lock');
    expect((await c.post('/login/2fa', { code: await totp(secret) })).location).toBe('/');
    expect(await signedIn(c)).toBe(true);
    clock += PERIOD_MS;
  });

  it('of 40 parallel wrong codes over 4 sessions, at most 5 are checked and nobody signs in', async () => {
    const { secret } = await enrolled('burst');
    const browsers = await Promise.all([0, 1, 2, 3].map(() => passwordStep('burst')));
    const wrong = await wrongCode(secret);
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => browsers[i % 4]!.post('/login/2fa', { code: wrong })),
    );
    const where = results.map((r) => r.location);
    expect(where.filter((l) => l === '/login/2fa?m=invalid')).toHaveLength(5);
    expect(where.filter((l) => l === '/login/2fa?m=locked')).toHaveLength(35);
    for (const b of browsers) expect(await signedIn(b)).toBe(false);
    clock += 60 * 60_000;
  });

  it('refuses to treat lost second-factor state as "off": the users table says it was on', async () => {
    const own = await serve();
    await enrolled('lost-state', own);
    // The same users and sessions, but the second-factor store lost everything.
    const forgetful = await serve({
      storage: { ...storageOf(own), twoFactorStore: memoryStore() },
    });
    const b = new Browser(forgetful);
    const r = await b.submit('/login', '/login', { username: 'lost-state', password: PASSWORD });
    expect(r.res.status).toBe(500);
    expect(await signedIn(b)).toBe(false);
    expect(logs).toContain('error: STATE_MISSING');
  });
});

describe('reference server: emailed codes', () => {
  const mailsTo = (s: Server, to: string) => s.app.mailer.messages().filter((m) => m.to === to);
  const codeIn = (text: string): string => /\b(\d{6})\b/.exec(text)![1]!;

  it('"Email me a code instead" mails a login code that works once', async () => {
    await enrolled('mailed');
    const b = await passwordStep('mailed');
    const sent = await b.post('/login/email-code');
    expect(sent.location).toBe('/login/2fa?m=code-sent');
    expect((await b.get(sent.location!)).text).toContain('We sent a 6-digit code');
    const [mail] = mailsTo(server, 'mailed@example.com');
    expect(mail?.subject).toBe('Your otpkit example sign-in code');
    const code = codeIn(mail!.text);
    codesSeen.push(code);
    // The development mailbox shows it.
    const box = await new Browser().get('/dev/mailbox');
    expect(box.res.status).toBe(200);
    expect(box.text).toContain(`<pre>Your sign-in code for otpkit example is ${code}`);
    expect((await b.post('/login/2fa', { code })).location).toBe('/');
    expect(await signedIn(b)).toBe(true);
    expect(logs).toContain(`2fa login ok user=${(await userNamed('mailed')).id} method=code`);
    // Once only.
    const again = await passwordStep('mailed');
    expect((await again.post('/login/2fa', { code })).location).toBe('/login/2fa?m=invalid');
  });

  it('sends at most one code per 30 s, and a code expires after 10 minutes', async () => {
    await enrolled('slow-mail');
    const b = await passwordStep('slow-mail');
    expect((await b.post('/login/email-code')).location).toBe('/login/2fa?m=code-sent');
    expect((await b.post('/login/email-code')).location).toBe('/login/2fa?m=code-wait');
    expect(mailsTo(server, 'slow-mail@example.com')).toHaveLength(1);
    clock += 31_000;
    expect((await b.post('/login/email-code')).location).toBe('/login/2fa?m=code-sent');
    const [newest, older] = mailsTo(server, 'slow-mail@example.com');
    const code = codeIn(newest!.text);
    codesSeen.push(code, codeIn(older!.text));
    // The newer code voids the older one.
    if (codeIn(older!.text) !== code) {
      expect((await b.post('/login/2fa', { code: codeIn(older!.text) })).location).toBe(
        '/login/2fa?m=invalid',
      );
    }
    clock += 10 * 60_000 + 1_000;
    const late = await passwordStep('slow-mail'); // the first half session has expired meanwhile
    expect((await late.post('/login/2fa', { code })).location).toBe('/login/2fa?m=expired');
    expect((await late.get('/login/2fa?m=expired')).text).toContain('Ask for a new one');
    expect(await signedIn(late)).toBe(false);
  });

  it('sends no code while the account is locked', async () => {
    const { secret } = await enrolled('locked-mail');
    const b = await passwordStep('locked-mail');
    for (let i = 0; i < 5; i++) await b.post('/login/2fa', { code: await wrongCode(secret) });
    expect((await b.post('/login/email-code')).location).toBe('/login/2fa?m=locked');
    expect(mailsTo(server, 'locked-mail@example.com')).toEqual([]);
    expect((await b.get('/login/2fa?m=locked')).text).toContain('Too many wrong codes');
    clock += 60_000 + 1_000; // the lock is over
    const after = await passwordStep('locked-mail');
    expect((await after.post('/login/email-code')).location).toBe('/login/2fa?m=code-sent');
    expect(mailsTo(server, 'locked-mail@example.com')).toHaveLength(1);
  });

  it('sends at most 10 codes a day (UTC) to one account', async () => {
    const day = 24 * 60 * 60_000;
    clock = Math.ceil(clock / day) * day + 60 * 60_000 + 1_000; // 01:00 UTC: no midnight here
    const own = await serve();
    await enrolled('daily-mail', own);
    const b = await passwordStep('daily-mail', own);
    const answers: string[] = [];
    for (let i = 0; i < 11; i++) {
      answers.push((await b.post('/login/email-code')).location!);
      clock += 31_000; // past "one per 30 s": 11 asks in under 6 minutes, within the code step
    }
    expect(answers).toEqual([...Array(10).fill('/login/2fa?m=code-sent'), '/login/2fa?m=code-cap']);
    expect(mailsTo(own, 'daily-mail@example.com')).toHaveLength(10);
    expect((await b.get('/login/2fa?m=code-cap')).text).toContain('at most 10 codes a day');
    clock += day; // the next UTC day
    const tomorrow = await passwordStep('daily-mail', own);
    expect((await tomorrow.post('/login/email-code')).location).toBe('/login/2fa?m=code-sent');
    for (const m of mailsTo(own, 'daily-mail@example.com')) codesSeen.push(codeIn(m.text));
  });

  it('says how long a code works, in seconds under a minute; lasts the code step as long', async () => {
    const own = await serve({ emailCodeTtlMs: 30_000 });
    await enrolled('quick-mail', own);
    const b = await passwordStep('quick-mail', own);
    expect((await b.post('/login/email-code')).location).toBe('/login/2fa?m=code-sent');
    const [mail] = mailsTo(own, 'quick-mail@example.com');
    codesSeen.push(codeIn(mail!.text));
    expect(mail!.text).toContain('It works once, within 30 seconds.');
    const [tenMinutes] = mailsTo(server, 'mailed@example.com');
    expect(tenMinutes!.text).toContain('It works once, within 10 minutes.');
    clock += 31_000;
    expect((await b.get('/login/2fa')).location).toBe('/login?m=start-again');
  });

  it('logs a failed mail by its code, never the server reply or the address', async () => {
    const port = await closedPort();
    const own = await serve({
      mailer: createMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, log: (l) => logs.push(l) }),
    });
    await enrolled('no-smtp', own);
    const b = await passwordStep('no-smtp', own);
    expect((await b.post('/login/email-code')).location).toBe('/login/2fa?m=mail-failed');
    expect(logs).toContain(
      `mail failed user=${(await userNamed('no-smtp', own)).id}: ECONNREFUSED`,
    );
    expect(logs.join('\n')).not.toContain('no-smtp@example.com');
  });

  it('has /dev/mailbox only when devMailbox is on, and offers emailed codes only where they arrive', async () => {
    const plain = await serve({ devMailbox: false });
    expect((await new Browser(plain).get('/dev/mailbox')).res.status).toBe(404);
    expect((await new Browser(plain).head('/dev/mailbox')).res.status).toBe(404);
    await enrolled('no-mailbox', plain);
    const b = await passwordStep('no-mailbox', plain);
    expect((await b.get('/login/2fa')).text).not.toContain('Email me a code');
    expect((await b.post('/login/email-code')).location).toBe('/login/2fa?m=mail-failed');
    expect(plain.app.mailer.messages()).toEqual([]);
    // With devMailbox on, the same page offers it (the shared server).
    expect((await (await passwordStep('mailed')).get('/login/2fa')).text).toContain(
      'Email me a code instead',
    );
  });
});

describe('reference server: settings', () => {
  it('new recovery codes need a fresh code; a refresh of their page shows them again and counts nothing', async () => {
    const { secret, codes: oldCodes } = await enrolled('settings');
    const b = await passwordStep('settings');
    const loginCode = await totp(secret);
    expect((await b.post('/login/2fa', { code: loginCode })).location).toBe('/');
    await b.get('/settings');
    // The code just used to sign in is not fresh; a recovery code is no substitute here.
    expect((await b.post('/settings/recovery-codes', { code: loginCode })).location).toBe(
      '/settings?m=invalid',
    );
    expect((await b.post('/settings/recovery-codes', { code: oldCodes[0]! })).location).toBe(
      '/settings?m=invalid',
    );
    expect((await recordOf('settings')).recoveryCodesLeft).toBe(10);
    clock += PERIOD_MS;
    const regen = await b.post('/settings/recovery-codes', { code: await totp(secret) });
    expect(regen.location).toBe('/recovery-codes?m=codes-new');
    const regenPage = await b.get(regen.location!);
    expect(regenPage.text).toContain('New recovery codes are made: the old ones no longer work.');
    expect(regenPage.text).not.toContain('Two-factor authentication is on.');
    // A stale form on that page: its message is shown there, and the codes still are.
    const stale = await b.post('/recovery-codes/saved', {}, 'x'.repeat(43));
    expect(stale.location).toBe('/recovery-codes?m=form-expired');
    const again = await b.get(stale.location!);
    expect(again.text).toContain('That form had expired, so nothing was changed.');
    expect(again.text.match(RECOVERY_RE)).toEqual(regenPage.text.match(RECOVERY_RE));
    const failures = (await recordOf('settings')).failures;
    const shown = (await b.get('/recovery-codes')).text.match(RECOVERY_RE)!;
    expect((await b.get('/recovery-codes')).text.match(RECOVERY_RE)).toEqual(shown);
    expect((await recordOf('settings')).failures).toBe(failures);
    expect(shown.filter((c) => oldCodes.includes(c))).toEqual([]);
    await b.post('/recovery-codes/saved');
    // The old codes are void, the new ones work.
    const other = await passwordStep('settings');
    expect((await other.post('/login/2fa', { code: oldCodes[1]! })).location).toBe(
      '/login/2fa?m=invalid',
    );
    expect((await other.post('/login/2fa', { code: shown[0]! })).location).toBe('/');
  });

  it('turning off needs a fresh code, ends the other sessions and rotates this one', async () => {
    const { b, secret } = await enrolled('turn-off');
    const elsewhere = await passwordStep('turn-off');
    expect((await elsewhere.post('/login/2fa', { code: await totp(secret) })).location).toBe('/');
    await b.get('/settings');
    expect((await b.post('/settings/disable-2fa', { code: await wrongCode(secret) })).location)
      .toBe('/settings?m=invalid');
    clock += PERIOD_MS;
    const before = b.cookie;
    const off = await b.post('/settings/disable-2fa', { code: await totp(secret) });
    expect(off.location).toBe('/settings?m=2fa-off');
    expect(b.cookie).not.toBe(before);
    expect(await signedIn(b)).toBe(true);
    expect(await signedIn(elsewhere)).toBe(false);
    expect((await recordOf('turn-off')).secret).toBeNull();
    expect((await userNamed('turn-off')).twoFactor).toBe(false);
    // Now the password alone signs in.
    const plain = await new Browser().submit('/login', '/login', {
      username: 'turn-off',
      password: PASSWORD,
    });
    expect(plain.location).toBe('/');
  });

  it('lost phone: signed in with a recovery code, turns off with another one', async () => {
    const { codes } = await enrolled('lost-phone');
    const b = await passwordStep('lost-phone');
    expect((await b.post('/login/2fa', { code: codes[0]! })).location).toBe('/');
    const settings = await b.get('/settings');
    expect(settings.text).toMatch(
      /<label for="code-off">A code from your app, or a recovery code[^]*?<input id="code-off" name="code" type="text" class="code" autocomplete="off"/,
    );
    // The code spent to sign in is spent; and new recovery codes still take the app's code only.
    expect((await b.post('/settings/disable-2fa', { code: codes[0]! })).location).toBe(
      '/settings?m=invalid',
    );
    expect((await b.post('/settings/recovery-codes', { code: codes[1]! })).location).toBe(
      '/settings?m=invalid',
    );
    expect((await recordOf('lost-phone')).recoveryCodesLeft).toBe(9);
    const off = await b.post('/settings/disable-2fa', { code: codes[1]! });
    expect(off.location).toBe('/settings?m=2fa-off');
    expect((await recordOf('lost-phone')).secret).toBeNull();
    expect((await userNamed('lost-phone')).twoFactor).toBe(false);
    expect(await signedIn(b)).toBe(true);
  });

  it('turning off writes the app flag first: a failed write leaves the code required, never a dead end', async () => {
    let failing: 'flag' | 'store' | null = null;
    const base = memoryStorage();
    const down = () => Object.assign(new Error('the database is down'), { code: 'DOWN' });
    const own = await serve({
      storage: {
        ...base,
        users: {
          ...base.users,
          setTwoFactor: async (id, on) => {
            if (failing === 'flag') throw down();
            await base.users.setTwoFactor(id, on);
          },
        },
        twoFactorStore: {
          ...base.twoFactorStore,
          disable: async (userId) => {
            if (failing === 'store') throw down();
            await base.twoFactorStore.disable(userId);
          },
        },
      },
    });
    const { b, secret } = await enrolled('half-off', own);
    for (const what of ['flag', 'store'] as const) {
      failing = what;
      await b.get('/settings');
      clock += PERIOD_MS;
      expect((await b.post('/settings/disable-2fa', { code: await totp(secret) })).res.status)
        .toBe(500);
      // Either way the store still holds the secret, and the password alone does not sign in.
      expect((await recordOf('half-off', own)).secret).not.toBeNull();
      await passwordStep('half-off', own); // expects the code step, not a 500
    }
    expect((await userNamed('half-off', own)).twoFactor).toBe(false); // written before the store
    failing = null; // the database is back: turning off again finishes it
    await b.get('/settings');
    clock += PERIOD_MS;
    expect((await b.post('/settings/disable-2fa', { code: await totp(secret) })).location).toBe(
      '/settings?m=2fa-off',
    );
    const plain = new Browser(own);
    expect(
      (await plain.submit('/login', '/login', { username: 'half-off', password: PASSWORD }))
        .location,
    ).toBe('/');
  });

  it('answers HEAD on signed-in pages with the headers of GET', async () => {
    const { b } = await enrolled('head-user');
    for (const path of ['/', '/settings']) {
      const head = await b.head(path);
      const get = await b.get(path);
      expect(head.text).toBe('');
      expect(head.res.headers.get('content-length')).toBe(get.res.headers.get('content-length'));
      expect(head.res.headers.get('content-security-policy')).toBe(
        get.res.headers.get('content-security-policy'),
      );
    }
  });
});

describe('reference server: database connections', () => {
  it('logs a dropped pg or redis connection by its code or name only, and the process lives on', async () => {
    const lines: string[] = [];
    const storage = await openStorage({
      databaseUrl: 'postgres://app:s3cret-pw@db.example:5432/app',
      redisUrl: 'redis://:s3cret-pw@cache.example:6379',
      log: (line) => lines.push(line),
    });
    expect(lines).toEqual([
      'Storage: PostgreSQL at db.example:5432; second-factor state in Redis at cache.example:6379.',
    ]);
    // As pg-pool emits it: the error of an idle client, with the client (and its password) on it.
    const dropped = Object.assign(new Error('Connection terminated unexpectedly'), {
      code: 'ECONNRESET',
      client: { connectionParameters: { password: 's3cret-pw' } },
    });
    fakeClients.pools.at(-1)!.emit('error', dropped);
    const closed = new Error('Socket closed unexpectedly: s3cret-pw');
    closed.name = 'SocketClosedUnexpectedlyError';
    fakeClients.redis.at(-1)!.emit('error', closed);
    expect(lines.slice(1)).toEqual([
      'database connection lost: ECONNRESET',
      'database connection lost: SocketClosedUnexpectedlyError',
    ]);
    await storage.close();
  });
});

describe('reference server: logs', () => {
  it('log no secret, code or URI', () => {
    expect(logs.length).toBeGreaterThan(10);
    const text = logs.join('\n');
    expect(text).not.toMatch(/otpauth|hmac-sha256:|v1\./);
    expect(text).not.toMatch(RECOVERY_RE);
    expect(codesSeen.length).toBeGreaterThan(10);
    for (const value of [...secretsSeen, ...codesSeen]) expect(text).not.toContain(value);
    expect(text).not.toMatch(/\b\d{6}\b/);
  });
});
