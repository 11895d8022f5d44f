// Plain HTML for the reference server: forms only, no script. Everything interpolated is escaped.
import { createHash } from 'node:crypto';

const ESCAPES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(value) {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A trusted HTML fragment, so that `markup` templates do not escape it a second time. */
class Safe {
  constructor(text) {
    this.text = text;
  }
  toString() {
    return this.text;
  }
}

/** Marks already-built markup (an inline SVG from otpkit/qr) as safe. */
export const raw = (text) => new Safe(text);

/** Tagged template: interpolated values are escaped unless marked with raw(); arrays are joined. */
export function markup(strings, ...values) {
  let out = strings[0];
  values.forEach((value, i) => {
    for (const part of Array.isArray(value) ? value : [value]) {
      if (part instanceof Safe) out += part.text;
      else if (part !== null && part !== undefined && part !== false) out += escapeHtml(part);
    }
    out += strings[i + 1];
  });
  return new Safe(out);
}

// The one stylesheet, inline. The Content-Security-Policy allows exactly this text, by its SHA-256
// (STYLE_HASH), not 'unsafe-inline': an injected <style> or style="" attribute would not apply.
// Readable from 375 px wide up; buttons at least 44 px high (the usual minimum touch target).
const CSS = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #d5dae3; --accent: #1f5fd1; }
* { box-sizing: border-box; }
body { margin: 0; font: 17px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--ink); background: #f3f5f9; }
header { background: #fff; border-bottom: 1px solid var(--line); }
header div { max-width: 36rem; margin: 0 auto; padding: .75rem 1rem; display: flex;
  justify-content: space-between; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
header a { font-weight: 600; color: var(--ink); text-decoration: none; }
header span { color: var(--muted); font-size: .95rem; }
main { max-width: 36rem; margin: 1.5rem auto; padding: 1.5rem 1.25rem; background: #fff;
  border: 1px solid var(--line); border-radius: 12px; }
h1 { font-size: 1.5rem; line-height: 1.25; margin: 0 0 1rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; }
a { color: var(--accent); }
label { display: block; font-weight: 600; margin: 1rem 0 .35rem; }
.hint { display: block; font-weight: 400; color: var(--muted); font-size: .92rem; }
input[type=text], input[type=password], input[type=email] { width: 100%; font: inherit;
  padding: .7rem .8rem; border: 1px solid #aab3c2; border-radius: 8px; }
input.code { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 1.3rem;
  letter-spacing: .15em; }
input:focus, button:focus, a:focus { outline: 3px solid #9bbcf5; outline-offset: 2px; }
button, .button { display: inline-block; min-height: 48px; min-width: 8rem; margin: 1rem 0 0;
  padding: .7rem 1.2rem; font: inherit; font-weight: 600; border-radius: 8px; cursor: pointer;
  border: 1px solid var(--accent); background: var(--accent); color: #fff; text-decoration: none;
  text-align: center; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button.danger { background: #b42318; border-color: #b42318; }
form.inline { display: inline; }
form + form, .actions { margin-top: .5rem; }
.actions { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; }
.actions button, .actions .button { margin: 0; }
.message { padding: .75rem 1rem; border-radius: 8px; background: #fff6dd; border: 1px solid #e7c65f; }
.message.ok { background: #e8f6ec; border-color: #7cc596; }
.qr { text-align: center; margin: 1rem 0; }
.qr svg { width: min(100%, 20rem); height: auto; border: 1px solid var(--line); }
code, .codes, pre { font-family: ui-monospace, Menlo, Consolas, monospace; }
.key { font-size: 1.1rem; word-spacing: .3em; overflow-wrap: anywhere; }
.codes { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(12rem, 1fr));
  gap: .4rem 1rem; font-size: 1.15rem; }
details { margin-top: 1.5rem; border-top: 1px solid var(--line); padding-top: 1rem; }
summary { cursor: pointer; color: var(--accent); min-height: 44px; }
pre { white-space: pre-wrap; background: #f3f5f9; padding: .75rem; border-radius: 8px; }
.muted { color: var(--muted); }
@media (max-width: 38rem) { main { margin: 0; border-radius: 0; border-width: 0 0 1px; } }
`;

/** The CSP source that allows the stylesheet above and nothing else. */
export const STYLE_HASH = `'sha256-${createHash('sha256').update(CSS).digest('base64')}'`;
// The whole element as one piece, so that no formatter can add whitespace inside it (the hash is of
// the exact text between <style> and </style>).
const STYLE_ELEMENT = raw(`<style>${CSS}</style>`);

/** Turns { name: value } into attributes: true writes the bare name, false/undefined omits it. */
function attributes(extra) {
  return Object.entries(extra)
    .filter(([, value]) => value !== false && value !== undefined)
    .map(([name, value]) => (value === true ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`))
    .join('');
}

/**
 * A labelled input. `hint` is shown under the label (say what is allowed before the user types);
 * `extra` holds more attributes: autofocus, autocomplete, required, ...
 */
export function field(name, label, { id = name, type = 'text', hint, ...extra } = {}) {
  const note = hint ? markup`<span class="hint">${hint}</span>` : '';
  return markup`<label for="${id}">${label}${note}</label>
<input id="${id}" name="${name}" type="${type}"${raw(attributes(extra))}>`;
}

/**
 * The field for a code. `autocomplete="one-time-code"` lets phones offer a code from a message;
 * `inputmode` brings up the digit keyboard (recovery codes have letters: `numeric: false`).
 */
export function codeField(
  label = 'Code from your authenticator app',
  { id = 'code', numeric = true, autofocus = false, hint } = {},
) {
  return field('code', label, {
    id,
    hint,
    class: 'code',
    inputmode: numeric ? 'numeric' : undefined,
    autocomplete: numeric ? 'one-time-code' : 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
    autofocus,
  });
}

/** A POST form with the session's CSRF token. `style`: 'secondary' or 'danger' for the button. */
export function form(action, csrf, fields, button, { style, inline = false } = {}) {
  const formClass = raw(inline ? ' class="inline"' : '');
  const buttonClass = raw(style ? ` class="${style}"` : '');
  return markup`<form method="post" action="${action}"${formClass}>
<input type="hidden" name="csrf" value="${csrf}">
${fields}
<button type="submit"${buttonClass}>${button}</button>
</form>`;
}

/**
 * The whole page. `user` (signed in) is named in the header; `message` is { text, ok } or null.
 */
export function page(title, body, { user = null, message = null } = {}) {
  const note = message
    ? markup`<p class="message${message.ok ? ' ok' : ''}" role="${
      message.ok ? 'status' : 'alert'
    }">${message.text}</p>`
    : '';
  const who = user ? markup`<span>Signed in as <b>${user.username}</b></span>` : '';
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · otpkit example</title>
${STYLE_ELEMENT}
</head>
<body>
<header><div><a href="/">otpkit example</a>${who}</div></header>
<main>
<h1>${title}</h1>
${note}
${body}
</main>
</body>
</html>
`.text;
}
