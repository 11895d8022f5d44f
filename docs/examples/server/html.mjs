// Plain HTML pages for the reference server: forms only, no script. Everything interpolated is escaped.

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A trusted HTML fragment, so that `html` templates do not escape it a second time. */
class Safe {
  constructor(text) {
    this.text = text;
  }
  toString() {
    return this.text;
  }
}

/** Marks already-built markup (an inline SVG from otpkit/qr, a nested template) as safe. */
export const raw = (text) => new Safe(text);

/** Tagged template: interpolated values are escaped unless marked with raw(); arrays are joined. */
export function html(strings, ...values) {
  let out = strings[0];
  values.forEach((value, i) => {
    const parts = Array.isArray(value) ? value : [value];
    for (const part of parts) {
      out += part instanceof Safe
        ? part.text
        : part === null || part === undefined || part === false
        ? ''
        : escapeHtml(part);
    }
    out += strings[i + 1];
  });
  return new Safe(out);
}

/** A POST form with the session's CSRF token. */
export function form(action, csrf, fields, button) {
  return html`<form method="post" action="${action}">
  <input type="hidden" name="csrf" value="${csrf}">
  ${fields}
  <button type="submit">${button}</button>
</form>`;
}

/** A labelled input. `autocomplete="one-time-code"` lets phones offer a code from a message. */
export function input(name, label, type = 'text', extra = {}) {
  const attributes = Object.entries(extra).map(([k, v]) => (v === true
    ? html`
      ${k}
    `
    : html`
      ${k}="${v}"
    `)
  );
  return html`<p><label>${label}<br><input name="${name}" type="${type}"${attributes}></label></p>`;
}

export const codeInput = (name = 'code') =>
  input(name, 'Code from your authenticator app', 'text', {
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    pattern: '[0-9 ]*',
    required: true,
  });

/** The whole page. */
export function page(title, body, { user = null, message = null } = {}) {
  return html`
    <!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>${title} - otpkit example</title>
        <style>
      body { font: 16px/1.5 system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
      .message { padding: .5rem 1rem; background: #fff3cd; border: 1px solid #e0c36a; }
      .qr svg { width: 16rem; height: 16rem; }
      code, .recovery { font-family: ui-monospace, monospace; }
      .recovery li { font-size: 1.2rem; }
    </style>
      </head>
      <body>
    <header><a href="/">otpkit example</a>${user
      ? html`
        · signed in as <b>${user.username}</b>
      `
      : ''}</header>
    <h1>${title}</h1>
    ${message ? html`<p class="message" role="alert">${message}</p>` : ''}
    ${body}
      </body>
    </html>
  `.text;
}
