// The `otpkit` command line, as users run it: built with tsup.config.ts into a temporary directory
// and run as a child process. Its codes are compared with the library's (and the independent reference) for
// seeded random keys, times and counters; exit statuses, stdin, help, error lines and `new` output are checked.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildKeyURI,
  buildMigrationURIs,
  encodeBase32,
  generateHOTP,
  generateTOTP,
  type KeyURI,
  parseKeyURI,
  parseMigrationURI,
  verifyHOTP,
  verifyTOTP,
} from '../src/index.js';
import { encodeQR, qrToSVG, qrToTerminal } from '../src/qr/index.js';
import { buildPackage } from './helpers/build.js';
import { type Random, seededRandom } from './helpers/random.js';
import { referenceHOTP, referenceTOTP } from './helpers/reference.js';

const SECRET = 'JBSWY3DPEHPK3PXP';

let dir = '';
let cli = '';
beforeAll(async () => {
  dir = await buildPackage();
  cli = join(dir, 'cli.js');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

// The environment the CLI runs in: this one without NO_COLOR (a test that wants it sets it).
const { NO_COLOR: _, ...ENV } = process.env;

/** Runs the built CLI; `input` is its stdin (none: an empty stdin); `env` is added to its environment. */
function otpkit(args: readonly string[], input = '', env: Record<string, string> = {}): Run {
  const r = spawnSync('node', [cli, ...args], {
    encoding: 'utf8',
    input,
    timeout: 20_000,
    env: { ...ENV, ...env },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'] as const;
const MAX_TIME = 253_402_300_799_000; // 9999-12-31T23:59:59Z

/** A random key as base32 text, printed the way apps and users may give it: lower case, grouped by spaces. */
function spelled(rng: Random, key: Uint8Array): string {
  const text = encodeBase32(key);
  const cased = rng.int(0, 1) === 0 ? text : text.toLowerCase();
  return rng.int(0, 1) === 0 ? cased : (cased.match(/.{1,4}/g) as string[]).join(' ');
}

/** JSON of a value with bigints as decimal strings, as the CLI prints them. */
const asJSON = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));

const redacted = (key: KeyURI): unknown => asJSON({ ...key, secret: '[redacted]' });

describe('the built file', () => {
  it('is one ESM file with a shebang that bundles the library (imports only Node built-ins)', () => {
    const text = readFileSync(cli, 'utf8');
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
    const imports = [...text.matchAll(/^import\s[^;]*?from\s+['"]([^'"]+)['"]/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    for (const source of imports) {
      expect(source, 'a bundled CLI imports nothing but Node built-ins').toMatch(
        /^(node:)?(fs|util)$/,
      );
    }
    expect(text).not.toMatch(/\brequire\(/);
  });
});

describe('otpkit code', () => {
  it('prints the library TOTP code for random keys, times, periods, algorithms and digits 6-10', async () => {
    const rng = seededRandom();
    for (let i = 0; i < 40; i++) {
      const key = rng.bytes(rng.int(10, 64));
      const algorithm = rng.pick(ALGORITHMS);
      const digits = 6 + (i % 5);
      const period = rng.pick([30, 60, rng.int(1, 86_400)]);
      const time = rng.int(0, 3) === 0
        ? rng.int(0, 10 ** 6)
        : Math.floor((rng.uint32() / 2 ** 32) * MAX_TIME);
      // The same instant as Unix milliseconds (ms), Unix seconds with a fraction (@) or an ISO date.
      const timeArg = [
        `${time}ms`,
        `@${Math.floor(time / 1000)}.${String(time % 1000).padStart(3, '0')}`,
        new Date(time).toISOString(),
      ][i % 3] as string;
      const args = [
        'code',
        spelled(rng, key),
        '--time',
        timeArg,
        '--algorithm',
        algorithm,
        '--digits',
        String(digits),
        '--period',
        String(period),
      ];
      const expected = await generateTOTP({ secret: key, time, algorithm, digits, period });
      expect(expected, rng.tag).toBe(referenceTOTP(key, time, 0, period, digits, algorithm));
      const r = otpkit(args);
      expect(r, `${rng.tag} case ${i}`).toEqual({ status: 0, stdout: `${expected}\n`, stderr: '' });
    }
  });

  it('prints the library HOTP code for random 64-bit counters (--counter)', async () => {
    const rng = seededRandom();
    for (let i = 0; i < 25; i++) {
      const key = rng.bytes(rng.int(10, 64));
      const algorithm = rng.pick(ALGORITHMS);
      const digits = rng.int(6, 10);
      const counter = rng.counter64();
      const expected = await generateHOTP({ secret: key, counter, algorithm, digits });
      expect(expected, rng.tag).toBe(referenceHOTP(key, counter, digits, algorithm));
      const r = otpkit([
        'code',
        spelled(rng, key),
        '--counter',
        String(counter),
        '--algorithm',
        algorithm.toLowerCase(),
        '--digits',
        String(digits),
      ]);
      expect(r, `${rng.tag} case ${i}`).toEqual({ status: 0, stdout: `${expected}\n`, stderr: '' });
    }
  });

  it('gives the RFC 6238 Appendix B values (SHA1, 8 digits)', () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(otpkit(['code', secret, '--time', '59000ms', '--digits', '8']).stdout).toBe(
      '94287082\n',
    );
    expect(otpkit(['code', secret, '--time', '@59', '--digits', '8']).stdout).toBe('94287082\n');
    expect(otpkit(['code', secret, '--time', '2005-03-18T01:58:29Z', '--digits', '8']).stdout).toBe(
      '07081804\n',
    );
    expect(otpkit(['code', secret, '--time', '@20000000000', '--digits', '8']).stdout).toBe(
      '65353130\n',
    );
  });

  it('uses now when --time is absent', async () => {
    const secret = 'JBSWY3DPEHPK3PXP';
    const before = await generateTOTP({ secret });
    const r = otpkit(['code', secret]);
    const after = await generateTOTP({ secret });
    expect(r.status).toBe(0);
    expect([`${before}\n`, `${after}\n`]).toContain(r.stdout);
  });

  it('takes an otpauth:// URI (its algorithm, digits, period, counter), options overriding it', async () => {
    const rng = seededRandom();
    for (let i = 0; i < 16; i++) {
      const key = rng.bytes(rng.int(10, 40));
      const hotp = i % 2 === 1;
      const counter = rng.counter64();
      const options = {
        type: hotp ? ('hotp' as const) : ('totp' as const),
        secret: key,
        account: `user${i}@example.com`,
        issuer: rng.pick(['ACME Co', 'Ex & Co', 'Ünïcødé']),
        algorithm: rng.pick(ALGORITHMS),
        digits: rng.int(6, 10),
        ...(hotp ? { counter } : { period: rng.pick([30, 60, rng.int(1, 600)]) }),
      };
      const uri = buildKeyURI(options);
      const time = rng.int(0, 2 ** 41);
      const expected = hotp
        ? await generateHOTP({ ...options, type: 'hotp', counter })
        : await generateTOTP({ ...options, type: 'totp', time });
      const r = otpkit(['code', uri, ...(hotp ? [] : ['--time', `${time}ms`])]);
      expect(r, `${rng.tag} case ${i}`).toEqual({ status: 0, stdout: `${expected}\n`, stderr: '' });
      // --digits on the command line wins over the URI's.
      const digits = options.digits === 6 ? 8 : 6;
      const override = hotp
        ? await generateHOTP({ ...options, type: 'hotp', counter, digits })
        : await generateTOTP({ ...options, type: 'totp', time, digits });
      expect(
        otpkit(['code', uri, '--digits', String(digits), ...(hotp ? [] : ['--time', `${time}ms`])])
          .stdout,
        rng.tag,
      ).toBe(`${override}\n`);
    }
  });

  it('reads the secret or the URI from stdin with "-" (trailing newline, spaces)', async () => {
    const rng = seededRandom();
    for (let i = 0; i < 8; i++) {
      const key = rng.bytes(20);
      const time = rng.int(0, 2 ** 41);
      const expected = await generateTOTP({ secret: key, time });
      const text = i % 2 === 0
        ? `${spelled(rng, key)}\n`
        : `${buildKeyURI({ secret: key, account: 'alice', issuer: 'Example' })}\n`;
      expect(otpkit(['code', '-', '--time', `${time}ms`], text), rng.tag).toEqual({
        status: 0,
        stdout: `${expected}\n`,
        stderr: '',
      });
    }
  });
});

describe('otpkit verify', () => {
  it('exits 0 with the TOTP match as JSON for a right code, 1 for a wrong or replayed one', async () => {
    const rng = seededRandom();
    for (let i = 0; i < 10; i++) {
      const key = rng.bytes(20);
      const secret = spelled(rng, key);
      const algorithm = rng.pick(ALGORITHMS);
      const digits = rng.int(6, 10);
      const time = rng.int(10 ** 6, 2 ** 41);
      const skew = rng.int(-1, 1); // the code of a neighbouring step, inside the default window
      const token = await generateTOTP({
        secret: key,
        algorithm,
        digits,
        time: time + skew * 30_000,
      });
      const common = ['--time', `${time}ms`, '--algorithm', algorithm, '--digits', String(digits)];
      const match = await verifyTOTP({ secret: key, algorithm, digits, time, token });
      expect(match, rng.tag).not.toBeNull();
      const r = otpkit(['verify', token, secret, ...common]);
      expect(r.status, rng.tag).toBe(0);
      expect(JSON.parse(r.stdout), rng.tag).toEqual(match);
      expect(r.stderr).toBe('');
      // Replay: refused once its step is passed as --after-step.
      const replay = otpkit([
        'verify',
        token,
        secret,
        ...common,
        `--after-step=${String(match?.step)}`,
      ]);
      expect(replay, rng.tag).toEqual({
        status: 1,
        stdout: '',
        stderr: 'otpkit verify: no match\n',
      });
      // --window 0 refuses a neighbouring step's code.
      expect(otpkit(['verify', token, secret, ...common, '--window', '0']).status, rng.tag).toBe(
        skew === 0 ? 0 : 1,
      );
      // A wrong code: the right one with its last digit changed.
      const wrong = token.slice(0, -1) + String((Number(token.at(-1)) + 1) % 10);
      expect(await verifyTOTP({ secret: key, algorithm, digits, time, token: wrong }), rng.tag)
        .toBeNull();
      expect(otpkit(['verify', wrong, secret, ...common]), rng.tag).toEqual({
        status: 1,
        stdout: '',
        stderr: 'otpkit verify: no match\n',
      });
    }
  });

  it('accepts a code typed with spaces ("123 456") and treats a malformed one as no match', async () => {
    const secret = 'JBSWY3DPEHPK3PXP';
    const token = await generateTOTP({ secret, time: 1_700_000_000_000 });
    expect(
      otpkit([
        'verify',
        `${token.slice(0, 3)} ${token.slice(3)}`,
        secret,
        '--time',
        '@1700000000',
      ]).status,
    ).toBe(0);
    expect(otpkit(['verify', '12x456', secret, '--time', '@1700000000']).status).toBe(1);
    expect(otpkit(['verify', `${token}0`, secret, '--time', '@1700000000']).status).toBe(1);
  });

  it('verifies HOTP with --counter and --window as look-ahead, counters above 2^53 as JSON strings', async () => {
    const rng = seededRandom();
    for (let i = 0; i < 8; i++) {
      const key = rng.bytes(20);
      const counter = i < 3 ? 2n ** 64n - 1n - BigInt(rng.int(5, 50)) : BigInt(rng.int(0, 10 ** 6));
      const ahead = BigInt(rng.int(0, 4));
      const token = await generateHOTP({ secret: key, counter: counter + ahead });
      const given = counter <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(counter) : counter;
      const match = await verifyHOTP({ secret: key, token, counter: given, lookAhead: 4 });
      const r = otpkit([
        'verify',
        token,
        encodeBase32(key),
        '--counter',
        String(counter),
        '--window',
        '4',
      ]);
      expect(r.status, rng.tag).toBe(0);
      expect(JSON.parse(r.stdout), rng.tag).toEqual(asJSON(match));
      if (typeof given === 'bigint') {
        expect(JSON.parse(r.stdout).counter, rng.tag).toBe(String(counter + ahead));
      }
      // Without enough look-ahead the code does not match (unless it is the counter's own).
      expect(
        otpkit(['verify', token, encodeBase32(key), '--counter', String(counter)]).status,
        rng.tag,
      ).toBe(ahead === 0n ? 0 : 1);
    }
  });

  it('verifies against an hotp URI read from stdin', async () => {
    const uri = buildKeyURI({
      type: 'hotp',
      secret: 'JBSWY3DPEHPK3PXP',
      account: 'bob',
      issuer: 'ACME',
      counter: 41,
    });
    const token = await generateHOTP({ secret: 'JBSWY3DPEHPK3PXP', counter: 42 });
    const r = otpkit(['verify', token, '-', '--window', '1'], uri);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ counter: 42, nextCounter: 43, delta: 1 });
  });
});

describe('otpkit new', () => {
  it('prints a new secret, its URI and exactly its terminal QR code; the URI parses back', async () => {
    const r = otpkit([
      'new',
      '--issuer',
      'Example Co',
      '--account',
      'alice@example.com',
      '--digits',
      '8',
      '--algorithm',
      'SHA256',
      '--period',
      '60',
      '--bytes',
      '32',
    ]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const secret = /^secret: ([A-Z2-7]+)$/m.exec(r.stdout)?.[1] as string;
    const uri = /^uri: +(otpauth:\/\/\S+)$/m.exec(r.stdout)?.[1] as string;
    expect(secret).toHaveLength(52); // 32 bytes
    expect(parseKeyURI(uri)).toMatchObject({
      type: 'totp',
      secret,
      issuer: 'Example Co',
      account: 'alice@example.com',
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
    });
    const qr = qrToTerminal(encodeQR(uri, { ecc: 'L' }), { color: true });
    expect(qr.split('\n').length).toBeGreaterThan(20);
    expect(r.stdout).toBe(
      `secret: ${secret}\nuri:    ${uri}\n\n${qr}${qr.endsWith('\n') ? '' : '\n'}`,
    );
    // The secret works: the CLI's code for it is the library's.
    const time = 1_800_000_000_000;
    expect(otpkit(['code', uri, '--time', `${time}ms`]).stdout).toBe(
      `${await generateTOTP({ secret, time, digits: 8, algorithm: 'SHA256', period: 60 })}\n`,
    );
  });

  it('draws without colours with NO_COLOR, inverted with --invert, and a different secret each time', () => {
    const a = otpkit(['new', '--issuer', 'X', '--account', 'a', '--invert']);
    const b = otpkit(['new', '--issuer', 'X', '--account', 'a'], '', { NO_COLOR: '1' });
    const c = otpkit(['new', '--issuer', 'X', '--account', 'a'], '', { NO_COLOR: '' });
    const uri = (r: Run): string => /^uri: +(\S+)$/m.exec(r.stdout)?.[1] as string;
    const drawing = (r: Run): string => r.stdout.slice(r.stdout.indexOf('\n\n') + 2);
    expect(drawing(a)).toBe(`${qrToTerminal(encodeQR(uri(a), { ecc: 'L' }), { invert: true })}\n`);
    expect(drawing(b)).toBe(`${qrToTerminal(encodeQR(uri(b), { ecc: 'L' }))}\n`);
    expect(a.stdout + b.stdout).not.toContain('\x1b');
    // An empty NO_COLOR is as good as none (no-color.org): colours.
    expect(drawing(c)).toBe(`${qrToTerminal(encodeQR(uri(c), { ecc: 'L' }), { color: true })}\n`);
    expect(new Set([uri(a), uri(b), uri(c)]).size).toBe(3);
    expect(otpkit(['new', '--issuer', 'X', '--account', 'a', '--invert', '--svg', 'x.svg']))
      .toEqual({
        status: 2,
        stdout: '',
        stderr: 'otpkit: --invert applies to the terminal drawing, not with --svg\n',
      });
  });

  it('writes the QR code as SVG with --svg <file> instead of drawing it', () => {
    const file = join(dir, 'enrol.svg');
    const r = otpkit(['new', '--issuer', 'Example', '--account', 'bob', '--svg', file]);
    expect(r.status).toBe(0);
    const uri = /^uri: +(\S+)$/m.exec(r.stdout)?.[1] as string;
    expect(r.stdout).toBe(`secret: ${parseKeyURI(uri).secret}\nuri:    ${uri}\nsvg:    ${file}\n`);
    const svg = readFileSync(file, 'utf8');
    expect(svg).toBe(qrToSVG(encodeQR(uri)));
    expect(svg).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
    // The SVG holds the secret: readable by its owner only.
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses to overwrite an existing SVG file, or to follow a symlink, unless --force (which replaces, never follows)', () => {
    const file = join(dir, 'taken.svg');
    writeFileSync(file, 'keep me');
    const refused = otpkit(['new', '--issuer', 'X', '--account', 'a', '--svg', file]);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      'otpkit: the SVG file exists already (it would hold the secret): choose a new name, or add --force\n',
    );
    expect(readFileSync(file, 'utf8')).toBe('keep me');

    // A symlink planted where the file is to go, pointing at a file of someone else's, even a dangling one.
    const target = join(dir, 'victim.txt');
    writeFileSync(target, 'victim');
    const link = join(dir, 'link.svg');
    symlinkSync(target, link);
    expect(otpkit(['new', '--issuer', 'X', '--account', 'a', '--svg', link]).status).toBe(2);
    const dangling = join(dir, 'dangling.svg');
    symlinkSync(join(dir, 'nowhere.txt'), dangling);
    expect(otpkit(['new', '--issuer', 'X', '--account', 'a', '--svg', dangling]).status).toBe(2);
    expect(existsSync(join(dir, 'nowhere.txt'))).toBe(false);

    const forced = otpkit(['new', '--issuer', 'X', '--account', 'a', '--svg', link, '--force']);
    expect(forced.status).toBe(0);
    expect(readFileSync(target, 'utf8')).toBe('victim');
    expect(lstatSync(link).isSymbolicLink()).toBe(false);
    expect(readFileSync(link, 'utf8')).toMatch(/^<svg /);
    expect(statSync(link).mode & 0o777).toBe(0o600);
    expect(otpkit(['new', '--issuer', 'X', '--account', 'a', '--svg', file, '--force']).status)
      .toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^<svg /);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(otpkit(['new', '--issuer', 'X', '--account', 'a', '--force']).stderr).toBe(
      'otpkit: --force applies with --svg <file> only\n',
    );
  });

  it('writes an account holding ":" after the issuer prefix as %3A, and parses it back', () => {
    const r = otpkit(['new', '--issuer', 'Example', '--account', 'user:name']);
    expect(r.status).toBe(0);
    const uri = /^uri: +(\S+)$/m.exec(r.stdout)?.[1] as string;
    expect(uri).toMatch(/^otpauth:\/\/totp\/Example:user%3Aname\?/);
    expect(parseKeyURI(uri).account).toBe('user:name');
  });
});

describe('a reader that goes away', () => {
  it('exits 2 with one line on stderr when stdout is closed, never 0, 1 or a stack trace', async () => {
    for (
      const args of [['verify', '282760', SECRET, '--time', '@0'], [
        'new',
        '--issuer',
        'X',
        '--account',
        'a',
      ], ['code', SECRET]]
    ) {
      const child = spawn('node', [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy(); // the reader is gone before the CLI writes anything
      let stderr = '';
      const decoder = new TextDecoder();
      child.stderr.on('data', (chunk) => (stderr += decoder.decode(chunk)));
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      expect(status, args[0]).toBe(2);
      expect(stderr, args[0]).toMatch(/^otpkit: cannot write to stdout \(EPIPE\)\n$/);
    }
  });
});

describe('Steam Guard keys', () => {
  it('prints and verifies the Steam code of an encoder=steam URI', () => {
    const uri = 'otpauth://totp/Steam:alice?secret=BASE32SECRET3232&issuer=Steam&encoder=steam';
    expect(otpkit(['code', uri, '--time', '30000ms']).stdout).toBe('YKKK4\n');
    const r = otpkit(['verify', 'ykkk4', uri, '--time', '30000ms']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ step: 1, delta: 0 });
  });
});

describe('nothing printed can drive the terminal', () => {
  it('escapes bidirectional, zero-width and other format characters that reach the output', () => {
    // The library refuses controls everywhere and these in names, but a parameter value may hold them.
    const uri =
      `otpauth://totp/Example:alice?secret=${SECRET}&issuer=Example&image=%E2%80%AEgnp.evil%E2%80%8B&x%E2%81%A6=1&y=%CD%8F%EF%B8%8F%E3%85%A4`;
    const r = otpkit(['parse', uri]);
    expect(r.status).toBe(0);
    expect(r.stdout).not.toMatch(/[\u202e\u200b\u2066\u034f\ufe0f\u3164]/);
    expect(r.stdout).toContain('\\u034f\\ufe0f\\u3164');
    expect(r.stdout).toContain('\\u202egnp.evil\\u200b');
    // Still JSON, and it reads back to the same key.
    expect(JSON.parse(r.stdout)).toEqual(redacted(parseKeyURI(uri)));
  });

  it('refuses a URI whose label holds a right-to-left override, without echoing it', () => {
    const r = otpkit(['parse', `otpauth://totp/Example:alice%E2%80%AEmoc.evil?secret=${SECRET}`]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'otpkit: label account contains an invisible or bidirectional formatting character (ERR_URI_INVALID_LABEL)\n',
    );
  });

  it('names an unknown option only when it is one otpkit knows (a secret typed as a flag is not echoed)', () => {
    const r = otpkit(['code', `--${SECRET.toLowerCase()}`, SECRET]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('otpkit: unknown option; run "otpkit code --help"\n');
    const misplaced = otpkit(['code', SECRET, '--svg', 'x.svg']);
    expect(misplaced.stderr).toBe('otpkit: unknown option --svg; run "otpkit code --help"\n');
  });
});

describe('otpkit parse and import', () => {
  const uri =
    'otpauth://hotp/ACME%20Co:bob%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&counter=18446744073709551615&digits=8&image=https%3A%2F%2Fexample.com%2Fx.png';

  it('parse prints the key as JSON, secret redacted unless --show-secret, bigint counter as a string', () => {
    const key = parseKeyURI(uri);
    const r = otpkit(['parse', uri]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(redacted(key));
    expect(r.stdout).not.toContain('JBSWY3DPEHPK3PXP');
    expect(JSON.parse(r.stdout).counter).toBe('18446744073709551615');
    expect(JSON.parse(otpkit(['parse', '--show-secret', uri]).stdout)).toEqual(asJSON(key));
    expect(JSON.parse(otpkit(['parse', '-'], `${uri}\n`).stdout)).toEqual(redacted(key));
  });

  it('import lists the keys of a Google Authenticator export, the same way', () => {
    const keys = [
      parseKeyURI(uri),
      parseKeyURI(
        'otpauth://totp/Example:alice?secret=GEZDGNBVGY3TQOJQ&issuer=Example&algorithm=SHA512',
      ),
    ];
    const [migration] = buildMigrationURIs(keys);
    const parsed = parseMigrationURI(migration as string);
    const r = otpkit(['import', migration as string]);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(parsed.map(redacted));
    expect(JSON.parse(r.stdout)).toHaveLength(2);
    expect(JSON.parse(otpkit(['import', '-', '--show-secret'], migration).stdout)).toEqual(
      asJSON(parsed),
    );
  });
});

describe('help', () => {
  it.each([['--help'], ['-h'], ['help']])('otpkit %s lists every command', (flag) => {
    const r = otpkit([flag]);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    for (const command of ['code', 'verify', 'new', 'parse', 'import']) {
      expect(r.stdout).toContain(`otpkit ${command} `);
    }
  });

  it.each(['code', 'verify', 'new', 'parse', 'import'])(
    'otpkit %s --help (and help %s) gives its usage, even beside bad arguments',
    (command) => {
      for (
        const args of [[command, '--help'], ['help', command], [
          command,
          '--bogus',
          'x',
          'y',
          'z',
          '-h',
        ]]
      ) {
        const r = otpkit(args);
        expect(r.status, args.join(' ')).toBe(0);
        expect(r.stdout, args.join(' ')).toMatch(new RegExp(`^Usage: otpkit ${command} `));
      }
    },
  );
});

describe('errors: exit 2, one line on stderr, no stack, nothing secret', () => {
  const secret = 'JBSWY3DPEHPK3PXP';
  const uri = `otpauth://totp/ACME:bob?secret=${secret}&issuer=ACME`;
  const cases: [string, string[], string?][] = [
    ['no command', []],
    ['an unknown command', ['frobnicate']],
    ['a missing secret', ['code']],
    ['a missing token and secret', ['verify']],
    ['an extra argument', ['code', secret, 'extra']],
    ['an unknown option', ['code', secret, '--frob']],
    ['an option without its value', ['code', secret, '--time']],
    ['a value for a flag', ['new', '--issuer', 'a', '--account', 'b', '--invert=yes']],
    ['digits out of range', ['code', secret, '--digits', '11']],
    ['digits not decimal', ['code', secret, '--digits', '1e1']],
    ['a fractional period', ['code', secret, '--period', '6.5']],
    ['a period out of range', ['code', secret, '--period', '0']],
    ['an unknown algorithm', ['code', secret, '--algorithm', 'MD5']],
    ['a time that is no date', ['code', secret, '--time', 'yesterday']],
    ['an impossible ISO date', ['code', secret, '--time', '2030-02-31T00:00:00Z']],
    ['a counter above 2^64-1', ['code', secret, '--counter', '18446744073709551616']],
    ['a negative counter', ['code', secret, '--counter=-1']],
    ['--time with a counter', ['code', secret, '--counter', '5', '--time', '@0']],
    ['--after-step with HOTP', ['verify', '123456', secret, '--counter', '5', '--after-step', '3']],
    ['a window out of range', ['verify', '123456', secret, '--window', '11']],
    ['a secret that is not base32', ['code', `${secret}1`]],
    ['a secret with a bad padding', ['code', `${secret}=`]],
    ['a date that does not exist', ['code', secret, '--time', '2031-04-31']],
    ['a bare number of seconds as --time', ['code', secret, '--time', '1700000000']],
    ['a bare number of milliseconds as --time', ['code', secret, '--time', '1700000000000']],
    ['a time of day without a zone', ['code', secret, '--time', '2030-01-01T00:00']],
    ['a token and a secret swapped', ['verify', secret, '123456']],
    ['a URI and a token swapped', ['verify', uri, '123456']],
    ['a blank secret', ['code', ' \n']],
    ['import --uris with --show-secret', [
      'import',
      'otpauth-migration://offline?data=AAAA',
      '--uris',
      '--show-secret',
    ]],
    ['import --invert without --qr', [
      'import',
      'otpauth-migration://offline?data=AAAA',
      '--invert',
    ]],
    ['a URI without secret', ['code', 'otpauth://totp/ACME:bob?issuer=ACME']],
    ['a URI with a bad secret', [
      'code',
      'otpauth://totp/ACME:bob?secret=JBSWY3DPEHPK3PX1&issuer=ACME',
    ]],
    ['a URI with an unknown type', ['parse', uri.replace('totp', 'motp')]],
    ['a URI with duplicate digits', ['parse', `${uri}&digits=6&digits=8`]],
    ['a migration URI to parse', ['parse', 'otpauth-migration://offline?data=AAAA']],
    ['a key URI to import', ['import', uri]],
    ['a malformed migration payload', ['import', 'otpauth-migration://offline?data=CgZ']],
    ['an empty stdin', ['code', '-'], ''],
    ['a stdin of blanks', ['parse', '-'], ' \n\n'],
    ['new without --account', ['new', '--issuer', 'X']],
    ['new without --issuer', ['new', '--account', 'x']],
    ['new with an issuer holding ":"', ['new', '--issuer', 'X:Y', '--account', 'a']],
    ['new with an account holding a right-to-left override', [
      'new',
      '--issuer',
      'X',
      '--account',
      'a\u202eb',
    ]],
    ['new with too few bytes', ['new', '--issuer', 'X', '--account', 'a', '--bytes', '8']],
    ['an SVG file that cannot be written', [
      'new',
      '--issuer',
      'X',
      '--account',
      'a',
      '--svg',
      '/nonexistent-dir/x.svg',
    ]],
  ];

  it.each(cases)('%s', (_, args, input) => {
    const r = otpkit(args, input);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^otpkit: [^\n]+\n$/);
    expect(r.stderr).not.toMatch(/\bat .*:\d+:\d+|Error:|node:internal/);
    expect(r.stderr).not.toContain(secret);
    expect(r.stderr).not.toContain('JBSWY3DPEHPK3PX');
    expect(r.stderr).not.toMatch(/otpauth:\/\/totp|ACME:bob|offline\?data/);
    expect(r.stderr).not.toContain('123456');
  });

  it('names OTPError codes: a bad secret gives its base32 code, a bad URI its URI code', () => {
    expect(otpkit(['code', `${secret}1`]).stderr).toContain('(ERR_BASE32_INVALID_CHARACTER)');
    expect(otpkit(['code', 'otpauth://totp/ACME:bob?issuer=ACME']).stderr).toContain(
      '(ERR_URI_MISSING_SECRET)',
    );
    expect(otpkit(['code', secret, '--digits', '11']).stderr).toContain('(ERR_INVALID_OPTION)');
  });

  it('never echoes a secret given as an unknown option or a stdin secret that is invalid', () => {
    const r = otpkit(['code', secret, `--${secret}`]);
    expect(r.status).toBe(2);
    expect(r.stderr).not.toContain(secret);
    const s = otpkit(['code', '-'], `${secret}!!\n`);
    expect(s.status).toBe(2);
    expect(s.stderr).not.toContain(secret);
  });
});
