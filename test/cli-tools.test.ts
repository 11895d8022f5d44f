// The `otpkit` command line beside the tools it sits with (oathtool, date, a terminal, another
// authenticator app): --version, the forms of --time, trimmed arguments, a secret typed at a terminal
// without echo (on a pseudo-terminal made by util-linux `script`), a hint for a token and secret in the
// wrong order, a warning for a misspelt URI parameter, `import --uris` / `--qr`, and QR codes that zbarimg
// reads off light and dark terminals. The CLI is built with tsup.config.ts and run as a child process.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildKeyURI,
  buildMigrationURIs,
  generateSecret,
  generateTOTP,
  parseKeyURI,
  parseMigrationURI,
} from '../src/index.js';
import { encodeQR, qrToTerminal } from '../src/qr/index.js';
import { buildPackage } from './helpers/build.js';
import { seededRandom } from './helpers/random.js';
import { scan, THEMES } from './helpers/terminal.js';
import { zbarFound } from './helpers/zbar.js';

const SECRET = 'JBSWY3DPEHPK3PXP';
const ci = (process.env.CI ?? '') !== '';
const scriptFound = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
for (
  const [found, what] of [[zbarFound, 'zbarimg (zbar-tools)'], [scriptFound, 'script (util-linux)']]
) {
  if (!found && !ci) {
    console.warn(`cli-tools.test.ts: tests needing ${what} SKIPPED; under CI they must run.`);
  }
}

