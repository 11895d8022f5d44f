// Where the reference server keeps its data. openStorage picks the database from the environment
// (main.mjs) and returns three things over it:
//   users, sessions  the app's own tables, as small async methods of ONE SQL statement each, so each
//                    is atomic on its own and no method reads, awaits, then writes;
//   twoFactorStore   otpkit/twofactor's store (sqlStore, redisStore or memoryStore) over the same
//                    connection: every second-factor rule is decided there, in one step.
// The database clients are the runtime's own (node:sqlite, bun:sqlite, Bun's SQL and RedisClient) or
// a package the user installs (pg, redis): otpkit itself depends on none of them.
// guide: "Several instances"
import { closeSync, openSync } from 'node:fs';
import { memoryStore, redisStore, sqlSchema, sqlStore } from 'otpkit/twofactor';

const isBun = typeof process.versions.bun === 'string';

/**
 * Opens the storage. `databaseUrl` (postgres://...) wins; else `sqlitePath` (a file, or ':memory:');
 * else everything is in memory. `redisUrl` moves the second-factor state to Redis. `log` gets the one
 * line that names what is used (a host, never a URL: it may hold a password).
 *
 * Resolves to { kind, twoFactorKind, users, sessions, twoFactorStore, close }.
 * Rejects with an Error whose `code` is 'ERR_EXAMPLE_CLIENT_MISSING' when the client is not installed.
 */
export async function openStorage({ databaseUrl, redisUrl, sqlitePath, log = console.log } = {}) {
  const database = databaseUrl
    ? await openPostgres(databaseUrl, log)
    : sqlitePath
    ? ((await openSqlite(sqlitePath, log)) ?? openMemory())
    : openMemory();
  const redis = redisUrl ? await openRedis(redisUrl, log) : null;
  const twoFactorStore = redis
    ? redisStore({ eval: redis.eval })
    : database.kind === 'memory'
    ? memoryStore()
    : sqlStore({ dialect: database.dialect, query: database.query });
  const twoFactorKind = redis ? 'redis' : database.kind === 'memory' ? 'memory' : 'sql';
  log(
    `Storage: ${database.where}${redis ? `; second-factor state in Redis at ${redis.where}` : ''}.`,
  );
  return {
    kind: database.kind,
    twoFactorKind,
    users: database.users,
    sessions: database.sessions,
    twoFactorStore,
    close: async () => {
      await redis?.close();
      await database.close();
    },
  };
}

// ---- the app's tables ----------------------------------------------------------------------------

/**
 * The users and sessions tables, for one dialect ('sqlite' or 'postgres'). Times are Unix ms
 * (BIGINT in PostgreSQL). Every statement is CREATE ... IF NOT EXISTS: run at every start.
 */
export function appSchema(dialect) {
  const time = dialect === 'postgres' ? 'BIGINT' : 'INTEGER';
  return `
CREATE TABLE IF NOT EXISTS app_users (
  id TEXT NOT NULL PRIMARY KEY,
  username TEXT NOT NULL,               -- as typed at registration, for display
  username_key TEXT NOT NULL UNIQUE,    -- lower case: 'Erin2' and 'erin2' are one account
  email TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  two_factor INTEGER NOT NULL DEFAULT 0, -- 1 while on: a lost otp_users row is then an error, not "off"
  code_sent_at ${time} NOT NULL DEFAULT 0,   -- when the last emailed code was sent
  code_sends INTEGER NOT NULL DEFAULT 0,     -- how many were sent on that (UTC) day
  created_at ${time} NOT NULL
);
CREATE TABLE IF NOT EXISTS app_sessions (
  id TEXT NOT NULL PRIMARY KEY,         -- SHA-256 of the cookie value: a dump holds no usable cookie
  csrf TEXT NOT NULL,
  user_id TEXT,
  stage TEXT NOT NULL,                  -- 'anonymous', 'password' (code still due) or 'full'
  recovery_codes TEXT,                  -- sealed; held only until "I have saved them"
  expires_at ${time} NOT NULL
);
CREATE INDEX IF NOT EXISTS app_sessions_expires ON app_sessions (expires_at);
CREATE INDEX IF NOT EXISTS app_sessions_user ON app_sessions (user_id);
`;
}

/** The statements of a schema, one by one (no statement of ours holds a ';' inside). */
// Comments go first: a comment may hold a ';' of its own.
const statementsOf = (schema) =>
  schema.replace(/--.*$/gm, '').split(';').map((s) => s.trim()).filter(Boolean);

const toUser = (row) =>
  row
    ? {
      id: row.id,
      username: row.username,
      usernameKey: row.username_key,
      email: row.email,
      passwordHash: row.password_hash,
      twoFactor: Number(row.two_factor) === 1,
      codeSentAt: Number(row.code_sent_at),
      codeSends: Number(row.code_sends),
    }
    : null;

