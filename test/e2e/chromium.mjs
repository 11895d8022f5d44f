// Headless Chromium driven over the DevTools protocol on --remote-debugging-pipe: the browser reads
// commands from fd 3 and writes answers and events to fd 4, each a JSON message ended by a NUL byte.
// No websocket, no client package, nothing listening on a port. Debian's `chromium` (.ci/run's apt
// list), found as .ci/runtimes/browsers.mjs finds it, with its flags. The browser runs in its own
// process group, killed by `close()` (and never outlives the run: the runner closes it in `finally`).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CHROMIUM_FLAGS } from '../../.ci/runtimes/browsers.mjs';

const COMMAND_TIMEOUT_MS = 20_000;

/** Starts headless Chromium; resolves to a browser with `newPage(viewport)` and `close()`. */
export async function launchChromium(bin) {
  const profile = mkdtempSync(join(tmpdir(), 'otpkit-e2e-chromium-'));
  const child = spawn(bin, [
    ...CHROMIUM_FLAGS,
    '--remote-debugging-pipe',
    `--user-data-dir=${profile}`,
    '--hide-scrollbars',
    '--font-render-hinting=none',
    'about:blank',
  ], { detached: true, stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-10_000);
  });
  const toBrowser = child.stdio[3];
  const fromBrowser = child.stdio[4];
  let nextId = 1;
  const pending = new Map();
  const listeners = new Set();
  let buffer = '';
  let exited = null;
  fromBrowser.setEncoding('utf8').on('data', (chunk) => {
    buffer += chunk;
    let end;
    while ((end = buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      if (message.id !== undefined) {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (message.error) waiter?.reject(new Error(`${waiter.method}: ${message.error.message}`));
        else waiter?.resolve(message.result);
      } else {
        for (const listener of listeners) listener(message);
      }
    }
  });
  child.on('exit', (code, signal) => {
    exited = `chromium exited (${signal ?? code}); its last output: ${stderr.trim().slice(-500)}`;
    for (const waiter of pending.values()) waiter.reject(new Error(exited));
    pending.clear();
  });
  toBrowser.on('error', () => {}); // a write after exit: the exit handler already failed the call

  /** One protocol command (to a page when `sessionId` is given). */
  function send(method, params = {}, sessionId) {
    if (exited) return Promise.reject(new Error(exited));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`${method}: no answer from chromium in ${COMMAND_TIMEOUT_MS / 1000} s`));
      }, COMMAND_TIMEOUT_MS);
      pending.set(id, {
        method,
        resolve: (value) => (clearTimeout(timer), resolve(value)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      toBrowser.write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
    });
  }

  /** The next event `method` of `sessionId` for which `accept(params)` holds. */
  function waitFor(method, sessionId, accept = () => true, timeoutMs = COMMAND_TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      const listener = (message) => {
        if (
          message.method === method && message.sessionId === sessionId && accept(message.params)
        ) {
          listeners.delete(listener);
          clearTimeout(timer);
          resolve(message.params);
        }
      };
      const timer = setTimeout(() => {
        listeners.delete(listener);
        reject(new Error(`no ${method} in ${timeoutMs / 1000} s`));
      }, timeoutMs);
      listeners.add(listener);
    });
  }

  const version = await send('Browser.getVersion');

  return {
    version: version.product,
    newPage: (viewport) => openPage({ send, waitFor }, viewport),
    async close() {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
      await new Promise((resolve) => {
        if (exited) resolve();
        else child.once('exit', resolve);
        setTimeout(resolve, 5_000).unref();
      });
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A page (a tab of its own, with its own cookies: a fresh browser context) at `viewport`. */
async function openPage({ send, waitFor }, { width, height, mobile }) {
  const { browserContextId } = await send('Target.createBrowserContext', { disposeOnDetach: true });
  const { targetId } = await send('Target.createTarget', { url: 'about:blank', browserContextId });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const call = (method, params) => send(method, params, sessionId);
  await call('Page.enable');
  await call('Runtime.enable');
  await call('Network.enable');
  const metrics = { width, height, deviceScaleFactor: 1, mobile };
  await call('Emulation.setDeviceMetricsOverride', metrics);

  /** Evaluates `expression` in the page; resolves to its value (awaited, by value). */
  async function evaluate(expression) {
    const { result, exceptionDetails } = await call('Runtime.evaluate', {
      expression,
      returnByValue: true,
      awaitPromise: true,
    });
    if (exceptionDetails) {
      throw new Error(
        `in the page: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`,
      );
    }
    return result.value;
  }

  /** Runs `action` and waits for the top frame's next load (a navigation it caused). */
  async function navigation(action) {
    const loaded = waitFor('Page.loadEventFired', sessionId);
    await action();
    await loaded;
    return evaluate('location.href');
  }

  /** The centre of the element `selector` in viewport coordinates, scrolled into view. */
  async function centreOf(selector) {
    const box = await evaluate(`(() => {
      const el = document.querySelector(${JSON.stringify(selector)});
      if (!el) return null;
      el.scrollIntoView({ block: 'center' });
      const r = el.getBoundingClientRect();
      return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
    })()`);
    if (box === null) {
      throw new Error(`no element ${selector} on ${await evaluate('location.href')}`);
    }
    return box;
  }

  return {
    evaluate,
    /** Opens `url` and waits for its load event; resolves to the final URL. */
    goto: (url) => navigation(() => call('Page.navigate', { url })),
    /** Reloads the page (a refresh: the browser repeats the last GET). */
    reload: () => navigation(() => call('Page.reload', { ignoreCache: true })),
    /** Types `text` into the element `selector`, as a keyboard would (focus, then insert). */
    async type(selector, text) {
      const found = await evaluate(`(() => {
        const el = document.querySelector(${JSON.stringify(selector)});
        if (!el) return false;
        el.focus();
        el.value = '';
        return true;
      })()`);
      if (!found) throw new Error(`no field ${selector} on ${await evaluate('location.href')}`);
      await call('Input.insertText', { text });
    },
    /** Taps the element `selector` with the mouse and waits for the page it loads. */
    async click(selector) {
      const { x, y } = await centreOf(selector);
      return navigation(async () => {
        for (const type of ['mousePressed', 'mouseReleased']) {
          await call('Input.dispatchMouseEvent', { type, x, y, button: 'left', clickCount: 1 });
        }
      });
    },
    /** A full-page PNG at `size` ({width, height, mobile}); restores the page's viewport after. */
    async screenshot(file, size = { width, height, mobile }) {
      await call('Emulation.setDeviceMetricsOverride', { ...metrics, ...size });
      const { cssContentSize } = await call('Page.getLayoutMetrics');
      const fullHeight = Math.max(size.height, Math.ceil(cssContentSize.height));
      await call('Emulation.setDeviceMetricsOverride', {
        ...metrics,
        ...size,
        height: fullHeight,
      });
      const { data } = await call('Page.captureScreenshot', { format: 'png' });
      await call('Emulation.setDeviceMetricsOverride', metrics);
      writeFileSync(file, Buffer.from(data, 'base64'));
      return file;
    },
    /** The page's cookies (name, value). */
    cookies: async () => (await call('Network.getCookies')).cookies,
    close: () => send('Target.closeTarget', { targetId }),
  };
}
