// `npm run test:e2e`: the reference server (docs/examples/server) end to end, as separate processes
// over real databases, driven over HTTP and in headless Chromium. Runs on the host Node (20 or later)
// as the driver; the servers run under the tool cache's runtimes (.ci/runtimes/tools.mjs):
//
//   sqlite     Node 24, node:sqlite, two processes on two ports over one fresh file in the run's
//              temp folder
//   postgres   Bun (its built-in SQL client), two processes on two ports over one fresh database
//              (otpkit_e2e_<run id>) in the private PostgreSQL of .ci/stores/services.mjs, started
//              here when installed but not running (and stopped again), dropped after the run
//   redis      Bun (its built-in RedisClient), two processes with REDIS_URL's setup: the second-factor
//              state in the private redis-server of .ci/stores/services.mjs (started and stopped
//              like PostgreSQL), users and sessions in one fresh bun:sqlite file; the keys of the
//              run's users are deleted after it (their ids are random: no other key is touched)
//   main.mjs   as a user starts it: environment, --dev-mailbox, a port in use, Node 20's fallback,
//              SMTP_URL on a fake SMTP server (smtp.mjs)
//   chromium   Debian's chromium over the DevTools protocol: the flows, screenshots, the QR scan
//
// SQLite and PostgreSQL run the same suite (suite.mjs), every point of issue 15; Redis runs its
// checks on second-factor state; then the output of every process is searched for every secret the
// test saw. Nothing skips: a runtime, server or tool that is missing fails the checks that need it,
// saying what to install. One line per check (and how long each part took), then
// `e2e: N passed, M failed`; exit code 1 on any failure. The temp folder (screenshots) is printed and
// kept; everything else in it is removed.
//
//   node test/e2e/run.mjs   (after npm run build; npm run test:e2e does both)
//   E2E_VERBOSE=1           stack traces of failures
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureChromium } from '../../.ci/runtimes/browsers.mjs';
import { ensureTool, ROOT } from '../../.ci/runtimes/tools.mjs';
import { selfTest } from '../../.ci/stores/totp.mjs';
import {
  findPostgres,
  findRedis,
  INSTALL_HINT,
  startPostgres,
  startRedis,
  stopPostgres,
  stopRedis,
} from '../../.ci/stores/services.mjs';
import { runBrowser } from './browser.mjs';
import { sharedClock } from './flows.mjs';
import { runMainChecks } from './main-process.mjs';
import { assert, check, finish, needs } from './report.mjs';
import { findSecrets, remember, secretsSeen } from './secrets.mjs';
import { allOutput, killAll, startInstance } from './servers.mjs';
import { everyPostRedirected, redisKeysOf, runSecondFactorChecks, runSuite } from './suite.mjs';
import { posts } from './visitor.mjs';

const exec = promisify(execFile);
const started = Date.now();
const CI = process.env.CI === 'true';
const log = (line) => console.log(`[e2e] ${line}`);
const errorText = (error) => (error instanceof Error ? error.message : String(error));

const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const folder = mkdtempSync(join(tmpdir(), 'otpkit-e2e-'));
const instances = [];
let pgStartedHere = false;
let redisStartedHere = false;
let database = null; // { admin (Bun), name, serverUrl }: dropped at the end
let redisKeysOwner = null; // the Redis scope's instance a, until the run's keys are deleted

/**
 * Deletes the Redis keys of every user of the Redis scope (all in its own SQLite file, made by this
 * run) through its instance, then checks none is left: { users, deleted }.
 */
async function deleteRunKeys() {
  const instance = redisKeysOwner;
  redisKeysOwner = null;
  const ids = (await instance.query('SELECT id FROM app_users')).map((row) => row.id);
  const keys = ids.flatMap(redisKeysOf);
  let deleted = 0;
  for (let i = 0; i < keys.length; i += 100) {
    deleted += Number(await instance.redis('DEL', ...keys.slice(i, i + 100)));
  }
  const left = keys.length === 0 ? 0 : Number(await instance.redis('EXISTS', ...keys));
  assert(left === 0, `${left} of the run's keys are still in Redis`);
  return { users: ids.length, deleted };
}

