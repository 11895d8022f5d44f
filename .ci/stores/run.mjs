// `npm run test:stores`: otpkit/twofactor's stores against real databases. For each backend (one row),
// in that backend's runtime: checkStore, the rules of createTwoFactor on that store (rules.mjs), then the
// multi-process race suite (suite.mjs, worker.mjs):
//
//   memory     host Node, one process (a memoryStore cannot be shared): 4 x N concurrent clients
//   sqlite     node:sqlite on Node 22 and on Node 24, bun:sqlite on Bun: a shared file, WAL
//   postgres   Bun's built-in SQL client, a private PostgreSQL cluster (services.mjs)
//   redis      Bun's built-in RedisClient, a private redis-server (services.mjs)
//
// No database client package: the runtimes have their own, fetched like the runtime stage's
// (.ci/runtimes/tools.mjs). PostgreSQL and redis-server are Debian's; the servers this run starts, it
// stops. Nothing skips: a backend that cannot run (a server not installed, an export missing from
// dist/twofactor.js) is a FAILED row saying why. The output ends with one line per backend and then
// `stores: N passed, M failed`; the exit code is 0 only when every row passed.
//
//   node .ci/stores/run.mjs [--verbose]   (after npm run build; npm run test:stores does both)
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureTool, ROOT } from '../runtimes/tools.mjs';
import {
  findPostgres,
  findRedis,
  INSTALL_HINT,
  startPostgres,
  startRedis,
  stopPostgres,
  stopRedis,
} from './services.mjs';

const ROWS = [
  {
    name: 'memory',
    kind: 'memory',
    tool: null,
    driver: 'one process: 4 concurrent clients, not processes',
  },
  { name: 'sqlite', kind: 'sqlite-node', tool: 'node22', driver: 'node:sqlite' },
  { name: 'sqlite', kind: 'sqlite-node', tool: 'node24', driver: 'node:sqlite' },
  { name: 'sqlite', kind: 'sqlite-bun', tool: 'bun', driver: 'bun:sqlite' },
  { name: 'postgres', kind: 'postgres', tool: 'bun', driver: 'Bun SQL', service: 'postgres' },
  { name: 'redis', kind: 'redis', tool: 'bun', driver: 'Bun RedisClient', service: 'redis' },
];
const SUITE_TIMEOUT_MS = 90_000;
const SUITE = join(ROOT, '.ci', 'stores', 'suite.mjs');
const DIST = join(ROOT, 'dist', 'twofactor.js');
const CI = process.env.CI === 'true';
const verbose = process.argv.includes('--verbose');
const started = Date.now();
const log = (line) => console.log(`[stores] ${line}`);
const errorText = (error) => (error instanceof Error ? error.message : String(error));

