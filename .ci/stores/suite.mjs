// The store suite for ONE backend, run in that backend's runtime (run.mjs starts it):
//
//   <node|bun> .ci/stores/suite.mjs '{"kind":"postgres","dist":"file:///…/dist/twofactor.js",…}'
//
// 1. checkStore(store) over the shared database.
// 2. The rules suite (rules.mjs): each rule of createTwoFactor, one named check each, on this store with
//    a controlled clock, and a look at the backend's raw storage for plaintext.
// 3. The race suite: this process enrols fresh users (its own RFC 6238 code, totp.mjs), then 4 worker
//    processes of the same runtime (worker.mjs), each with its own store and createTwoFactor over the
//    same database and the same sealKey and pepper, fire parallel verify calls behind a start barrier.
//    The memory backend cannot be shared between processes: its 4 "processes" are 4 clients, each with
//    its own createTwoFactor, over one memoryStore in this process.
// Prints progress on stderr and, last, one line `STORES-RESULT {json}`; exits 0 only when all held.
import { since, snapshot } from './count.mjs'; // first: wraps crypto.subtle.sign before otpkit loads
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { open, prepare } from './backends.mjs';
import { runCalls, toHex } from './calls.mjs';
import { runRules } from './rules.mjs';
import { base32Decode, hotp, selfTest, stepOf, totp } from './totp.mjs';

const PROCESSES = 4;
const GUESSES = 250; // wrong guesses per process, all at once
const TOTP_CALLS = 25; // submissions of one right TOTP code per process
const RECOVERY_CALLS = 10; // uses of one recovery code per process
const SENT_CALLS = 10; // uses of one sent code per process
const LIMITS = { maxFailures: 5, lockMs: 60_000, maxLockMs: 3_600_000 };
const WINDOW = 1; // createTwoFactor's default: each TOTP check signs 2 * WINDOW + 1 steps
const T0 = 1_767_225_600_000; // the enrolment clock (a step boundary, 2026-01-01)
const T1 = T0 + 60_000; // the race clock, two steps later: the right code is for a step not yet used
const READY_MS = 30_000;
const PHASE_MS = 60_000;
const WORKER = fileURLToPath(new URL('./worker.mjs', import.meta.url));

const config = JSON.parse(process.argv[2] ?? '{}');
const runtime = process.versions.bun
  ? `bun ${process.versions.bun}`
  : `node ${process.versions.node}`;
const result = {
  runtime,
  backendVersion: null,
  checkStore: null,
  rules: null,
  guesses: null,
  totp: null,
  recovery: null,
  sent: null,
  problems: [],
};
const problem = (text) => result.problems.push(text);
const log = (text) => process.stderr.write(`[${config.kind} ${runtime}] ${text}\n`);
const message = (error) => (error instanceof Error ? error.message : String(error));

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer after ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

async function importKeys(keys) {
  const bytes = (hex) => Uint8Array.from(hex.match(/../g), (b) => parseInt(b, 16));
  return {
    sealKey: await crypto.subtle.importKey('raw', bytes(keys.seal), 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]),
    pepper: await crypto.subtle.importKey(
      'raw',
      bytes(keys.pepper),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    ),
  };
}

/** One of the 4 "processes" of the memory backend: its own createTwoFactor, in this process. */
function localClient(twoFactor) {
  let job;
  return {
    arm: async (next) => {
      job = next;
    },
    go: () => runCalls(twoFactor, job.userId, job.tokens),
    close: async () => {},
  };
}

/** A worker process of this runtime, speaking worker.mjs's line protocol. */
async function workerClient(init) {
  const args = process.versions.bun ? ['--no-install', WORKER] : [...process.execArgv, WORKER];
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
  const waiting = [];
  let exited = null;
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
    let parsed;
    try {
      parsed = JSON.parse(line);
    } catch {
      log(`worker ${child.pid} printed: ${line}`);
      return;
    }
    waiting.shift()?.resolve(parsed);
  });
  const gone = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = `exited with ${code ?? signal}`;
      for (const w of waiting.splice(0)) {
        w.reject(new Error(`worker ${child.pid} ${exited} before answering`));
      }
      resolve();
    });
    child.on('error', (error) => {
      exited = `could not start: ${error.message}`;
      for (const w of waiting.splice(0)) w.reject(new Error(`worker ${exited}`));
      resolve();
    });
  });
  const request = (msg) =>
    new Promise((resolve, reject) => {
      if (exited !== null) return reject(new Error(`worker ${child.pid} ${exited}`));
      waiting.push({ resolve, reject });
      child.stdin.write(`${JSON.stringify(msg)}\n`);
    });
  const client = {
    pid: child.pid,
    arm: (job) => request({ type: 'arm', ...job }),
    go: () => request({ type: 'go' }),
    close: async () => {
      if (exited === null) child.stdin.write(`${JSON.stringify({ type: 'exit' })}\n`);
      const timer = setTimeout(() => exited === null && child.kill('SIGKILL'), 5_000);
      await gone;
      clearTimeout(timer);
    },
  };
  client.ready = request(init);
  return client;
}

