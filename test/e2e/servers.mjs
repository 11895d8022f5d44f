// The runner's side of server-process.mjs: spawns one instance of the reference server under a runtime
// (Node 24 or Bun from the tool cache), in its own process group, and keeps everything it prints, so
// that a suite can search the output for secrets. Also spawns main.mjs as a user would (`spawnMain`).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../.ci/runtimes/tools.mjs';

const WRAPPER = join(ROOT, 'test', 'e2e', 'server-process.mjs');
const MAIN = join(ROOT, 'docs', 'examples', 'server', 'main.mjs');
const START_TIMEOUT_MS = 30_000;
const COMMAND_TIMEOUT_MS = 30_000;

/** Every line any spawned process printed (and the app's log lines), for the log search. */
export const allOutput = [];

/** The arguments a runtime binary takes to run `file` (Bun: never install packages on the fly). */
const runArgs = (runtime, file, args = []) =>
  runtime.kind === 'bun' ? ['--no-install', file, ...args] : [file, ...args];

function killGroup(child) {
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** Spawned processes still running, killed by `killAll` (the runner's `finally` and signals). */
const live = new Set();
export function killAll() {
  for (const child of live) killGroup(child);
  live.clear();
}

/**
 * Starts one server instance: `config` is server-process.mjs's ({storage, keys, devMailbox}), with
 * `storage` as openStorage takes it ({sqlitePath} or {databaseUrl}, and optionally {redisUrl}).
 * Resolves to { name, url, port, kind, twoFactorKind, runtime, command(op, fields), clock(offsetMs),
 * counts(), query(sql, params), redis(name, ...args), output, stop() }.
 */
export function startInstance({ name, runtime, config }) {
  const child = spawn(runtime.bin, runArgs(runtime, WRAPPER), {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1' },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  live.add(child);
  const output = [];
  const keep = (stream, line) => {
    const entry = { from: name, stream, line };
    output.push(entry);
    allOutput.push(entry);
  };
  const pending = new Map();
  let nextId = 1;
  let onReady;
  const ready = new Promise((resolve, reject) => {
    onReady = { resolve, reject };
  });
  let stdoutRest = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    stdoutRest += chunk;
    let end;
    while ((end = stdoutRest.indexOf('\n')) >= 0) {
      const line = stdoutRest.slice(0, end);
      stdoutRest = stdoutRest.slice(end + 1);
      if (!line.startsWith('E2E ')) {
        keep('stdout', line);
        continue;
      }
      const message = JSON.parse(line.slice(4));
      if (message.type === 'log') keep('log', message.line);
      else if (message.type === 'ready') onReady.resolve(message);
      else if (message.type === 'failed') {
        onReady.reject(new Error(`${name} did not start: ${message.error}`));
      } else if (message.id !== undefined) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.ok) waiter?.resolve(message);
        else waiter?.reject(new Error(`${name}: ${message.error}`));
      }
    }
  });
  let stderrRest = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderrRest += chunk;
    const lines = stderrRest.split('\n');
    stderrRest = lines.pop();
    for (const line of lines) keep('stderr', line);
  });
  const exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      live.delete(child);
      if (stderrRest) keep('stderr', stderrRest);
      const why = new Error(
        `${name} exited (${signal ?? code}): ${
          output.filter((o) => o.stream === 'stderr').slice(-5).map((o) => o.line).join(' | ')
        }`,
      );
      onReady.reject(why);
      for (const waiter of pending.values()) waiter.reject(why);
      pending.clear();
      resolve({ code, signal });
    });
  });
  child.stdin.on('error', () => {}); // written after exit: the exit handler failed the call
  child.stdin.write(`${JSON.stringify({ config })}\n`);

  function command(op, fields = {}) {
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${name}: no answer to ${op} in ${COMMAND_TIMEOUT_MS / 1000} s`));
      }, COMMAND_TIMEOUT_MS);
      pending.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      child.stdin.write(`${JSON.stringify({ id, op, ...fields })}\n`);
    });
  }

  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${name} did not start in ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
  });
  return Promise.race([ready, timeout]).finally(() => clearTimeout(timer)).then(
    (info) => ({
      name,
      ...info,
      output,
      command,
      clock: (offsetMs) => command('clock', { offsetMs }),
      counts: async () => (await command('counts')).counts,
      query: async (sql, params = []) => (await command('query', { sql, params })).rows,
      redis: async (...args) => (await command('redis', { command: args })).reply,
      async stop() {
        if (!live.has(child)) return;
        await Promise.race([command('stop').catch(() => {}), exited]);
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 3_000))]);
        killGroup(child);
      },
    }),
    (error) => {
      killGroup(child);
      throw error;
    },
  );
}

/**
 * Runs main.mjs as `npm run example:server` would (the runtime binary on the file, `env` added to the
 * environment); resolves once `until(output)` holds for the lines printed so far, or the process exits,
 * or `timeoutMs` passes: { lines: [{stream, line}], exit: {code, signal} | null, kill() }.
 */
export function spawnMain({ name, runtime, env, args = [], until, timeoutMs = 20_000 }) {
  const child = spawn(runtime.bin, runArgs(runtime, MAIN, args), {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const lines = [];
  let settle;
  const settled = new Promise((resolve) => {
    settle = resolve;
  });
  let exit = null;
  const state = () => ({
    lines,
    get exit() {
      return exit;
    },
    kill: async () => {
      killGroup(child);
      if (exit === null) await new Promise((resolve) => child.once('exit', resolve));
    },
  });
  for (const stream of ['stdout', 'stderr']) {
    let rest = '';
    child[stream].setEncoding('utf8').on('data', (chunk) => {
      rest += chunk;
      const parts = rest.split('\n');
      rest = parts.pop();
      for (const line of parts) {
        lines.push({ stream, line });
        allOutput.push({ from: name, stream, line });
      }
      if (until?.(lines)) settle();
    });
    child[stream].on('end', () => {
      if (rest) {
        lines.push({ stream, line: rest });
        allOutput.push({ from: name, stream, line: rest });
      }
    });
  }
  child.on('exit', (code, signal) => {
    live.delete(child);
    exit = { code, signal };
    // Let the pipes drain before reporting.
    setTimeout(settle, 50);
  });
  const timer = setTimeout(settle, timeoutMs);
  return settled.then(() => {
    clearTimeout(timer);
    return state();
  });
}