let dir = '';
let cli = '';
beforeAll(async () => {
  dir = await buildPackage();
  cli = join(dir, 'cli.js');
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The environment the CLI runs in: this one without NO_COLOR (a test that wants it sets it).
const { NO_COLOR: _, ...ENV } = process.env;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI; `input` is its stdin (a pipe). */
function otpkit(args: readonly string[], input = ''): Run {
  const r = spawnSync('node', [cli, ...args], {
    encoding: 'utf8',
    input,
    timeout: 20_000,
    env: ENV,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('otpkit --version', () => {
  // The CLI under test is built into a temporary directory, with no package.json beside or above it:
  // the version is in the built file.
  it("prints package.json's version, with --version and -V", () => {
    const { version } = JSON.parse(
      readFileSync(new URL('../package.json', import.meta.url), 'utf8'),
    );
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    for (const flag of ['--version', '-V']) {
      expect(otpkit([flag])).toEqual({ status: 0, stdout: `otpkit ${version}\n`, stderr: '' });
    }
  });
});

describe('--time', () => {
  const rfc = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ'; // RFC 6238 Appendix B, SHA1
  const code = (time: string, args: string[] = []): Run =>
    otpkit(['code', rfc, '--digits', '8', '--time', time, ...args]);

  it('reads one instant in every form: @seconds (oathtool -N), ms, ISO 8601 with Z or an offset', () => {
    // 2005-03-18T01:58:29Z, RFC 6238 Appendix B: 07081804.
    const forms = [
      '@1111111109',
      '@1111111109.999',
      '1111111109000ms',
      '1111111109999MS',
      '2005-03-18T01:58:29Z',
      '2005-03-18t01:58:29.5z',
      '2005-03-18 01:58:29Z',
      '2005-03-18T02:58:29+01:00',
      '2005-03-18T02:58:29+0100',
      '2005-03-18T03:58:29+02',
      '2005-03-17T20:28:29-05:30',
      '2005-03-18T01:58:29,25Z',
    ];
    for (const form of forms) {
      expect(code(form), form).toEqual({ status: 0, stdout: '07081804\n', stderr: '' });
    }
    expect(code('@59').stdout).toBe('94287082\n');
    expect(code('@20000000000').stdout).toBe('65353130\n');
    expect(code('1970-01-01').stdout).toBe(code('@0').stdout); // a date alone: midnight UTC
  });

  it('computes ISO dates as Date.parse does for its own format, for random instants and offsets (years 1970-9999)', async () => {
    const rng = seededRandom();
    for (let i = 0; i < 12; i++) {
      const ms = Math.floor((rng.uint32() / 2 ** 32) * 253_402_300_799_000);
      const offset = rng.int(-14 * 60, 14 * 60);
      const local = new Date(ms + offset * 60_000).toISOString().slice(0, 23);
      const sign = offset < 0 ? '-' : '+';
      const text = `${local}${sign}${String(Math.floor(Math.abs(offset) / 60)).padStart(2, '0')}:${
        String(Math.abs(offset) % 60).padStart(2, '0')
      }`;
      const time = Date.parse(text);
      expect(time, text).toBe(ms);
      const expected = await generateTOTP({ secret: rfc, time, digits: 8 });
      expect(code(text), `${rng.tag} ${text}`).toEqual({
        status: 0,
        stdout: `${expected}\n`,
        stderr: '',
      });
    }
  });

  it('refuses a bare number (seconds read as ms gave a 1970 code) with a hint, and never repeats it', () => {
    const seconds = code('1700000000');
    expect(seconds.status).toBe(2);
    expect(seconds.stdout).toBe('');
    expect(seconds.stderr).toMatch(
      /^otpkit: --time takes no bare number: write Unix seconds with @ \(--time @1700000000,/,
    );
    const ms = code('1111111109000');
    expect(ms.stderr).toMatch(
      /^otpkit: --time takes no bare number: write Unix milliseconds with ms/,
    );
    expect(ms.stderr).not.toContain('1111111109');
    // A code typed where the time goes is not echoed either.
    const token = code('287082');
    expect(token.status).toBe(2);
    expect(token.stderr).not.toContain('287082');
  });

  it('refuses a time of day without a zone, days and times that do not exist, and dates out of range', () => {
    const refused: [string, string][] = [
      ['2005-03-18T01:58:29', 'needs Z (UTC) or an offset'],
      ['2005-03-18T01:58', 'needs Z (UTC) or an offset'],
      ['2005-02-29', 'does not exist'],
      ['2004-13-01', 'does not exist'],
      ['2005-03-18T24:00:00Z', 'does not exist'],
      ['2005-03-18T23:60:00Z', 'does not exist'],
      ['2005-03-18T23:59:60Z', 'does not exist'],
      ['2005-03-18T12:00:00+24:00', 'does not exist'],
      ['@8640000000001', 'after the last date'],
      ['8640000000000001ms', 'after the last date'],
      ['@-1', 'must be an ISO 8601 date'],
      ['1969-12-31T23:59:59Z', 'at or after "epoch" (T0) (ERR_INVALID_OPTION)'],
      ['2005-03-18T01:58:29ZZ', 'must be an ISO 8601 date'],
      ['@1e9', 'must be an ISO 8601 date'],
      ['1700000000s', 'must be an ISO 8601 date'],
      ['now', 'must be an ISO 8601 date'],
    ];
    for (const [time, message] of refused) {
      const r = code(time);
      expect(r.status, time).toBe(2);
      expect(r.stderr, time).toContain(message);
      expect(r.stderr.split('\n'), time).toHaveLength(2);
    }
    expect(code('2004-02-29').status).toBe(0);
    expect(code('@8640000000000').status).toBe(0);
  });
});

describe('arguments are trimmed like stdin', () => {
  it('reads a URI, a secret and a token pasted with surrounding spaces or newlines', async () => {
    const uri = buildKeyURI({ secret: SECRET, issuer: 'Example', account: 'alice' });
    const token = await generateTOTP({ secret: SECRET, time: 1_700_000_000_000 });
    const time = ['--time', ' @1700000000\n'];
    for (const key of [`${uri} `, `${uri}\n`, `\t${uri}\r\n`, ` ${SECRET}\n`]) {
      expect(otpkit(['code', key, ...time]), JSON.stringify(key)).toEqual({
        status: 0,
        stdout: `${token}\n`,
        stderr: '',
      });
      expect(otpkit(['verify', ` ${token}\n`, key, ...time]).status).toBe(0);
    }
    expect(otpkit(['parse', `${uri}\n`]).status).toBe(0);
    const r = otpkit(['new', '--issuer', ' Example\n', '--account', 'alice ']);
    expect(parseKeyURI(/^uri: +(\S+)$/m.exec(r.stdout)?.[1] as string)).toMatchObject({
      issuer: 'Example',
      account: 'alice',
    });
    expect(otpkit(['code', ' \n'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'otpkit: <secret> is empty\n',
    });
  });
});

describe('a token and a secret in the wrong order', () => {
  it('gets a hint that repeats neither, for a base32 secret or a URI where the token goes', async () => {
    const token = await generateTOTP({ secret: SECRET, time: 0 });
    const uri = buildKeyURI({ secret: SECRET, issuer: 'Example', account: 'alice' });
    const swapped: [string, string][] = [[SECRET, token], [uri, token], [
      'jbsw y3dp ehpk 3pxp',
      token,
    ]];
    for (const [first, second] of swapped) {
      const r = otpkit(['verify', first, second, '--time', '@0']);
      expect(r).toEqual({
        status: 2,
        stdout: '',
        stderr:
          'otpkit: the token and the secret look swapped: the code comes first, "otpkit verify <token> <secret>"\n',
      });
    }
    // From stdin too, and the right order still works.
    expect(otpkit(['verify', SECRET, '-', '--time', '@0'], `${token}\n`).status).toBe(2);
    expect(otpkit(['verify', token, SECRET, '--time', '@0']).status).toBe(0);
    // A secret made only of digits 2-7 is valid base32: with a token-like first argument it is no swap.
    expect(otpkit(['verify', '123456', '23456723', '--time', '@0']).status).toBe(1);
  });
});

describe('a misspelt URI parameter', () => {
  it('is named in a warning on stderr (never its value or the URI) and the code is still printed', async () => {
    const cases: [string, string][] = [
      ['algoritm', 'algorithm'],
      ['digit', 'digits'],
      ['perod', 'period'],
      ['isuer', 'issuer'],
      ['Algoritm', 'algorithm'],
      ['PERIODS', 'period'],
      ['countr', 'counter'],
      ['encodr', 'encoder'],
      ['secert', 'secret'],
      ['algorihtm', 'algorithm'],
    ];
    const expected = `${await generateTOTP({ secret: SECRET, time: 0 })}\n`;
    for (const [name, known] of cases) {
      const uri = `otpauth://totp/Example:alice?secret=${SECRET}&issuer=Example&${name}=VALUE123`;
      const r = otpkit(['code', uri, '--time', '@0']);
      expect(r, name).toEqual({
        status: 0,
        stdout: expected,
        stderr:
          `otpkit: warning: the URI parameter "${name}" is unknown and ignored; did you mean "${known}"?\n`,
      });
    }
    // verify warns the same way; names three or more edits away, and known names in any case, do not.
    const uri =
      `otpauth://totp/Example:alice?secret=${SECRET}&perod=60&image=x&lock=1&algo=SHA1&DIGITS=6`;
    const v = otpkit(['verify', expected.trim(), uri, '--time', '@0']);
    expect(v.status).toBe(0);
    expect(v.stderr).toBe(
      'otpkit: warning: the URI parameter "perod" is unknown and ignored; did you mean "period"?\n',
    );
  });
});

describe('otpkit import --uris and --qr', () => {
  const keys = [
    parseKeyURI(
      'otpauth://totp/ACME%20Co:bob%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co',
    ),
    parseKeyURI('otpauth://hotp/alice?secret=GEZDGNBVGY3TQOJQ&counter=7&digits=8'),
    parseKeyURI(
      'otpauth://totp/Example:carol?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Example&algorithm=SHA512',
    ),
  ];
  const migration = buildMigrationURIs(keys)[0] as string;
  const parsed = parseMigrationURI(migration);

  it('--uris prints one otpauth:// URI per account, which parses back to the exported key', () => {
    const r = otpkit(['import', migration, '--uris']);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toEqual(parsed.map((key) => buildKeyURI(key)));
    expect(lines.map((line) => parseKeyURI(line))).toEqual(parsed);
    expect(otpkit(['import', '-', '--uris'], `${migration}\n`).stdout).toBe(r.stdout);
  });

  it('--qr draws each account under its name (with --uris, its URI too), exactly as "new" draws', () => {
    const drawn = (key: (typeof parsed)[number], invert = false): string =>
      qrToTerminal(encodeQR(buildKeyURI(key), { ecc: 'L' }), invert ? { invert } : { color: true });
    const name = (key: (typeof parsed)[number]): string =>
      key.issuer === undefined ? key.account : `${key.issuer}: ${key.account}`;
    const qr = otpkit(['import', migration, '--qr']);
    expect(qr.status).toBe(0);
    expect(qr.stdout).toBe(
      parsed.map((key, i) => `${i + 1}/3 ${name(key)}\n${drawn(key)}\n`).join('\n'),
    );
    const both = otpkit(['import', migration, '--qr', '--uris', '--invert']);
    expect(both.stdout).toBe(
      parsed.map((key, i) => `${i + 1}/3 ${name(key)}\n${buildKeyURI(key)}\n${drawn(key, true)}\n`)
        .join('\n'),
    );
  });

  it('keeps the secrets out of stderr and says in --help that the output holds them', () => {
    const help = otpkit(['import', '--help']).stdout;
    expect(help).toContain('--uris');
    expect(help).toContain('--qr');
    expect(help).toContain('The URIs and QR codes hold the secrets');
    const refused: [string[], string][] = [
      [['--uris', '--show-secret'], '--show-secret applies to the JSON listing'],
      [['--invert'], '--invert applies with --qr only'],
      [['--uris', '--invert'], '--invert applies with --qr only'],
    ];
    for (const [args, message] of refused) {
      const r = otpkit(['import', migration, ...args]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/otpauth|JBSW|GEZD/);
    }
    const bad = otpkit(['import', `${migration.slice(0, -8)}`, '--uris']);
    expect(bad.status).toBe(2);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).not.toMatch(/otpauth:|offline\?|JBSW|GEZD/);
    expect(bad.stderr).not.toContain(migration.slice(40, 60));
  });
});

describe.skipIf(!zbarFound && !ci)('QR codes read off light and dark terminals (zbarimg)', () => {
  it('zbarimg is installed (CI installs zbar-tools; these tests may not skip there)', () => {
    expect(zbarFound).toBe(true);
  });

  it('"otpkit new" for a typical account: at most 23 lines, read on every theme as the printed URI', async () => {
    const r = otpkit(['new', '--issuer', 'Example', '--account', 'alice@example.com']);
    const uri = /^uri: +(\S+)$/m.exec(r.stdout)?.[1] as string;
    const drawing = r.stdout.slice(r.stdout.indexOf('\n\n') + 2).trimEnd();
    expect(drawing.split('\n').length).toBeLessThanOrEqual(23);
    for (const theme of THEMES) {
      // The whole output, the secret and URI lines above the code included, as the terminal shows it.
      expect(await scan(r.stdout, theme), theme.name).toBe(uri);
    }
  });

  it('"otpkit import --qr": every account read back as its URI, on a light and a dark theme', async () => {
    const keys = [
      parseKeyURI(`otpauth://totp/ACME:bob?secret=${generateSecret()}&issuer=ACME`),
      parseKeyURI(`otpauth://totp/Example:carol?secret=${generateSecret()}&issuer=Example`),
    ];
    const r = otpkit(['import', buildMigrationURIs(keys)[0] as string, '--qr']);
    const blocks = r.stdout.split(/\n\n(?=\d\/2 )/);
    expect(blocks).toHaveLength(2);
    for (const theme of [THEMES[0], THEMES[3]]) {
      for (const [i, block] of blocks.entries()) {
        const drawing = block.slice(block.indexOf('\n') + 1);
        expect(await scan(drawing, theme!), theme!.name).toBe(buildKeyURI(keys[i]!));
      }
    }
  });
});

interface TerminalRun {
  /** Everything the terminal showed: the prompt, anything echoed, the output. */
  screen: string;
  /** The CLI's exit status, as the shell saw it (130 for SIGINT). */
  status: number;
  /** `stty -a` after the CLI ended: the terminal's settings it left behind. */
  stty: string;
}

/** The part of a ChildProcess that onTerminal uses (test/helpers/node.d.ts declares less). */
interface Child {
  stdin: { write(text: string): boolean; end(): void };
  stdout: {
    setEncoding(encoding: 'utf8'): void;
    on(event: 'data', listener: (chunk: string) => void): void;
  };
  kill(): boolean;
  on(event: 'error' | 'close', listener: (value: unknown) => void): void;
}
const spawnChild = spawn as unknown as (
  command: string,
  args: readonly string[],
  options: { env: Record<string, string | undefined> },
) => Child;

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`), types `keys` once its prompt is shown, then
 * prints its exit status and the terminal's settings (`stty -a`) from the same terminal.
 */
function onTerminal(args: readonly string[], keys: string): Promise<TerminalRun> {
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = `node ${[cli, ...args].map(quote).join(' ')}; echo "status=$?"; stty -a`;
  const child = spawnChild('script', ['-qec', command, '/dev/null'], { env: ENV });
  let screen = '';
  let typed = false;
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    screen += chunk;
    if (!typed && screen.includes('(not shown, end with Enter): ')) {
      typed = true;
      child.stdin.write(keys);
    }
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => child.kill(), 15_000);
    child.on('error', reject);
    child.on('close', () => {
      clearTimeout(timer);
      child.stdin.end();
      const status = Number(/status=(\d+)/.exec(screen)?.[1] ?? -1);
      const stty = screen.slice(screen.indexOf('status='));
      resolve({ screen: screen.slice(0, screen.indexOf('status=')), status, stty });
    });
  });
}

describe.skipIf(!scriptFound && !ci)('a secret typed at a terminal with "-"', () => {
  it('script (util-linux) is installed (these tests may not skip under CI)', () => {
    expect(scriptFound).toBe(true);
  });

  it('is not echoed; Backspace edits it, an arrow key is dropped; the terminal is left as it was', async () => {
    const token = await generateTOTP({ secret: SECRET, time: 0 });
    // The last character typed wrong, erased, typed again; arrow keys on the way, as a CSI (ESC [ D)
    // and as an SS3 (ESC O C, in the terminal's application mode).
    const keys = `JBSWY3DP\x1b[DEHPK\x1bOC3PXQ\x7fP\r`;
    const run = await onTerminal(['code', '-', '--time', '@0'], keys);
    expect(run.status).toBe(0);
    expect(run.screen).toContain('otpkit: secret or otpauth:// URI (not shown, end with Enter): ');
    expect(run.screen).toContain(`${token}\r\n`);
    expect(run.screen).not.toMatch(/JBSW|EHPK|3PX/);
    expect(run.stty).toMatch(/(^|\s)echo(\s|$)/);
    expect(run.stty).toMatch(/(^|\s)icanon(\s|$)/);
  });

  it('reads a pasted URI with its newline, for verify too', async () => {
    const uri = buildKeyURI({ secret: SECRET, issuer: 'Example', account: 'alice' });
    const token = await generateTOTP({ secret: SECRET, time: 0 });
    const run = await onTerminal(['verify', token, '-', '--time', '@0'], `${uri}\n`);
    expect(run.status).toBe(0);
    expect(run.screen).not.toContain('otpauth://totp');
    expect(run.screen).not.toContain(SECRET);
  });

  it('Ctrl-C stops it as SIGINT does (status 130), the terminal restored and nothing echoed', async () => {
    const run = await onTerminal(['code', '-'], 'JBSWY3\x03');
    expect(run.status).toBe(130);
    expect(run.screen).not.toContain('JBSWY3');
    expect(run.stty).toMatch(/(^|\s)echo(\s|$)/);
    expect(run.stty).toMatch(/(^|\s)icanon(\s|$)/);
  });

  it('from a pipe, reads as before: the whole of stdin, trimmed', async () => {
    const token = await generateTOTP({ secret: SECRET, time: 0 });
    expect(otpkit(['code', '-', '--time', '@0'], `\n ${SECRET} \n`)).toEqual({
      status: 0,
      stdout: `${token}\n`,
      stderr: '',
    });
  });
});
