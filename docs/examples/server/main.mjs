// npm run example:server: builds otpkit, then starts the reference server on http://127.0.0.1:$PORT.
//   PORT                    default 3000
//   OTPKIT_EXAMPLE_DB       the SQLite file, default otpkit-example.sqlite in the current directory
//                           (Node >= 22.13 or Bun; on Node 20 everything stays in memory)
//   DATABASE_URL            postgres://...: PostgreSQL instead (Bun's SQL client, or the pg package)
//   REDIS_URL               redis://...: the second-factor state in Redis (Bun's, or the redis package)
//   OTPKIT_EXAMPLE_KEY      the 32-byte sealing key for TOTP secrets, base64url (43 characters)
//   OTPKIT_EXAMPLE_PEPPER   the 32-byte key of the recovery-code and sent-code hashes, base64url
//   OTPKIT_EXAMPLE_CODE_TTL how long an emailed code works, in seconds (10..86400, default 600); the
//                           code page after the password lasts as long
//   SMTP_URL, MAIL_FROM     smtp://user:pass@host:587: real mail; without it, the development mailbox
//   --dev-mailbox           serve /dev/mailbox, the mail "sent" (never in production)
// Without the two keys: on SQLite they are made once and kept in <file>.keys beside the database; in
// memory, made for this run; PostgreSQL and Redis need them set, the same for every instance.
// Make one with:
//   node -e "console.log(Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url'))"
// guide: "Running it"
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { startServer } from './app.mjs';
import { openStorage } from './database.mjs';
import { createMailer } from './mail.mjs';

/** Prints one line and exits: a configuration mistake needs no stack trace. */
function fail(line) {
  console.error(line);
  process.exit(1);
}

