// The app in headless Chromium, as a person uses it: register, enrol by scanning the QR code (the
// screenshot decoded with zbarimg must give the otpauth URI the page offers), the recovery codes page
// (refreshed, then "I have saved them"), sign out, sign in with password + code, a wrong code, "email
// me a code instead", the development mailbox, settings, a 404. Every page is photographed at 375 px
// (a phone) and 1280 px (a desktop) into the run's temp folder, and checked at 375 px: nothing wider
// than the screen, buttons at least 44 px high, the first field focused.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { totp } from '../../.ci/stores/totp.mjs';
import { launchChromium } from './chromium.mjs';
import { newUser } from './flows.mjs';
import { assert, check, equal, needs } from './report.mjs';
import { remember } from './secrets.mjs';

const run = promisify(execFile);
const PHONE = { width: 375, height: 740, mobile: true };
const DESKTOP = { width: 1280, height: 900, mobile: false };
const MIN_BUTTON_PX = 44;

/** What the page looks like at 375 px: overflow, small buttons, where the focus is. */
const LAYOUT = `(() => {
  const buttons = [...document.querySelectorAll('button, .button')]
    .filter((b) => b.offsetParent !== null)
    .map((b) => ({ text: b.textContent.trim().slice(0, 30), height: b.getBoundingClientRect().height }));
  const fields = [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
    .filter((f) => f.offsetParent !== null);
  return {
    path: location.pathname + location.search,
    scrollWidth: document.documentElement.scrollWidth,
    buttons,
    firstField: fields[0]?.name ?? null,
    focused: document.activeElement?.name ?? document.activeElement?.tagName ?? null,
  };
})()`;