/** Arms every client, then opens the barrier: all their calls start at once. Sums the answers. */
async function race(clients, name, userId, tokensFor) {
  await withTimeout(
    Promise.all(clients.map((c, i) => c.arm({ phase: name, userId, tokens: tokensFor(i) }))),
    PHASE_MS,
    `${name}: arming the workers`,
  );
  const before = snapshot();
  const results = await withTimeout(
    Promise.all(clients.map((c) => c.go())),
    PHASE_MS,
    `${name}: the parallel calls`,
  );
  const local = since(before); // the memory backend's clients sign in this process
  const sum = {
    calls: 0,
    ok: 0,
    methods: {},
    reasons: {},
    errors: 0,
    error: null,
    sha1: local.sha1,
    sha256: local.sha256,
    ms: 0,
  };
  for (const r of results) {
    sum.calls += r.calls;
    sum.ok += r.ok;
    sum.errors += r.errors;
    sum.error ??= r.error;
    sum.sha1 += r.signs?.sha1 ?? 0;
    sum.sha256 += r.signs?.sha256 ?? 0;
    sum.ms = Math.max(sum.ms, r.ms);
    for (const [k, v] of Object.entries(r.methods)) sum.methods[k] = (sum.methods[k] ?? 0) + v;
    for (const [k, v] of Object.entries(r.reasons)) sum.reasons[k] = (sum.reasons[k] ?? 0) + v;
  }
  log(
    `${name}: ${sum.calls} calls in ${sum.ms} ms: ${sum.ok} ok ${JSON.stringify(sum.methods)}, ` +
      `refused ${
        JSON.stringify(sum.reasons)
      }, ${sum.errors} threw; signed ${sum.sha1} HMAC-SHA-1, ` +
      `${sum.sha256} HMAC-SHA-256`,
  );
  if (sum.errors > 0) problem(`${name}: ${sum.errors} calls threw, the first: ${sum.error}`);
  return sum;
}

/** Exactly one success, by `method`, among all the parallel uses of one code. */
function exactlyOne(name, sum, method) {
  if (sum.ok !== 1 || sum.methods[method] !== 1) {
    problem(
      `${name}: ${sum.ok} of ${sum.calls} parallel uses of one code succeeded ` +
        `(${JSON.stringify(sum.methods)}); exactly 1 (${method}) must`,
    );
  }
  return { ok: sum.ok, of: sum.calls };
}

/** Random 6-digit codes, distinct, none of them in `right`. */
function wrongCodes(count, right) {
  const codes = new Set();
  while (codes.size < count) {
    for (const word of crypto.getRandomValues(new Uint32Array(count))) {
      const code = String(word % 1_000_000).padStart(6, '0');
      if (!right.has(code) && codes.size < count) codes.add(code);
    }
  }
  return [...codes];
}

