// The reference server's mailer (docs/examples/server/mail.mjs): the development mailbox, and SMTP
// against a small SMTP server run here on node:net and node:tls, which records every line it is sent.
// Its TLS certificate is made here too (DER written by hand, signed with node:crypto), so the test
// needs no openssl binary and no dependency.
import { afterEach, describe, expect, it } from 'vitest';
import { createMailer, DEV_MAILBOX_SIZE, isMailAddress } from '../docs/examples/server/mail.mjs';

// No @types/node: the few Node APIs used here are typed narrowly, and loaded by a name typed as a
// plain string, which TypeScript then does not resolve.
interface Socket {
  write(data: string): boolean;
  setEncoding(encoding: 'utf8'): Socket;
  on(event: 'data', listener: (chunk: string) => void): Socket;
  on(event: 'error' | 'close', listener: () => void): Socket;
  removeListener(event: 'data', listener: (chunk: string) => void): Socket;
  end(): void;
  destroy(): void;
}
interface Server {
  listen(port: number, host: string, callback: () => void): void;
  address(): { port: number };
  close(): void;
}
interface KeyObject {
  export(options: { type: 'spki'; format: 'der' }): Uint8Array;
  export(options: { type: 'pkcs8'; format: 'pem' }): string;
}
interface TLSOptions {
  key: string;
  cert: string;
}
const load = (name: string): Promise<any> => import(name);
const net: { createServer(listener: (socket: Socket) => void): Server } = await load('node:net');
const tls: {
  createServer(options: TLSOptions, listener: (socket: Socket) => void): Server;
  TLSSocket: new (socket: Socket, options: TLSOptions & { isServer: true }) => Socket;
} = await load('node:tls');
const nodeCrypto: {
  generateKeyPairSync(
    type: 'ec',
    options: { namedCurve: 'P-256' },
  ): { publicKey: KeyObject; privateKey: KeyObject };
  sign(algorithm: 'sha256', data: Uint8Array, key: KeyObject): Uint8Array;
} = await load('node:crypto');
const os: {
  networkInterfaces(): Record<string, { address: string; family: string; internal: boolean }[]>;
} = await load('node:os');

const PASSWORD = 'correct horse:battery@staple';
const URL_PASSWORD = encodeURIComponent(PASSWORD);
const AUTH_PAYLOAD = btoa(`\0alice\0${PASSWORD}`); // RFC 4616 §2, base64 by the platform's btoa
const TEXT = 'Your code is 493021.\n.this line starts with a dot\n..and this with two\nLast line ✓';
const CLOCK = Date.UTC(2030, 0, 2, 3, 4, 5);
/** The machine's first address that is not loopback, for the rules that depend on it. */
const LAN = Object.values(os.networkInterfaces()).flat()
  .find((i) => i.family === 'IPv4' && !i.internal)?.address;

// ---- A self-signed X.509 certificate (RFC 5280 §4.1) for localhost, 127.0.0.1 and LAN. ----
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};
/** One DER value (X.690 §8.1): tag, definite length, contents. */
const der = (tag: number, ...contents: Uint8Array[]): Uint8Array => {
  const body = concat(...contents);
  const n = body.length;
  const length = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return concat(Uint8Array.of(tag, ...length), body);
};
const oid = (first: number, second: number, ...rest: number[]): Uint8Array => {
  const bytes = [40 * first + second];
  for (const arc of rest) {
    const groups = [arc & 0x7f];
    for (let v = arc >> 7; v > 0; v >>= 7) groups.unshift((v & 0x7f) | 0x80);
    bytes.push(...groups);
  }
  return der(0x06, Uint8Array.from(bytes));
};
const text = (tag: number, value: string): Uint8Array => der(tag, new TextEncoder().encode(value));
const utcTime = (ms: number): Uint8Array =>
  text(0x17, `${new Date(ms).toISOString().replace(/[-:T]/g, '').slice(2, 14)}Z`);

