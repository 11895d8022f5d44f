// A small SMTP server on node:net for the check that starts main.mjs with SMTP_URL (main-process.mjs):
// it speaks just enough of RFC 5321 for the app's mailer (docs/examples/server/mail.mjs) and keeps
// every message it accepts. It offers 8BITMIME and neither STARTTLS nor AUTH: the mailer then sends
// in clear, which it does without a password to a server reached at a loopback address. The test of
// the mailer itself, with TLS and AUTH, is test/server-mail.test.ts.
import { createServer } from 'node:net';

/**
 * Starts the server on 127.0.0.1 (a free port). Resolves to { port, messages, close() }; each
 * message is { from, to: [addresses], headers: {name: value}, text } as received, the body decoded
 * (8bit or base64, as Content-Transfer-Encoding says).
 */
export async function startFakeSmtp() {
  const messages = [];
  const sockets = new Set();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    converse(socket, messages);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    port: server.address().port,
    messages,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** One SMTP session: a reply per command line; after DATA, the message up to CRLF.CRLF. */
function converse(socket, messages) {
  const say = (line) => socket.write(`${line}\r\n`);
  let buffer = '';
  let envelope = { from: null, to: [] };
  let inData = false;
  socket.setEncoding('utf8');
  say('220 fake.test ESMTP (otpkit e2e)');
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (;;) {
      if (inData) {
        const end = buffer.indexOf('\r\n.\r\n');
        if (end === -1) return;
        messages.push({ ...envelope, ...parseMessage(buffer.slice(0, end)) });
        buffer = buffer.slice(end + 5);
        inData = false;
        envelope = { from: null, to: [] };
        say('250 2.0.0 queued');
        continue;
      }
      const end = buffer.indexOf('\r\n');
      if (end === -1) return;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const verb = line.split(/[ :]/)[0].toUpperCase();
      if (verb === 'EHLO') say('250-fake.test greets you\r\n250 8BITMIME');
      else if (verb === 'MAIL') {
        envelope.from = line.match(/<([^>]*)>/)?.[1] ?? null;
        say('250 2.1.0 ok');
      } else if (verb === 'RCPT') {
        envelope.to.push(line.match(/<([^>]*)>/)?.[1] ?? '');
        say('250 2.1.5 ok');
      } else if (verb === 'DATA') {
        inData = true;
        say('354 end with <CRLF>.<CRLF>');
      } else if (verb === 'QUIT') {
        say('221 2.0.0 bye');
        socket.end();
        return;
      } else if (verb === 'RSET' || verb === 'NOOP') say('250 2.0.0 ok');
      else say('502 5.5.2 not implemented here');
    }
  });
}

/** The header fields (unfolded, RFC 5322 §2.2.3) and the body, dots unstuffed (RFC 5321 §4.5.2). */
function parseMessage(data) {
  const lines = data.split('\r\n').map((line) => (line.startsWith('..') ? line.slice(1) : line));
  const blank = lines.indexOf('');
  const headers = {};
  for (
    const field of lines.slice(0, blank).join('\r\n').replace(/\r\n(?=[ \t])/g, '').split('\r\n')
  ) {
    const colon = field.indexOf(':');
    headers[field.slice(0, colon).toLowerCase()] = field.slice(colon + 1).trim();
  }
  const body = lines.slice(blank + 1).join('\r\n');
  const text = /base64/i.test(headers['content-transfer-encoding'] ?? '')
    ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
    : body;
  return { headers, text };
}
