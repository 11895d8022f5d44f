// The backends of the store tests, as an application would wire them: each store over the runtime's
// own database client (node:sqlite, bun:sqlite, Bun's SQL and RedisClient), so there is no client
// package at all. `prepare` runs once in the suite's parent process (creates the database or file and
// the schema) and `open` in every process that uses the shared database.

/** The exports a backend needs from dist/twofactor.js, with a clear message while they are missing. */
const NEEDS = {
  memory: ['memoryStore'],
  'sqlite-node': ['sqlStore', 'sqlSchema'],
  'sqlite-bun': ['sqlStore', 'sqlSchema'],
  postgres: ['sqlStore', 'sqlSchema'],
  redis: ['redisStore'],
};

export function requireExports(kind, tf) {
  const missing = NEEDS[kind].filter((name) => typeof tf[name] !== 'function');
  if (missing.length > 0) {
    throw new Error(
      `dist/twofactor.js does not export ${
        missing.join(' and ')
      }: the ${kind} backend is not built (yet?); nothing was tested`,
    );
  }
}

/**
 * A connection over an opened SQLite database (node:sqlite's DatabaseSync and bun:sqlite's Database
 * share these calls): WAL, a busy timeout, one prepared statement per call.
 */
function sqliteConnection(db) {
  db.exec('PRAGMA busy_timeout = 5000');
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  return {
    exec: (sql) => db.exec(sql),
    query: async (sql, params) => db.prepare(sql).all(...(params ?? [])),
    version: () => `SQLite ${db.prepare('SELECT sqlite_version() AS v').get().v}`,
    close: async () => db.close(),
  };
}

/** SQLite through node:sqlite (Node 22.5+). */
async function openNodeSqlite(file) {
  const { DatabaseSync } = await import('node:sqlite');
  return sqliteConnection(new DatabaseSync(file));
}

/** SQLite through bun:sqlite. */
async function openBunSqlite(file) {
  const { Database } = await import('bun:sqlite');
  return sqliteConnection(new Database(file));
}

/** PostgreSQL through Bun's built-in client (`sql.unsafe(text, params)`: $1.. placeholders). */
async function openPostgres(url) {
  const { SQL } = await import('bun');
  const sql = new SQL({ url, max: 10 });
  return {
    sql,
    exec: (text) => sql.unsafe(text),
    query: async (text, params) => Array.from(await sql.unsafe(text, params ?? [])),
    version: async () =>
      `PostgreSQL ${(await sql.unsafe('SHOW server_version'))[0].server_version.split(' ')[0]}`,
    close: () => sql.close(),
  };
}

/** Redis through Bun's built-in RedisClient: EVAL script numkeys key... arg... */
async function openRedis(url) {
  const { RedisClient } = await import('bun');
  const client = new RedisClient(url);
  await client.send('PING', []);
  return {
    send: (command, args) => client.send(command, args),
    eval: (script, keys, args) =>
      client.send('EVAL', [script, String(keys.length), ...keys.map(String), ...args.map(String)]),
    version: async () =>
      `Redis ${String(await client.send('INFO', ['server'])).match(/redis_version:(\S+)/)?.[1]}`,
    close: async () => client.close(),
  };
}

// One database per run, named after the run id, which starts with the run's start time in base 36.
const DATABASE_PREFIX = 'otpkit_stores_';
const databaseName = (runId) => `${DATABASE_PREFIX}${runId}`;

