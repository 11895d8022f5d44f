// The `otpkit` command line: codes, checks, new secrets with a terminal QR code, and a look inside
// key URIs, from a shell. The one Node-only file in src/ (node:util parseArgs, node:fs, the process global);
// tsup bundles it with the library into dist/cli.js (tsup.config.ts). Exit status: 0 success, 1 `verify`
// found no match, 2 anything else (a usage error or an OTPError), always with one line on stderr that never
// repeats a secret, a code or a URI. Everything printed has its control characters escaped, so no input can
// put a terminal escape sequence on the screen; the one exception is the QR code, whose colours otpkit
// writes itself.
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
// The version is read at build time: tsup inlines this one field, so dist/cli.js needs no package.json.
import { version } from '../package.json';
import {
  buildKeyURI,
  generateHOTP,
  generateSecret,
  generateTOTP,
  isOTPError,
  parseKeyURI,
  parseMigrationURI,
  verifyHOTP,
  verifyTOTP,
} from './index.ts';
import type { HashAlgorithm, KeyURI } from './index.ts';
import { algorithmList, readAlgorithmName } from './internal/algorithms.ts';
import { KEY_URI_PARAMETERS } from './internal/key-uri.ts';
import { encodeQR, qrToSVG, qrToTerminal } from './qr/index.ts';