const toSession = (row) =>
  row
    ? {
      id: row.id,
      csrf: row.csrf,
      userId: row.user_id,
      stage: row.stage,
      recoveryCodes: row.recovery_codes,
      expiresAt: Number(row.expires_at),
    }
    : null;

/**
 * users and sessions over `query(sql, params)` (rows), written with `?` placeholders; for PostgreSQL
 * `query` turns them into $1, $2, ... Each method is one statement.
 */
function sqlTables(query) {
  const users = {
    /** Inserts the user; false when the name (its lower-case key) is taken. */
    async create(u) {
      const rows = await query(
        `INSERT INTO app_users (id, username, username_key, email, password_hash, created_at)
         VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (username_key) DO NOTHING RETURNING id`,
        [u.id, u.username, u.usernameKey, u.email, u.passwordHash, u.createdAt],
      );
      return rows.length === 1;
    },
    byId: async (id) => toUser((await query('SELECT * FROM app_users WHERE id = ?', [id]))[0]),
    byName: async (usernameKey) =>
      toUser((await query('SELECT * FROM app_users WHERE username_key = ?', [usernameKey]))[0]),
    async setTwoFactor(id, on) {
      await query('UPDATE app_users SET two_factor = ? WHERE id = ? RETURNING id', [
        on ? 1 : 0,
        id,
      ]);
    },
    async setPasswordHash(id, hash) {
      await query('UPDATE app_users SET password_hash = ? WHERE id = ? RETURNING id', [hash, id]);
    },
    /**
     * Claims the right to email a code now: true when the last one was sent `intervalMs` or more ago
     * and fewer than `perDay` were sent today (UTC). The conditions are in the statement, so two
     * instances asked at once send one mail. (SET reads the row as it was: the old code_sent_at.)
     */
    async claimCodeSend(id, now, intervalMs, perDay) {
      const today = startOfDay(now);
      const rows = await query(
        `UPDATE app_users
           SET code_sends = CASE WHEN code_sent_at >= ? THEN code_sends + 1 ELSE 1 END,
               code_sent_at = ?
         WHERE id = ? AND code_sent_at <= ? AND (code_sent_at < ? OR code_sends < ?)
         RETURNING id`,
        [today, now, id, now - intervalMs, today, perDay],
      );
      return rows.length === 1;
    },
  };
  const sessions = {
    async create(s) {
      await query(
        `INSERT INTO app_sessions (id, csrf, user_id, stage, recovery_codes, expires_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id`,
        [s.id, s.csrf, s.userId, s.stage, s.recoveryCodes, s.expiresAt],
      );
    },
    /** The session, or null when unknown or expired. */
    get: async (id, now) =>
      toSession(
        (await query('SELECT * FROM app_sessions WHERE id = ? AND expires_at > ?', [id, now]))[0],
      ),
    async delete(id) {
      await query('DELETE FROM app_sessions WHERE id = ? RETURNING id', [id]);
    },
    /** Ends every session of the user but `exceptId`: when two-factor is turned on or off. */
    async deleteOthersOf(userId, exceptId) {
      const rows = await query(
        'DELETE FROM app_sessions WHERE user_id = ? AND id <> ? RETURNING id',
        [userId, exceptId],
      );
      return rows.length;
    },
    async setRecoveryCodes(id, sealed) {
      await query('UPDATE app_sessions SET recovery_codes = ? WHERE id = ? RETURNING id', [
        sealed,
        id,
      ]);
    },
    /** Deletes at most `limit` expired sessions (bounded work per sweep); resolves to how many. */
    async sweep(now, limit) {
      const rows = await query(
        `DELETE FROM app_sessions WHERE id IN
           (SELECT id FROM app_sessions WHERE expires_at <= ? LIMIT ?) RETURNING id`,
        [now, limit],
      );
      return rows.length;
    },
    count: async () => Number((await query('SELECT COUNT(*) AS n FROM app_sessions', []))[0].n),
  };
  return { users, sessions };
}

/** The start of the UTC day of `time` (Unix ms): the daily limit of emailed codes counts from it. */
export const startOfDay = (time) => time - (time % 86_400_000);

// ---- SQLite ----------------------------------------------------------------------------------------