async function cleanUp() {
  if (redisKeysOwner) {
    await deleteRunKeys().catch((error) =>
      log(`could not delete the run's Redis keys: ${errorText(error)}`)
    );
  }
  await Promise.all(instances.splice(0).map((i) => i.stop().catch(() => {})));
  killAll(); // whatever did not stop, and main.mjs runs a failed check left behind
  if (database) {
    const { admin, name, serverUrl } = database;
    database = null;
    try {
      await exec(admin.bin, [
        '--no-install',
        join(ROOT, 'test/e2e/database-admin.mjs'),
        'drop',
        serverUrl,
        name,
      ]);
    } catch (error) {
      log(`could not drop database ${name}: ${errorText(error)}`);
    }
  }
  if (pgStartedHere) {
    pgStartedHere = false;
    await stopPostgres(log).catch((error) => log(`could not stop PostgreSQL: ${errorText(error)}`));
  }
  if (redisStartedHere) {
    redisStartedHere = false;
    await stopRedis(log).catch((error) => log(`could not stop redis-server: ${errorText(error)}`));
  }
  for (const name of readdirSync(folder)) {
    if (name !== 'screenshots') rmSync(join(folder, name), { recursive: true, force: true });
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    await cleanUp();
    process.exit(130);
  });
}

let lapStarted = started;
/** Logs how long the part of the run since the last lap took: the figures of .ci/run's budget. */
function lap(name) {
  const now = Date.now();
  log(`${name}: ${((now - lapStarted) / 1000).toFixed(1)} s`);
  lapStarted = now;
}

/** Which program is on PATH (or null). */
function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(':').filter(Boolean)) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

