// sqlStore: the TwoFactorStore in SQLite (>= 3.35) or PostgreSQL, through the application's own
// driver: the store only calls `query(sql, params)`, and imports no driver.
//
// Why each operation is ONE atomic step: each is one SQL statement (disable on SQLite excepted, see
// below) on one row, found by its primary key, and run outside any transaction the store opens
// (there is none: no BEGIN). Every decision is in the statement itself (a WHERE, or a CASE in an
// upsert's SET), never in JavaScript between a read and a write, and every answer comes back
// through RETURNING from the row the statement wrote.
// - SQLite runs one writer at a time: a write statement takes the database's write lock before it
//   reads (a waiting writer retries under busy_timeout), so it reads and writes with no other
//   writer between.
// - PostgreSQL, in Read Committed (its default): an UPDATE or DELETE that meets a row another
//   statement is changing waits for that statement's transaction, then re-evaluates its WHERE (and
//   so its SET expressions) against the newest version of the row, and skips the row if it no
//   longer matches or was deleted (EvalPlanQual). INSERT ... ON CONFLICT DO UPDATE locks the
//   conflicting row, even one inserted by a transaction its snapshot cannot see, and computes SET
//   from that locked, newest version: "each row proposed for insertion will either insert or
//   update". So two statements on one row serialise. (Under Repeatable Read or Serializable a
//   concurrent change instead fails with a serialization error: never a wrong answer, but a
//   rejected call.)
//
// Operation by operation:
// - reserveAttempt: one upsert whose SET computes failures, locked_until and lock_ms from the OLD
//   row (every SET expression sees the row before the statement) and records in `granted` whether
//   this call was granted, so the RETURNING row holds both the decision and the new state.
// - acceptStep, confirmEnrolment, replaceRecoveryCodes: one UPDATE whose WHERE is the
//   compare-and-set (secret and last_step < step; the pending binding, secret and expiry; the
//   secret).
// - consumeRecoveryCode: one UPDATE removing ",hash," from the ",h1,h2," list, WHERE the list holds
//   it.
// - beginEnrolment: one upsert whose SET keeps the old pending enrolment (same binding, not
//   expired) or takes the new one, by CASE on the old row; RETURNING gives the one kept.
// - issueCode: one upsert on (user_id, purpose); consumeCode: one DELETE ... WHERE hash matches
//   RETURNING.
// - clearAttempts: one UPDATE; read: one SELECT.
// - disable: on PostgreSQL one statement (a data-modifying WITH deletes the sent codes, the UPDATE
//   clears the user's row, both in one snapshot and one implicit transaction). SQLite has no
//   data-modifying WITH, so it is two statements there; see `disable` below for why that keeps the
//   contract.
import { assertOptions, fail, invalid } from '../internal/assert.ts';
import {
  hashesArgument,
  integerArgument,
  pendingArgument,
  policyArgument,
  stringArgument,
} from './arguments.ts';
import {
  type AttemptPolicy,
  EMPTY_RECORD,
  type PendingEnrolment,
  type Reservation,
  type TwoFactorRecord,
  type TwoFactorStore,
} from './store.ts';

/** The SQL dialect of {@link sqlStore} and {@link sqlSchema}. */
export type SqlDialect = 'sqlite' | 'postgres';

/**
 * Runs one parameterised statement and resolves to its rows: an array of objects (typed
 * `unknown[]`, as drivers declare `all()`; the store checks each row, and reads columns by name
 * only, so plain or null-prototype rows both do), empty when none match. `sql` uses `?`
 * placeholders for `'sqlite'` and `$1`, `$2`, ... for `'postgres'`; `params` hold only strings,
 * safe integers and null. Every statement is a SELECT or ends in `RETURNING`, so a driver's
 * `all()`, which some refuse for a statement that returns no rows (better-sqlite3), works for each.
 * Run it in autocommit (no surrounding transaction). Returning the rows synchronously is accepted
 * too. The store sends a dozen distinct texts, so a driver's statement cache (bun:sqlite's
 * `db.query`) serves them well.
 */
export type SqlQuery = (
  sql: string,
  params: (string | number | null)[],
) => Promise<readonly unknown[]> | readonly unknown[];

