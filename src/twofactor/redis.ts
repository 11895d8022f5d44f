// redisStore: the TwoFactorStore on Redis (or a server with its EVAL: Valkey, Upstash), through the
// application's own client. Every operation is ONE Lua script run with EVAL, which Redis runs
// atomically: no other command touches the keys while it runs. The scripts are constants (every
// value goes in ARGV, every key in KEYS), and a user's keys share one hash tag, so Redis Cluster
// keeps them in one slot.
//
// Keys of one user, with <id> the user id (non-empty; '%', '{' and '}' percent-encoded, so the hash
// tag is exactly the encoded id and no two ids share a key):
//   <prefix>{<id>}       hash: secret, last_step, failures, locked_until, lock_ms, pending_binding,
//                        pending_secret, pending_expires (a field absent: the empty record's value)
//   <prefix>{<id>}:rc    set: the recovery code hashes
//   <prefix>{<id>}:sent  hash: purpose -> "<expiresAt>:<hash>"
//
// Replies: integers for numbers (Unix ms fit a Lua double exactly; Redis returns them as integer
// replies), and a nullable value as an array: [] for null, [value] otherwise (Redis turns a Lua nil
// or false into a null reply that some clients could not tell from an empty string). Every reply is
// checked for its exact shape; anything else is OTPError ERR_STORE_INVALID.
import { assertOptions, fail, invalid } from '../internal/assert.ts';
import {
  hashesArgument,
  integerArgument,
  pendingArgument,
  policyArgument,
  stringArgument,
} from './arguments.ts';
import type {
  AttemptPolicy,
  PendingEnrolment,
  Reservation,
  TwoFactorRecord,
  TwoFactorStore,
} from './store.ts';

/**
 * Runs one Lua `script` with EVAL: `keys` as KEYS, `args` as ARGV, resolving to the reply as the
 * client decodes it (integers as numbers, bulk strings as strings, arrays as arrays). Wrap your
 * client's own call; the wrapper may use EVALSHA (the scripts are constants).
 *
 * @example
 * ```ts
 * // ioredis
 * const evalScript: RedisEval = (s, k, a) => redis.eval(s, k.length, ...k, ...a);
 * // node-redis v4 and later
 * const evalScript: RedisEval = (s, k, a) => client.eval(s, { keys: k, arguments: a });
 * // Bun (Bun.redis, or new RedisClient(url) from 'bun')
 * const evalScript: RedisEval = (s, k, a) => client.send('EVAL', [s, String(k.length), ...k, ...a]);
 * // Upstash (@upstash/redis), created with automaticDeserialization: false
 * const evalScript: RedisEval = (s, k, a) => redis.eval(s, k, a);
 * ```
 */
export type RedisEval = (script: string, keys: string[], args: string[]) => Promise<unknown>;

/** Options for {@link redisStore}. */
export interface RedisStoreOptions {
  /** Runs a script with EVAL on the application's Redis client: see {@link RedisEval}. */
  eval: RedisEval;
  /**
   * The prefix of every key, default `'otp:'`: printable ASCII without `{` or `}` (the braces mark
   * the hash tag that follows).
   */
  prefix?: string | undefined;
}

// The record of KEYS[1] (the user's hash) and KEYS[2] (the recovery set), as a 7-element array:
// {secret}, last_step, recovery codes left, failures, locked_until, lock_ms,
// {{binding, secret, expiresAt}} (an optional value as {} or {value}).
const RECORD = `local function record()
  local h = redis.call('HMGET', KEYS[1], 'secret', 'last_step', 'failures', 'locked_until',
    'lock_ms', 'pending_binding', 'pending_secret', 'pending_expires')
  local secret, pending = {}, {}
  if h[1] then secret = {h[1]} end
  if h[6] then pending = {{h[6], h[7], tonumber(h[8])}} end
  return {secret, tonumber(h[2] or '-1'), redis.call('SCARD', KEYS[2]), tonumber(h[3] or '0'),
    tonumber(h[4] or '0'), tonumber(h[5] or '0'), pending}
end
`;

const CLEAR = `redis.call('HDEL', KEYS[1], 'failures', 'locked_until', 'lock_ms')\n`;

/** KEYS: user, rc. Reply: the record. */
const READ = `${RECORD}return record()`;

