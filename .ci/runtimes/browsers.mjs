// Browser runner: a node:http server on 127.0.0.1 serves the stage (the built package, the suite, the
// vectors module and page.html/page.js); a headless browser (Chromium, Firefox) opens the pages, which
// POST their results back to /report. Chromium opens three pages, each in its own browser (Firefox the
// suite only):
//   suite     http://127.0.0.1:PORT/page.html?mode=suite     the conformance suite (a secure context:
//             browsers treat 127.0.0.1 as potentially trustworthy, so crypto.subtle is there)
//   insecure  http://otpkit.test:PORT/page.html?mode=insecure  a NON-secure origin: --host-resolver-rules
//             maps the name to 127.0.0.1, so nothing leaves the machine, but the origin is not trustworthy
//             and Chromium hides crypto.subtle, as on any plain-HTTP site
//   nosubtle  http://127.0.0.1:PORT/page.html?mode=nosubtle  crypto.subtle deleted before importing otpkit
// The runner kills the browser when all reports are in, or fails at the timeout: it can never hang CI.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox', // required as root; the page is our own
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const INSECURE_HOST = 'otpkit.test';
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
};

/**
 * A browser binary: $<envVar>, else the first of `names` on PATH; installed from Debian's `aptPackage`
 * when missing and we are root with apt-get. Null when there is none.
 */
async function ensureBrowser({ envVar, names, aptPackage }, log) {
  const find = () => {
    const candidates = process.env[envVar] ? [process.env[envVar]] : [];
    for (const dir of (process.env.PATH ?? '').split(':')) {
      for (const name of names) candidates.push(join(dir, name));
    }
    return candidates.find((p) => p && existsSync(p)) ?? null;
  };
  const found = find();
  if (found || process.getuid?.() !== 0 || !existsSync('/usr/bin/apt-get')) return found;
  log(
    `installing ${aptPackage} from Debian (apt-get install -y --no-install-recommends ${aptPackage})`,
  );
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], { env, maxBuffer: 16 << 20 });
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', aptPackage], {
    env,
    maxBuffer: 64 << 20,
  });
  return find();
}

/** Chromium: $CHROMIUM, chromium or chromium-browser on PATH, or Debian's chromium. */
export const ensureChromium = (log = console.log) =>
  ensureBrowser({
    envVar: 'CHROMIUM',
    names: ['chromium', 'chromium-browser'],
    aptPackage: 'chromium',
  }, log);

/** Firefox: $FIREFOX, firefox-esr or firefox on PATH, or Debian's firefox-esr. */
export const ensureFirefox = (log = console.log) =>
  ensureBrowser(
    { envVar: 'FIREFOX', names: ['firefox-esr', 'firefox'], aptPackage: 'firefox-esr' },
    log,
  );

/** What a browser says of its version (`--version`). */
export async function browserVersion(bin) {
  const { stdout } = await run(bin, ['--version'], { timeout: 30_000 });
  return stdout.trim();
}

function serve(stage, onReport) {
  const root = normalize(stage + sep);
  return createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'POST' && url.pathname === '/report') {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk) => {
        body += chunk;
      });
      req.on('end', () => {
        res.writeHead(204).end();
        try {
          onReport(url.searchParams.get('mode') ?? '?', JSON.parse(body));
        } catch (error) {
          onReport(url.searchParams.get('mode') ?? '?', { error: `unreadable report: ${error}` });
        }
      });
      return;
    }
    const path = normalize(join(root, decodeURIComponent(url.pathname)));
    if (
      req.method !== 'GET' || !path.startsWith(root) || !existsSync(path) ||
      !statSync(path).isFile()
    ) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': MIME[extname(path)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(readFileSync(path));
  });
}

/** How headless Chromium opens one page with a fresh profile: its arguments. */
export function chromiumArgs(url, profile) {
  return [
    ...CHROMIUM_FLAGS,
    `--user-data-dir=${profile}`,
    `--host-resolver-rules=MAP ${INSECURE_HOST} 127.0.0.1`,
    url,
  ];
}

// Firefox preferences for a quiet headless run on a closed network: no first-run pages, no update,
// telemetry or remote-settings traffic.
const FIREFOX_PREFS = {
  'browser.shell.checkDefaultBrowser': false,
  'browser.startup.homepage_override.mstone': 'ignore',
  'browser.aboutwelcome.enabled': false,
  'datareporting.policy.dataSubmissionEnabled': false,
  'toolkit.telemetry.reportingpolicy.firstRun': false,
  'app.update.auto': false,
  'app.update.enabled': false,
  'extensions.update.enabled': false,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'services.settings.server': 'http://127.0.0.1:9/',
};

/** How headless Firefox opens one page with a fresh profile: writes the profile's prefs, returns its arguments. */
export function firefoxArgs(url, profile) {
  const prefs = Object.entries(FIREFOX_PREFS).map(([name, value]) =>
    `user_pref(${JSON.stringify(name)}, ${JSON.stringify(value)});`
  );
  writeFileSync(join(profile, 'user.js'), `${prefs.join('\n')}\n`);
  return ['--headless', '--no-remote', '--profile', profile, url];
}

/**
 * Runs each page in its own headless browser (headless mode takes one URL per browser), one after the
 * other, with a fresh profile each; `args(url, profile)` is how this browser opens a page. Resolves to
 * { reports: { mode: report }, runs: [{ mode, url, stderr, timedOut, earlyExit }] } where a report is
 * { lines, result?: { passed, failed, total }, error? }.
 */
export async function runPages(
  {
    bin,
    args = chromiumArgs,
    label = 'chromium',
    stage,
    modes = ['suite', 'insecure', 'nosubtle'],
    timeoutMs = 60_000,
  },
) {
  const reports = {};
  const waiting = new Map();
  const server = serve(stage, (mode, report) => {
    if (!(mode in reports)) reports[mode] = report;
    waiting.get(mode)?.();
  });
  await new Promise((resolve, reject) =>
    server.listen(0, '127.0.0.1', resolve).on('error', reject)
  );
  const { port } = server.address();
  const runs = [];
  try {
    for (const mode of modes) {
      const url = `http://${
        mode === 'insecure' ? INSECURE_HOST : '127.0.0.1'
      }:${port}/page.html?mode=${mode}&label=${encodeURIComponent(label)}`;
      const reported = new Promise((resolve) => waiting.set(mode, resolve));
      runs.push({ mode, url, ...(await openPage(bin, args, url, reported, timeoutMs)) });
    }
  } finally {
    server.close();
  }
  return { reports, runs };
}

async function openPage(bin, argsOf, url, reported, timeoutMs) {
  const profile = mkdtempSync(join(tmpdir(), 'otpkit-browser-'));
  const child = spawn(bin, argsOf(url, profile), {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-20_000);
  });
  const exited = new Promise((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })).on(
      'error',
      (error) => resolve({ error: String(error) }),
    )
  );
  let timer;
  const outcome = await Promise.race([
    reported.then(() => 'reported'),
    exited.then((exit) => ({ exit })),
    new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    }),
  ]);
  clearTimeout(timer);
  try {
    process.kill(-child.pid, 'SIGKILL'); // its own process group: the browser, renderers and zygote
  } catch {
    // already gone
  }
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
  rmSync(profile, { recursive: true, force: true });
  return {
    stderr,
    timedOut: outcome === 'timeout',
    earlyExit: typeof outcome === 'object' ? outcome.exit : null,
  };
}
