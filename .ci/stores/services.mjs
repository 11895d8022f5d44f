// The database servers of the store tests: a private PostgreSQL cluster and a private redis-server,
// both from Debian's packages, both on loopback only, both kept under the git-ignored tool cache
// (.ci/tools/stores/) so they never depend on or disturb a system cluster. Used by run.mjs (which starts
// what is not running and stops what it started) and by .ci/run as a command:
//
//   node .ci/stores/services.mjs start|stop|status
import { execFile } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { TOOLS_DIR } from '../runtimes/tools.mjs';

export const STORES_DIR = join(TOOLS_DIR, 'stores');
export const PG_PORT = 54329;
export const REDIS_PORT = 63799;
export const HOST = '127.0.0.1';
export const PG_USER = 'postgres';
export const INSTALL_HINT = 'apt-get install -y --no-install-recommends';

const PG_DATA = join(STORES_DIR, 'pg');
const REDIS_DIR = join(STORES_DIR, 'redis');
const REDIS_PIDFILE = join(REDIS_DIR, 'redis.pid');

/** Runs a command, resolving { code, stdout, stderr } (never rejecting). */
function run(bin, args, options = {}) {
  return new Promise((done) => {
    execFile(
      bin,
      args,
      { timeout: 60_000, maxBuffer: 1 << 20, ...options },
      (error, stdout, stderr) => {
        done({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout,
          stderr: `${stderr}${error && typeof error.code !== 'number' ? error.message : ''}`,
        });
      },
    );
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** The newest Debian PostgreSQL server (/usr/lib/postgresql/<major>/bin), or null. */
export function findPostgres() {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const majors = readdirSync(base)
    .filter((v) =>
      /^\d+$/.test(v) && existsSync(join(base, v, 'bin', 'pg_ctl')) &&
      existsSync(join(base, v, 'bin', 'initdb'))
    )
    .sort((a, b) => Number(b) - Number(a));
  return majors.length === 0 ? null : { major: majors[0], bin: join(base, majors[0], 'bin') };
}

/** redis-server on PATH (or /usr/bin), or null. */
export function findRedis() {
  for (
    const dir of [...(process.env.PATH ?? '').split(':').filter(Boolean), '/usr/bin', '/usr/sbin']
  ) {
    const bin = join(dir, 'redis-server');
    if (existsSync(bin)) return { bin };
  }
  return null;
}

/** The uid and gid to run PostgreSQL as: ourselves, or the `postgres` account when we are root. */
function pgIdentity() {
  if (process.getuid?.() !== 0) return {};
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) =>
    l.startsWith(`${PG_USER}:`)
  );
  if (!line) {
    throw new Error(
      `running as root, and there is no "${PG_USER}" account to run PostgreSQL as (the postgresql package creates it)`,
    );
  }
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

async function pgRunning(pg) {
  if (!existsSync(join(PG_DATA, 'PG_VERSION'))) return false;
  const status = await run(join(pg.bin, 'pg_ctl'), ['-D', PG_DATA, 'status'], pgIdentity());
  return status.code === 0;
}

/** Creates the private cluster once (trust auth: it listens on 127.0.0.1 only, for tests). */
async function pgInit(pg, log) {
  const version = join(PG_DATA, 'PG_VERSION');
  if (existsSync(version) && readFileSync(version, 'utf8').trim() === pg.major) return;
  rmSync(PG_DATA, { recursive: true, force: true });
  mkdirSync(STORES_DIR, { recursive: true });
  chmodSync(STORES_DIR, 0o755); // the postgres account must reach its data directory
  mkdirSync(PG_DATA, { mode: 0o700 });
  const id = pgIdentity();
  if (id.uid !== undefined) chownSync(PG_DATA, id.uid, id.gid);
  log(`creating a private PostgreSQL ${pg.major} cluster in ${PG_DATA} (initdb)`);
  const init = await run(join(pg.bin, 'initdb'), [
    '-D',
    PG_DATA,
    '-U',
    PG_USER,
    '--auth=trust',
    '--encoding=UTF8',
    '--no-locale',
    '--no-sync',
  ], id);
  if (init.code !== 0) {
    rmSync(PG_DATA, { recursive: true, force: true });
    throw new Error(
      `initdb failed: ${init.stderr.trim() || init.stdout.trim()}` +
        (id.uid === undefined ? '' : ` (the ${PG_USER} account must be able to reach ${PG_DATA})`),
    );
  }
  // A test cluster: loopback only, no Unix socket (its path could be too long), no durability.
  const conf = join(PG_DATA, 'postgresql.conf');
  writeFileSync(
    conf,
    `${readFileSync(conf, 'utf8')}\n# otpkit store tests (.ci/stores/services.mjs)\n` +
      `listen_addresses = '${HOST}'\nport = ${PG_PORT}\nunix_socket_directories = ''\n` +
      `max_connections = 200\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n`,
  );
  if (id.uid !== undefined) chownSync(conf, id.uid, id.gid);
}

/** Starts the private PostgreSQL cluster unless it runs. Returns { url, startedHere, version }. */
export async function startPostgres(log = console.log) {
  const pg = findPostgres();
  if (!pg) {
    throw new Error(
      `PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl): ${INSTALL_HINT} postgresql`,
    );
  }
  let startedHere = false;
  if (!(await pgRunning(pg))) {
    await pgInit(pg, log);
    log(`starting PostgreSQL ${pg.major} on ${HOST}:${PG_PORT} (${PG_DATA})`);
    const start = await run(join(pg.bin, 'pg_ctl'), [
      '-D',
      PG_DATA,
      '-l',
      join(PG_DATA, 'server.log'),
      '-w',
      '-t',
      '30',
      'start',
    ], pgIdentity());
    if (start.code !== 0) {
      let tail = '';
      try {
        tail = readFileSync(join(PG_DATA, 'server.log'), 'utf8').trim().split('\n').slice(-5).join(
          '\n',
        );
      } catch {
        // no log
      }
      throw new Error(`pg_ctl start failed: ${(start.stderr || start.stdout).trim()}\n${tail}`);
    }
    startedHere = true;
  }
  const ready = await run(join(pg.bin, 'pg_isready'), [
    '-h',
    HOST,
    '-p',
    String(PG_PORT),
    '-t',
    '10',
  ]);
  if (ready.code !== 0) {
    throw new Error(`PostgreSQL does not answer on ${HOST}:${PG_PORT}: ${ready.stdout.trim()}`);
  }
  return { url: `postgres://${PG_USER}@${HOST}:${PG_PORT}/postgres`, startedHere, major: pg.major };
}

export async function stopPostgres(log = console.log) {
  const pg = findPostgres();
  if (!pg || !(await pgRunning(pg))) return false;
  log(`stopping PostgreSQL (${PG_DATA})`);
  const stop = await run(
    join(pg.bin, 'pg_ctl'),
    ['-D', PG_DATA, '-m', 'fast', '-w', 'stop'],
    pgIdentity(),
  );
  if (stop.code !== 0) {
    throw new Error(`pg_ctl stop failed: ${(stop.stderr || stop.stdout).trim()}`);
  }
  return true;
}

/** One inline Redis command over a fresh connection; resolves the first reply line or null. */
export function redisCommand(line, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port: REDIS_PORT });
    let data = '';
    const finish = (value) => {
      socket.destroy();
      resolve(value);
    };
    socket.setTimeout(timeoutMs, () => finish(null));
    socket.on('error', () => finish(null));
    socket.on('connect', () => socket.write(`${line}\r\n`));
    socket.on('data', (chunk) => {
      data += chunk;
      if (data.includes('\r\n')) finish(data.slice(0, data.indexOf('\r\n')));
    });
    socket.on('close', () => finish(data || null));
  });
}

