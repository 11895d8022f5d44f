// Mail for "email me a code instead": a development mailbox in memory, or real mail through an SMTP
// submission server, spoken here over node:net and node:tls so that the example needs no mail library:
// RFC 5321 (SMTP), RFC 3207 (STARTTLS), RFC 8314 (implicit TLS), RFC 4954 and RFC 4616 (AUTH PLAIN),
// RFC 5322 and RFC 2045-2047 (the message). One connection per message, no pipelining.
import { randomBytes } from 'node:crypto';
import { connect as connectTCP, isIP, isIPv4 } from 'node:net';
import { connect as connectTLS } from 'node:tls';

/** How many messages the development mailbox keeps (the newest). */
export const DEV_MAILBOX_SIZE = 100;
const DEFAULT_FROM = 'otpkit example <no-reply@localhost>';
const TIMEOUT_MS = 30_000; // for a whole message, from connecting to QUIT
const MAX_REPLY = 64 * 1024; // a longer reply comes from a broken or hostile server
const MAX_SUBJECT = 200;
// A plain ASCII address: atext and dots (RFC 5322 §3.2.3, §3.4.1) @ letter-digit-hyphen labels.
const ADDRESS = /^[\w.!#$%&'*+/=?^`{|}~-]{1,64}@[A-Za-z0-9-]{1,63}(\.[A-Za-z0-9-]{1,63})*$/;

/**
 * Whether the mailer sends to `address`: a plain ASCII address of at most 254 characters (no space,
 * no line break, no brackets: nothing that could change an SMTP command). The server checks addresses
 * with it at registration, so that every account can be sent its codes.
 */
export const isMailAddress = (address) =>
  typeof address === 'string' && address.length <= 254 && ADDRESS.test(address);

/** An error whose `code` may go into a log line: what failed, never text the server sent. */
const mailError = (code, message) => Object.assign(new Error(message), { code });

/** The code of a failed delivery: ours, or Node's (ECONNREFUSED, a TLS check's); else SMTP_FAILED. */
const codeOf = (
  error,
) => (/^[A-Z][A-Z0-9_]*$/.test(error?.code ?? '') ? error.code : 'SMTP_FAILED');

/**
 * The mailer the server sends codes with. Options:
 * - `smtpUrl`: `smtp://[user:pass@]host[:port]` (port 587, STARTTLS whenever the server offers it) or
 *   `smtps://[user:pass@]host[:port]` (TLS from the first byte, port 465). Without it: the development
 *   mailbox, which keeps the last 100 messages in memory and never logs their text.
 * - `from`: `Name <address>` or `address`; default `otpkit example <no-reply@localhost>`
 * - `log`: (line) => void; lines name the recipient's domain only, never the address or the text
 * - `now`: the clock, () => Unix ms; `timeoutMs`: for one message, default 30 s
 * - `ca`: PEM certificates to trust instead of the system's (a private CA, a test's own)
 *
 * A password is only sent over TLS, or in clear to a server reached at a loopback address (127/8,
 * ::1: checked on the connection, whatever the host name). Without a password, a server that offers
 * no STARTTLS gets the message in clear, and the log says so (a relay on a trusted network).
 */
export function createMailer(
  { smtpUrl, from, log = () => {}, now = Date.now, timeoutMs = TIMEOUT_MS, ca } = {},
) {
  const sender = parseFrom(from || DEFAULT_FROM);
  if (!smtpUrl) {
    const box = []; // newest first
    return {
      kind: 'dev',
      async send(mail) {
        const { to, subject, text } = checkMail(mail);
        box.unshift({ to, subject, text, sentAt: now() });
        box.length = Math.min(box.length, DEV_MAILBOX_SIZE);
        log(`mail to ${domainOf(to)} queued in the development mailbox`);
      },
      messages: () => box.map((message) => ({ ...message })),
    };
  }
  const server = parseSmtpUrl(smtpUrl);
  return {
    kind: 'smtp',
    async send(mail) {
      const checked = { ...checkMail(mail), from: sender, date: new Date(now()) };
      try {
        await deliver(server, checked, { timeoutMs, ca, log });
      } catch (error) {
        throw mailError(
          codeOf(error),
          `mail through ${server.host}:${server.port} failed: ${error.message}`,
        );
      }
    },
    messages: () => [],
  };
}

/**
 * `to`, `subject`, `text` checked: no line break in a header (header injection), a plain address.
 * Errors have the code MAIL_INVALID.
 */
function checkMail({ to, subject, text }) {
  for (const [name, value] of Object.entries({ to, subject, text })) {
    if (typeof value !== 'string') throw mailError('MAIL_INVALID', `mail ${name} must be a string`);
  }
  for (const [name, value] of Object.entries({ to, subject })) {
    if (/[\r\n]/.test(value)) {
      throw mailError('MAIL_INVALID', `mail ${name} holds a line break: refused`);
    }
  }
  if (!isMailAddress(to)) throw mailError('MAIL_INVALID', 'mail to is not an address like a@b.c');
  if (subject.length > MAX_SUBJECT) {
    throw mailError('MAIL_INVALID', `mail subject is over ${MAX_SUBJECT} characters`);
  }
  return { to, subject, text };
}

/** `Name <address>` or `address`: the envelope address and the From header. */
function parseFrom(from) {
  const match = /[\r\n]/.test(from) ? null : /^\s*(?:(.*?)\s*<([^<>]*)>|([^<>]*?))\s*$/.exec(from);
  const address = match?.[2] ?? match?.[3] ?? '';
  if (!ADDRESS.test(address)) throw new Error('MAIL_FROM must look like "Name <a@b.c>" or "a@b.c"');
  const name = match?.[1];
  if (!name) return { address, header: address };
  // RFC 5322 §3.2.4: a quoted string; RFC 2047 §5(3): encoded words where it is not ASCII.
  const phrase = /^[\x20-\x7e]*$/.test(name)
    ? `"${name.replace(/[\\"]/g, '\\$&')}" `
    : `${encodedWords(name, 'From')}\r\n `; // the address on a line of its own, to stay within 76
  return { address, header: `${phrase}<${address}>` };
}

function parseSmtpUrl(text) {
  let url = null;
  try {
    url = new URL(text);
  } catch {
    // fall through: the message below never repeats the URL, which may hold a password
  }
  const implicitTLS = url?.protocol === 'smtps:';
  if (!url || !(implicitTLS || url.protocol === 'smtp:') || !url.hostname) {
    throw new Error('SMTP_URL must look like smtp://[user:pass@]host[:port] or smtps://...');
  }
  if (!url.username !== !url.password) {
    throw new Error('SMTP_URL needs both a user name and a password, or neither');
  }
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'), // an IPv6 literal loses its brackets
    port: Number(url.port) || (implicitTLS ? 465 : 587),
    implicitTLS,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
  };
}