function integerFromEnvironment(name, fallback, min, max) {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

/** 32 key bytes from base64url text, or a one-line exit naming `name`. */
function keyBytes(name, text) {
  const bytes = Buffer.from(typeof text === 'string' ? text : '', 'base64url');
  // Exactly 32 bytes written canonically (Buffer skips characters it does not know).
  if (bytes.length !== 32 || bytes.toString('base64url') !== text) {
    fail(`${name} must be 32 bytes in base64url (43 characters, no padding).`);
  }
  return new Uint8Array(bytes);
}

const newKey = () => Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');

/**
 * The keys of a SQLite run without OTPKIT_EXAMPLE_KEY and OTPKIT_EXAMPLE_PEPPER: made once and kept
 * in `<file>.keys` (readable by this user only), beside the database and not in it, so that after a
 * restart what was sealed still opens. A convenience for trying the example: in production the keys
 * come from a secret manager or the environment.
 */
function keysBeside(databaseFile) {
  const path = `${databaseFile}.keys`;
  const made = createOnce(path, `${JSON.stringify({ key: newKey(), pepper: newKey() })}\n`);
  console.log(
    made
      ? `Keys: made and kept in ${path} (or set OTPKIT_EXAMPLE_KEY and _PEPPER).`
      : `Keys: from ${path}.`,
  );
  let keys;
  try {
    keys = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    // The error's name or code only: a JSON.parse message quotes the text, and that is the keys.
    fail(
      `Could not read ${path} (${
        error?.code ?? error?.name
      }): it must hold {"key":...,"pepper":...}` +
        ' as written at the first start. Restore it, or set OTPKIT_EXAMPLE_KEY and _PEPPER.',
    );
  }
  return { sealingKey: keyBytes(path, keys?.key), pepper: keyBytes(path, keys?.pepper) };
}

/**
 * Creates `path` with `text`, readable by this user only, unless it exists; true when it made it.
 * The text is written whole to a file of this process, then linked to `path`: a link never replaces
 * a file, so of two instances starting at once both keep the first one's, and neither can read a
 * file half written.
 */
function createOnce(path, text) {
  const temporary = `${path}.${process.pid}.tmp`;
  let code = null;
  try {
    writeFileSync(temporary, text, { mode: 0o600 });
    linkSync(temporary, path);
  } catch (error) {
    code = error?.code ?? 'error';
  } finally {
    rmSync(temporary, { force: true });
  }
  if (code !== null && code !== 'EEXIST') fail(`Could not write ${path}: ${code}.`);
  return code === null;
}

const port = integerFromEnvironment('PORT', 3000, 0, 65_535);
const emailCodeTtlMs = integerFromEnvironment('OTPKIT_EXAMPLE_CODE_TTL', 600, 10, 86_400) * 1000;
const devMailbox = process.argv.includes('--dev-mailbox');
const databaseUrl = process.env.DATABASE_URL || undefined;
const redisUrl = process.env.REDIS_URL || undefined;
const sqlitePath = process.env.OTPKIT_EXAMPLE_DB || 'otpkit-example.sqlite';
const keyText = process.env.OTPKIT_EXAMPLE_KEY || undefined;
const pepperText = process.env.OTPKIT_EXAMPLE_PEPPER || undefined;
if ((keyText === undefined) !== (pepperText === undefined)) {
  fail('Set both OTPKIT_EXAMPLE_KEY and OTPKIT_EXAMPLE_PEPPER, or neither.');
}
if ((databaseUrl || redisUrl) && keyText === undefined) {
  // Instances that share a database must share the keys: with keys of its own, one instance could
  // open nothing another wrote.
  fail(
    'DATABASE_URL or REDIS_URL is set: set OTPKIT_EXAMPLE_KEY and OTPKIT_EXAMPLE_PEPPER too, the same for every instance.',
  );
}
const given = keyText === undefined ? null : {
  sealingKey: keyBytes('OTPKIT_EXAMPLE_KEY', keyText),
  pepper: keyBytes('OTPKIT_EXAMPLE_PEPPER', pepperText),
};

let storage;
try {
  storage = await openStorage({ databaseUrl, redisUrl, sqlitePath });
} catch (error) {
  // A missing client package or a bad URL says what to do; otherwise the error's code alone (the
  // message of a driver may quote the URL, with its password), and what to check: what is in use.
  if (error?.code?.startsWith('ERR_EXAMPLE_')) fail(error.message);
  const inUse = [
    databaseUrl ? 'DATABASE_URL' : `the SQLite file ${sqlitePath} (OTPKIT_EXAMPLE_DB)`,
  ];
  if (redisUrl) inUse.push('REDIS_URL');
  fail(
    `Could not open the database: ${error?.code ?? error?.name ?? 'error'}. Check ${
      inUse.join(' and ')
    }.`,
  );
}

let keys = given;
if (keys === null && storage.kind === 'sqlite') keys = keysBeside(sqlitePath);
if (keys === null) console.log('Keys: made for this run (set OTPKIT_EXAMPLE_KEY and _PEPPER).');

let mailer;
try {
  mailer = createMailer({
    smtpUrl: process.env.SMTP_URL || undefined,
    from: process.env.MAIL_FROM || undefined,
    log: console.log,
  });
} catch (error) {
  await storage.close();
  fail(String(error?.message)); // names SMTP_URL or MAIL_FROM, never the password
}
console.log(
  mailer.kind === 'smtp'
    ? 'Mail: sent through SMTP_URL.'
    : `Mail: not sent (SMTP_URL is not set); ${
      devMailbox ? 'read it at /dev/mailbox' : 'start with --dev-mailbox to read it at /dev/mailbox'
    }.`,
);

let server;
try {
  server = await startServer({ port, storage, mailer, devMailbox, emailCodeTtlMs, ...keys });
} catch (error) {
  await storage.close();
  if (error?.code === 'EADDRINUSE') fail(`Port ${port} is in use: set PORT to another port.`);
  if (error?.code === 'EACCES') fail(`Port ${port} is not allowed here: set PORT to another port.`);
  throw error;
}
console.log(`otpkit reference server on ${server.url} (Ctrl-C to stop)`);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await server.close();
    await storage.close();
    process.exit(0);
  });
}