/** Options for {@link sqlStore}. */
export interface SqlStoreOptions {
  /** `'sqlite'` (SQLite 3.35 or later) or `'postgres'`. */
  dialect: SqlDialect;
  /** The application's driver, as one function: see {@link SqlQuery}. */
  query: SqlQuery;
}

/**
 * The DDL of both dialects: the only difference is the type of steps and Unix-ms times, which
 * outgrow PostgreSQL's 32-bit INTEGER (SQLite's INTEGER holds 64 bits).
 */
function schemaFor(time: 'INTEGER' | 'BIGINT'): string {
  return `CREATE TABLE IF NOT EXISTS otp_users (
  user_id TEXT NOT NULL PRIMARY KEY,
  secret TEXT,
  last_step ${time} NOT NULL DEFAULT -1,
  recovery TEXT NOT NULL DEFAULT ',',
  failures INTEGER NOT NULL DEFAULT 0,
  locked_until ${time} NOT NULL DEFAULT 0,
  lock_ms ${time} NOT NULL DEFAULT 0,
  granted INTEGER NOT NULL DEFAULT 0,
  pending_binding TEXT,
  pending_secret TEXT,
  pending_expires ${time}
);
CREATE TABLE IF NOT EXISTS otp_sent_codes (
  user_id TEXT NOT NULL,
  purpose TEXT NOT NULL,
  hash TEXT NOT NULL,
  expires_at ${time} NOT NULL,
  PRIMARY KEY (user_id, purpose)
);
`;
}

const SCHEMA: Readonly<Record<SqlDialect, string>> = {
  sqlite: schemaFor('INTEGER'),
  postgres: schemaFor('BIGINT'),
};

/** A dialect, or `ERR_INVALID_OPTION`. */
function dialectOption(value: unknown): SqlDialect {
  return value === 'sqlite' || value === 'postgres'
    ? value
    : invalid('dialect', `'sqlite' or 'postgres'`);
}

/**
 * The tables {@link sqlStore} needs, as DDL for `dialect`: `otp_users` (one row per user: the
 * secret, last step, recovery code hashes as one `,h1,h2,` text, attempts, pending enrolment, and
 * `granted`, the last reservation's decision, read only as it is written) and `otp_sent_codes` (one
 * row per user and purpose). Every statement is `CREATE TABLE IF NOT EXISTS`, so running it again
 * changes nothing. Times are Unix ms (`BIGINT` in PostgreSQL). The text holds several statements:
 * run it with the driver's multi-statement call (`exec`, or a query without parameters), once, e.g.
 * at start-up or in a migration. Expired rows of `otp_sent_codes` are left behind until replaced;
 * delete them at leisure (`DELETE FROM otp_sent_codes WHERE expires_at < <now in ms>`).
 *
 * @param dialect - `'sqlite'` or `'postgres'`
 * @returns the DDL
 * @throws OTPError `ERR_INVALID_OPTION` for another dialect
 * @example
 * ```ts
 * db.exec(sqlSchema('sqlite'));                 // node:sqlite, bun:sqlite, better-sqlite3
 * await pool.query(sqlSchema('postgres'));      // pg
 * await pg.unsafe(sqlSchema('postgres'));       // Bun's SQL
 * ```
 */
export function sqlSchema(dialect: SqlDialect): string {
  return SCHEMA[dialectOption(dialect)];
}

/** A statement compiled for one dialect: its text, and the value's name behind each placeholder. */
interface Statement {
  readonly sql: string;
  readonly names: readonly string[];
}

/** The values that are integers: `$n::bigint` in PostgreSQL (the others are `$n::text`). */
const INTEGERS: ReadonlySet<string> = new Set([
  'now',
  'step',
  'max',
  'lockMs',
  'maxLockMs',
  'expiresAt',
]);

/**
 * Compiles a template whose values are written `{name}`: `?` for SQLite (one per occurrence, so a
 * name may repeat), `$n` with an explicit type for PostgreSQL (one per name, so a driver that sends
 * every value as untyped text, as pg does, gets the right types).
 */
function compile(dialect: SqlDialect, template: string): Statement {
  const names: string[] = [];
  const sql = template.replace(/\s+/g, ' ').trim().replace(/\{(\w+)\}/g, (_, name: string) => {
    if (dialect === 'sqlite') {
      names.push(name);
      return '?';
    }
    let index = names.indexOf(name);
    if (index < 0) index = names.push(name) - 1;
    return `$${index + 1}::${INTEGERS.has(name) ? 'bigint' : 'text'}`;
  });
  return { sql, names };
}