function selfSignedCertificate(): TLSOptions {
  const { publicKey, privateKey } = nodeCrypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const ecdsaWithSHA256 = der(0x30, oid(1, 2, 840, 10045, 4, 3, 2));
  const name = der(0x30, der(0x31, der(0x30, oid(2, 5, 4, 3), text(0x0c, 'otpkit mail test'))));
  const ip = (address: string) => der(0x87, Uint8Array.from(address.split('.').map(Number)));
  const subjectAltName = der(
    0x30,
    oid(2, 5, 29, 17),
    der(0x04, der(0x30, text(0x82, 'localhost'), ip('127.0.0.1'), ...(LAN ? [ip(LAN)] : []))),
  );
  const tbs = der(
    0x30,
    der(0xa0, der(0x02, Uint8Array.of(2))), // v3
    der(0x02, Uint8Array.of(1, ...crypto.getRandomValues(new Uint8Array(8)))),
    ecdsaWithSHA256,
    name,
    der(0x30, utcTime(Date.now() - 3_600_000), utcTime(Date.now() + 86_400_000)),
    name,
    publicKey.export({ type: 'spki', format: 'der' }),
    der(0xa3, der(0x30, subjectAltName)),
  );
  const signature = nodeCrypto.sign('sha256', tbs, privateKey);
  const certificate = der(0x30, tbs, ecdsaWithSHA256, der(0x03, Uint8Array.of(0), signature));
  const base64 = btoa(String.fromCharCode(...certificate)).replace(/.{64}/g, '$&\n');
  return {
    key: privateKey.export({ type: 'pkcs8', format: 'pem' }),
    cert: `-----BEGIN CERTIFICATE-----\n${base64}\n-----END CERTIFICATE-----\n`,
  };
}
const CERTIFICATE = selfSignedCertificate();

// ---- The SMTP server of the tests. ----
interface FakeOptions {
  host?: string;
  /** EHLO keywords offered in clear, and after STARTTLS. */
  extensions?: string[];
  tlsExtensions?: string[];
  /** A verb's reply instead of the usual one ('.': the reply to the message; '': no reply at all). */
  reply?: Record<string, string>;
  implicitTLS?: boolean;
  silent?: boolean;
}
interface Fake {
  port: number;
  connections: number;
  /** Every command line received, without its CRLF, and whether it came over TLS. */
  commands: string[];
  overTLS: boolean[];
  /** Everything received (after decryption), to check line endings; the message as sent after DATA. */
  raw: string;
  data: string;
}
const running: { server: Server; sockets: Socket[] }[] = [];
afterEach(() => {
  for (const { server, sockets } of running.splice(0)) {
    for (const socket of sockets) socket.destroy();
    server.close();
  }
});

async function fakeSmtp(options: FakeOptions = {}): Promise<Fake> {
  const fake: Fake = { port: 0, connections: 0, commands: [], overTLS: [], raw: '', data: '' };
  const sockets: Socket[] = [];
  const greet = async (socket: Socket): Promise<void> => {
    fake.connections++;
    sockets.push(socket);
    socket.on('error', () => {});
    converse(socket, fake, options, Boolean(options.implicitTLS), sockets);
    if (options.silent) return;
    // A greeting of two lines, in two writes cut mid-line: the client must wait for the whole reply.
    socket.write('220-fake.test ES');
    await new Promise((resolve) => setTimeout(resolve, 20));
    socket.write('MTP\r\n220 ready\r\n');
  };
  const server = options.implicitTLS
    ? tls.createServer(CERTIFICATE, (s) => void greet(s))
    : net.createServer((s) => void greet(s));
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  running.push({ server, sockets });
  fake.port = server.address().port;
  return fake;
}