/** One SMTP session (RFC 5321 §3): greeting, EHLO, [STARTTLS, EHLO], [AUTH], MAIL, RCPT, DATA, QUIT. */
async function deliver(server, mail, { timeoutMs, ca, log }) {
  const { host, port } = server;
  const tlsOptions = { host, port, servername: isIP(host) ? undefined : host, ca };
  let socket = server.implicitTLS ? connectTLS(tlsOptions) : connectTCP({ host, port });
  const sockets = [socket];
  let replies = replyReader(socket);
  const timer = setTimeout(
    () => socket.destroy(mailError('SMTP_TIMEOUT', `no answer within ${timeoutMs} ms`)),
    timeoutMs,
  );
  // Sends a command (null: none, for the greeting), reads the reply, and requires its first digit
  // to be `expected` (RFC 5321 §4.2.1). `shown` names the command in errors: never its argument;
  // the error's code names the step (SMTP_RCPT_REFUSED), never the reply.
  const step = async (command, expected, shown) => {
    if (command !== null) socket.write(`${command}\r\n`);
    const { code, lines } = await replies.next();
    if (Math.floor(code / 100) !== expected) {
      throw mailError(
        `SMTP_${shown.replace('the ', '').toUpperCase()}_REFUSED`,
        `${shown} was answered ${code} ${shown === 'AUTH' ? '' : lines[0]}`.trim(),
      );
    }
    return lines;
  };
  try {
    await step(null, 2, 'the greeting');
    const ehlo = `EHLO ${addressLiteral(socket.localAddress)}`; // RFC 5321 §4.1.4: no name of our own
    let extensions = await step(ehlo, 2, 'EHLO');
    if (!server.implicitTLS && offers(extensions, 'STARTTLS')) {
      await step('STARTTLS', 2, 'STARTTLS');
      // Bytes after the 220 came in clear, before TLS: a man in the middle may have put them there.
      if (replies.buffered()) {
        throw mailError('SMTP_STARTTLS_INJECTION', 'the server sent more after its STARTTLS reply');
      }
      socket = connectTLS({ ...tlsOptions, socket });
      sockets.push(socket);
      replies = replyReader(socket);
      extensions = await step(ehlo, 2, 'EHLO'); // RFC 3207 §4.2: forget what was said in clear
    } else if (!server.implicitTLS && !isLoopback(socket.remoteAddress)) {
      if (server.user) {
        throw mailError('SMTP_NO_TLS', 'refusing to send the password without TLS (no STARTTLS)');
      }
      log(`mail to ${domainOf(mail.to)} sent without TLS: ${host} offers no STARTTLS`);
    }
    if (server.user) {
      if (!offers(extensions, 'AUTH', 'PLAIN')) {
        throw mailError('SMTP_NO_AUTH_PLAIN', 'the server offers no AUTH PLAIN');
      }
      // RFC 4616 §2: authorization identity (empty), NUL, user name, NUL, password; in base64.
      const credentials = Buffer.from(`\0${server.user}\0${server.password}`).toString('base64');
      await step(`AUTH PLAIN ${credentials}`, 2, 'AUTH'); // RFC 4954 §4: the initial response
    }
    const eightBit = offers(extensions, '8BITMIME'); // RFC 6152: then MAIL FROM says BODY=8BITMIME
    await step(`MAIL FROM:<${mail.from.address}>${eightBit ? ' BODY=8BITMIME' : ''}`, 2, 'MAIL');
    await step(`RCPT TO:<${mail.to}>`, 2, 'RCPT');
    await step('DATA', 3, 'DATA');
    // RFC 5321 §4.5.2: a line that starts with a dot gets one more; the message ends with CRLF.CRLF.
    const data = message(mail, eightBit).map((line) => (line.startsWith('.') ? `.${line}` : line));
    await step(`${data.join('\r\n')}\r\n.`, 2, 'the message');
    await step('QUIT', 2, 'QUIT').catch(() => {}); // the message is accepted already
  } finally {
    clearTimeout(timer);
    for (const s of sockets) s.destroy();
  }
}

