// main.mjs as a user starts it (`npm run example:server` is `node docs/examples/server/main.mjs` after
// the build): the environment variables, --dev-mailbox, a port already in use, and the host Node 20
// (no node:sqlite) falling back to memory in one line.
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { assert, check, equal, needs } from './report.mjs';
import { spawnMain } from './servers.mjs';
import { request } from './visitor.mjs';

const URL_LINE = /http:\/\/127\.0\.0\.1:(\d+)/;
const STACK_LINE = /^\s+at\s|node:internal|Error:.*\n?\s+at /;

/** A port free right now on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

const listening = (lines) => lines.some((l) => URL_LINE.test(l.line));
const urlOf = (run) => {
  const line = run.lines.find((l) => URL_LINE.test(l.line));
  return line ? `http://127.0.0.1:${line.line.match(URL_LINE)[1]}` : null;
};
const show = (lines) => lines.map((l) => `${l.stream}: ${l.line}`).join(' | ');

export async function runMainChecks({ node24, bun, hostNode, keys, tmp, databaseUrl }) {
  const scope = 'main.mjs';
  const env = { OTPKIT_EXAMPLE_KEY: keys.seal, OTPKIT_EXAMPLE_PEPPER: keys.pepper };
  const running = [];
  try {
    const first = await check(
      scope,
      'Node 24 on SQLite (OTPKIT_EXAMPLE_DB): starts; /dev/mailbox is 404 without --dev-mailbox',
      async () => {
        const runtime = needs(node24, 'Node 24 from the tool cache');
        const port = await freePort();
        const file = join(tmp, 'main.sqlite');
        const run = await spawnMain({
          name: 'main.mjs (node 24)',
          runtime,
          env: { ...env, PORT: String(port), OTPKIT_EXAMPLE_DB: file },
          until: listening,
        });
        running.push(run);
        assert(run.exit === null, `main.mjs exited: ${show(run.lines)}`);
        assert(
          urlOf(run) === `http://127.0.0.1:${port}`,
          `no "http://127.0.0.1:${port}" line: ${show(run.lines)}`,
        );
        assert(existsSync(file), `${file} was not created`);
        const home = await request(`${urlOf(run)}/`);
        equal(home.status, 200, 'GET /');
        const mailbox = await request(`${urlOf(run)}/dev/mailbox`);
        equal(mailbox.status, 404, 'GET /dev/mailbox without --dev-mailbox');
        return { detail: `${run.lines.length} line(s): ${show(run.lines)}`, port, run };
      },
    );

    await check(
      scope,
      'a second main.mjs on the same port: one line, exit code 1, no stack trace',
      async () => {
        const { port } = needs(first, 'the first main.mjs');
        const run = await spawnMain({
          name: 'main.mjs (port in use)',
          runtime: node24,
          env: { ...env, PORT: String(port), OTPKIT_EXAMPLE_DB: join(tmp, 'main.sqlite') },
        });
        if (run.exit === null) await run.kill();
        const errors = run.lines.filter((l) => l.stream === 'stderr');
        equal(run.exit?.code, 1, `exit code (output: ${show(run.lines)})`);
        equal(errors.length, 1, `lines on stderr (output: ${show(run.lines)})`);
        assert(
          errors[0].line.includes(String(port)),
          `the stderr line does not name the port: ${errors[0].line}`,
        );
        assert(
          !run.lines.some((l) => STACK_LINE.test(l.line)),
          `a stack trace: ${show(run.lines)}`,
        );
        return `stderr: "${errors[0].line}"; stdout: ${
          run.lines.filter((l) => l.stream === 'stdout').length
        } line(s)`;
      },
    );

    await check(scope, '--dev-mailbox serves /dev/mailbox', async () => {
      const runtime = needs(node24, 'Node 24 from the tool cache');
      const run = await spawnMain({
        name: 'main.mjs --dev-mailbox',
        runtime,
        args: ['--dev-mailbox'],
        env: { ...env, PORT: '0', OTPKIT_EXAMPLE_DB: join(tmp, 'mailbox.sqlite') },
        until: listening,
      });
      running.push(run);
      assert(urlOf(run), `main.mjs --dev-mailbox did not start: ${show(run.lines)}`);
      const mailbox = await request(`${urlOf(run)}/dev/mailbox`);
      equal(mailbox.status, 200, 'GET /dev/mailbox with --dev-mailbox');
      return '200';
    });

    // The host Node is the runner's: Node 20 under CI, which has no node:sqlite. A host that has it
    // (Node >= 22.5) is checked for what it must do instead: use the SQLite file.
    const hostHasSqlite = await import('node:sqlite').then(() => true, () => false);
    await check(
      scope,
      hostHasSqlite
        ? `host ${process.version} has node:sqlite: uses the SQLite file (the fallback is CI's Node 20 check)`
        : `host ${process.version}: falls back to memory, said in one line`,
      async () => {
        const file = join(tmp, 'host.sqlite');
        const run = await spawnMain({
          name: `main.mjs (host ${process.version})`,
          runtime: hostNode,
          env: { ...env, PORT: '0', OTPKIT_EXAMPLE_DB: file },
          until: listening,
        });
        running.push(run);
        assert(urlOf(run), `main.mjs did not start on the host Node: ${show(run.lines)}`);
        equal((await request(`${urlOf(run)}/`)).status, 200, 'GET /');
        if (hostHasSqlite) {
          assert(existsSync(file), `${file} was not created: ${show(run.lines)}`);
          return show(run.lines.slice(0, 1));
        }
        // One line says why (no SQLite in this runtime) and what instead (memory).
        const memory = run.lines.filter((l) => /sqlite/i.test(l.line) && /memory/i.test(l.line));
        equal(memory.length, 1, `lines saying SQLite is missing (output: ${show(run.lines)})`);
        assert(!existsSync(file), `${file} was created although SQLite is not there`);
        return `"${memory[0].line}"`;
      },
    );

    await check(
      scope,
      'Bun with DATABASE_URL: uses PostgreSQL, the log names the host only',
      async () => {
        const runtime = needs(bun, 'Bun from the tool cache');
        const url = needs(databaseUrl, "the run's PostgreSQL database");
        const run = await spawnMain({
          name: 'main.mjs (bun, postgres)',
          runtime,
          env: { ...env, PORT: '0', DATABASE_URL: url },
          until: listening,
        });
        running.push(run);
        assert(urlOf(run), `main.mjs did not start: ${show(run.lines)}`);
        const storage = run.lines.find((l) => /postgres/i.test(l.line));
        assert(storage, `no line names PostgreSQL: ${show(run.lines)}`);
        assert(!run.lines.some((l) => l.line.includes(url)), 'a line holds the whole DATABASE_URL');
        equal((await request(`${urlOf(run)}/`)).status, 200, 'GET /');
        return `"${storage.line}"`;
      },
    );
  } finally {
    for (const run of running) if (run.exit === null) await run.kill();
  }
}