function converse(
  socket: Socket,
  fake: Fake,
  options: FakeOptions,
  secure: boolean,
  all: Socket[],
) {
  let buffer = '';
  let inData = false;
  const say = (reply: string): void => {
    if (reply !== '') socket.write(`${reply}\r\n`);
  };
  const onData = (chunk: string): void => {
    fake.raw += chunk;
    buffer += chunk;
    for (;;) {
      if (inData) {
        const end = buffer.indexOf('\r\n.\r\n');
        if (end === -1) return;
        fake.data = buffer.slice(0, end + 2);
        buffer = buffer.slice(end + 5);
        inData = false;
        say(options.reply?.['.'] ?? '250 2.0.0 queued');
        continue;
      }
      const end = buffer.indexOf('\r\n');
      if (end === -1) return;
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      fake.commands.push(line);
      fake.overTLS.push(secure);
      const verb = line.split(/[ :]/)[0]!.toUpperCase();
      const custom = options.reply?.[verb];
      if (custom !== undefined) {
        say(custom);
        continue;
      }
      if (verb === 'EHLO') {
        const offered = secure
          ? (options.tlsExtensions ?? options.extensions?.filter((e) => e !== 'STARTTLS') ?? [])
          : (options.extensions ?? ['8BITMIME', 'AUTH LOGIN PLAIN']);
        const lines = ['fake.test greets you', ...offered];
        say(lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}`).join('\r\n'));
      } else if (verb === 'STARTTLS') {
        say('220 2.0.0 ready to start TLS');
        socket.removeListener('data', onData);
        const secured = new tls.TLSSocket(socket, { isServer: true, ...CERTIFICATE });
        secured.on('error', () => {});
        all.push(secured);
        converse(secured, fake, options, true, all);
        return;
      } else if (verb === 'AUTH') say('235 2.7.0 accepted');
      else if (verb === 'MAIL' || verb === 'RCPT') say('250 2.1.0 ok');
      else if (verb === 'DATA') {
        say('354 end with <CRLF>.<CRLF>');
        inData = true;
      } else if (verb === 'QUIT') {
        say('221 2.0.0 bye');
        socket.end();
      } else say('500 5.5.1 unknown command');
    }
  };
  socket.setEncoding('utf8');
  socket.on('data', onData);
}

/** The message's header fields (unfolded, RFC 5322 §2.2.3) and its body lines. */
function parseMessage(data: string): { headers: string[]; body: string[] } {
  const split = data.indexOf('\r\n\r\n');
  return {
    headers: data.slice(0, split).replace(/\r\n(?=[ \t])/g, '').split('\r\n'),
    body: data.slice(split + 4).split('\r\n').slice(0, -1),
  };
}
/** RFC 2047 §4.1, decoded independently: the UTF-8 text of every `=?UTF-8?B?...?=` word, joined. */
function decodeWords(value: string): string {
  const words = [...value.matchAll(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/g)].map((m) => m[1]!);
  const bytes = words.map((w) => Uint8Array.from(atob(w), (c) => c.charCodeAt(0)));
  return new TextDecoder().decode(concat(...bytes));
}
const header = (headers: string[], name: string): string | undefined =>
  headers.find((h) => h.startsWith(`${name}: `))?.slice(name.length + 2);

describe('the development mailbox (no smtpUrl)', () => {
  it('keeps the last 100 messages, newest first, hands out copies, and logs the domain only', async () => {
    const lines: string[] = [];
    let clock = 1_000;
    const mailer = createMailer({ log: (line) => lines.push(line), now: () => clock++ });
    expect(mailer.kind).toBe('dev');
    for (let i = 0; i < 105; i++) {
      await mailer.send({
        to: `user${i}@example.com`,
        subject: `Code ${i}`,
        text: `${100_000 + i}`,
      });
    }
    const box = mailer.messages();
    expect(DEV_MAILBOX_SIZE).toBe(100);
    expect(box).toHaveLength(100);
    expect(box[0]).toEqual({
      to: 'user104@example.com',
      subject: 'Code 104',
      text: '100104',
      sentAt: 1104,
    });
    expect(box[99]).toEqual({
      to: 'user5@example.com',
      subject: 'Code 5',
      text: '100005',
      sentAt: 1005,
    });
    expect(box.map((m) => m.sentAt)).toEqual(Array.from({ length: 100 }, (_, i) => 1104 - i));
    box[0]!.text = 'changed';
    box.length = 0;
    expect(mailer.messages()).toHaveLength(100);
    expect(mailer.messages()[0]!.text).toBe('100104');
    expect(lines).toEqual(Array(105).fill('mail to example.com queued in the development mailbox'));
  });

  it.each([
    [{ to: 'bob@example.com\r\nBcc: eve@example.com' }, 'mail to holds a line break: refused'],
    [{ to: 'bob@example.com\nBcc: eve@example.com' }, 'mail to holds a line break: refused'],
    [{ subject: 'Your code\r\nBcc: eve@example.com' }, 'mail subject holds a line break: refused'],
    [{ subject: 'Your code\rX-Evil: 1' }, 'mail subject holds a line break: refused'],
    [{ to: 'bob' }, 'mail to is not an address like a@b.c'],
    [{ to: 'bob@' }, 'mail to is not an address like a@b.c'],
    [{ to: '@example.com' }, 'mail to is not an address like a@b.c'],
    [{ to: 'bob smith@example.com' }, 'mail to is not an address like a@b.c'],
    [{ to: '<bob@example.com>' }, 'mail to is not an address like a@b.c'],
    [{ to: 'bob@example.com>,<eve@example.com' }, 'mail to is not an address like a@b.c'],
    [{ to: 'bób@example.com' }, 'mail to is not an address like a@b.c'],
    [{ subject: 'x'.repeat(201) }, 'mail subject is over 200 characters'],
  ])('refuses %j before storing anything', async (change, message) => {
    const mailer = createMailer({});
    const mail = { to: 'bob@example.com', subject: 'Your code', text: '123456', ...change };
    await expect(mailer.send(mail)).rejects.toThrow(message);
    await expect(mailer.send(mail)).rejects.toMatchObject({ code: 'MAIL_INVALID' });
    expect(mailer.messages()).toEqual([]);
  });

  it('isMailAddress is the check send makes: what it refuses, send refuses', async () => {
    const long = `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(62)}`;
    expect(long.length).toBe(255);
    const accepted = ['bob@example.com', 'first.last+tag@mail.example.co.uk', 'no-reply@localhost'];
    const refused = ['bob', 'bób@example.com', 'bob smith@example.com', '<bob@example.com>', long];
    expect(accepted.map(isMailAddress)).toEqual([true, true, true]);
    expect([...refused, 42, null].map(isMailAddress)).toEqual(Array(7).fill(false));
    const mailer = createMailer({});
    for (const to of accepted) await mailer.send({ to, subject: 'Code', text: '123456' });
    for (const to of refused) {
      await expect(mailer.send({ to, subject: 'Code', text: '123456' })).rejects.toMatchObject({
        code: 'MAIL_INVALID',
      });
    }
    expect(mailer.messages().map((m) => m.to)).toEqual([...accepted].reverse());
  });

  it('refuses a From with a line break or without an address, and a bad SMTP_URL, without echoing it', () => {
    const thrown = (options: Parameters<typeof createMailer>[0]): unknown => {
      try {
        createMailer(options);
      } catch (error) {
        return (error as Error).message;
      }
      return 'nothing thrown';
    };
    const from = 'MAIL_FROM must look like "Name <a@b.c>" or "a@b.c"';
    expect(thrown({ from: 'otpkit <a@b.c>\r\nBcc: eve@example.com' })).toBe(from);
    expect(thrown({ from: 'otpkit example' })).toBe(from);
    expect(thrown({ from: 'a@b.c, eve@example.com' })).toBe(from);
    for (const smtpUrl of [`http://alice:${URL_PASSWORD}@mail.example.com`, `${PASSWORD} smtp`]) {
      expect(thrown({ smtpUrl })).toBe(
        'SMTP_URL must look like smtp://[user:pass@]host[:port] or smtps://...',
      );
    }
    expect(thrown({ smtpUrl: 'smtp://alice@mail.example.com' })).toBe(
      'SMTP_URL needs both a user name and a password, or neither',
    );
    expect(thrown({ smtpUrl: `smtp://alice:${URL_PASSWORD}@mail.example.com` })).toBe(
      'nothing thrown',
    );
  });
});

