// main.mjs as a user starts it (`npm run example:server` is `node docs/examples/server/main.mjs` after
// the build): the environment variables, --dev-mailbox, a port already in use, and the host Node 20
// (no node:sqlite) falling back to memory in one line; the SQLite file and its keys file (private,
// made once when two processes start at once, a broken one said in one line); a database that cannot
// be opened, said in one line naming what to check; SMTP_URL, with a code mailed to a fake SMTP
// server (smtp.mjs) and signed in with.
import { spawn } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { enrolledUser, expectLanded, login, newUser } from './flows.mjs';
import { assert, check, equal, needs } from './report.mjs';
import { remember } from './secrets.mjs';
import { spawnMain } from './servers.mjs';
import { startFakeSmtp } from './smtp.mjs';
import { request, visitor } from './visitor.mjs';

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
const modeOf = (file) => (existsSync(file) ? (statSync(file).mode & 0o777).toString(8) : 'missing');
/** Without the two keys (the runner's environment might have them): main.mjs makes a keys file. */
const NO_KEYS = { OTPKIT_EXAMPLE_KEY: '', OTPKIT_EXAMPLE_PEPPER: '' };

/** Throws unless the run printed exactly one line, on stderr, exited 1, and printed no stack. */
function oneErrorLine(run) {
  const errors = run.lines.filter((l) => l.stream === 'stderr');
  equal(run.exit?.code, 1, `exit code (output: ${show(run.lines)})`);
  equal(errors.length, 1, `lines on stderr (output: ${show(run.lines)})`);
  assert(!run.lines.some((l) => STACK_LINE.test(l.line)), `a stack trace: ${show(run.lines)}`);
  return errors[0].line;
}