/** A record's columns, for SELECT and RETURNING; recovery_left counts the hashes in ",h1,h2,". */
const RECORD_COLUMNS = `secret, last_step, failures, locked_until, lock_ms, pending_binding,
  pending_secret, pending_expires,
  length(recovery) - length(replace(recovery, ',', '')) - 1 AS recovery_left`;

/** The SET expressions of a reservation, from the row before it (`old`: column expressions). */
function reservation(
  dialect: SqlDialect,
  old: { failures: string; lockedUntil: string; lockMs: string },
): Record<'granted' | 'failures' | 'lockMs' | 'lockedUntil', string> {
  const min = dialect === 'sqlite' ? 'min' : 'LEAST';
  const refused = `${old.lockedUntil} > {now}`;
  const locks = `${old.failures} + 1 >= {max}`;
  // nextLockMs (store.ts): the first lock, else twice the last one, at most maxLockMs.
  const next =
    `CASE WHEN ${old.lockMs} = 0 THEN {lockMs} ELSE ${min}({maxLockMs}, ${old.lockMs} * 2) END`;
  return {
    granted: `CASE WHEN ${refused} THEN 0 ELSE 1 END`,
    failures:
      `CASE WHEN ${refused} THEN ${old.failures} WHEN ${locks} THEN 0 ELSE ${old.failures} + 1 END`,
    lockMs:
      `CASE WHEN ${refused} THEN ${old.lockMs} WHEN ${locks} THEN ${next} ELSE ${old.lockMs} END`,
    lockedUntil: `CASE WHEN ${refused} THEN ${old.lockedUntil}
      WHEN ${locks} THEN {now} + ${next} ELSE ${old.lockedUntil} END`,
  };
}