describe('SMTP in clear on loopback', () => {
  it('speaks RFC 5321 exactly: EHLO, AUTH PLAIN, MAIL, RCPT, DATA with dot-stuffing and CRLF, QUIT', async () => {
    const fake = await fakeSmtp();
    const mailer = createMailer({
      smtpUrl: `smtp://alice:${URL_PASSWORD}@127.0.0.1:${fake.port}`,
      now: () => CLOCK,
    });
    expect(mailer.kind).toBe('smtp');
    await mailer.send({ to: 'bob@example.com', subject: 'Ihr Anmeldecode für otpkit', text: TEXT });
    expect(fake.commands).toEqual([
      'EHLO [127.0.0.1]',
      `AUTH PLAIN ${AUTH_PAYLOAD}`,
      'MAIL FROM:<no-reply@localhost> BODY=8BITMIME',
      'RCPT TO:<bob@example.com>',
      'DATA',
      'QUIT',
    ]);
    expect(fake.raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // every line ends with CRLF
    expect(fake.raw.endsWith('Last line ✓\r\n.\r\nQUIT\r\n')).toBe(true);
    const { headers, body } = parseMessage(fake.data);
    expect(headers).toEqual([
      'From: "otpkit example" <no-reply@localhost>',
      'To: bob@example.com',
      'Subject: =?UTF-8?B?SWhyIEFubWVsZGVjb2RlIGbDvHIgb3Rwa2l0?=',
      'Date: Wed, 02 Jan 2030 03:04:05 +0000',
      expect.stringMatching(/^Message-ID: <[0-9a-f]{32}@localhost>$/),
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit',
    ]);
    expect(decodeWords(header(headers, 'Subject')!)).toBe('Ihr Anmeldecode für otpkit');
    expect(body).toEqual([
      'Your code is 493021.',
      '..this line starts with a dot',
      '...and this with two',
      'Last line ✓',
    ]);
    expect(mailer.messages()).toEqual([]);
  });

  it('without 8BITMIME: base64 lines of at most 76; a long subject and a From name as encoded words', async () => {
    const fake = await fakeSmtp({ extensions: ['SIZE 10240000'] });
    const subject = 'Ваш код для входа в otpkit действует десять минут, не сообщайте его никому';
    const text = `${TEXT}\n${'Ünïcödé '.repeat(40)}`;
    const mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${fake.port}`,
      from: 'Café "Läufer" <codes@example.org>',
    });
    await mailer.send({ to: 'bob@example.com', subject, text });
    expect(fake.commands).toEqual([
      'EHLO [127.0.0.1]',
      'MAIL FROM:<codes@example.org>',
      'RCPT TO:<bob@example.com>',
      'DATA',
      'QUIT',
    ]);
    // RFC 2047 §2: every line of a field with encoded words is at most 76 characters long.
    const lines = fake.data.split('\r\n');
    const field = (name: string): string[] => {
      const rest = lines.slice(lines.findIndex((l) => l.startsWith(`${name}: `)));
      return rest.slice(0, 1 + rest.slice(1).findIndex((l) => l[0] !== ' '));
    };
    expect(field('Subject').length).toBeGreaterThan(2);
    for (const line of field('Subject')) {
      expect(line.length).toBeLessThanOrEqual(76);
      expect(line).toMatch(/^(Subject:)? =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/);
    }
    expect(field('From')).toEqual([
      expect.stringMatching(/^From: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?=$/),
      ' <codes@example.org>',
    ]);
    expect(field('From')[0]!.length).toBeLessThanOrEqual(76);
    const { headers, body } = parseMessage(fake.data);
    expect(decodeWords(header(headers, 'Subject')!)).toBe(subject);
    const from = header(headers, 'From')!;
    expect(from).toMatch(/^=\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= <codes@example\.org>$/); // unfolded
    expect(decodeWords(from)).toBe('Café "Läufer"');
    expect(header(headers, 'Message-ID')).toMatch(/^<[0-9a-f]{32}@example\.org>$/);
    expect(header(headers, 'Content-Transfer-Encoding')).toBe('base64');
    for (const line of body) expect(line).toMatch(/^[A-Za-z0-9+/=]{1,76}$/);
    const decoded = new TextDecoder().decode(
      Uint8Array.from(atob(body.join('')), (c) => c.charCodeAt(0)),
    );
    expect(decoded).toBe(text.replace(/\n/g, '\r\n'));
  });

  it('a 5xx reply rejects with the command and the reply; an AUTH reply is not repeated', async () => {
    const rcpt = await fakeSmtp({ reply: { RCPT: '550 5.1.1 mailbox unavailable' } });
    const url = (port: number) => `smtp://alice:${URL_PASSWORD}@127.0.0.1:${port}`;
    const mail = { to: 'bob@example.com', subject: 'Your code', text: TEXT };
    const error = await createMailer({ smtpUrl: url(rcpt.port) }).send(mail).catch((e) => e);
    expect(error.message).toBe(
      `mail through 127.0.0.1:${rcpt.port} failed: RCPT was answered 550 5.1.1 mailbox unavailable`,
    );
    expect(rcpt.commands.map((c) => c.split(' ')[0])).toEqual(['EHLO', 'AUTH', 'MAIL', 'RCPT']);

    const echo = `535-5.7.8 bad credentials ${PASSWORD}\r\n535 5.7.8 ${AUTH_PAYLOAD}`;
    const auth = await fakeSmtp({ reply: { AUTH: echo } });
    const refused = await createMailer({ smtpUrl: url(auth.port) }).send(mail).catch((e) => e);
    expect(refused.message).toBe(
      `mail through 127.0.0.1:${auth.port} failed: AUTH was answered 535`,
    );
    expect(auth.commands.map((c) => c.split(' ')[0])).toEqual(['EHLO', 'AUTH']);

    const data = await fakeSmtp({ reply: { '.': '554 5.7.1 rejected as spam' } });
    const spam = await createMailer({ smtpUrl: url(data.port) }).send(mail).catch((e) => e);
    expect(spam.message).toBe(
      `mail through 127.0.0.1:${data.port} failed: the message was answered 554 5.7.1 rejected as spam`,
    );
    // The codes name the step, for a log line; they never carry the reply.
    expect([error.code, refused.code, spam.code]).toEqual([
      'SMTP_RCPT_REFUSED',
      'SMTP_AUTH_REFUSED',
      'SMTP_MESSAGE_REFUSED',
    ]);
    for (const e of [error, refused, spam]) {
      expect(e.message).not.toContain(PASSWORD);
      expect(e.message).not.toContain(URL_PASSWORD);
      expect(e.message).not.toContain(AUTH_PAYLOAD);
      expect(e.message).not.toContain('493021');
    }
  });

  it('rejects a malformed reply, and a server that offers no AUTH PLAIN when there is a password', async () => {
    const mixed = await fakeSmtp({ reply: { EHLO: '250-fake.test\r\n251 AUTH PLAIN' } });
    const mail = { to: 'bob@example.com', subject: 'Your code', text: TEXT };
    await expect(createMailer({ smtpUrl: `smtp://127.0.0.1:${mixed.port}` }).send(mail)).rejects
      .toMatchObject({
        message: `mail through 127.0.0.1:${mixed.port} failed: the server sent a malformed reply`,
        code: 'SMTP_MALFORMED_REPLY',
      });
    const login = await fakeSmtp({ extensions: ['AUTH LOGIN CRAM-MD5'] });
    const smtpUrl = `smtp://alice:${URL_PASSWORD}@127.0.0.1:${login.port}`;
    await expect(createMailer({ smtpUrl }).send(mail)).rejects.toMatchObject({
      message: `mail through 127.0.0.1:${login.port} failed: the server offers no AUTH PLAIN`,
      code: 'SMTP_NO_AUTH_PLAIN',
    });
    expect(login.commands).toEqual(['EHLO [127.0.0.1]']);
  });

  it('gives up on a silent server after timeoutMs, and on one that stops answering', async () => {
    const mail = { to: 'bob@example.com', subject: 'Your code', text: TEXT };
    for (const options of [{ silent: true }, { reply: { DATA: '' } }]) {
      const fake = await fakeSmtp(options);
      const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${fake.port}`, timeoutMs: 300 });
      const started = Date.now();
      await expect(mailer.send(mail)).rejects.toMatchObject({
        message: `mail through 127.0.0.1:${fake.port} failed: no answer within 300 ms`,
        code: 'SMTP_TIMEOUT',
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
      expect(Date.now() - started).toBeLessThan(3_000);
    }
  });

  it('refuses header injection before connecting', async () => {
    const fake = await fakeSmtp();
    const mailer = createMailer({ smtpUrl: `smtp://127.0.0.1:${fake.port}` });
    const to = 'bob@example.com\r\nBcc: eve@example.com';
    await expect(mailer.send({ to, subject: 'Your code', text: TEXT })).rejects.toThrow(
      'mail to holds a line break: refused',
    );
    const subject = 'Your code\nBcc: eve@example.com';
    await expect(mailer.send({ to: 'bob@example.com', subject, text: TEXT })).rejects.toThrow(
      'mail subject holds a line break: refused',
    );
    expect(fake.connections).toBe(0);
  });

  it('sends the password in clear to a loopback server reached by the name localhost; quotes a From name', async () => {
    const fake = await fakeSmtp();
    const smtpUrl = `smtp://alice:${URL_PASSWORD}@localhost:${fake.port}`;
    const from = 'Team "A\\B" <help@example.com>';
    await createMailer({ smtpUrl, from }).send({
      to: 'bob@example.com',
      subject: 'Code',
      text: TEXT,
    });
    expect(fake.commands.slice(0, 3)).toEqual([
      'EHLO [127.0.0.1]',
      `AUTH PLAIN ${AUTH_PAYLOAD}`,
      'MAIL FROM:<help@example.com> BODY=8BITMIME',
    ]);
    // RFC 5322 §3.2.4: the display name as a quoted string, its quotes and backslash escaped.
    expect(header(parseMessage(fake.data).headers, 'From')).toBe(
      '"Team \\"A\\\\B\\"" <help@example.com>',
    );
  });
});

describe('TLS', () => {
  const mail = { to: 'bob@example.com', subject: 'Your code', text: TEXT };

  it('STARTTLS: EHLO again over TLS and uses only what that EHLO offered', async () => {
    const fake = await fakeSmtp({
      extensions: ['8BITMIME', 'STARTTLS'],
      tlsExtensions: ['AUTH PLAIN'],
    });
    const smtpUrl = `smtp://alice:${URL_PASSWORD}@localhost:${fake.port}`;
    await createMailer({ smtpUrl, ca: CERTIFICATE.cert }).send(mail);
    expect(fake.commands).toEqual([
      'EHLO [127.0.0.1]',
      'STARTTLS',
      'EHLO [127.0.0.1]',
      `AUTH PLAIN ${AUTH_PAYLOAD}`,
      'MAIL FROM:<no-reply@localhost>', // 8BITMIME was offered in clear only
      'RCPT TO:<bob@example.com>',
      'DATA',
      'QUIT',
    ]);
    expect(fake.overTLS).toEqual([false, false, true, true, true, true, true, true]);
    expect(header(parseMessage(fake.data).headers, 'Content-Transfer-Encoding')).toBe('base64');
  });

  it('STARTTLS refused, an untrusted certificate, or bytes after the 220: fails, never falls back to clear', async () => {
    const cases: [FakeOptions, string, string][] = [
      [
        {
          extensions: ['STARTTLS', 'AUTH PLAIN'],
          reply: { STARTTLS: '454 4.7.0 TLS not available' },
        },
        'STARTTLS was answered 454 4.7.0 TLS not available',
        'SMTP_STARTTLS_REFUSED',
      ],
      [
        { extensions: ['STARTTLS', 'AUTH PLAIN'] },
        'self-signed certificate',
        'DEPTH_ZERO_SELF_SIGNED_CERT', // Node's own code
      ],
      [
        {
          extensions: ['STARTTLS', 'AUTH PLAIN'],
          reply: { STARTTLS: '220 go ahead\r\n250 injected' },
        },
        'the server sent more after its STARTTLS reply',
        'SMTP_STARTTLS_INJECTION',
      ],
    ];
    for (const [options, message, code] of cases) {
      const fake = await fakeSmtp(options);
      const smtpUrl = `smtp://alice:${URL_PASSWORD}@127.0.0.1:${fake.port}`;
      const error = await createMailer({ smtpUrl }).send(mail).catch((e) => e);
      expect(error.message).toContain(`mail through 127.0.0.1:${fake.port} failed: `);
      expect(error.message).toContain(message);
      expect(error.code).toBe(code);
      expect(fake.commands).toEqual(['EHLO [127.0.0.1]', 'STARTTLS']);
      expect(fake.raw).not.toContain(AUTH_PAYLOAD);
    }
  });

  it('smtps://: implicit TLS from the first byte; an untrusted certificate is refused', async () => {
    const fake = await fakeSmtp({ implicitTLS: true, extensions: ['AUTH PLAIN', '8BITMIME'] });
    const smtpUrl = `smtps://alice:${URL_PASSWORD}@127.0.0.1:${fake.port}`;
    await createMailer({ smtpUrl, ca: CERTIFICATE.cert }).send(mail);
    expect(fake.commands).toEqual([
      'EHLO [127.0.0.1]',
      `AUTH PLAIN ${AUTH_PAYLOAD}`,
      'MAIL FROM:<no-reply@localhost> BODY=8BITMIME',
      'RCPT TO:<bob@example.com>',
      'DATA',
      'QUIT',
    ]);
    expect(fake.overTLS.every(Boolean)).toBe(true);
    const before = fake.commands.length;
    await expect(createMailer({ smtpUrl }).send(mail)).rejects.toThrow('self-signed certificate');
    expect(fake.commands.length).toBe(before);
  });
});

// A server on the machine's own non-loopback address is a real non-loopback peer. Every machine
// that runs CI has one; elsewhere (a sandbox with loopback only) these skip, never under CI=true.
describe.skipIf(LAN === undefined && process.env.CI !== 'true')(
  `a non-loopback server (${LAN})`,
  () => {
    const mail = { to: 'bob@example.com', subject: 'Your code', text: TEXT };

    it('never gets the password in clear: refused after EHLO when it offers no STARTTLS', async () => {
      expect(LAN).toBeDefined();
      const fake = await fakeSmtp({ host: LAN! });
      const smtpUrl = `smtp://alice:${URL_PASSWORD}@${LAN}:${fake.port}`;
      await expect(createMailer({ smtpUrl }).send(mail)).rejects.toMatchObject({
        message:
          `mail through ${LAN}:${fake.port} failed: refusing to send the password without TLS (no STARTTLS)`,
        code: 'SMTP_NO_TLS',
      });
      expect(fake.commands).toEqual([`EHLO [${LAN}]`]);
      expect(fake.raw).not.toContain(AUTH_PAYLOAD);
      expect(fake.raw).not.toContain(PASSWORD);
    });

    it('without a password, gets the message in clear and the log says so; with STARTTLS, the password', async () => {
      const plain = await fakeSmtp({ host: LAN! });
      const lines: string[] = [];
      const mailer = createMailer({
        smtpUrl: `smtp://${LAN}:${plain.port}`,
        log: (l) => lines.push(l),
      });
      await mailer.send(mail);
      expect(plain.commands.map((c) => c.split(' ')[0])).toEqual([
        'EHLO',
        'MAIL',
        'RCPT',
        'DATA',
        'QUIT',
      ]);
      expect(lines).toEqual([`mail to example.com sent without TLS: ${LAN} offers no STARTTLS`]);

      const secure = await fakeSmtp({
        host: LAN!,
        extensions: ['STARTTLS'],
        tlsExtensions: ['AUTH PLAIN'],
      });
      const smtpUrl = `smtp://alice:${URL_PASSWORD}@${LAN}:${secure.port}`;
      await createMailer({ smtpUrl, ca: CERTIFICATE.cert }).send(mail);
      expect(secure.commands.slice(0, 4)).toEqual([
        `EHLO [${LAN}]`,
        'STARTTLS',
        `EHLO [${LAN}]`,
        `AUTH PLAIN ${AUTH_PAYLOAD}`,
      ]);
      expect(secure.overTLS.slice(0, 4)).toEqual([false, false, true, true]);
    });
  },
);
