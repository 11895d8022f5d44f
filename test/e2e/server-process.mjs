// One instance of the reference server (docs/examples/server) under test, run by Node 24 or Bun:
// `node test/e2e/server-process.mjs` / `bun --no-install test/e2e/server-process.mjs`. It talks to the
// runner (servers.mjs) over stdin/stdout, one JSON message a line; its stdout lines that are messages
// start with "E2E ", everything else the process prints is the app's own output, which the runner
// keeps and searches for secrets.
//
//   stdin  {config}                   -> {type:'ready', url, port, kind, twoFactorKind, runtime}
//   stdin  {id, op:'clock', offsetMs} -> {id, ok}        the app's clock is Date.now() + offsetMs
//   stdin  {id, op:'counts'}          -> {id, counts}    HMAC signs so far, by the key's hash
//   stdin  {id, op:'query', sql, params} -> {id, rows}   a direct query on the app's database
//   stdin  {id, op:'redis', command}  -> {id, reply}     a command ([name, ...args]) on its Redis
//   stdin  {id, op:'stop'}            -> {id, ok}, then the process exits
//   app log line                      -> {type:'log', line}
//
// What is computed is counted, not inferred from HTTP answers: count.mjs wraps crypto.subtle.sign
// before otpkit loads, so every TOTP check (HMAC-SHA-1 with the user's opened key, one sign per step
// of the window) is seen, whatever the app answers.
import { counts } from '../../.ci/stores/count.mjs'; // first: wraps crypto.subtle.sign
import { createInterface } from 'node:readline';

const send = (message) => process.stdout.write(`E2E ${JSON.stringify(message)}\n`);
const fromBase64url = (text) => new Uint8Array(Buffer.from(text, 'base64url'));
const runtime = typeof Bun === 'undefined' ? `node ${process.versions.node}` : `bun ${Bun.version}`;

let offsetMs = 0;
let started = null;
let database = null;
let redis = null;

/** The wrapper's own connection to the app's database (node:sqlite, bun:sqlite or Bun's SQL). */
async function openDatabase({ sqlitePath, databaseUrl }) {
  if (databaseUrl) {
    const { SQL } = await import('bun');
    const sql = new SQL({ url: databaseUrl, max: 2 });
    return {
      query: async (text, params) => Array.from(await sql.unsafe(text, params ?? [])),
      close: () => sql.close(),
    };
  }
  if (sqlitePath) {
    const db = typeof Bun === 'undefined'
      ? new (await import('node:sqlite')).DatabaseSync(sqlitePath)
      : new (await import('bun:sqlite')).Database(sqlitePath);
    db.exec('PRAGMA busy_timeout = 5000');
    return {
      query: async (text, params) => db.prepare(text).all(...(params ?? [])),
      close: async () => db.close(),
    };
  }
  return null;
}

async function start(config) {
  const server = new URL('../../docs/examples/server/', import.meta.url);
  const { startServer } = await import(new URL('app.mjs', server).href);
  const { openStorage } = await import(new URL('database.mjs', server).href);
  const log = (line) => send({ type: 'log', line: String(line) });
  const storage = await openStorage({ ...config.storage, log });
  // As main.mjs without SMTP_URL: the development mailer (served at /dev/mailbox only with the flag).
  const { createMailer } = await import(new URL('mail.mjs', server).href);
  const mailer = createMailer({ log, now: () => Date.now() + offsetMs });
  const app = await startServer({
    port: 0,
    host: '127.0.0.1',
    storage,
    sealingKey: fromBase64url(config.keys.seal),
    pepper: fromBase64url(config.keys.pepper),
    now: () => Date.now() + offsetMs,
    log,
    devMailbox: config.devMailbox === true,
    mailer,
  });
  database = await openDatabase(config.storage);
  if (config.storage.redisUrl) {
    redis = new (await import('bun')).RedisClient(config.storage.redisUrl);
  }
  started = { app, storage };
  send({
    type: 'ready',
    url: app.url,
    port: app.port,
    kind: storage.kind,
    twoFactorKind: storage.twoFactorKind,
    runtime,
  });
}

async function handle(message) {
  switch (message.op) {
    case 'clock':
      offsetMs = message.offsetMs;
      return {};
    case 'counts':
      return { counts: { ...counts } };
    case 'query':
      if (database === null) throw new Error('no database to query (memory storage)');
      return { rows: await database.query(message.sql, message.params) };
    case 'redis': {
      if (redis === null) throw new Error('no Redis (the instance was started without redisUrl)');
      const [name, ...args] = message.command;
      return { reply: await redis.send(name, args.map(String)) };
    }
    case 'stop':
      await started?.app.close();
      await database?.close();
      redis?.close();
      await started?.storage.close();
      return {};
    default:
      throw new Error(`unknown op ${message.op}`);
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on('line', (line) => {
  const message = JSON.parse(line);
  if (started === null && message.config) {
    start(message.config).catch((error) => {
      send({ type: 'failed', error: error?.stack ?? String(error) });
      process.exit(1);
    });
    return;
  }
  handle(message).then(
    (answer) => {
      send({ id: message.id, ok: true, ...answer });
      if (message.op === 'stop') process.exit(0);
    },
    (error) => send({ id: message.id, ok: false, error: error?.stack ?? String(error) }),
  );
});
lines.on('close', () => process.exit(0));