async function main() {
  log(`temp folder ${folder} (screenshots in ${join(folder, 'screenshots')}, kept)`);
  selfTest(); // the harness's own TOTP, against RFC 6238's vectors, before any code it computes counts

  // ---- what the run needs, fetched or started all at once ---------------------------------------
  const scope = 'setup';
  const [node24, bun, postgres, redis, chromium] = await Promise.all([
    check(scope, 'Node 24 from the tool cache', async () => {
      const tool = await ensureTool('node24', log);
      return { detail: tool.version, bin: tool.bin, kind: 'node', version: tool.version };
    }),
    check(scope, 'Bun from the tool cache', async () => {
      const tool = await ensureTool('bun', log);
      return { detail: `bun ${tool.version}`, bin: tool.bin, kind: 'bun', version: tool.version };
    }),
    check(scope, 'the private PostgreSQL (.ci/stores/services.mjs)', async () => {
      if (!findPostgres()) {
        throw new Error(
          `PostgreSQL is not installed: ${INSTALL_HINT} postgresql` +
            (CI ? ' (under CI, .ci/run installs it: APT_PACKAGES)' : ''),
        );
      }
      const pg = await startPostgres(log);
      pgStartedHere = pg.startedHere;
      return {
        detail: `PostgreSQL ${pg.major} (${pg.startedHere ? 'started here' : 'already running'})`,
        ...pg,
      };
    }),
    check(scope, 'the private Redis (.ci/stores/services.mjs)', async () => {
      const installed = findRedis();
      if (!installed) {
        throw new Error(
          `redis-server is not installed: ${INSTALL_HINT} redis-server` +
            (CI ? ' (under CI, .ci/run installs it: APT_PACKAGES)' : ''),
        );
      }
      const server = await startRedis(log);
      redisStartedHere = server.startedHere;
      const { stdout } = await exec(installed.bin, ['--version']);
      return {
        detail: `redis-server ${stdout.match(/v=(\S+)/)?.[1] ?? '?'} on ${server.url} (${
          server.startedHere ? 'started here' : 'already running'
        })`,
        ...server,
      };
    }),
    check(scope, 'chromium', async () => {
      const bin = await ensureChromium(log);
      if (!bin) {
        throw new Error(`chromium not found: ${INSTALL_HINT} chromium (or set CHROMIUM=/path)`);
      }
      return { detail: bin, bin };
    }),
  ]);
  const zbarimg = await check(scope, 'zbarimg (zbar-tools)', async () => {
    const bin = onPath('zbarimg');
    if (!bin) throw new Error(`zbarimg not found: ${INSTALL_HINT} zbar-tools`);
    return { detail: bin, bin };
  });
  await check(scope, 'the built package and the app', async () => {
    for (const file of ['dist/index.js', 'dist/qr.js', 'dist/twofactor.js']) {
      assert(
        existsSync(join(ROOT, file)),
        `${file} is missing: npm run build (npm run test:e2e does it)`,
      );
    }
    for (const file of ['app.mjs', 'database.mjs', 'mail.mjs', 'main.mjs']) {
      assert(
        existsSync(join(ROOT, 'docs/examples/server', file)),
        `docs/examples/server/${file} is missing`,
      );
    }
    return 'dist/ and docs/examples/server/';
  });

  // The servers' keys: the same for every instance, as several instances behind one database need.
  const keys = {
    seal: randomBytes(32).toString('base64url'),
    pepper: randomBytes(32).toString('base64url'),
  };
  remember('server key', keys.seal);
  remember('server key', keys.pepper);

  lap('setup');

  // ---- SQLite: Node 24, two processes, one file --------------------------------------------------
  const sqlite = await check(
    'sqlite',
    'Node 24 starts two instances on one fresh SQLite file',
    async () => {
      const runtime = needs(node24, 'Node 24');
      const storage = { sqlitePath: join(folder, 'app.sqlite') };
      const [a, b] = await Promise.all([
        startInstance({ name: 'node24-a', runtime, config: { storage, keys, devMailbox: true } }),
        startInstance({ name: 'node24-b', runtime, config: { storage, keys, devMailbox: false } }),
      ]);
      instances.push(a, b);
      for (const i of [a, b]) {
        assert(
          i.kind === 'sqlite' && i.twoFactorKind === 'sql',
          `${i.name}: storage ${i.kind}/${i.twoFactorKind}`,
        );
      }
      return { detail: `${a.runtime}, ${a.kind}, ${a.url} and ${b.url}`, a, b };
    },
  );
  if (sqlite) {
    const { a, b } = sqlite;
    sqlite.clock = sharedClock([a, b]);
    await runSuite({
      scope: 'sqlite',
      a,
      b,
      clock: sqlite.clock,
      dialect: 'sqlite',
      store: 'sql',
      runId,
    });
  }
  lap('sqlite');

  // ---- PostgreSQL: Bun, two processes, one database ----------------------------------------------
  const pg = await check('postgres', 'Bun starts two instances on one fresh database', async () => {
    const runtime = needs(bun, 'Bun');
    const server = needs(postgres, 'PostgreSQL');
    const name = `otpkit_e2e_${runId}`;
    const { stdout } = await exec(runtime.bin, [
      '--no-install',
      join(ROOT, 'test/e2e/database-admin.mjs'),
      'create',
      server.url,
      name,
    ]);
    database = { admin: runtime, name, serverUrl: server.url };
    const url = new URL(server.url);
    url.pathname = `/${name}`;
    const storage = { databaseUrl: url.href };
    const [a, b] = await Promise.all([
      startInstance({ name: 'bun-a', runtime, config: { storage, keys, devMailbox: true } }),
      startInstance({ name: 'bun-b', runtime, config: { storage, keys, devMailbox: false } }),
    ]);
    instances.push(a, b);
    for (const i of [a, b]) {
      assert(
        i.kind === 'postgres' && i.twoFactorKind === 'sql',
        `${i.name}: storage ${i.kind}/${i.twoFactorKind}`,
      );
    }
    return {
      detail: `${a.runtime}, ${stdout.trim()}, database ${name}, ${a.url} and ${b.url}`,
      a,
      b,
      databaseUrl: url.href,
    };
  });
  if (pg) {
    const { a, b } = pg;
    await runSuite({
      scope: 'postgres',
      a,
      b,
      clock: sharedClock([a, b]),
      dialect: 'postgres',
      store: 'sql',
      runId,
    });
  }
  lap('postgres');

  // ---- Redis: Bun, two processes; users and sessions in one SQLite file --------------------------
  const rd = await check(
    'redis',
    'Bun starts two instances with the second-factor state in Redis, users and sessions in one SQLite file',
    async () => {
      const runtime = needs(bun, 'Bun');
      const server = needs(redis, 'Redis');
      const storage = { sqlitePath: join(folder, 'redis-app.sqlite'), redisUrl: server.url };
      const [a, b] = await Promise.all([
        startInstance({
          name: 'bun-redis-a',
          runtime,
          config: { storage, keys, devMailbox: true },
        }),
        startInstance({
          name: 'bun-redis-b',
          runtime,
          config: { storage, keys, devMailbox: false },
        }),
      ]);
      instances.push(a, b);
      redisKeysOwner = a;
      for (const i of [a, b]) {
        assert(
          i.kind === 'sqlite' && i.twoFactorKind === 'redis',
          `${i.name}: storage ${i.kind}/${i.twoFactorKind}`,
        );
      }
      return { detail: `${a.runtime}, ${server.url}, ${a.url} and ${b.url}`, a, b };
    },
  );
  if (rd) {
    const { a, b } = rd;
    const backend = {
      scope: 'redis',
      a,
      b,
      clock: sharedClock([a, b]),
      dialect: 'sqlite',
      store: 'redis',
      runId,
    };
    const firstPost = posts.length;
    await runSecondFactorChecks(backend);
    await everyPostRedirected(backend, firstPost);
    await check('redis', "the keys of the run's users are deleted, and none is left", async () => {
      const { users, deleted } = await deleteRunKeys();
      assert(users > 0 && deleted > 0, `${users} users, ${deleted} keys deleted`);
      return `${deleted} keys of ${users} users`;
    });
  }
  lap('redis');

  // ---- main.mjs as a user runs it ------------------------------------------------------------------
  await runMainChecks({
    node24,
    bun,
    hostNode: { bin: process.execPath, kind: 'node' },
    keys,
    tmp: folder,
    databaseUrl: pg?.databaseUrl,
    runId,
  });
  lap('main.mjs');

  // ---- the browser (against the SQLite instance) -------------------------------------------------
  await runBrowser({
    chromium: chromium?.bin,
    zbarimg: zbarimg?.bin,
    instance: needsInstance(sqlite),
    clock: sqlite?.clock ?? null,
    runId,
    folder,
  });
  lap('chromium');

  // ---- no secret in any output -------------------------------------------------------------------
  await check(
    'logs',
    "no code, secret, recovery code, password or cookie in any process's output",
    async () => {
      // The search itself must be able to fail: one planted line for each kind of secret is found.
      const planted = [...secretsSeen].map(([kind, values]) => ({
        from: 'planted',
        stream: 'log',
        line: `x ${[...values][0]} y`,
      }));
      const caught = new Set(findSecrets(planted).found.map((f) => f.kind));
      assert(
        caught.size === secretsSeen.size,
        `the search misses planted ${[...secretsSeen.keys()].filter((k) => !caught.has(k))}`,
      );
      const { found, searched, lines } = findSecrets(allOutput);
      assert(lines > 0, 'no output was captured at all');
      assert(searched > 0, 'no secret was recorded');
      assert(
        found.length === 0,
        `${found.length} line(s): ${
          found.slice(0, 5).map((f) => `[${f.from} ${f.stream}] ${f.line} (${f.kind})`).join(' | ')
        }`,
      );
      return `${searched} secrets (${
        [...secretsSeen.keys()].join(', ')
      }) searched in ${lines} lines; a planted one of each kind is found`;
    },
  );
}

/** The SQLite instance for the browser, or a stand-in whose use fails the browser checks. */
function needsInstance(sqlite) {
  return sqlite?.a ?? new Proxy({}, {
    get: () => {
      throw new Error('needs the SQLite instance, which failed');
    },
  });
}

try {
  await main();
} catch (error) {
  // A bug of the harness itself: one failure, said as such.
  await check('e2e', 'the harness', () => {
    throw error;
  });
} finally {
  await cleanUp();
}
log(
  `${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${join(folder, 'screenshots')}`,
);
process.exit(finish());