/** The pid in our pidfile when that process is a live redis-server, else null. */
function ourRedisPid() {
  try {
    const pid = Number(readFileSync(REDIS_PIDFILE, 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return null;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('redis-server') ? pid : null;
  } catch {
    return null;
  }
}

/** Starts the private redis-server unless one answers on its port. Returns { url, startedHere }. */
export async function startRedis(log = console.log) {
  const redis = findRedis();
  if (!redis) throw new Error(`redis-server is not installed: ${INSTALL_HINT} redis-server`);
  let startedHere = false;
  if ((await redisCommand('PING')) !== '+PONG') {
    mkdirSync(REDIS_DIR, { recursive: true });
    log(`starting redis-server on ${HOST}:${REDIS_PORT} (${REDIS_DIR})`);
    const started = await run(redis.bin, [
      '--port',
      String(REDIS_PORT),
      '--bind',
      HOST,
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      REDIS_DIR,
      '--daemonize',
      'yes',
      '--pidfile',
      REDIS_PIDFILE,
      '--logfile',
      join(REDIS_DIR, 'redis.log'),
    ]);
    if (started.code !== 0) {
      throw new Error(`redis-server failed to start: ${(started.stderr || started.stdout).trim()}`);
    }
    for (let i = 0; i < 100 && (await redisCommand('PING')) !== '+PONG'; i++) await sleep(50);
    if ((await redisCommand('PING')) !== '+PONG') {
      let tail = '';
      try {
        tail = readFileSync(join(REDIS_DIR, 'redis.log'), 'utf8').trim().split('\n').slice(-5).join(
          '\n',
        );
      } catch {
        // no log
      }
      throw new Error(`redis-server does not answer on ${HOST}:${REDIS_PORT}\n${tail}`);
    }
    startedHere = true;
  }
  return { url: `redis://${HOST}:${REDIS_PORT}`, startedHere };
}

/** Stops the redis-server our pidfile names (never another one). */
export async function stopRedis(log = console.log) {
  const pid = ourRedisPid();
  if (pid === null) return false;
  log(`stopping redis-server (pid ${pid})`);
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && ourRedisPid() === pid; i++) await sleep(50);
  if (ourRedisPid() === pid) throw new Error(`redis-server (pid ${pid}) did not stop`);
  return true;
}

async function main(command) {
  const log = (line) => console.log(`stores services: ${line}`);
  const results = await Promise.allSettled(
    command === 'start'
      ? [startPostgres(log), startRedis(log)]
      : command === 'stop'
      ? [stopPostgres(log), stopRedis(log)]
      : [
        (async () =>
          log(`PostgreSQL ${
            findPostgres()
              ? ((await pgRunning(findPostgres())) ? 'running' : 'installed, not running')
              : 'not installed'
          }`))(),
        (async () =>
          log(`redis-server ${
            findRedis()
              ? ((await redisCommand('PING')) === '+PONG' ? 'running' : 'installed, not running')
              : 'not installed'
          }`))(),
      ],
  );
  let failed = false;
  for (const result of results) {
    if (result.status === 'rejected') {
      failed = true;
      console.error(
        `stores services: ${
          result.reason instanceof Error ? result.reason.message : result.reason
        }`,
      );
    }
  }
  if (command === 'start' && !failed) {
    log(`PostgreSQL on ${HOST}:${PG_PORT}, redis-server on ${HOST}:${REDIS_PORT}`);
  }
  process.exitCode = failed ? 1 : 0;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const command = process.argv[2];
  if (!['start', 'stop', 'status'].includes(command)) {
    console.error('usage: node .ci/stores/services.mjs start|stop|status');
    process.exit(2);
  }
  await main(command);
}