/** Every statement of the store, for one dialect. */
function statements(dialect: SqlDialect) {
  const insert = reservation(dialect, { failures: '0', lockedUntil: '0', lockMs: '0' });
  const update = reservation(dialect, {
    failures: 'u.failures',
    lockedUntil: 'u.locked_until',
    lockMs: 'u.lock_ms',
  });
  const contains = dialect === 'sqlite'
    ? 'instr(recovery, {needle}) > 0'
    : 'strpos(recovery, {needle}) > 0';
  const keep = 'u.pending_binding = {binding} AND u.pending_expires > {now}';
  const clearUser = `secret = NULL, last_step = -1, recovery = ',', pending_binding = NULL,
    pending_secret = NULL, pending_expires = NULL`;
  const templates = {
    // The insert computes the same rule from the empty record (failures, lock and its length 0).
    reserveAttempt: `INSERT INTO otp_users AS u (user_id, granted, failures, lock_ms, locked_until)
      VALUES ({user}, ${insert.granted}, ${insert.failures}, ${insert.lockMs},
      ${insert.lockedUntil})
      ON CONFLICT (user_id) DO UPDATE SET granted = ${update.granted},
      failures = ${update.failures}, lock_ms = ${update.lockMs},
      locked_until = ${update.lockedUntil}
      RETURNING granted, ${RECORD_COLUMNS}`,
    clearAttempts: `UPDATE otp_users SET failures = 0, locked_until = 0, lock_ms = 0
      WHERE user_id = {user} RETURNING user_id`,
    acceptStep:
      `UPDATE otp_users SET last_step = {step}, failures = 0, locked_until = 0, lock_ms = 0
      WHERE user_id = {user} AND secret = {secret} AND last_step < {step} RETURNING user_id`,
    consumeRecoveryCode: `UPDATE otp_users SET recovery = replace(recovery, {needle}, ','),
      failures = 0, locked_until = 0, lock_ms = 0
      WHERE user_id = {user} AND ${contains} RETURNING ${RECORD_COLUMNS}`,
    replaceRecoveryCodes: `UPDATE otp_users SET recovery = {recovery}
      WHERE user_id = {user} AND secret = {secret} RETURNING user_id`,
    // A NULL comparison (no pending enrolment) is not true, so CASE takes the new one.
    beginEnrolment:
      `INSERT INTO otp_users AS u (user_id, pending_binding, pending_secret, pending_expires)
      VALUES ({user}, {binding}, {secret}, {expiresAt})
      ON CONFLICT (user_id) DO UPDATE SET
      pending_binding = CASE WHEN ${keep} THEN u.pending_binding ELSE excluded.pending_binding END,
      pending_secret = CASE WHEN ${keep} THEN u.pending_secret ELSE excluded.pending_secret END,
      pending_expires = CASE WHEN ${keep} THEN u.pending_expires ELSE excluded.pending_expires END
      RETURNING pending_binding, pending_secret, pending_expires`,
    confirmEnrolment: `UPDATE otp_users SET secret = pending_secret, last_step = {step},
      recovery = {recovery}, pending_binding = NULL, pending_secret = NULL, pending_expires = NULL,
      failures = 0, locked_until = 0, lock_ms = 0
      WHERE user_id = {user} AND pending_binding = {binding} AND pending_secret = {secret}
      AND pending_expires > {now} RETURNING user_id`,
    issueCode: `INSERT INTO otp_sent_codes (user_id, purpose, hash, expires_at)
      VALUES ({user}, {purpose}, {hash}, {expiresAt})
      ON CONFLICT (user_id, purpose) DO UPDATE SET hash = excluded.hash,
      expires_at = excluded.expires_at
      RETURNING user_id`,
    consumeCode: `DELETE FROM otp_sent_codes
      WHERE user_id = {user} AND purpose = {purpose} AND hash = {hash} RETURNING expires_at`,
    // PostgreSQL: one statement (a data-modifying WITH runs to completion, read or not).
    disable: dialect === 'postgres'
      ? `WITH sent AS (DELETE FROM otp_sent_codes WHERE user_id = {user} RETURNING purpose)
        UPDATE otp_users SET ${clearUser} WHERE user_id = {user} RETURNING user_id`
      : `UPDATE otp_users SET ${clearUser} WHERE user_id = {user} RETURNING user_id`,
    // SQLite only (the first half of disable).
    deleteSentCodes: `DELETE FROM otp_sent_codes WHERE user_id = {user} RETURNING purpose`,
    read: `SELECT ${RECORD_COLUMNS} FROM otp_users WHERE user_id = {user}`,
  };
  const compiled = {} as Record<keyof typeof templates, Statement>;
  for (const [name, template] of Object.entries(templates)) {
    compiled[name as keyof typeof templates] = compile(dialect, template);
  }
  return compiled;
}

type Row = Record<string, unknown>;
type Value = string | number;

function wrongRow(column: string): never {
  return fail('ERR_STORE_INVALID', `the sql query returned a row with no valid "${column}"`);
}

/**
 * An integer column: a number, a bigint or a decimal string (pg and Bun's SQL return BIGINT as a
 * string), converted only when it is a safe integer of at least `min`.
 */
function intColumn(row: Row, column: string, min: number): number {
  const value = row[column];
  const number = typeof value === 'number'
    ? value
    : typeof value === 'bigint'
    ? Number(value)
    : typeof value === 'string' && /^-?[0-9]{1,16}$/.test(value)
    ? Number(value)
    : NaN;
  // Number() of a bigint or a string beyond 2^53 rounds to an unsafe number, which fails here.
  return Number.isSafeInteger(number) && number >= min ? number : wrongRow(column);
}

function textColumn(row: Row, column: string): string {
  const value = row[column];
  return typeof value === 'string' ? value : wrongRow(column);
}

function textOrNullColumn(row: Row, column: string): string | null {
  return row[column] === null ? null : textColumn(row, column);
}

function pendingOf(row: Row): PendingEnrolment | null {
  const binding = textOrNullColumn(row, 'pending_binding');
  if (binding === null) return null;
  return Object.freeze({
    binding,
    secret: textColumn(row, 'pending_secret'),
    expiresAt: intColumn(row, 'pending_expires', 0),
  });
}

function recordOf(row: Row): TwoFactorRecord {
  return Object.freeze({
    secret: textOrNullColumn(row, 'secret'),
    lastStep: intColumn(row, 'last_step', -1),
    recoveryCodesLeft: intColumn(row, 'recovery_left', 0),
    failures: intColumn(row, 'failures', 0),
    lockedUntil: intColumn(row, 'locked_until', 0),
    lockMs: intColumn(row, 'lock_ms', 0),
    pending: pendingOf(row),
  });
}