/** The replies read from `socket`, one at a time: `next()` resolves to `{ code, lines }`. */
function replyReader(socket) {
  let buffer = '';
  let waiting = null;
  let failure = null;
  const fail = (error) => {
    failure ??= error;
    waiting?.reject(failure);
    waiting = null;
  };
  // RFC 5321 §4.2.1: "250-text" continues a reply, "250 text" (or "250") ends it; one code for all.
  const take = () => {
    const lines = [];
    for (let start = 0, end; (end = buffer.indexOf('\n', start)) !== -1; start = end + 1) {
      const line = buffer.slice(start, end).replace(/\r$/, '');
      if (
        !/^\d{3}([ -]|$)/.test(line) || (lines.length > 0 && !line.startsWith(lines[0].slice(0, 3)))
      ) {
        throw mailError('SMTP_MALFORMED_REPLY', 'the server sent a malformed reply');
      }
      lines.push(line);
      if (line[3] !== '-') {
        buffer = buffer.slice(end + 1);
        return { code: Number(line.slice(0, 3)), lines: lines.map((l) => l.slice(4)) };
      }
    }
    return null;
  };
  const answer = () => {
    if (!waiting) return;
    try {
      const reply = take();
      if (!reply) return;
      const { resolve } = waiting;
      waiting = null;
      resolve(reply);
    } catch (error) {
      fail(error);
    }
  };
  socket.setEncoding('utf8');
  socket.on('data', (chunk) => {
    buffer += chunk;
    if (buffer.length > MAX_REPLY) {
      fail(mailError('SMTP_REPLY_TOO_LONG', 'the server sent a reply that is too long'));
    } else answer();
  });
  socket.on('error', fail);
  socket.on('close', () => fail(mailError('SMTP_CLOSED', 'the server closed the connection')));
  return {
    next: () =>
      failure ? Promise.reject(failure) : new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        answer();
      }),
    buffered: () => buffer.length > 0,
  };
}