/** KEYS: user, rc. ARGV: now, maxFailures, lockMs, maxLockMs. Reply: {granted 1|0, record}. */
const RESERVE =
  `${RECORD}local h = redis.call('HMGET', KEYS[1], 'failures', 'locked_until', 'lock_ms')
local now = tonumber(ARGV[1])
if tonumber(h[2] or '0') > now then return {0, record()} end
local failures = tonumber(h[1] or '0') + 1
if failures >= tonumber(ARGV[2]) then
  local last = tonumber(h[3] or '0')
  local lock = tonumber(ARGV[3])
  if last ~= 0 then lock = math.min(tonumber(ARGV[4]), last * 2) end
  redis.call('HSET', KEYS[1], 'failures', '0', 'locked_until', string.format('%.0f', now + lock),
    'lock_ms', string.format('%.0f', lock))
else
  redis.call('HSET', KEYS[1], 'failures', string.format('%.0f', failures))
end
return {1, record()}`;

/** KEYS: user. Reply: 1. */
const CLEAR_ATTEMPTS = `${CLEAR}return 1`;

/** KEYS: user. ARGV: secret, step. Reply: 1 | 0. */
const ACCEPT_STEP = `local h = redis.call('HMGET', KEYS[1], 'secret', 'last_step')
if h[1] ~= ARGV[1] or tonumber(h[2] or '-1') >= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'last_step', ARGV[2])
${CLEAR}return 1`;

/** KEYS: user, rc. ARGV: hash. Reply: {} | {codes left}. */
const CONSUME_RECOVERY = `if redis.call('SREM', KEYS[2], ARGV[1]) == 0 then return {} end
${CLEAR}return {redis.call('SCARD', KEYS[2])}`;

/** KEYS: user, rc. ARGV: secret, hashes... Reply: 1 | 0. */
const REPLACE_RECOVERY = `if redis.call('HGET', KEYS[1], 'secret') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[2])
for i = 2, #ARGV do redis.call('SADD', KEYS[2], ARGV[i]) end
return 1`;

/** KEYS: user. ARGV: binding, secret, expiresAt, now. Reply: {binding, secret, expiresAt} kept. */
const BEGIN_ENROLMENT =
  `local h = redis.call('HMGET', KEYS[1], 'pending_binding', 'pending_secret', 'pending_expires')
if h[1] == ARGV[1] and tonumber(h[3] or '0') > tonumber(ARGV[4]) then
  return {h[1], h[2], tonumber(h[3])}
end
redis.call('HSET', KEYS[1], 'pending_binding', ARGV[1], 'pending_secret', ARGV[2],
  'pending_expires', ARGV[3])
return {ARGV[1], ARGV[2], tonumber(ARGV[3])}`;

/** KEYS: user, rc. ARGV: binding, secret, now, step, hashes... Reply: 1 | 0. */
const CONFIRM_ENROLMENT =
  `local h = redis.call('HMGET', KEYS[1], 'pending_binding', 'pending_secret', 'pending_expires')
if h[1] ~= ARGV[1] or h[2] ~= ARGV[2] or tonumber(h[3] or '0') <= tonumber(ARGV[3]) then return 0 end
redis.call('HDEL', KEYS[1], 'pending_binding', 'pending_secret', 'pending_expires')
redis.call('HSET', KEYS[1], 'secret', ARGV[2], 'last_step', ARGV[4])
${CLEAR}redis.call('DEL', KEYS[2])
for i = 5, #ARGV do redis.call('SADD', KEYS[2], ARGV[i]) end
return 1`;

/** KEYS: sent. ARGV: purpose, hash, expiresAt. Reply: 1. */
const ISSUE_CODE = `redis.call('HSET', KEYS[1], ARGV[1], ARGV[3] .. ':' .. ARGV[2])
return 1`;

/** KEYS: sent. ARGV: purpose, hash. Reply: {} | {expiresAt}. */
const CONSUME_CODE = `local v = redis.call('HGET', KEYS[1], ARGV[1])
if not v then return {} end
local i = string.find(v, ':', 1, true)
if not i or string.sub(v, i + 1) ~= ARGV[2] then return {} end
redis.call('HDEL', KEYS[1], ARGV[1])
return {tonumber(string.sub(v, 1, i - 1))}`;

/** KEYS: user, rc, sent. Reply: 1. */
const DISABLE =
  `redis.call('HDEL', KEYS[1], 'secret', 'last_step', 'pending_binding', 'pending_secret',
  'pending_expires')
redis.call('DEL', KEYS[2], KEYS[3])
return 1`;

function wrong(method: string): never {
  return fail('ERR_STORE_INVALID', `redisStore: the ${method} script returned an unexpected reply`);
}