/** SQLite through bun:sqlite or node:sqlite; null (after one log line) when the runtime has neither. */
async function openSqlite(path, log) {
  const Database = await sqliteDriver();
  if (Database === null) {
    log(
      `SQLite needs Node 22.13 or later, or Bun (this is Node ${process.versions.node}): ` +
        'keeping everything in memory instead, lost when the server stops.',
    );
    return null;
  }
  // Created readable by this user only: it holds password hashes and sessions, and SQLite gives the
  // -wal and -shm files the mode of the database file. A file that exists keeps its mode.
  if (path !== ':memory:') closeSync(openSync(path, 'a', 0o600));
  const db = new Database(path);
  // The busy timeout first, so that every statement after it waits for another process's lock
  // instead of failing with "database is locked"; then WAL, where readers do not wait for the writer.
  db.exec(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`);
  await switchToWal(db);
  // IMMEDIATE: the write lock from the start, waited for, so that two instances creating the tables
  // at once take turns.
  db.exec(`BEGIN IMMEDIATE; ${sqlSchema('sqlite')}; ${appSchema('sqlite')}; COMMIT`);
  // One prepared statement per SQL text, made on first use.
  const prepared = new Map();
  const statement = (sql) => {
    let s = prepared.get(sql);
    if (!s) prepared.set(sql, s = db.prepare(sql));
    return s;
  };
  const query = async (sql, params) => statement(sql).all(...params);
  return {
    kind: 'sqlite',
    dialect: 'sqlite',
    where: `SQLite file ${path} (${isBun ? 'bun:sqlite' : 'node:sqlite'})`,
    query,
    ...sqlTables(query),
    close: async () => db.close(),
  };
}

const BUSY_TIMEOUT_MS = 5_000;

/**
 * `PRAGMA journal_mode = WAL`, tried again for up to BUSY_TIMEOUT_MS. The switch needs the file to
 * itself, and while another process writes to it (the other instance, starting at the same moment)
 * SQLite answers SQLITE_BUSY at once: the busy timeout does not cover this one step.
 */
async function switchToWal(db) {
  for (let waited = 0;; waited += 20) {
    try {
      db.exec('PRAGMA journal_mode = WAL'); // kept in the file: later opens find it in WAL already
      return;
    } catch (error) {
      if (!isBusy(error) || waited >= BUSY_TIMEOUT_MS) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

/** SQLITE_BUSY (5), as node:sqlite (errcode) and bun:sqlite (errno) report it. */
const isBusy = (error) => (error?.errcode ?? error?.errno) === 5;

/** The runtime's SQLite class (bun:sqlite's Database, node:sqlite's DatabaseSync), or null. */
async function sqliteDriver() {
  try {
    return isBun
      ? (await import('bun:sqlite')).Database
      : (await import('node:sqlite')).DatabaseSync;
  } catch (error) {
    if (isMissingModule(error)) return null;
    throw error;
  }
}

function isMissingModule(error) {
  return ['ERR_UNKNOWN_BUILTIN_MODULE', 'ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND'].includes(
    error?.code,
  ) || /Cannot find (module|package)|No such built-in module/i.test(String(error?.message));
}

// ---- PostgreSQL ------------------------------------------------------------------------------------

/** `?` placeholders to PostgreSQL's $1, $2, ... (no statement of ours has a '?' in a string). */
const numbered = (sql) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

// Any fixed number: the advisory lock that makes two instances starting at once create the tables
// one after the other (concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL's catalog).
const SCHEMA_LOCK = 4_242_015;

/**
 * Logs a dropped connection. Without an 'error' listener, pg's Pool and node-redis turn a connection
 * the server closes (a restart, a failover) into an uncaught error that ends the process; they
 * connect again on the next query. The code or name only: pg-pool's error.client holds the
 * connection settings, the password with them.
 */
const connectionLost = (log) => (error) =>
  log(`database connection lost: ${error?.code ?? error?.name ?? 'error'}`);

/** PostgreSQL through Bun's SQL client under Bun, or the pg package under Node. */
async function openPostgres(url, log) {
  const where = `PostgreSQL at ${hostOf(url)}`;
  const statements = [
    ...statementsOf(sqlSchema('postgres')),
    ...statementsOf(appSchema('postgres')),
  ];
  let query, migrate, close;
  if (isBun) {
    const { SQL } = await import('bun');
    const sql = new SQL({ url, max: 10 });
    query = async (text, params) => Array.from(await sql.unsafe(numbered(text), params));
    migrate = () =>
      sql.begin(async (tx) => {
        await tx.unsafe(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`);
        for (const s of statements) await tx.unsafe(s);
      });
    close = () => sql.close();
  } else {
    const pg = await importClient('pg', 'DATABASE_URL');
    const pool = new (pg.default ?? pg).Pool({ connectionString: url, max: 10 });
    pool.on('error', connectionLost(log));
    query = async (text, params) => (await pool.query(numbered(text), params)).rows;
    migrate = async () => {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`);
        for (const s of statements) await client.query(s);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    };
    close = () => pool.end();
  }
  await migrate();
  return { kind: 'postgres', dialect: 'postgres', where, query, ...sqlTables(query), close };
}

// ---- Redis -----------------------------------------------------------------------------------------

/** Redis through Bun's RedisClient under Bun, or the redis package (node-redis) under Node. */
async function openRedis(url, log) {
  const where = hostOf(url);
  if (isBun) {
    const { RedisClient } = await import('bun');
    const client = new RedisClient(url);
    await client.send('PING', []);
    return {
      where,
      eval: (script, keys, args) =>
        client.send('EVAL', [script, String(keys.length), ...keys, ...args]),
      close: async () => client.close(),
    };
  }
  const { createClient } = await importClient('redis', 'REDIS_URL');
  const client = createClient({ url });
  client.on('error', connectionLost(log));
  await client.connect();
  return {
    where,
    eval: (script, keys, args) => client.eval(script, { keys, arguments: args }),
    close: () => client.quit(),
  };
}

/** A client package the user installs, or an error saying how (main.mjs prints its message alone). */
async function importClient(name, variable) {
  try {
    return await import(name);
  } catch (error) {
    if (!isMissingModule(error)) throw error;
    const missing = new Error(
      `${variable} is set, but the ${name} package is not installed: run \`npm install --no-save ${name}\` ` +
        '(--no-save leaves package.json as it is), or run the server under Bun.',
    );
    missing.code = 'ERR_EXAMPLE_CLIENT_MISSING';
    throw missing;
  }
}