/** The message (RFC 5322 §3.6, RFC 2045) as lines: 8bit where the server takes it, else base64. */
function message({ from, to, subject, text, date }, eightBit) {
  const lines = text.split(/\r\n|\r|\n/); // sent with CRLF, whatever the text used
  const as8bit = eightBit && lines.every((line) => Buffer.byteLength(line) <= 998); // RFC 5322 §2.1.1
  return [
    `From: ${from.header}`,
    `To: ${to}`,
    `Subject: ${/^[\x20-\x7e]*$/.test(subject) ? subject : encodedWords(subject, 'Subject')}`,
    `Date: ${date.toUTCString().replace(/GMT$/, '+0000')}`, // RFC 5322 §3.3 (not the obsolete GMT)
    `Message-ID: <${randomBytes(16).toString('hex')}@${domainOf(from.address)}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Transfer-Encoding: ${as8bit ? '8bit' : 'base64'}`,
    '',
    ...(as8bit
      ? lines
      : Buffer.from(lines.join('\r\n')).toString('base64').match(/.{1,76}/g) ?? []),
  ];
}

/**
 * RFC 2047 §2, §4.1: `=?UTF-8?B?...?=` words, one per line, on lines of at most 76 characters (the
 * first one after `Field: `), cut between characters.
 */
function encodedWords(text, field) {
  const room = (taken) => Math.floor((76 - taken - 12) / 4) * 3; // UTF-8 bytes that fit in a word
  const words = [''];
  let limit = room(field.length + 2);
  for (const char of text) {
    if (Buffer.byteLength(words.at(-1) + char) > limit) {
      words.push('');
      limit = room(1); // a folded line starts with one space
    }
    words[words.length - 1] += char;
  }
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w).toString('base64')}?=`).join('\r\n ');
}

/** Whether EHLO's reply lists `keyword`, with `parameter` (RFC 5321 §4.1.1.1; any case: §2.4). */
function offers(ehloLines, keyword, parameter) {
  return ehloLines.slice(1).some((line) => {
    const [name, ...parameters] = line.toUpperCase().split(' ');
    return name === keyword && (parameter === undefined || parameters.includes(parameter));
  });
}

/** RFC 5321 §4.1.3: `[192.0.2.1]` or `[IPv6:2001:db8::1]`. */
function addressLiteral(ip = '127.0.0.1') {
  const v4 = ip.replace(/^::ffff:/i, '');
  return isIPv4(v4) ? `[${v4}]` : `[IPv6:${ip}]`;
}

/** The address the connection really reached, not the name it was given: 127/8 or ::1. */
const isLoopback = (ip = '') => /^(::ffff:)?127\./i.test(ip) || ip === '::1';

const domainOf = (address) => address.slice(address.lastIndexOf('@') + 1);