const isInt = (value: unknown): value is number =>
  typeof value === 'number' && Number.isSafeInteger(value);

function intOf(method: string, value: unknown, min: number): number {
  return isInt(value) && value >= min ? value : wrong(method);
}

function stringOf(method: string, value: unknown): string {
  return typeof value === 'string' ? value : wrong(method);
}

/** A reply array of exactly `length` elements. */
function arrayOf(method: string, value: unknown, length: number): unknown[] {
  return Array.isArray(value) && value.length === length ? value : wrong(method);
}

/** `[]` is null, `[value]` is `value`. */
function optional<T>(method: string, value: unknown, parse: (v: unknown) => T): T | null {
  if (!Array.isArray(value) || value.length > 1) return wrong(method);
  return value.length === 0 ? null : parse(value[0]);
}

function flagOf(method: string, value: unknown): boolean {
  return value === 1 ? true : value === 0 ? false : wrong(method);
}

function pendingOf(method: string, value: unknown): PendingEnrolment {
  const [binding, secret, expiresAt] = arrayOf(method, value, 3);
  return Object.freeze({
    binding: stringOf(method, binding),
    secret: stringOf(method, secret),
    expiresAt: intOf(method, expiresAt, 0),
  });
}

function recordOf(method: string, value: unknown): TwoFactorRecord {
  const r = arrayOf(method, value, 7);
  return Object.freeze({
    secret: optional(method, r[0], (v) => stringOf(method, v)),
    lastStep: intOf(method, r[1], -1),
    recoveryCodesLeft: intOf(method, r[2], 0),
    failures: intOf(method, r[3], 0),
    lockedUntil: intOf(method, r[4], 0),
    lockMs: intOf(method, r[5], 0),
    pending: optional(method, r[6], (v) => pendingOf(method, v)),
  });
}

/** A number argument: a safe integer, as decimal digits (what `tonumber` reads back exactly). */
function intArg(name: string, value: unknown): string {
  return String(integerArgument(name, value));
}

/**
 * The user id in a key, inside the hash tag: `'%'`, `'{'` and `'}'` percent-encoded. Not empty:
 * Redis Cluster hashes a key with an empty tag (`{}`) whole, which would put one user's keys in
 * different slots.
 */