export async function runMainChecks({ node24, bun, hostNode, keys, tmp, databaseUrl, runId }) {
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
        // Private from its creation, and SQLite gives its -wal and -shm files the same mode.
        const modes = ['', '-wal', '-shm'].map((end) => `${end || 'file'} ${modeOf(file + end)}`);
        equal(modes.join(', '), 'file 600, -wal 600, -shm 600', 'the modes of the SQLite files');
        const home = await request(`${urlOf(run)}/`);
        equal(home.status, 200, 'GET /');
        const mailbox = await request(`${urlOf(run)}/dev/mailbox`);
        equal(mailbox.status, 404, 'GET /dev/mailbox without --dev-mailbox');
        return {
          detail: `${run.lines.length} line(s): ${show(run.lines)}; modes ${modes.join(', ')}`,
          port,
          run,
        };
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

    await check(
      scope,
      'two main.mjs at once on a fresh SQLite file, three times: both start, one makes the keys file',
      async () => {
        const runtime = needs(node24, 'Node 24 from the tool cache');
        const rounds = [];
        for (let round = 1; round <= 3; round++) {
          const file = join(tmp, `twice-${round}.sqlite`);
          const start = (name) =>
            spawnMain({
              name,
              runtime,
              env: { ...NO_KEYS, PORT: '0', OTPKIT_EXAMPLE_DB: file },
              until: listening,
            });
          const pair = await Promise.all([
            start(`main.mjs twice-${round} a`),
            start(`main.mjs twice-${round} b`),
          ]);
          running.push(...pair);
          for (const run of pair) {
            assert(urlOf(run), `round ${round}: a main.mjs did not start: ${show(run.lines)}`);
          }
          const keyLines = pair.flatMap((run) => run.lines.filter((l) => /^Keys: /.test(l.line)));
          const made = keyLines.filter((l) => /^Keys: made and kept in /.test(l.line)).length;
          const read = keyLines.filter((l) => /^Keys: from /.test(l.line)).length;
          equal(`${made} made, ${read} read`, '1 made, 1 read', `round ${round}: the keys lines`);
          equal(modeOf(`${file}.keys`), '600', `round ${round}: the mode of the keys file`);
          rounds.push({ file, pair });
        }
        // Both processes hold the same keys: a recovery code shown by one signs in on the other
        // (the code's hash takes the pepper, and the check first opens the sealed TOTP secret).
        const [a, b] = rounds[0].pair.map(urlOf);
        const user = newUser(runId, 'Two');
        const clock = { now: () => Date.now() };
        const { recoveryCodes } = await enrolledUser(visitor(a, 'on a'), clock, user, a);
        const v = visitor(b, 'on b');
        expectLanded(await login(v, user, b), '/login/2fa', 'the password step on the other');
        const home = await v.submit('/login/2fa', { code: recoveryCodes[0] });
        expectLanded(home, '/', 'a recovery code from one process, on the other');
        for (const { pair } of rounds) for (const run of pair) await run.kill();
        return '3 rounds, 6 processes started; a recovery code made by one works on the other';
      },
    );

    await check(
      scope,
      'main.mjs waits for another process writing to the fresh SQLite file, then starts',
      async () => {
        const runtime = needs(node24, 'Node 24 from the tool cache');
        const file = join(tmp, 'busy.sqlite');
        // A write transaction on the new file: switching it to WAL is refused at once meanwhile
        // (SQLITE_BUSY, which the busy timeout does not cover), as when two instances start at once.
        const holder = await holdWriteLock(runtime, file, 1_500);
        try {
          const run = await spawnMain({
            name: 'main.mjs (busy file)',
            runtime,
            env: { ...env, PORT: '0', OTPKIT_EXAMPLE_DB: file },
            until: listening,
          });
          running.push(run);
          assert(urlOf(run), `main.mjs did not start: ${show(run.lines)}`);
          const released = await holder.released;
          const waited = released.at - holder.lockedAt;
          assert(waited >= 1_000, `the lock was held ${waited} ms only`);
          equal((await request(`${urlOf(run)}/`)).status, 200, 'GET /');
          return `started after the other process's lock of ${waited} ms`;
        } finally {
          holder.kill();
        }
      },
    );

    await check(
      scope,
      'a SQLite file that cannot be opened: one line naming the file, not DATABASE_URL',
      async () => {
        const runtime = needs(node24, 'Node 24 from the tool cache');
        const file = join(tmp, 'no-such-folder', 'app.sqlite');
        const run = await spawnMain({
          name: 'main.mjs (no folder)',
          runtime,
          env: { ...env, PORT: '0', OTPKIT_EXAMPLE_DB: file },
        });
        if (run.exit === null) await run.kill();
        const line = oneErrorLine(run);
        equal(
          line,
          `Could not open the database: ENOENT. Check the SQLite file ${file} (OTPKIT_EXAMPLE_DB).`,
          'the line',
        );
        return `"${line}"`;
      },
    );

    await check(scope, 'a broken keys file: one line, not its text, exit code 1', async () => {
      const runtime = needs(node24, 'Node 24 from the tool cache');
      const file = join(tmp, 'broken-keys.sqlite');
      const text = '{"key":"half-written';
      writeFileSync(`${file}.keys`, text, { mode: 0o600 });
      const run = await spawnMain({
        name: 'main.mjs (broken keys)',
        runtime,
        env: { ...NO_KEYS, PORT: '0', OTPKIT_EXAMPLE_DB: file },
      });
      if (run.exit === null) await run.kill();
      const line = oneErrorLine(run);
      assert(
        line.startsWith(`Could not read ${file}.keys (SyntaxError): `),
        `the line: "${line}"`,
      );
      assert(!run.lines.some((l) => l.line.includes('half-written')), 'the file text was printed');
      return `"${line}"`;
    });

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

    await check(
      scope,
      'SMTP_URL: "email me a code" mails it to an SMTP server, and the code read from there signs in',
      async () => {
        const runtime = needs(node24, 'Node 24 from the tool cache');
        const smtp = await startFakeSmtp();
        try {
          const run = await spawnMain({
            name: 'main.mjs (SMTP_URL)',
            runtime,
            env: {
              ...env,
              PORT: '0',
              OTPKIT_EXAMPLE_DB: join(tmp, 'smtp.sqlite'),
              SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
              MAIL_FROM: 'otpkit e2e <e2e@example.test>',
            },
            until: listening,
          });
          running.push(run);
          const url = urlOf(run);
          assert(url, `main.mjs did not start: ${show(run.lines)}`);
          assert(
            run.lines.some((l) => l.line === 'Mail: sent through SMTP_URL.'),
            `no "Mail: sent through SMTP_URL." line: ${show(run.lines)}`,
          );
          const user = newUser(runId, 'Smt');
          await enrolledUser(visitor(url, 'smtp user'), { now: () => Date.now() }, user, url);
          const v = visitor(url, 'smtp');
          const step = await login(v, user, url);
          expectLanded(step, '/login/2fa', 'the password step');
          const sent = await v.submit('/login/email-code', {}, { from: step });
          expectLanded(sent, '/login/2fa?m=code-sent', 'email me a code');
          equal(smtp.messages.length, 1, 'messages the SMTP server received');
          const [mail] = smtp.messages;
          equal(mail.from, 'e2e@example.test', 'MAIL FROM');
          equal(mail.to, [user.email], 'RCPT TO');
          equal(mail.headers.to, user.email, 'the To header');
          const code = mail.text.match(/(?<!\d)\d{6}(?!\d)/)?.[0];
          assert(code, 'no 6-digit code in the message received');
          remember('emailed code', code);
          const home = await v.submit('/login/2fa', { code }, { from: sent });
          expectLanded(home, '/', 'the code from the SMTP server');
          // The line is printed before the answer is sent, and may reach the pipe a moment later.
          const isEmailed = (l) => /^login code emailed user=/.test(l.line);
          for (let i = 0; i < 50 && !run.lines.some(isEmailed); i++) {
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
          const emailed = run.lines.find(isEmailed);
          assert(emailed, `no "login code emailed" line: ${show(run.lines)}`);
          return `1 message to ${user.email.replace(/^.*@/, '<user>@')} (${
            mail.headers['content-transfer-encoding']
          }), signed in with its code; "${emailed.line.replace(/=.*/, '=<id>')}"`;
        } finally {
          await smtp.close();
        }
      },
    );

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

/**
 * Starts a process that opens `file` (a new SQLite file) and holds a write transaction on it for
 * `ms`; resolves once it holds it: { lockedAt, released (a promise of { at }), kill() }.
 */
function holdWriteLock(runtime, file, ms) {
  const script = `
    const { DatabaseSync } = require('node:sqlite');
    const db = new DatabaseSync(process.argv[1]);
    db.exec('BEGIN IMMEDIATE');
    console.log('locked');
    setTimeout(() => { db.exec('COMMIT'); db.close(); console.log('released'); }, ${ms});`;
  const child = spawn(runtime.bin, ['-e', script, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let onReleased;
  const released = new Promise((resolve) => (onReleased = resolve));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', () => reject(new Error('the lock holder exited before holding the lock')));
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      if (chunk.includes('locked')) {
        resolve({ lockedAt: Date.now(), released, kill: () => child.kill('SIGKILL') });
      }
      if (chunk.includes('released')) onReleased({ at: Date.now() });
    });
  });
}