async function suite(tf, shared) {
  const keys = {
    seal: toHex(crypto.getRandomValues(new Uint8Array(32))),
    pepper: toHex(crypto.getRandomValues(new Uint8Array(32))),
  };
  const { sealKey, pepper } = await importKeys(keys);
  const { store, raw, close } = await open(config.kind, shared, tf);
  const clients = [];
  try {
    // 1. The contract, in this runtime, over the shared database. The count of properties it checks
    //    is taken from the same build's checkStore over a memoryStore.
    const expected = (await tf.checkStore(tf.memoryStore())).length;
    try {
      const checked = await tf.checkStore(store, { userPrefix: `${config.runId}-check-` });
      result.checkStore = { passed: checked.length, of: expected };
      if (checked.length !== expected) {
        problem(`checkStore checked ${checked.length} properties, the build has ${expected}`);
      }
    } catch (error) {
      result.checkStore = { passed: null, of: expected, error: message(error) };
      problem(`checkStore: ${message(error)}`);
    }

    // 2. The rules, one named check each; a failing one is a problem that names it.
    {
      const { isOTPError } = await import(new URL('./index.js', config.dist).href);
      const rules = await runRules({
        tf,
        isOTPError,
        store,
        raw,
        userPrefix: `${config.runId}-rules-`,
        log,
      });
      result.rules = {
        passed: rules.passed,
        of: rules.of,
        failed: rules.failed.map((f) => f.name),
      };
      for (const { name, message } of rules.failed) problem(`rules: ${name}: ${message}`);
    }

    // 3. The race suite.
    const common = { store, sealKey, pepper, issuer: 'otpkit stores', limits: LIMITS };
    const enrolling = tf.createTwoFactor({ ...common, now: () => T0 });
    const racing = tf.createTwoFactor({ ...common, now: () => T1 });
    const enrol = async (userId) => {
      const binding = `session-of-${userId}`;
      const { secret } = await enrolling.beginEnrolment({
        userId,
        account: `${userId}@example.com`,
        binding,
      });
      const answer = await enrolling.confirmEnrolment({ userId, binding, token: totp(secret, T0) });
      if (!answer.ok) throw new Error(`enrolling ${userId} failed: ${JSON.stringify(answer)}`);
      return { secret, recoveryCodes: answer.recoveryCodes };
    };

    if (config.kind === 'memory') {
      for (let i = 0; i < PROCESSES; i++) {
        clients.push(
          localClient(
            tf.createTwoFactor({ ...common, ...(await importKeys(keys)), now: () => T1 }),
          ),
        );
      }
    } else {
      const init = { config: shared, keys, now: T1, limits: LIMITS, dist: config.dist };
      for (let i = 0; i < PROCESSES; i++) clients.push(await workerClient(init));
      await withTimeout(
        Promise.all(clients.map((c) => c.ready)),
        READY_MS,
        'starting the worker processes',
      );
      log(`${PROCESSES} worker processes ready: pids ${clients.map((c) => c.pid).join(', ')}`);
    }
    const user = (name) => `${config.runId}-${name}`;

    // 3a. Wrong guesses for one user: at most maxFailures codes are computed, nobody signs in, and a
    //     right code sent during the lock is refused ('locked') without being computed.
    {
      const userId = user('guesses');
      const { secret } = await enrol(userId);
      const key = base32Decode(secret);
      const s1 = stepOf(T1);
      const right = new Set([-1, 0, 1].map((d) => hotp(key, s1 + d)));
      const tokens = wrongCodes(PROCESSES * GUESSES, right);
      const sum = await race(
        clients,
        'guesses',
        userId,
        (i) => tokens.slice(i * GUESSES, (i + 1) * GUESSES),
      );
      // Each check of a guess computes the 2 * WINDOW + 1 codes of the window.
      const perCheck = 2 * WINDOW + 1;
      const checked = Math.ceil(sum.sha1 / perCheck);
      if (sum.ok > 0) problem(`guesses: ${sum.ok} wrong guesses signed in`);
      if (sum.sha1 > LIMITS.maxFailures * perCheck) {
        problem(
          `guesses: ${sum.sha1} TOTP codes (HMAC-SHA-1) were computed, more than maxFailures ` +
            `(${LIMITS.maxFailures}) checks of ${perCheck} codes`,
        );
      }
      if (sum.sha1 === 0) {
        problem('guesses: no TOTP check was computed at all: the count (count.mjs) is not working');
      }
      const before = snapshot();
      const during = await racing.verify({ userId, token: totp(secret, T1) });
      const computed = since(before).sha1;
      if (during.ok || during.reason !== 'locked') {
        problem(
          `guesses: a right code during the lock gave ${
            JSON.stringify(during)
          }, not reason 'locked'`,
        );
      }
      if (computed !== 0) {
        problem(`guesses: the right code during the lock was computed (${computed} HMAC-SHA-1)`);
      }
      result.guesses = { checked, of: sum.calls, ok: sum.ok, lockedRefusal: during.reason ?? null };
    }

    // 3b. One right TOTP code, submitted by every process at once: exactly one success.
    {
      const userId = user('totp');
      const { secret } = await enrol(userId);
      const token = totp(secret, T1);
      const sum = await race(clients, 'totp', userId, () => Array(TOTP_CALLS).fill(token));
      result.totp = exactlyOne('totp', sum, 'totp');
    }

    // 3c. One recovery code used by every process at once: exactly one success, one code fewer.
    {
      const userId = user('recovery');
      const { recoveryCodes } = await enrol(userId);
      const sum = await race(
        clients,
        'recovery',
        userId,
        () => Array(RECOVERY_CALLS).fill(recoveryCodes[0]),
      );
      result.recovery = exactlyOne('recovery', sum, 'recovery');
      const status = await racing.status({ userId });
      if (status.recoveryCodesLeft !== recoveryCodes.length - 1) {
        problem(
          `recovery: ${status.recoveryCodesLeft} codes left after one was used, not ${
            recoveryCodes.length - 1
          }`,
        );
      }
    }

    // 3d. One sent code (issueCode here) used by every process at once: exactly one success.
    {
      const userId = user('sent');
      await enrol(userId);
      const { code } = await racing.issueCode({ userId });
      const sum = await race(clients, 'sent', userId, () => Array(SENT_CALLS).fill(code));
      result.sent = exactlyOne('sent', sum, 'code');
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
    await close();
  }
}

try {
  selfTest();
  const tf = await import(config.dist);
  const prepared = await prepare(config.kind, config, tf);
  result.backendVersion = prepared.version;
  try {
    await suite(tf, prepared.config);
  } finally {
    await prepared.teardown();
  }
} catch (error) {
  log(error instanceof Error ? error.stack : String(error));
  problem(message(error));
}
process.stdout.write(`STORES-RESULT ${JSON.stringify(result)}\n`);
process.exit(result.problems.length === 0 ? 0 : 1);