function tagOf(userId: unknown): string {
  if (userId === '') invalid('userId', 'a non-empty string');
  return stringArgument('userId', userId).replace(
    /[%{}]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * A {@link TwoFactorStore} on Redis (or a server with its Lua scripting: Valkey, Upstash), through
 * the application's own client: pass `eval`, a function that runs a script with EVAL. Every
 * operation is one Lua script, which Redis runs atomically, so the attempt limit, the replay check
 * and the one-time codes hold across any number of processes. One user's keys (`otp:{<userId>}`,
 * `otp:{<userId>}:rc`, `otp:{<userId>}:sent`) share a hash tag, so it works on Redis Cluster; the
 * keys have no expiry (the attempts and the last step must outlive any session).
 *
 * @param options - `eval`, and optionally `prefix` (default `'otp:'`)
 * @returns the store
 * @throws OTPError `ERR_INVALID_OPTION` for bad options; the store's methods reject with
 *   `ERR_STORE_INVALID` when a reply is not of the expected shape, with `ERR_INVALID_OPTION` for an
 *   argument of the wrong type (or an empty user id), and with the client's own error when the call
 *   fails
 * @example
 * ```ts
 * // Bun's built-in client
 * import { RedisClient } from 'bun';
 * const client = new RedisClient(redisUrl);
 * const store = redisStore({
 *   eval: (s, k, a) => client.send('EVAL', [s, String(k.length), ...k, ...a]),
 * });
 * ```
 * @example
 * ```ts
 * // ioredis
 * import Redis from 'ioredis';
 * const redis = new Redis(redisUrl);
 * const store = redisStore({ eval: (s, k, a) => redis.eval(s, k.length, ...k, ...a) });
 * ```
 * @example
 * ```ts
 * // node-redis v4 and later
 * import { createClient } from 'redis';
 * const client = await createClient({ url: redisUrl }).connect();
 * const store = redisStore({ eval: (s, k, a) => client.eval(s, { keys: k, arguments: a }) });
 * ```
 * @example
 * ```ts
 * // Upstash: turn off its JSON decoding of replies (it would turn a string such as "123" into 123)
 * import { Redis } from '@upstash/redis';
 * const redis = Redis.fromEnv({ automaticDeserialization: false });
 * const store = redisStore({ eval: (s, k, a) => redis.eval(s, k, a) });
 * ```
 */
export function redisStore(options: RedisStoreOptions): TwoFactorStore {
  assertOptions(options);
  const { eval: evalValue, prefix: prefixValue } = options as Record<string, unknown>;
  if (typeof evalValue !== 'function') {
    invalid('eval', 'a function (script, keys, args) => Promise');
  }
  const prefix = prefixValue === undefined ? 'otp:' : prefixValue;
  if (typeof prefix !== 'string' || !/^[\x20-\x7a\x7c\x7e]*$/.test(prefix)) {
    invalid('prefix', 'a string of printable ASCII without "{" or "}"');
  }
  const call = evalValue as RedisEval;
  const user = (userId: unknown): string => `${prefix}{${tagOf(userId)}}`;

  // `async` so that a bad argument rejects (as every store failure does) rather than throwing.
  return {
    async reserveAttempt(userId: string, policy: AttemptPolicy): Promise<Reservation> {
      const key = user(userId);
      const p = policyArgument(policy);
      const args = [p.now, p.maxFailures, p.lockMs, p.maxLockMs].map(String);
      const reply = arrayOf('reserveAttempt', await call(RESERVE, [key, `${key}:rc`], args), 2);
      return Object.freeze({
        granted: flagOf('reserveAttempt', reply[0]),
        record: recordOf('reserveAttempt', reply[1]),
      });
    },
    async clearAttempts(userId: string): Promise<void> {
      flagOf('clearAttempts', await call(CLEAR_ATTEMPTS, [user(userId)], []));
    },
    async acceptStep(userId: string, secret: string, step: number): Promise<boolean> {
      const args = [stringArgument('secret', secret), intArg('step', step)];
      return flagOf('acceptStep', await call(ACCEPT_STEP, [user(userId)], args));
    },
    async consumeRecoveryCode(userId: string, hash: string): Promise<number | null> {
      const key = user(userId);
      const reply = await call(CONSUME_RECOVERY, [key, `${key}:rc`], [
        stringArgument('hash', hash),
      ]);
      return optional('consumeRecoveryCode', reply, (v) => intOf('consumeRecoveryCode', v, 0));
    },
    async replaceRecoveryCodes(
      userId: string,
      secret: string,
      hashes: readonly string[],
    ): Promise<boolean> {
      const key = user(userId);
      const args = [stringArgument('secret', secret), ...hashesArgument(hashes)];
      return flagOf('replaceRecoveryCodes', await call(REPLACE_RECOVERY, [key, `${key}:rc`], args));
    },
    async beginEnrolment(
      userId: string,
      pending: PendingEnrolment,
      now: number,
    ): Promise<PendingEnrolment> {
      const p = pendingArgument(pending);
      const args = [p.binding, p.secret, String(p.expiresAt), intArg('now', now)];
      return pendingOf('beginEnrolment', await call(BEGIN_ENROLMENT, [user(userId)], args));
    },
    async confirmEnrolment(
      userId: string,
      pending: PendingEnrolment,
      step: number,
      hashes: readonly string[],
      now: number,
    ): Promise<boolean> {
      const key = user(userId);
      const p = pendingArgument(pending);
      const args = [
        p.binding,
        p.secret,
        intArg('now', now),
        intArg('step', step),
        ...hashesArgument(hashes),
      ];
      return flagOf('confirmEnrolment', await call(CONFIRM_ENROLMENT, [key, `${key}:rc`], args));
    },
    async issueCode(userId: string, purpose: string, hash: string, expiresAt: number) {
      const args = [
        stringArgument('purpose', purpose),
        stringArgument('hash', hash),
        intArg('expiresAt', expiresAt),
      ];
      flagOf('issueCode', await call(ISSUE_CODE, [`${user(userId)}:sent`], args));
    },
    async consumeCode(userId: string, purpose: string, hash: string): Promise<number | null> {
      const args = [stringArgument('purpose', purpose), stringArgument('hash', hash)];
      const reply = await call(CONSUME_CODE, [`${user(userId)}:sent`], args);
      return optional('consumeCode', reply, (v) => intOf('consumeCode', v, 0));
    },
    async disable(userId: string): Promise<void> {
      const key = user(userId);
      flagOf('disable', await call(DISABLE, [key, `${key}:rc`, `${key}:sent`], []));
    },
    async read(userId: string): Promise<TwoFactorRecord> {
      const key = user(userId);
      return recordOf('read', await call(READ, [key, `${key}:rc`], []));
    },
  };
}