/** A hash kept in the ",h1,h2," list: non-empty and without a comma. */
// No comma (the list's separator) and no NUL (SQLite's length() stops at one, miscounting the list).
const listable = (hash: string): boolean =>
  hash.length > 0 && !hash.includes(',') && !hash.includes('\u0000');

/** Recovery code hashes as the stored ",h1,h2," (duplicates once), or `ERR_INVALID_OPTION`. */
function recoveryList(value: unknown): string {
  const hashes = new Set<string>();
  for (const hash of hashesArgument(value)) {
    if (!listable(hash)) invalid('hashes', 'an array of non-empty strings without a comma');
    hashes.add(hash);
  }
  return `,${[...hashes].join(',')}${hashes.size > 0 ? ',' : ''}`;
}

/**
 * A {@link TwoFactorStore} in SQLite (3.35 or later) or PostgreSQL, shared by every process that
 * uses the same database. Create the tables first with {@link sqlSchema}. Each operation is one SQL
 * statement on one row (on SQLite, `disable` is two), sent through `query`: the store holds no
 * connection, imports no driver and opens no transaction. PostgreSQL: keep the default Read
 * Committed isolation (higher levels answer concurrent calls with serialization errors). SQLite
 * with several processes on one file: set `PRAGMA busy_timeout` (and WAL) on each connection, so
 * that a writer waits instead of failing with SQLITE_BUSY.
 *
 * @param options - `dialect` (`'sqlite'` or `'postgres'`) and `query` (see {@link SqlQuery})
 * @returns the store
 * @throws OTPError `ERR_INVALID_OPTION` for a bad option; its operations reject with
 *   `ERR_STORE_INVALID` when `query` resolves to something other than an array of rows of the
 *   expected shape, with `ERR_INVALID_OPTION` for an argument of the wrong type, and with the
 *   driver's own error otherwise
 * @example
 * ```ts
 * // node:sqlite, bun:sqlite or better-sqlite3 (`db`):
 * const query = async (sql, params) => db.prepare(sql).all(...params);
 * const store = sqlStore({ dialect: 'sqlite', query });
 * // PostgreSQL, pg: query: (sql, params) => pool.query(sql, params).then((r) => r.rows)
 * // PostgreSQL, Bun's SQL (pg = new SQL(url)): query: (sql, params) => pg.unsafe(sql, params)
 * ```
 */