type Listener = (...args: never[]) => void;
// The part of Node's `process` this file uses (there is no @types/node: devDependencies are exactly three).
declare const process: {
  argv: string[];
  env: Record<string, string | undefined>;
  exitCode: number | undefined;
  pid: number;
  kill(pid: number, signal: string): boolean;
  on(event: string, listener: Listener): unknown;
  off(event: string, listener: Listener): unknown;
  stdin: AsyncIterable<Uint8Array | string> & {
    isTTY?: boolean;
    setRawMode(raw: boolean): unknown;
    on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
    off(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
    pause(): unknown;
  };
  stdout: {
    write(text: string): boolean;
    on(event: 'error', listener: (error: unknown) => void): void;
  };
  stderr: {
    write(text: string): boolean;
    on(event: 'error', listener: (error: unknown) => void): void;
  };
};

/** A failure to report as one line on stderr with exit status 2. Its message never holds user input. */
class UsageError extends Error {}

function usage(message: string): never {
  throw new UsageError(message);
}

// More than any key URI (4,096 characters at most) or Google Authenticator export needs.
const MAX_STDIN = 65_536;

const TIME_HELP =
  `  --time <when>            the instant (default now): an ISO 8601 date, 2023-11-14T22:13:20Z
                           (a time of day needs Z or an offset such as +01:00), @<Unix seconds>
                           as date +%s gives them (@1700000000, like oathtool -N), or Unix
                           milliseconds with "ms" (1700000000000ms); a bare number is refused`;

const HELP: Record<string, string> = {
  otpkit: `otpkit: one-time passwords (HOTP, TOTP) from the command line

Usage:
  otpkit code <secret | otpauth-uri | ->            print the current code
  otpkit verify <token> <secret | otpauth-uri | ->  check a code (exit 0 match, 1 no match)
  otpkit new --issuer <name> --account <name>       a new secret, its URI and QR code
  otpkit parse <otpauth-uri | ->                    a key URI as JSON (secret redacted)
  otpkit import <otpauth-migration-uri | ->         a Google Authenticator export as JSON,
                                                    otpauth:// URIs or QR codes
  otpkit --version                                  the version (also -V)

A secret is base32 (spaces allowed) or an otpauth:// URI; "-" reads it from stdin (typed at a
terminal, it is not shown).
Run "otpkit <command> --help" for a command's options. Exit status 2: a usage error or a bad input.
`,
  code: `Usage: otpkit code <secret | otpauth-uri | -> [options]

Prints the TOTP code (RFC 6238), or the HOTP code (RFC 4226) with --counter or an hotp URI.
"-" reads the secret or URI from stdin. Options override the URI's parameters; a URI parameter that
looks like a misspelt one (perod=60) is named in a warning on stderr.

${TIME_HELP}
  --counter <n>            HOTP counter, 0 to 2^64-1
  --digits <n>             code length, 6 to 10 (default 6)
  --algorithm <name>       ${algorithmList()} (default SHA1)
  --period <s>             TOTP time step in seconds (default 30)
`,
  verify: `Usage: otpkit verify <token> <secret | otpauth-uri | -> [options]

Checks a code. A match is printed as JSON and the exit status is 0; no match exits with 1.
"-" reads the secret or URI from stdin. Options override the URI's parameters.

  --window <n>             TOTP: steps accepted on each side of now, 0 to 10 (default 1);
                           HOTP: counters after --counter also tried, 0 to 100 (default 0)
  --after-step <n>         TOTP: refuse this step and earlier ones (replay protection): a step
                           number as a match prints it, not a time
${TIME_HELP}
  --counter <n>            HOTP counter, 0 to 2^64-1
  --digits <n>             code length, 6 to 10 (default 6)
  --algorithm <name>       ${algorithmList()} (default SHA1)
  --period <s>             TOTP time step in seconds (default 30)
`,
  new: `Usage: otpkit new --issuer <name> --account <name> [options]

Makes a new random secret and prints it, its otpauth:// enrolment URI and the URI's QR code, drawn
black on white with ANSI colours so that it scans on a light or a dark terminal (without colours
when NO_COLOR is set: then light blocks, for light text on a dark terminal).

  --issuer <name>          the service name shown in the app (required)
  --account <name>         the user's account, e.g. an e-mail address (required)
  --algorithm <name>       ${algorithmList()} (default SHA1)
  --digits <n>             code length, 6 to 10 (default 6)
  --period <s>             TOTP time step in seconds (default 30)
  --bytes <n>              secret length in bytes, 16 to 64 (default 20)
  --svg <file>             write the QR code to <file> as SVG instead of drawing it; the file holds
                           the secret, so it is created new with mode 0600 (never an existing file)
  --force                  with --svg: replace an existing file (a symlink is replaced, not followed)
  --invert                 no colours: dark modules as blocks (for dark text on a light terminal)
`,
  parse: `Usage: otpkit parse <otpauth-uri | -> [--show-secret]

Prints the key of an otpauth:// URI as JSON. The secret is "[redacted]" unless --show-secret.
"-" reads the URI from stdin (keeping the secret out of shell history).
`,
  import:
    `Usage: otpkit import <otpauth-migration-uri | -> [--show-secret | --uris | --qr [--invert]]

Lists the keys of a Google Authenticator export (otpauth-migration://offline?data=...) as a JSON array.
Secrets are "[redacted]" unless --show-secret. "-" reads the URI from stdin.
To move the accounts into another app:

  --uris                   print each account as an otpauth:// URI, one per line
  --qr                     draw each account's otpauth:// URI as a QR code, under its name (with
                           --uris, the URI too); colours as for "otpkit new"
  --invert                 with --qr: draw without colours, dark modules as blocks

The URIs and QR codes hold the secrets: they go to stdout only, never into a message. Keep them
off shared screens, logs and shell history.
`,
};

type Values = Record<string, string | boolean | undefined>;
const str = { type: 'string' } as const;
const bool = { type: 'boolean' } as const;
const KEY_OPTIONS = { time: str, counter: str, digits: str, algorithm: str, period: str };
const COMMANDS = {
  code: { options: KEY_OPTIONS, positionals: ['secret'], run: runCode },
  verify: {
    options: { ...KEY_OPTIONS, window: str, 'after-step': str },
    positionals: ['token', 'secret'],
    run: runVerify,
  },
  new: {
    options: {
      issuer: str,
      account: str,
      algorithm: str,
      digits: str,
      period: str,
      bytes: str,
      svg: str,
      force: bool,
      invert: bool,
    },
    positionals: [],
    run: runNew,
  },
  parse: { options: { 'show-secret': bool }, positionals: ['uri'], run: runParse },
  import: {
    options: { 'show-secret': bool, uris: bool, qr: bool, invert: bool },
    positionals: ['uri'],
    run: runImport,
  },
} satisfies Record<
  string,
  {
    options: Record<string, { type: 'string' | 'boolean' }>;
    positionals: string[];
    run: (args: string[], v: Values) => Promise<number>;
  }
>;

/** Runs one command line (without `node` and the script) and returns the exit status. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) usage('missing command; run "otpkit --help"');
  if (name === '--version' || name === '-V') return print(`otpkit ${version}`);
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' && rest[0] !== undefined ? rest[0] : 'otpkit';
    if (!Object.hasOwn(HELP, topic)) usage('unknown command; run "otpkit --help"');
    return print(HELP[topic] as string);
  }
  if (!Object.hasOwn(COMMANDS, name)) usage('unknown command; run "otpkit --help"');
  const command = COMMANDS[name as keyof typeof COMMANDS];
  // --help wins over everything else on the line (before `--`), even over a mistake.
  const end = rest.indexOf('--');
  if ((end < 0 ? rest : rest.slice(0, end)).some((a) => a === '--help' || a === '-h')) {
    return print(HELP[name] as string);
  }

  let parsed: { values: Values; positionals: string[] };
  try {
    parsed = parseArgs({
      args: rest,
      options: command.options,
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    return usage(argsMessage(error, name));
  }
  const { values, positionals } = trimmed(parsed);
  if (positionals.length < command.positionals.length) {
    usage(
      `missing ${
        command.positionals.slice(positionals.length).map((p) => `<${p}>`).join(' ')
      }; run "otpkit ${name} --help"`,
    );
  }
  if (positionals.length > command.positionals.length) {
    usage(`too many arguments; run "otpkit ${name} --help"`);
  }
  const blank = positionals.findIndex((p) => p === '');
  if (blank >= 0) usage(`<${command.positionals[blank]}> is empty`);
  return command.run(positionals, values);
}

/**
 * Arguments without the whitespace around them, as stdin is read: a URI or secret pasted with a trailing
 * space or newline means the same. A file name (--svg) is taken as written.
 */
function trimmed(parsed: { values: Values; positionals: string[] }): {
  values: Values;
  positionals: string[];
} {
  const values: Values = {};
  for (const [name, value] of Object.entries(parsed.values)) {
    values[name] = typeof value === 'string' && name !== 'svg' ? value.trim() : value;
  }
  return { values, positionals: parsed.positionals.map((p) => p.trim()) };
}

// Every option some command knows: a message names an option only when it is one of these, since
// anything else on the command line (a mistyped flag, a secret pasted in the wrong place) is input.
const KNOWN_OPTIONS = new Set(
  Object.values(COMMANDS).flatMap((command) => Object.keys(command.options)),
);

/** A parseArgs failure as a message that names the option only when otpkit knows it (never a value). */
function argsMessage(error: unknown, command: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  const text = error instanceof Error ? error.message : '';
  const found = /'--([a-z][a-z-]{0,20})(?: <value>)?'/.exec(text)?.[1];
  const name = found !== undefined && KNOWN_OPTIONS.has(found) ? `--${found}` : undefined;
  const help = `run "otpkit ${command} --help"`;
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return `unknown option${name === undefined ? '' : ` ${name}`}; ${help}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    if (text.includes('does not take an argument')) {
      return `${name ?? 'an option'} takes no value; ${help}`;
    }
    return `${name ?? 'an option'} needs a value (write ${
      name ?? '--name'
    }=value for one that starts with "-"); ${help}`;
  }
  return `invalid arguments; ${help}`;
}

// Controls (C0 but newline, DEL, C1), format characters (bidirectional controls, zero-width characters),
// the other default-ignorable code points (variation selectors, Hangul fillers) and the line and
// paragraph separators: a terminal acts on them or shows nothing for them.
const UNPRINTABLE = /[^\P{Cc}\n]|[\p{Cf}\p{Default_Ignorable_Code_Point}\p{Zl}\p{Zp}]/gu;

/** `text` with every unprintable character written as a `\uXXXX` escape (valid inside JSON strings too). */
function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    let escaped = '';
    for (let i = 0; i < c.length; i++) {
      escaped += `\\u${c.charCodeAt(i).toString(16).padStart(4, '0')}`;
    }
    return escaped;
  });
}

/** Prints `text` escaped, then `drawing` as it is (a QR code otpkit drew), ending with a newline. */
function print(text: string, drawing = ''): number {
  const out = printable(text) + drawing;
  process.stdout.write(out.endsWith('\n') ? out : `${out}\n`);
  return 0;
}

/** One line on stderr that goes on with the command: names only what otpkit chose to name. */
function warn(message: string): void {
  process.stderr.write(`otpkit: warning: ${printable(message)}\n`);
}

/** JSON with bigint counters as decimal strings. */
const json = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);

/** The argument itself (already trimmed), or for `-` stdin: typed at a terminal without echo, or piped. */
async function input(arg: string, what: string): Promise<string> {
  if (arg !== '-') return arg;
  const text = process.stdin.isTTY === true ? await typed(what) : decoded(await piped(what));
  if (text === '') usage(`stdin is empty: expected a ${what}`);
  return text;
}

/** All of a piped stdin, at most MAX_STDIN bytes. */
async function piped(what: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const encoder = new TextEncoder();
  for await (const chunk of process.stdin) {
    const bytes = typeof chunk === 'string' ? encoder.encode(chunk) : chunk;
    size += bytes.length;
    if (size > MAX_STDIN) usage(`stdin holds more than ${MAX_STDIN} bytes, too much for a ${what}`);
    chunks.push(bytes);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return all;
}

/** UTF-8 bytes as text, surrounding whitespace removed. */
function decoded(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).trim();
  } catch {
    return usage('stdin is not UTF-8 text');
  }
}

/**
 * One line typed or pasted at the terminal, never echoed: the terminal is in raw mode until Enter (or
 * Ctrl-D), and put back however otpkit ends: Enter, Ctrl-C (then otpkit stops as by SIGINT), a signal,
 * an error. Backspace and Ctrl-U edit the line; escape sequences (arrow keys) and other controls are
 * dropped.
 */
function typed(what: string): Promise<string> {
  const { stdin } = process;
  return new Promise((resolve, reject) => {
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let text = '';
    // Where an escape sequence is: after ESC, in a CSI (ESC [ ... final byte) or an SS3 (ESC O x).
    let escape: '' | 'esc' | 'csi' | 'ss3' = '';
    const restore = (): void => {
      try {
        stdin.setRawMode(false);
      } catch {
        // The terminal is gone (a hang-up): there is nothing left to restore.
      }
    };
    const finish = (): void => {
      stdin.off('data', onData);
      for (const signal of SIGNALS) process.off(signal, onSignal);
      process.off('exit', restore);
      restore();
      stdin.pause();
      process.stderr.write('\n');
    };
    // Stopped from outside (kill, a closed terminal): the terminal put back, then the signal's own end.
    const onSignal = (signal: string): void => {
      finish();
      process.kill(process.pid, signal);
    };
    const onData = (chunk: Uint8Array): void => {
      let chars: string;
      try {
        chars = decoder.decode(chunk, { stream: true });
      } catch {
        finish();
        return reject(new UsageError('the terminal input is not UTF-8 text'));
      }
      for (const c of chars) {
        if (escape === 'esc') escape = c === '[' ? 'csi' : c === 'O' ? 'ss3' : '';
        else if (escape === 'csi') escape = c >= '@' && c <= '~' ? '' : 'csi';
        else if (escape === 'ss3') escape = '';
        else if (c === '\x1b') escape = 'esc';
        else if (c === '\r' || c === '\n' || c === '\x04') {
          finish();
          return resolve(text.trim());
        } else if (c === '\x03') return onSignal('SIGINT');
        else if (c === '\x7f' || c === '\b') text = text.replace(/.$/u, '');
        else if (c === '\x15') text = '';
        else if (c >= ' ') text += c;
        if (text.length > MAX_STDIN) {
          finish();
          return reject(
            new UsageError(
              `the input is longer than ${MAX_STDIN} characters, too long for a ${what}`,
            ),
          );
        }
      }
    };
    // No echo from before the prompt is seen, so nothing typed after it is ever shown.
    stdin.setRawMode(true);
    process.on('exit', restore);
    for (const signal of SIGNALS) process.on(signal, onSignal);
    process.stderr.write(`otpkit: ${what} (not shown, end with Enter): `);
    stdin.on('data', onData);
  });
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];

const isURI = (text: string): boolean => /^otpauth:/i.test(text);
const isMigrationURI = (text: string): boolean => /^otpauth-migration:/i.test(text);

/** The key a secret or URI names: an otpauth:// URI parsed, or base32 with the spaces apps print removed. */
function keyOf(text: string): KeyURI | { type: undefined; secret: string } {
  if (isMigrationURI(text)) {
    usage('an otpauth-migration:// URI holds several keys: list them with "otpkit import"');
  }
  if (isURI(text)) {
    const key = parseKeyURI(text);
    warnMisspelt(key.params);
    return key;
  }
  // A base32 secret as authenticator apps display it ("jbsw y3dp ehpk 3pxp") or users type it
  // ("JBSW-Y3DP-EHPK-3PXP"): whitespace and hyphens are not part of it, as with decodeBase32's loose mode.
  return { type: undefined, secret: base32Text(text) };
}

const base32Text = (text: string): string => text.replace(/[\s-]+/g, '');

/**
 * Warns about each unknown URI parameter within two edits of a known one (`perod`, `Algoritm`): the
 * app would ignore it too, and the code would silently be another one. Names the parameter only.
 */
function warnMisspelt(params: Readonly<Record<string, string>>): void {
  for (const name of Object.keys(params)) {
    if (name.length > 11) continue; // longer than "algorithm" + 2: no known name is that close
    const near = KEY_URI_PARAMETERS.find((known) => editDistance(name.toLowerCase(), known) <= 2);
    if (near !== undefined) {
      warn(`the URI parameter "${name}" is unknown and ignored; did you mean "${near}"?`);
    }
  }
}

/** The Levenshtein distance: insertions, deletions and substitutions that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length] as number;
}

/** A decimal integer option (optionally negative), or undefined when absent. Never echoes the value. */
function intArg(values: Values, name: string, negative = false): number | undefined {
  const text = values[name];
  if (typeof text !== 'string') return undefined;
  if (!(negative ? /^-?\d{1,20}$/ : /^\d{1,20}$/).test(text)) {
    usage(`--${name} must be a decimal integer${negative ? '' : ' >= 0'}`);
  }
  return Number(text);
}

/** `--counter`: a number when it is a safe integer, a bigint above that (the library checks 2^64-1). */
function counterArg(values: Values): number | bigint | undefined {
  const text = values.counter;
  if (typeof text !== 'string') return undefined;
  if (!/^\d{1,20}$/.test(text)) usage('--counter must be a decimal integer from 0 to 2^64-1');
  const n = BigInt(text);
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
}

// The end of the Date range (ECMA-262 §21.4.1.22), which the library also enforces. Nothing before
// 1970 is written: TOTP counts from the Unix epoch (RFC 6238 §4.1), so the library refuses it.
const MAX_TIME = 8.64e15;

/**
 * `--time` in Unix milliseconds: `@<seconds>` (GNU date's and oathtool's form, a fraction allowed),
 * `<ms>ms`, or an ISO 8601 date. A bare number is refused: seconds read as milliseconds give a 1970 code.
 */
function timeArg(values: Values): number | undefined {
  const text = values.time;
  if (typeof text !== 'string') return undefined;
  const ms = unixSeconds(text) ?? unixMilliseconds(text) ?? isoDate(text);
  if (ms === undefined) {
    if (/^-?\d+(\.\d+)?$/.test(text)) {
      usage(
        /^-?\d{1,11}(\.\d+)?$/.test(text)
          ? '--time takes no bare number: write Unix seconds with @ (--time @1700000000, as oathtool -N takes them, or --time @$(date +%s)), milliseconds with ms (1700000000000ms)'
          : '--time takes no bare number: write Unix milliseconds with ms (--time 1700000000000ms), seconds with @ (@1700000000)',
      );
    }
    usage(
      '--time must be an ISO 8601 date (2023-11-14T22:13:20Z), @<Unix seconds> (@1700000000) or <Unix ms>ms (1700000000000ms)',
    );
  }
  if (ms > MAX_TIME) usage('--time is after the last date JavaScript holds (8.64e15 ms)');
  return ms;
}

/** `@1700000000` or `@1700000000.25`: Unix seconds, the fraction kept to the millisecond. */
function unixSeconds(text: string): number | undefined {
  const m = /^@(\d{1,16})(?:\.(\d{1,9}))?$/.exec(text);
  return m === null
    ? undefined
    : Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0').slice(0, 3));
}

/** `1700000000000ms`: Unix milliseconds. */
function unixMilliseconds(text: string): number | undefined {
  const m = /^(\d{1,16})ms$/i.exec(text);
  return m === null ? undefined : Number(m[1]);
}

// A calendar date, then optionally a time (T, t or a space before it; seconds and a fraction optional)
// with its offset: Z or ±hh[:mm] (RFC 3339 §5.6, ISO 8601-1 §5.3).
const ISO_DATE =
  /^(\d{4})-(\d\d)-(\d\d)(?:[Tt ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d\d)(?::?(\d\d))?)?)?$/;

/**
 * An ISO 8601 date in Unix milliseconds, computed here rather than by Date.parse (whose other formats are
 * implementation-defined). A date alone is midnight UTC; a time of day without Z or an offset is refused,
 * since the local time zone it would mean differs between machines. A day or time that does not exist
 * (February 31, 24:00, 23:60) is refused too.
 */
function isoDate(text: string): number | undefined {
  const m = ISO_DATE.exec(text);
  if (m === null) return undefined;
  const n = (group: number): number => Number(m[group] ?? 0);
  const [year, month, day, hour, minute, second] = [n(1), n(2), n(3), n(4), n(5), n(6)];
  const [zulu, sign, offsetHour, offsetMinute] = [m[8], m[9], n(10), n(11)];
  if (m[4] !== undefined && zulu === undefined && sign === undefined) {
    usage('--time: a date with a time of day needs Z (UTC) or an offset such as +01:00 after it');
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day); // not Date.UTC, which reads years 0-99 as 1900-1999
  const exists = month >= 1 && month <= 12 && date.getUTCDate() === day && hour <= 23 &&
    minute <= 59 && second <= 59 && offsetHour <= 23 && offsetMinute <= 59;
  if (!exists) usage('--time names a day or a time of day that does not exist');
  const fraction = Number((m[7] ?? '').padEnd(3, '0').slice(0, 3));
  const offset = (offsetHour * 60 + offsetMinute) * (sign === '-' ? -1 : 1);
  return date.getTime() + ((hour * 60 + minute - offset) * 60 + second) * 1000 + fraction;
}

/** `--algorithm`, read as otpauth URIs are (any case, `SHA-256`); anything else goes to the library, which refuses it. */
function algorithmArg(values: Values): HashAlgorithm | undefined {
  const text = values.algorithm;
  return typeof text === 'string'
    ? (readAlgorithmName(text) ?? (text as HashAlgorithm))
    : undefined;
}

/** The options `code` and `verify` pass to the library: the key, overridden by the command line; TOTP or HOTP. */
function codeOptionsOf(text: string, values: Values) {
  const key = keyOf(text);
  const counter = counterArg(values) ?? (key.type === 'hotp' ? key.counter : undefined);
  const hotp = counter !== undefined;
  const time = timeArg(values);
  const period = intArg(values, 'period') ?? (key.type === 'totp' ? key.period : undefined);
  if (hotp && (time !== undefined || values.period !== undefined)) {
    usage('--time and --period apply to TOTP only, not with an HOTP counter');
  }
  const base = {
    secret: key.secret,
    algorithm: algorithmArg(values) ?? (key.type === undefined ? undefined : key.algorithm),
    digits: intArg(values, 'digits') ?? (key.type === undefined ? undefined : key.digits),
  };
  // A Steam Guard key (encoder=steam) keeps its encoder: its codes are 5 characters, not digits.
  const encoder = key.type === 'totp' ? key.encoder : undefined;
  return { hotp, counter, base, totp: { ...base, time, period, encoder } };
}

async function runCode([secret]: string[], values: Values): Promise<number> {
  const o = codeOptionsOf(await input(secret as string, 'secret or otpauth:// URI'), values);
  return print(
    o.counter !== undefined
      ? await generateHOTP({ ...o.base, counter: o.counter })
      : await generateTOTP(o.totp),
  );
}

/**
 * Refuses `verify <secret> <token>`: a "secret" of 6 to 10 digits after a "token" that reads as a key (a
 * URI, or 16 or more base32 characters) is a code and a key in the wrong order. Neither is repeated.
 */
function refuseSwapped(token: string, secret: string): void {
  const keyLike = isURI(token) || isMigrationURI(token) ||
    /^[A-Z2-7]{16,}=*$/i.test(base32Text(token));
  if (keyLike && /^\d{6,10}$/.test(base32Text(secret))) {
    usage(
      'the token and the secret look swapped: the code comes first, "otpkit verify <token> <secret>"',
    );
  }
}

async function runVerify([token, secret]: string[], values: Values): Promise<number> {
  const text = await input(secret as string, 'secret or otpauth:// URI');
  refuseSwapped(token as string, text);
  const o = codeOptionsOf(text, values);
  // Apps show "123 456": the spaces are not part of the code. Anything else that is not a code simply does not match.
  const typedToken = (token as string).replace(/\s+/g, '');
  const window = intArg(values, 'window');
  let match: object | null;
  if (o.counter !== undefined) {
    if (values['after-step'] !== undefined) {
      usage('--after-step applies to TOTP only; an HOTP counter already refuses replays');
    }
    match = await verifyHOTP({
      ...o.base,
      token: typedToken,
      counter: o.counter,
      lookAhead: window,
    });
  } else {
    match = await verifyTOTP({
      ...o.totp,
      token: typedToken,
      window,
      afterStep: intArg(values, 'after-step', true),
    });
  }
  if (match === null) {
    process.stderr.write('otpkit verify: no match\n');
    return 1;
  }
  return print(json(match));
}

/**
 * A key URI's QR code for the terminal. Level L, for the smallest symbol: a screen is not scuffed, and a
 * URI of up to 106 bytes (an issuer, an account and a 20-byte secret) is then version 5, 23 lines with
 * its quiet zone, which fits a 24-line terminal. Black on white with ANSI colours, so it scans on light
 * and dark terminals alike; plain blocks when NO_COLOR is set (https://no-color.org) or with --invert.
 */
function terminalQR(uri: string, values: Values): string {
  const invert = values.invert === true;
  const color = !invert && (process.env.NO_COLOR ?? '') === '';
  return qrToTerminal(encodeQR(uri, { ecc: 'L' }), { color, invert });
}

async function runNew(_: string[], values: Values): Promise<number> {
  const { issuer, account, svg } = values;
  if (typeof issuer !== 'string') usage('--issuer <name> is required; run "otpkit new --help"');
  if (typeof account !== 'string') usage('--account <name> is required; run "otpkit new --help"');
  if (values.force === true && typeof svg !== 'string') {
    usage('--force applies with --svg <file> only');
  }
  if (values.invert === true && typeof svg === 'string') {
    usage('--invert applies to the terminal drawing, not with --svg');
  }
  const secret = generateSecret({ bytes: intArg(values, 'bytes') });
  const uri = buildKeyURI({
    secret,
    issuer,
    account,
    algorithm: algorithmArg(values),
    digits: intArg(values, 'digits'),
    period: intArg(values, 'period'),
  });
  const text = `secret: ${secret}\nuri:    ${uri}\n`;
  if (typeof svg === 'string') {
    writeSecretFile(svg, qrToSVG(encodeQR(uri)), values.force === true);
    return print(`${text}svg:    ${svg}\n`);
  }
  return print(`${text}\n`, terminalQR(uri, values));
}

/**
 * Writes a file that holds a secret: created new (O_CREAT | O_EXCL, which also refuses a symlink, even a
 * dangling one) with mode 0600. With `force`, an existing file or symlink is removed first, never followed.
 */
function writeSecretFile(path: string, text: string, force: boolean): void {
  try {
    if (force) {
      try {
        unlinkSync(path);
      } catch (error) {
        if ((error as { code?: unknown } | null)?.code !== 'ENOENT') throw error;
      }
    }
    const fd = openSync(path, 'wx', 0o600);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code === 'EEXIST') {
      usage(
        'the SVG file exists already (it would hold the secret): choose a new name, or add --force',
      );
    }
    usage(`cannot write the SVG file${typeof code === 'string' ? ` (${code})` : ''}`);
  }
}

/** A key for printing: the secret redacted unless asked for. */
const shown = (
  key: KeyURI,
  values: Values,
): KeyURI => (values['show-secret'] === true ? key : { ...key, secret: '[redacted]' });

async function runParse([arg]: string[], values: Values): Promise<number> {
  const uri = await input(arg as string, 'otpauth:// URI');
  if (isMigrationURI(uri)) {
    usage('an otpauth-migration:// URI holds several keys: list them with "otpkit import"');
  }
  return print(json(shown(parseKeyURI(uri), values)));
}

async function runImport([arg]: string[], values: Values): Promise<number> {
  const { uris, qr, invert } = values;
  if (invert === true && qr !== true) usage('--invert applies with --qr only');
  if (values['show-secret'] === true && (uris === true || qr === true)) {
    usage('--show-secret applies to the JSON listing: --uris and --qr always hold the secrets');
  }
  const uri = await input(arg as string, 'otpauth-migration:// URI');
  if (isURI(uri)) usage('an otpauth:// URI holds one key: show it with "otpkit parse"');
  const keys = parseMigrationURI(uri);
  if (uris !== true && qr !== true) return print(json(keys.map((key) => shown(key, values))));
  const built = keys.map((key) => buildKeyURI(key));
  if (keys.length === 0) return 0;
  if (qr !== true) return print(built.join('\n'));
  let out = '';
  keys.forEach((key, i) => {
    const name = key.issuer === undefined ? key.account : `${key.issuer}: ${key.account}`;
    const text = `${i === 0 ? '' : '\n'}${i + 1}/${keys.length} ${name}\n${
      uris === true ? `${built[i]}\n` : ''
    }`;
    out += `${printable(text)}${terminalQR(built[i] as string, values)}\n`;
  });
  return print('', out);
}

/** One line, whatever the message holds. */
const oneLine = (text: string): string => text.replace(/\s+/g, ' ').trim();

// A reader that went away (a closed pipe): what was to be printed is lost, so the status must read as
// neither success nor "no match" (1). One line on stderr if it is still open; a failing stderr is ignored.
let stdoutFailed = false;
process.stdout.on('error', (error) => {
  stdoutFailed = true;
  process.exitCode = 2;
  const code = (error as { code?: unknown } | null)?.code;
  process.stderr.write(
    `otpkit: cannot write to stdout${typeof code === 'string' ? ` (${code})` : ''}\n`,
  );
});
process.stderr.on('error', () => {});

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = stdoutFailed ? 2 : status;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`otpkit: ${printable(oneLine(error.message))}\n`);
    } // OTPError messages never repeat a secret, a code or a URI (src/errors.ts).
    else if (isOTPError(error)) {
      process.stderr.write(`otpkit: ${printable(oneLine(error.message))} (${error.code})\n`);
    } // Not bad input but a bug or the system: the class only, since a message could quote what was passed.
    else {process.stderr.write(
        `otpkit: unexpected ${error instanceof Error ? error.name : 'failure'}; please report it\n`,
      );}
    process.exitCode = 2;
  },
);
