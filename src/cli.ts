// The `otpkit` command line: codes, checks, new secrets with a terminal QR code, and a look inside
// key URIs, from a shell. The one Node-only file in src/ (node:util parseArgs, node:fs, the process global);
// tsup bundles it with the library into dist/cli.js (tsup.config.ts). Exit status: 0 success, 1 `verify`
// found no match, 2 anything else (a usage error or an OTPError), always with one line on stderr that never
// repeats a secret, a code or a URI. Everything printed has its control characters escaped, so no input can
// put a terminal escape sequence on the screen.
import { closeSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
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
} from './index.js';
import type { HashAlgorithm, KeyURI } from './index.js';
import { algorithmList, readAlgorithmName } from './internal/algorithms.js';
import { encodeQR, qrToSVG, qrToTerminal } from './qr/index.js';

// The part of Node's `process` this file uses (there is no @types/node: devDependencies are exactly three).
declare const process: {
  argv: string[];
  exitCode: number | undefined;
  stdin: AsyncIterable<Uint8Array | string> & { isTTY?: boolean };
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

const HELP: Record<string, string> = {
  otpkit: `otpkit: one-time passwords (HOTP, TOTP) from the command line

Usage:
  otpkit code <secret | otpauth-uri | ->            print the current code
  otpkit verify <token> <secret | otpauth-uri | ->  check a code (exit 0 match, 1 no match)
  otpkit new --issuer <name> --account <name>       a new secret, its URI and QR code
  otpkit parse <otpauth-uri | ->                    a key URI as JSON (secret redacted)
  otpkit import <otpauth-migration-uri | ->         the keys of a Google Authenticator export as JSON

A secret is base32 (spaces allowed) or an otpauth:// URI; "-" reads it from stdin.
Run "otpkit <command> --help" for a command's options. Exit status 2: a usage error or a bad input.
`,
  code: `Usage: otpkit code <secret | otpauth-uri | -> [options]

Prints the TOTP code (RFC 6238), or the HOTP code (RFC 4226) with --counter or an hotp URI.
"-" reads the secret or URI from stdin. Options override the URI's parameters.

  --time <ms | ISO date>   the instant: Unix milliseconds or e.g. 2030-01-01T00:00:00Z (default now)
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
  --after-step <n>         TOTP: refuse this step and earlier ones (replay protection)
  --time <ms | ISO date>   the instant (default now)
  --counter <n>            HOTP counter, 0 to 2^64-1
  --digits <n>             code length, 6 to 10 (default 6)
  --algorithm <name>       ${algorithmList()} (default SHA1)
  --period <s>             TOTP time step in seconds (default 30)
`,
  new: `Usage: otpkit new --issuer <name> --account <name> [options]

Makes a new random secret and prints it, its otpauth:// enrolment URI and the URI's QR code.

  --issuer <name>          the service name shown in the app (required)
  --account <name>         the user's account, e.g. an e-mail address (required)
  --algorithm <name>       ${algorithmList()} (default SHA1)
  --digits <n>             code length, 6 to 10 (default 6)
  --period <s>             TOTP time step in seconds (default 30)
  --bytes <n>              secret length in bytes, 16 to 64 (default 20)
  --svg <file>             write the QR code to <file> as SVG instead of drawing it; the file holds
                           the secret, so it is created new with mode 0600 (never an existing file)
  --force                  with --svg: replace an existing file (a symlink is replaced, not followed)
  --invert                 draw dark modules as blocks (dark text on a light terminal)
`,
  parse: `Usage: otpkit parse <otpauth-uri | -> [--show-secret]

Prints the key of an otpauth:// URI as JSON. The secret is "[redacted]" unless --show-secret.
"-" reads the URI from stdin (keeping the secret out of shell history).
`,
  import: `Usage: otpkit import <otpauth-migration-uri | -> [--show-secret]

Lists the keys of a Google Authenticator export (otpauth-migration://offline?data=...) as a JSON array.
Secrets are "[redacted]" unless --show-secret. "-" reads the URI from stdin.
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
  import: { options: { 'show-secret': bool }, positionals: ['uri'], run: runImport },
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
  const { values, positionals } = parsed;
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
  return command.run(positionals, values);
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

function print(text: string): number {
  process.stdout.write(printable(text.endsWith('\n') ? text : `${text}\n`));
  return 0;
}

/** JSON with bigint counters as decimal strings. */
const json = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2);

/** The argument itself, or all of stdin for `-` (trimmed). */
async function input(arg: string, what: string): Promise<string> {
  if (arg !== '-') return arg;
  if (process.stdin.isTTY === true) {
    process.stderr.write(`otpkit: reading the ${what} from stdin (end with Ctrl-D)\n`);
  }
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
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(all).trim();
  } catch {
    return usage('stdin is not UTF-8 text');
  }
  if (text === '') usage(`stdin is empty: expected a ${what}`);
  return text;
}

const isURI = (text: string): boolean => /^otpauth:/i.test(text);
const isMigrationURI = (text: string): boolean => /^otpauth-migration:/i.test(text);

/** The key a secret argument names: an otpauth:// URI parsed, or base32 with the spaces apps print removed. */
async function keyOf(arg: string): Promise<KeyURI | { type: undefined; secret: string }> {
  const text = await input(arg, 'secret or otpauth:// URI');
  if (isMigrationURI(text)) {
    usage('an otpauth-migration:// URI holds several keys: list them with "otpkit import"');
  }
  if (isURI(text)) return parseKeyURI(text);
  // A base32 secret as authenticator apps display it ("jbsw y3dp ehpk 3pxp") or users type it
  // ("JBSW-Y3DP-EHPK-3PXP"): whitespace and hyphens are not part of it, as with decodeBase32's loose mode.
  return { type: undefined, secret: text.replace(/[\s-]+/g, '') };
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

/** `--time`: Unix milliseconds, or an ISO 8601 date (a date-time without an offset is local time, as in JavaScript). */
function timeArg(values: Values): number | undefined {
  const text = values.time;
  if (typeof text !== 'string') return undefined;
  if (/^-?\d{1,16}$/.test(text)) return Number(text);
  const iso = /^(\d{4})-(\d\d)-(\d\d)(T\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)?)?$/i.exec(
    text,
  );
  // Date.parse rolls February 31 over into March: the day must exist in its month.
  const valid = iso !== null &&
    Number(iso[3]) <= new Date(Date.UTC(Number(iso[1]), Number(iso[2]), 0)).getUTCDate();
  const ms = valid ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(ms)) {
    usage('--time must be Unix milliseconds or an ISO 8601 date such as 2030-01-01T00:00:00Z');
  }
  return ms;
}

/** `--algorithm`, read as otpauth URIs are (any case, `SHA-256`); anything else goes to the library, which refuses it. */
function algorithmArg(values: Values): HashAlgorithm | undefined {
  const text = values.algorithm;
  return typeof text === 'string'
    ? (readAlgorithmName(text) ?? (text as HashAlgorithm))
    : undefined;
}

/** The options `code` and `verify` pass to the library: the key, overridden by the command line; TOTP or HOTP. */
async function codeOptionsOf(arg: string, values: Values) {
  const key = await keyOf(arg);
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
  const o = await codeOptionsOf(secret as string, values);
  return print(
    o.counter !== undefined
      ? await generateHOTP({ ...o.base, counter: o.counter })
      : await generateTOTP(o.totp),
  );
}

async function runVerify([token, secret]: string[], values: Values): Promise<number> {
  const o = await codeOptionsOf(secret as string, values);
  // Apps show "123 456": the spaces are not part of the code. Anything else that is not a code simply does not match.
  const typed = (token as string).replace(/\s+/g, '');
  const window = intArg(values, 'window');
  let match: object | null;
  if (o.counter !== undefined) {
    if (values['after-step'] !== undefined) {
      usage('--after-step applies to TOTP only; an HOTP counter already refuses replays');
    }
    match = await verifyHOTP({ ...o.base, token: typed, counter: o.counter, lookAhead: window });
  } else {
    match = await verifyTOTP({
      ...o.totp,
      token: typed,
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

async function runNew(_: string[], values: Values): Promise<number> {
  const { issuer, account, svg } = values;
  if (typeof issuer !== 'string') usage('--issuer <name> is required; run "otpkit new --help"');
  if (typeof account !== 'string') usage('--account <name> is required; run "otpkit new --help"');
  if (values.force === true && typeof svg !== 'string') {
    usage('--force applies with --svg <file> only');
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
  const matrix = encodeQR(uri);
  let out = `secret: ${secret}\nuri:    ${uri}\n`;
  if (typeof svg === 'string') {
    writeSecretFile(svg, qrToSVG(matrix), values.force === true);
    out += `svg:    ${svg}\n`;
  } else {
    out += `\n${qrToTerminal(matrix, { invert: values.invert === true })}`;
  }
  return print(out);
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
  const uri = await input(arg as string, 'otpauth-migration:// URI');
  if (isURI(uri)) usage('an otpauth:// URI holds one key: show it with "otpkit parse"');
  return print(json(parseMigrationURI(uri).map((key) => shown(key, values))));
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