/** Runs one suite process in its own process group; the group is killed on timeout or on a signal. */
let current = null;
function runSuite(bin, args) {
  return new Promise((done) => {
    const child = spawn(bin, args, {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    current = child;
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    const kill = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    };
    child.kill = kill;
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${SUITE_TIMEOUT_MS / 1000} s]`;
      kill();
    }, SUITE_TIMEOUT_MS);
    const finish = (code) => {
      clearTimeout(timer);
      current = null;
      done({ code, stdout, stderr });
    };
    child.on('error', (error) => {
      stderr += `\n${error.message}`;
      finish(null);
    });
    child.on('close', (code, signal) => finish(code ?? (signal ? 128 : null)));
  });
}

// The servers this run started, stopped at the end (and on Ctrl-C).
const startedHere = [];
async function stopServices() {
  for (const name of startedHere.splice(0)) {
    try {
      await (name === 'postgres' ? stopPostgres(log) : stopRedis(log));
    } catch (error) {
      log(`could not stop ${name}: ${errorText(error)}`);
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    current?.kill();
    await stopServices();
    process.exit(130);
  });
}

async function main() {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  const fatal = existsSync(DIST)
    ? null
    : 'dist/twofactor.js is missing: build first (npm run test:stores runs npm run build)';

  // What is missing, said once and exactly.
  const missing = [
    findPostgres() ? null : 'postgresql',
    findRedis() ? null : 'redis-server',
  ].filter(Boolean);
  if (missing.length > 0) {
    log(
      `not installed: ${missing.join(', ')}; their rows fail. Install: ${INSTALL_HINT} ${
        missing.join(' ')
      }` + (CI ? ' (under CI, .ci/run installs them: APT_PACKAGES)' : ''),
    );
  }

  // Runtimes (npm pack into .ci/tools, once) and servers (started unless running), all at once.
  const tools = {};
  const services = {};
  await Promise.all([
    ...['node22', 'node24', 'bun'].map(async (name) => {
      try {
        tools[name] = await ensureTool(name, log);
      } catch (error) {
        tools[name] = { error: errorText(error) };
      }
    }),
    ...[['postgres', startPostgres], ['redis', startRedis]].map(async ([name, start]) => {
      try {
        services[name] = await start(log);
        if (services[name].startedHere) startedHere.push(name);
        else {log(
            `using the ${name} server already running (stop it: node .ci/stores/services.mjs stop)`,
          );}
      } catch (error) {
        services[name] = { error: errorText(error) };
      }
    }),
  ]);

  const scratch = mkdtempSync(join(tmpdir(), 'otpkit-stores-'));
  const rows = [];
  try {
    for (const [index, row] of ROWS.entries()) {
      const tool = row.tool === null
        ? { bin: process.execPath, version: process.version }
        : tools[row.tool];
      const runtime = tool.error
        ? row.tool
        : `${row.tool === 'bun' ? 'bun' : 'node'} ${tool.version.replace(/^v/, '')}`;
      const backendGuess = row.service === 'postgres'
        ? `PostgreSQL ${findPostgres()?.major ?? '(not installed)'}`
        : row.service === 'redis'
        ? `Redis${findRedis() ? '' : ' (not installed)'}`
        : null;
      const label = (backend) =>
        `${row.name} (${[runtime, row.driver, backend].filter(Boolean).join(', ')})`;
      const service = row.service ? services[row.service] : null;
      const cause = fatal ??
        (tool.error ? `${row.tool}: ${tool.error}` : null) ??
        (service?.error ? service.error : null);
      if (cause !== null) {
        rows.push({ line: `${label(backendGuess)}: FAIL: ${cause}`, ok: false });
        continue;
      }
      const config = {
        kind: row.kind,
        dist: pathToFileURL(DIST).href,
        runId: `${runId}${index}`,
        file: join(scratch, `${row.kind}-${row.tool ?? 'host'}.sqlite`),
        pgUrl: services.postgres?.url,
        redisUrl: services.redis?.url,
      };
      const args = row.tool === 'bun'
        ? ['--no-install', SUITE, JSON.stringify(config)]
        : ['--disable-warning=ExperimentalWarning', SUITE, JSON.stringify(config)];
      const t = Date.now();
      const run = await runSuite(tool.bin, args);
      const seconds = ((Date.now() - t) / 1000).toFixed(1);
      const line = run.stdout.split('\n').find((l) => l.startsWith('STORES-RESULT '));
      let result = null;
      try {
        result = line ? JSON.parse(line.slice('STORES-RESULT '.length)) : null;
      } catch {
        result = null;
      }
      const problems = result === null
        ? [`the suite printed no result (exit code ${run.code})`]
        : [...result.problems];
      if (result !== null && run.code !== 0 && problems.length === 0) {
        problems.push(`the suite exited with ${run.code}`);
      }
      const figures = result === null ? [] : [
        result.checkStore?.passed != null &&
        `checkStore ${result.checkStore.passed}/${result.checkStore.of}`,
        result.rules && `rules ${result.rules.passed}/${result.rules.of}`,
        result.guesses && `guesses checked ${result.guesses.checked} of ${result.guesses.of}`,
        result.totp && `TOTP ${result.totp.ok}/${result.totp.of}`,
        result.recovery && `recovery ${result.recovery.ok}/${result.recovery.of}`,
        result.sent && `sent ${result.sent.ok}/${result.sent.of}`,
      ].filter(Boolean);
      const ok = problems.length === 0 && figures.length === 6;
      if (ok === false && problems.length === 0) problems.push('a part of the suite did not run');
      const verdict = ok
        ? 'ok'
        : `FAIL: ${problems[0]}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}`;
      const name = label(result?.backendVersion ?? backendGuess);
      rows.push({
        line: `${name}: ${figures.length > 0 ? `${figures.join(', ')}: ` : ''}${verdict}`,
        ok,
      });
      if (!ok || verbose) {
        log(`${name}: ${seconds} s, exit code ${run.code}${ok ? '' : '; its output:'}`);
        for (const l of `${run.stderr}`.trim().split('\n').slice(-40)) console.log(`  | ${l}`);
        for (const p of problems.slice(1)) console.log(`  problem: ${p}`);
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    await stopServices();
  }

  for (const row of rows) console.log(row.line);
  const passed = rows.filter((r) => r.ok).length;
  if (verbose) log(`${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`stores: ${passed} passed, ${rows.length - passed} failed`);
  process.exitCode = passed === rows.length ? 0 : 1;
}

await main();