export async function runBrowser({ chromium, zbarimg, instance, clock, runId, folder }) {
  const scope = 'chromium';
  const shots = join(folder, 'screenshots');
  mkdirSync(shots, { recursive: true });
  const layouts = [];
  let browser;
  let page;
  let count = 0;
  /** Both screenshots of the current page, and its layout at 375 px. */
  async function photograph(name) {
    count += 1;
    const base = join(shots, `${String(count).padStart(2, '0')}-${name}`);
    const desktop = await page.screenshot(`${base}-1280.png`, DESKTOP);
    const phone = await page.screenshot(`${base}-375.png`, PHONE);
    layouts.push({ name, ...(await page.evaluate(LAYOUT)) });
    return { desktop, phone };
  }
  const at = async () => {
    const url = new URL(await page.evaluate('location.href'));
    return `${url.pathname}${url.search}`;
  };
  const expectAt = async (expected, what) => {
    const where = await at();
    assert(
      expected.includes('?') ? where === expected : where.split('?')[0] === expected,
      `${what}: on ${where}, expected ${expected}`,
    );
  };
  const textOfPage = () => page.evaluate('document.body.innerText');

  try {
    const started = await check(
      scope,
      'headless Chromium starts (DevTools protocol on a pipe)',
      async () => {
        browser = await launchChromium(needs(chromium, 'chromium'));
        page = await browser.newPage(PHONE);
        return browser.version;
      },
    );

    const user = newUser(runId, 'Web');
    remember('password', user.password);
    const enrolled = await check(
      scope,
      'register, then enrol by scanning the QR code of the screenshot',
      async () => {
        needs(started, 'Chromium');
        await page.goto(`${instance.url}/`);
        await photograph('home');
        await page.click('a[href="/register"]');
        await expectAt('/register', 'the register link');
        await photograph('register');
        await page.type('input[name=username]', user.username);
        await page.type('input[name=email]', user.email);
        await page.type('input[name=password]', user.password);
        await page.click('form[action="/register"] button');
        await expectAt('/2fa/enrol', 'after registering');
        const { desktop, phone } = await photograph('enrol');
        const offered = await page.evaluate(
          `document.querySelector('a[href^="otpauth:"]')?.getAttribute('href') ?? null`,
        );
        const scanned = await scan(needs(zbarimg, 'zbarimg'), desktop);
        assert(scanned !== null, `zbarimg found no QR code in ${desktop}`);
        remember('otpauth URI', scanned);
        assert(
          scanned.startsWith('otpauth://totp/'),
          `the QR code holds "${scanned.slice(0, 16)}..."`,
        );
        if (offered !== null) equal(scanned, offered, "the scanned URI against the page's link");
        const secret = remember('totp secret', new URL(scanned).searchParams.get('secret'));
        const shown = (await textOfPage()).replace(/\s+/g, '');
        assert(shown.includes(secret), 'the key shown for typing is not the one in the QR code');
        const phoneScan = await scan(zbarimg, phone);
        await page.type('input[name=code]', remember('totp code', totp(secret, clock.now())));
        await page.click('form[action="/2fa/enrol"] button');
        await expectAt('/recovery-codes', 'after the first code');
        return {
          detail: `QR decoded at 1280 px${
            phoneScan === scanned ? ' and at 375 px' : ' (not at 375 px)'
          }`,
          secret,
        };
      },
    );

    await check(
      scope,
      'recovery codes page: a refresh shows the same codes, then "I have saved them"',
      async () => {
        needs(enrolled, 'the enrolment');
        await photograph('recovery-codes');
        const codes = () =>
          page.evaluate(
            `[...document.body.innerText.matchAll(/\\b[0-9a-z]{4}(?:-[0-9a-z]{4}){3}\\b/g)].map((m) => m[0])`,
          );
        const first = await codes();
        for (const code of first) remember('recovery code', code);
        equal(new Set(first).size, 10, 'distinct recovery codes on the page');
        await page.reload();
        equal(await codes(), first, 'the codes after a browser refresh');
        await page.click('form[action="/recovery-codes/saved"] button');
        await expectAt('/settings', 'after "I have saved them"');
        await photograph('settings');
        return '10 codes, the same after a refresh';
      },
    );

    await check(scope, 'sign out, sign in with password + code', async () => {
      const { secret } = needs(enrolled, 'the enrolment');
      await page.click('form[action="/logout"] button');
      await expectAt('/', 'after signing out');
      await photograph('home-signed-out');
      await page.click('a[href="/login"]');
      await expectAt('/login', 'the sign-in link');
      await photograph('login');
      await page.type('input[name=username]', user.username);
      await page.type('input[name=password]', 'not the password');
      await page.click('form[action="/login"] button');
      await expectAt('/login?m=wrong-password', 'a wrong password');
      await photograph('login-wrong-password');
      await page.type('input[name=username]', user.username);
      await page.type('input[name=password]', user.password);
      await page.click('form[action="/login"] button');
      await expectAt('/login/2fa', 'after the password');
      await photograph('login-2fa');
      await page.type(
        'input[name=code]',
        '000000' === totp(secret, clock.now()) ? '111111' : '000000',
      );
      await page.click('form[action="/login/2fa"] button');
      await expectAt('/login/2fa?m=invalid', 'a wrong code');
      await photograph('login-2fa-invalid');
      await page.click('form[action="/login/email-code"] button');
      await expectAt('/login/2fa?m=code-sent', '"Email me a code instead"');
      await photograph('login-2fa-code-sent');
      await page.goto(`${instance.url}/dev/mailbox`);
      await photograph('dev-mailbox');
      await page.goto(`${instance.url}/login/2fa`);
      await clock.advance(30_000); // the next step: a code not used at enrolment
      await page.type('input[name=code]', remember('totp code', totp(secret, clock.now())));
      await page.click('form[action="/login/2fa"] button');
      await expectAt('/', 'after the code');
      const text = await textOfPage();
      assert(/sign out/i.test(text), 'the home page after the code offers no "Sign out"');
      await photograph('home-signed-in');
      for (const cookie of await page.cookies()) remember('session cookie', cookie.value);
      return 'signed in';
    });

    await check(scope, 'settings and a missing page', async () => {
      needs(enrolled, 'the enrolment');
      await page.goto(`${instance.url}/settings`);
      await expectAt('/settings', 'GET /settings');
      await photograph('settings-2fa-on');
      await page.goto(`${instance.url}/no-such-page`);
      await photograph('not-found');
      return `${count} pages photographed in ${shots}`;
    });

    await check(
      scope,
      'every page at 375 px: no horizontal scrolling, buttons >= 44 px high',
      async () => {
        assert(layouts.length > 0, 'no page was photographed');
        const problems = [];
        for (const l of layouts) {
          if (l.scrollWidth > PHONE.width) problems.push(`${l.path}: ${l.scrollWidth} px wide`);
          for (const b of l.buttons) {
            if (b.height < MIN_BUTTON_PX) {
              problems.push(`${l.path}: button "${b.text}" ${Math.round(b.height)} px high`);
            }
          }
        }
        assert(problems.length === 0, problems.join('; '));
        return `${layouts.length} pages`;
      },
    );

    await check(scope, 'pages with a form open with the focus on the first field', async () => {
      const forms = layouts.filter((l) =>
        l.firstField !== null && !['settings', 'settings-2fa-on'].includes(l.name)
      );
      assert(forms.length > 0, 'no page with a field was photographed');
      const problems = forms.filter((l) => l.focused !== l.firstField).map((l) =>
        `${l.path}: focus on ${l.focused}, first field ${l.firstField}`
      );
      assert(problems.length === 0, problems.join('; '));
      return forms.map((l) => l.path).join(', ');
    });
  } finally {
    await browser?.close();
  }
}

/** The text of the QR code in a PNG (zbarimg), or null when none is found. */
async function scan(zbarimg, file) {
  try {
    const { stdout } = await run(zbarimg, ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', file], {
      timeout: 30_000,
    });
    return stdout.trim() || null;
  } catch {
    return null; // exit code 4: no symbol found
  }
}