/** Drops the databases of runs that started over an hour ago and were killed before their teardown. */
async function dropStale(admin) {
  const rows = await admin.query(
    `SELECT datname FROM pg_database WHERE datname LIKE '${DATABASE_PREFIX}%'`,
    [],
  );
  for (const { datname } of rows) {
    const startedAt = parseInt(
      datname.slice(DATABASE_PREFIX.length, DATABASE_PREFIX.length + 8),
      36,
    );
    if (Number.isFinite(startedAt) && startedAt < Date.now() - 3_600_000) {
      await admin.exec(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    }
  }
}
const withDatabase = (url, name) => {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.href;
};

/**
 * The parent's one-time setup: the database (PostgreSQL: a fresh database per run, dropped by
 * `teardown`), the schema (sqlSchema's DDL, idempotent, possibly several statements). Resolves
 * { config (for `open`), version, teardown }.
 */
export async function prepare(kind, config, tf) {
  requireExports(kind, tf);
  switch (kind) {
    case 'memory':
      return { config, version: null, teardown: async () => {} };
    case 'sqlite-node':
    case 'sqlite-bun': {
      const db = kind === 'sqlite-node'
        ? await openNodeSqlite(config.file)
        : await openBunSqlite(config.file);
      try {
        db.exec(tf.sqlSchema('sqlite'));
        db.exec(tf.sqlSchema('sqlite')); // idempotent: a second run of the DDL must not fail
        return { config, version: db.version(), teardown: async () => {} };
      } finally {
        await db.close();
      }
    }
    case 'postgres': {
      const name = databaseName(config.runId);
      const admin = await openPostgres(config.pgUrl);
      let version;
      try {
        version = await admin.version();
        await dropStale(admin);
        await admin.exec(`CREATE DATABASE ${name}`);
      } finally {
        await admin.close();
      }
      const url = withDatabase(config.pgUrl, name);
      const db = await openPostgres(url);
      try {
        await db.exec(tf.sqlSchema('postgres'));
        await db.exec(tf.sqlSchema('postgres'));
      } finally {
        await db.close();
      }
      return {
        config: { ...config, pgUrl: url },
        version,
        teardown: async () => {
          const again = await openPostgres(config.pgUrl);
          try {
            await again.exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
          } finally {
            await again.close();
          }
        },
      };
    }
    case 'redis': {
      const client = await openRedis(config.redisUrl);
      try {
        return { config, version: await client.version(), teardown: async () => {} };
      } finally {
        await client.close();
      }
    }
    default:
      throw new Error(`unknown backend ${kind}`);
  }
}

/** The SQL tables of the store: every table whose name starts with `otp_`. */
async function otpTables(db, dialect) {
  const rows = dialect === 'sqlite'
    ? await db.query(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'otp\\_%' ESCAPE '\\'",
      [],
    )
    : await db.query(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name LIKE 'otp\\_%' ESCAPE '\\'",
      [],
    );
  const names = rows.map((r) => String(r.name)).sort();
  for (const needed of ['otp_sent_codes', 'otp_users']) {
    if (!names.includes(needed)) throw new Error(`raw: no table ${needed} (found ${names})`);
  }
  return names;
}

/** Every row of every otp_ table for one user, straight from the database: SELECT *. */
function sqlRaw(db, dialect) {
  return async (userId) => {
    const tables = await otpTables(db, dialect);
    const values = [];
    for (const table of tables) {
      const placeholder = dialect === 'sqlite' ? '?' : '$1';
      const rows = await db.query(`SELECT * FROM ${table} WHERE user_id = ${placeholder}`, [
        userId,
      ]);
      for (const row of rows) {
        for (const [column, value] of Object.entries(row)) {
          if (column !== 'user_id' && value !== null) values.push(String(value));
        }
      }
    }
    return { where: `SELECT * FROM ${tables.join(', ')}`, values, complete: true };
  };
}

/** Every string in a Redis reply or a record (arrays, maps, objects: keys and values). */
function replyStrings(reply, out = []) {
  if (reply === null || reply === undefined) return out;
  if (Array.isArray(reply)) {
    for (const r of reply) replyStrings(r, out);
  } else if (reply instanceof Map) {
    for (const [k, v] of reply) {
      replyStrings(k, out);
      replyStrings(v, out);
    }
  } else if (reply instanceof Uint8Array) {
    out.push(new TextDecoder().decode(reply));
  } else if (typeof reply === 'object') {
    for (const [k, v] of Object.entries(reply)) {
      out.push(k);
      replyStrings(v, out);
    }
  } else {
    out.push(String(reply));
  }
  return out;
}

/**
 * Every key of one user (SCAN for its hash tag, so a key the store added later is found too) and
 * every value in it: HGETALL of a hash, SMEMBERS of a set, GET of a string. The ids of the tests have
 * no '%', '{' or '}', so the hash tag is the id itself.
 */
function redisRaw(client) {
  return async (userId) => {
    const keys = new Set();
    let cursor = '0';
    do {
      const [next, found] = await client.send('SCAN', [
        cursor,
        'MATCH',
        `*{${userId}}*`,
        'COUNT',
        '1000',
      ]);
      cursor = String(next);
      for (const key of found) keys.add(String(key));
    } while (cursor !== '0');
    for (const needed of [`otp:{${userId}}`, `otp:{${userId}}:rc`, `otp:{${userId}}:sent`]) {
      if (!keys.has(needed)) throw new Error(`raw: no key ${needed} (found ${[...keys]})`);
    }
    const values = [];
    const read = { hash: 'HGETALL', set: 'SMEMBERS', string: 'GET' };
    for (const key of [...keys].sort()) {
      const type = String(await client.send('TYPE', [key]));
      if (!read[type]) throw new Error(`raw: key ${key} is a ${type}, which this dump cannot read`);
      replyStrings(await client.send(read[type], [key]), values);
    }
    return {
      where: `the Redis keys ${[...keys].sort().join(', ')}`,
      values,
      complete: true,
    };
  };
}

/**
 * A store over the shared database, as one process of the application would make it: { store, raw,
 * close }. `raw(userId)` reads what the backend holds for one user directly from its storage (SQL:
 * SELECT * from the otp_ tables; Redis: the user's keys; memory: store.read, all there is to see),
 * resolving { where, values, complete }.
 */
export async function open(kind, config, tf) {
  requireExports(kind, tf);
  switch (kind) {
    case 'memory': {
      const store = tf.memoryStore();
      const raw = async (userId) => ({
        where: 'store.read',
        values: replyStrings(await store.read(userId)),
        complete: false,
      });
      return { store, raw, close: async () => {} };
    }
    case 'sqlite-node':
    case 'sqlite-bun': {
      const db = kind === 'sqlite-node'
        ? await openNodeSqlite(config.file)
        : await openBunSqlite(config.file);
      await db.query('SELECT 1', []);
      return {
        store: tf.sqlStore({ dialect: 'sqlite', query: db.query }),
        raw: sqlRaw(db, 'sqlite'),
        close: db.close,
      };
    }
    case 'postgres': {
      const db = await openPostgres(config.pgUrl);
      await db.query('SELECT 1', []); // connect before the start barrier
      return {
        store: tf.sqlStore({ dialect: 'postgres', query: db.query }),
        raw: sqlRaw(db, 'postgres'),
        close: db.close,
      };
    }
    case 'redis': {
      const client = await openRedis(config.redisUrl);
      return {
        store: tf.redisStore({ eval: client.eval }),
        raw: redisRaw(client),
        close: client.close,
      };
    }
    default:
      throw new Error(`unknown backend ${kind}`);
  }
}
