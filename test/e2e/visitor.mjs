// A visitor over plain HTTP, as a browser without scripts behaves: one cookie jar (cookies are not
// port-scoped, so one jar serves both instances on 127.0.0.1, as a load balancer in front of them
// would), forms read from the page (hidden fields such as the CSRF token included), POST answers'
// redirects followed with a GET. Every POST's status is recorded for the PRG check.
import { Agent, request as httpRequest } from 'node:http';
import { remember } from './secrets.mjs';

// Enough sockets for a burst of parallel requests, kept alive between them.
const agent = new Agent({ keepAlive: true, maxSockets: 600 });

/** Every POST sent by any visitor: { path, status } (the PRG check reads it). */
export const posts = [];

/** One HTTP request; resolves to { status, headers, body } (body as text). */
export function request(url, { method = 'GET', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method, headers, agent }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(60_000, () => req.destroy(new Error(`${method} ${url}: no answer in 60 s`)));
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

const decodeEntities = (text) =>
  text.replace(
    /&(amp|lt|gt|quot|#39|#x27);/g,
    (_, name) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'" })[name],
  );

const attribute = (tag, name) => {
  const match = tag.match(new RegExp(`\\s${name}\\s*=\\s*("([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i'));
  return match ? decodeEntities(match[2] ?? match[3] ?? match[4]) : null;
};

/** The forms of a page: [{ action, method, fields: {name: value}, buttons: [text] }]. */
export function formsOf(html) {
  const forms = [];
  for (const match of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const fields = {};
    for (const input of match[2].matchAll(/<(input|textarea|select)\b[^>]*>/gi)) {
      const name = attribute(input[0], 'name');
      if (name === null) continue;
      fields[name] = attribute(input[0], 'value') ?? '';
    }
    const buttons = [...match[2].matchAll(/<button\b[^>]*>([\s\S]*?)<\/button>/gi)].map((b) =>
      decodeEntities(b[1].replace(/<[^>]+>/g, '')).trim()
    );
    forms.push({
      action: attribute(`<form ${match[1]}>`, 'action') ?? '',
      method: (attribute(`<form ${match[1]}>`, 'method') ?? 'get').toLowerCase(),
      fields,
      buttons,
    });
  }
  return forms;
}

/** The visible text of a page, tags removed and whitespace collapsed. */
export const textOf = (html) =>
  decodeEntities(
    html.replace(/<(style|script)\b[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]+>/g, ' '),
  ).replace(/\s+/g, ' ').trim();

/** A visitor: `base` is the instance it talks to unless a call names another (`via`). */
export function visitor(base, label = 'visitor') {
  const jar = new Map();
  let last = null; // the last page: { url, status, body }

  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  function keepCookies(headers) {
    for (const line of [headers['set-cookie'] ?? []].flat()) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) =>
        /^\s*max-age\s*=\s*(0|-)/i.test(a) ||
        (/^\s*expires\s*=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now())
      );
      if (expired || value === '') jar.delete(name);
      else jar.set(name, remember('session cookie', value));
    }
  }

  async function send(method, path, { via = base, headers = {}, body } = {}) {
    const url = new URL(path, via).href;
    const cookie = cookieHeader();
    const answer = await request(url, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...headers },
      body,
    });
    keepCookies(answer.headers);
    return { url, ...answer };
  }

  const self = {
    label,
    jar,
    get last() {
      return last;
    },
    /** The session cookie's value (whatever the app names it), or undefined. */
    cookie: (name) => (name ? jar.get(name) : [...jar.values()][0]),
    /** Replaces the jar (a copied cookie: an attacker who stole it, or a second tab). */
    setCookies(entries) {
      jar.clear();
      for (const [name, value] of entries) jar.set(name, value);
    },
    /** GET `path`, following redirects (at most 5); the final page becomes `last`. */
    async get(path, options = {}) {
      let answer = await send('GET', path, options);
      const chain = [answer];
      for (let hops = 0; hops < 5 && [301, 302, 303, 307].includes(answer.status); hops++) {
        answer = await send('GET', answer.headers.location, { ...options, via: answer.url });
        chain.push(answer);
      }
      last = { ...answer, chain };
      return last;
    },
    /** HEAD `path` (no redirect followed). */
    head: (path, options = {}) => send('HEAD', path, options),
    /**
     * Submits the form of the last page whose action is `action` (and, if given, whose button says
     * `button`), with `fields` over its own; a 303 is followed with a GET. Resolves to the final page,
     * with `postStatus` and `location` of the POST itself.
     */
    async submit(action, fields = {}, { button, via, from = last, follow = true } = {}) {
      const form = formsOf(from?.body ?? '').find((f) =>
        f.action === action && f.method === 'post' &&
        (button === undefined || f.buttons.some((b) => b.includes(button)))
      );
      if (!form) {
        throw new Error(
          `${label}: no POST form ${action}${
            button ? ` "${button}"` : ''
          } on ${from?.url} (forms: ${
            formsOf(from?.body ?? '').map((f) => `${f.method} ${f.action}`).join(', ') || 'none'
          })`,
        );
      }
      return self.post(action, { ...form.fields, ...fields }, { via: via ?? from.url, follow });
    },
    /** POSTs `fields` as a form to `path`; a redirect is followed with a GET. */
    async post(path, fields, { via = base, follow = true } = {}) {
      const answer = await send('POST', path, {
        via,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(fields).toString(),
      });
      posts.push({ url: answer.url, path: new URL(answer.url).pathname, status: answer.status });
      if (!follow || ![301, 302, 303, 307].includes(answer.status)) {
        last = { ...answer, postStatus: answer.status, chain: [answer] };
        return last;
      }
      const page = await self.get(new URL(answer.headers.location, answer.url).href);
      page.postStatus = answer.status;
      page.location = answer.headers.location;
      page.chain = [answer, ...page.chain];
      return page;
    },
    /** A copy of this visitor with the same cookies (a second tab of the same browser). */
    clone(newLabel = `${label}'`) {
      const other = visitor(base, newLabel);
      other.setCookies([...jar]);
      return other;
    },
  };
  return self;
}