export function sqlStore(options: SqlStoreOptions): TwoFactorStore {
  assertOptions(options);
  const { dialect: dialectValue, query: queryValue } = options as unknown as Record<
    string,
    unknown
  >;
  const dialect = dialectOption(dialectValue);
  if (typeof queryValue !== 'function') invalid('query', 'a function (sql, params) => rows');
  const query = queryValue as SqlQuery;
  const sql = statements(dialect);

  /** Runs a statement with its values by name; the rows, checked to be an array of objects. */
  const run = async (
    statement: Statement,
    values: Readonly<Record<string, Value>>,
  ): Promise<Row[]> => {
    const params = statement.names.map((name) => values[name] as Value);
    const rows: unknown = await query(statement.sql, params);
    if (!Array.isArray(rows)) {
      return fail('ERR_STORE_INVALID', 'the sql query returned no array of rows');
    }
    const count = rows.length;
    for (let i = 0; i < count; i++) {
      const row: unknown = rows[i];
      if (typeof row !== 'object' || row === null) {
        return fail('ERR_STORE_INVALID', 'the sql query returned a row that is not an object');
      }
    }
    return rows as Row[];
  };
  /** The first row, if any. */
  const first = async (
    statement: Statement,
    values: Readonly<Record<string, Value>>,
  ): Promise<Row | undefined> => (await run(statement, values))[0];

  // `async` so that a caller never sees a synchronous throw.
  return {
    async reserveAttempt(userId: string, policy: AttemptPolicy): Promise<Reservation> {
      const user = stringArgument('userId', userId);
      const { now, maxFailures: max, lockMs, maxLockMs } = policyArgument(policy);
      const row = await first(sql.reserveAttempt, { user, now, max, lockMs, maxLockMs });
      if (row === undefined) return fail('ERR_STORE_INVALID', 'the sql query returned no row');
      const granted = intColumn(row, 'granted', 0);
      if (granted > 1) wrongRow('granted');
      return { granted: granted === 1, record: recordOf(row) };
    },
    async clearAttempts(userId: string): Promise<void> {
      await run(sql.clearAttempts, { user: stringArgument('userId', userId) });
    },
    async acceptStep(userId: string, secret: string, step: number): Promise<boolean> {
      const values = {
        user: stringArgument('userId', userId),
        secret: stringArgument('secret', secret),
        step: integerArgument('step', step),
      };
      return (await first(sql.acceptStep, values)) !== undefined;
    },
    async consumeRecoveryCode(userId: string, hash: string): Promise<number | null> {
      const user = stringArgument('userId', userId);
      const code = stringArgument('hash', hash);
      // A hash that cannot be in the list is not there (and must not match across a comma).
      if (!listable(code)) return null;
      const row = await first(sql.consumeRecoveryCode, { user, needle: `,${code},` });
      return row === undefined ? null : intColumn(row, 'recovery_left', 0);
    },
    async replaceRecoveryCodes(
      userId: string,
      secret: string,
      hashes: readonly string[],
    ): Promise<boolean> {
      const values = {
        user: stringArgument('userId', userId),
        secret: stringArgument('secret', secret),
        recovery: recoveryList(hashes),
      };
      return (await first(sql.replaceRecoveryCodes, values)) !== undefined;
    },
    async beginEnrolment(
      userId: string,
      pending: PendingEnrolment,
      now: number,
    ): Promise<PendingEnrolment> {
      const user = stringArgument('userId', userId);
      const { binding, secret, expiresAt } = pendingArgument(pending);
      const values = { user, binding, secret, expiresAt, now: integerArgument('now', now) };
      const row = await first(sql.beginEnrolment, values);
      const kept = row === undefined ? null : pendingOf(row);
      return kept ?? fail('ERR_STORE_INVALID', 'the sql query returned no pending enrolment');
    },
    async confirmEnrolment(
      userId: string,
      pending: PendingEnrolment,
      step: number,
      hashes: readonly string[],
      now: number,
    ): Promise<boolean> {
      const user = stringArgument('userId', userId);
      const { binding, secret } = pendingArgument(pending);
      const values = {
        user,
        binding,
        secret,
        step: integerArgument('step', step),
        recovery: recoveryList(hashes),
        now: integerArgument('now', now),
      };
      return (await first(sql.confirmEnrolment, values)) !== undefined;
    },
    async issueCode(userId: string, purpose: string, hash: string, expiresAt: number) {
      await run(sql.issueCode, {
        user: stringArgument('userId', userId),
        purpose: stringArgument('purpose', purpose),
        hash: stringArgument('hash', hash),
        expiresAt: integerArgument('expiresAt', expiresAt),
      });
    },
    async consumeCode(userId: string, purpose: string, hash: string): Promise<number | null> {
      const values = {
        user: stringArgument('userId', userId),
        purpose: stringArgument('purpose', purpose),
        hash: stringArgument('hash', hash),
      };
      const row = await first(sql.consumeCode, values);
      return row === undefined ? null : intColumn(row, 'expires_at', 0);
    },
    async disable(userId: string): Promise<void> {
      const user = stringArgument('userId', userId);
      // SQLite cannot change two tables in one statement (no data-modifying WITH), so disable is
      // two statements there, sent codes first. That keeps the contract because no operation reads
      // both tables: each statement is atomic on its own table, and any other operation falls
      // wholly before or after each of them. An issueCode between the two leaves a code, as if
      // issued after disable; a call between them sees the factor still on (as before disable) with
      // its sent codes already gone (as if consumed). Disable guards no race (it only removes), and
      // it is idempotent: if the second statement never runs, two-factor is still on (failing safe)
      // and calling it again finishes.
      if (dialect === 'sqlite') await run(sql.deleteSentCodes, { user });
      await run(sql.disable, { user });
    },
    async read(userId: string): Promise<TwoFactorRecord> {
      const row = await first(sql.read, { user: stringArgument('userId', userId) });
      return row === undefined ? EMPTY_RECORD : recordOf(row);
    },
  };
}