/** host:port of a URL, for log lines: never the user name or password it may hold. */
function hostOf(url) {
  try {
    return new URL(url).host || '(no host)';
  } catch {
    const invalid = new Error('DATABASE_URL or REDIS_URL is not a valid URL.');
    invalid.code = 'ERR_EXAMPLE_BAD_URL';
    throw invalid;
  }
}

// ---- memory ----------------------------------------------------------------------------------------

/**
 * The same methods over Maps, for tests and for runtimes without SQLite. Each method body has no
 * `await` inside, so it runs as one step, like the statement it stands for. Records are copied in
 * and out, as rows would be.
 */
function openMemory() {
  const userRows = new Map(); // id -> user
  const sessionRows = new Map(); // id -> session
  const copy = (value) => (value === undefined ? null : structuredClone(value));
  const users = {
    async create(u) {
      for (const row of userRows.values()) if (row.usernameKey === u.usernameKey) return false;
      userRows.set(u.id, { ...u, twoFactor: false, codeSentAt: 0, codeSends: 0 });
      return true;
    },
    byId: async (id) => copy(userRows.get(id)),
    async byName(usernameKey) {
      for (const row of userRows.values()) if (row.usernameKey === usernameKey) return copy(row);
      return null;
    },
    async setTwoFactor(id, on) {
      const row = userRows.get(id);
      if (row) row.twoFactor = on;
    },
    async setPasswordHash(id, hash) {
      const row = userRows.get(id);
      if (row) row.passwordHash = hash;
    },
    async claimCodeSend(id, now, intervalMs, perDay) {
      const row = userRows.get(id);
      const today = startOfDay(now);
      if (!row || row.codeSentAt > now - intervalMs) return false;
      if (row.codeSentAt >= today && row.codeSends >= perDay) return false;
      row.codeSends = row.codeSentAt >= today ? row.codeSends + 1 : 1;
      row.codeSentAt = now;
      return true;
    },
  };
  const sessions = {
    async create(s) {
      sessionRows.set(s.id, copy(s));
    },
    async get(id, now) {
      const row = sessionRows.get(id);
      return row && row.expiresAt > now ? copy(row) : null;
    },
    async delete(id) {
      sessionRows.delete(id);
    },
    async deleteOthersOf(userId, exceptId) {
      let n = 0;
      for (const [id, row] of sessionRows) {
        if (row.userId === userId && id !== exceptId) n += Number(sessionRows.delete(id));
      }
      return n;
    },
    async setRecoveryCodes(id, sealed) {
      const row = sessionRows.get(id);
      if (row) row.recoveryCodes = sealed;
    },
    async sweep(now, limit) {
      let n = 0;
      for (const [id, row] of sessionRows) {
        if (n === limit) break;
        if (row.expiresAt <= now) n += Number(sessionRows.delete(id));
      }
      return n;
    },
    count: async () => sessionRows.size,
  };
  return {
    kind: 'memory',
    where: 'memory (lost when the server stops)',
    users,
    sessions,
    close: async () => {},
  };
}

/** A fresh in-memory storage: createApp's default, and the tests'. */
export function memoryStorage() {
  const { users, sessions } = openMemory();
  return {
    kind: 'memory',
    twoFactorKind: 'memory',
    users,
    sessions,
    twoFactorStore: memoryStore(),
    close: async () => {},
  };
}
