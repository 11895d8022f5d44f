// qrToTerminal with `color: true` read off simulated terminals: its ANSI colours interpreted over light and
// dark themes (test/helpers/terminal.ts), drawn into images and decoded by zbarimg. The plain drawing is
// decoded the same way, to show what the colours fix: it reads on dark themes only (inverted on light
// ones, or the other way round with invert). And the height: an enrolment URI fits a 24-line terminal.
import { describe, expect, it } from 'vitest';
import { buildKeyURI, generateSecret } from '../src/index.js';
import { encodeQR, qrToTerminal } from '../src/qr/index.js';
import { expectOTPError } from './helpers/errors.js';
import { LEVELS } from './helpers/qr.js';
import { type Random, seededRandom } from './helpers/random.js';
import { isLight, scan, THEMES } from './helpers/terminal.js';
import { zbarFound } from './helpers/zbar.js';

const ci = (process.env.CI ?? '') !== '';
if (!zbarFound && !ci) {
  console.warn(
    'qr-terminal.test.ts: the zbarimg tests are SKIPPED (apt-get install -y zbar-tools); under CI they must run.',
  );
}

const SGR_START = '\x1b[30;47;107m';
const SGR_END = '\x1b[0m';

/** A random enrolment URI: issuer, account and a 10- to 32-byte secret. */
function enrolmentURI(rng: Random, k: number): string {
  const secret = rng.bytes(rng.int(10, 32));
  return buildKeyURI({
    secret,
    issuer: rng.pick(['Example Co', 'ACME', 'Ünïcødé & Sons', 'GitHub']),
    account: `user${k}.${'x'.repeat(rng.int(0, 20))}@example.com`,
  });
}

describe('qrToTerminal with color: true', () => {
  it('draws the dark modules as black blocks on a white ground: one SGR per line, reset at its end', () => {
    const rng = seededRandom();
    for (let k = 0; k < 6; k++) {
      const q = encodeQR(enrolmentURI(rng, k), { ecc: rng.pick(LEVELS) });
      const margin = rng.int(0, 5);
      const colored = qrToTerminal(q, { margin, color: true }).split('\n');
      const inverted = qrToTerminal(q, { margin, invert: true }).split('\n');
      expect(colored, rng.tag).toEqual(inverted.map((line) => `${SGR_START}${line}${SGR_END}`));
    }
  });

  it('refuses invert with color, and a color that is not a boolean', async () => {
    const q = encodeQR('x');
    await expectOTPError(
      () => qrToTerminal(q, { color: true, invert: true }),
      'ERR_INVALID_OPTION',
    );
    for (const color of ['yes', 1, null]) {
      await expectOTPError(() => qrToTerminal(q, { color } as never), 'ERR_INVALID_OPTION');
    }
    expect(qrToTerminal(q, { color: false })).toBe(qrToTerminal(q));
    expect(qrToTerminal(q, { color: true, invert: false })).toBe(qrToTerminal(q, { color: true }));
  });

  it('an enrolment URI of up to 106 bytes draws in at most 23 lines at level L (version 5); 107 bytes need 25', () => {
    // 64 bytes of "otpauth://totp/", ":", "?secret=", "&issuer=" and a 20-byte secret (32 base32
    // characters), the issuer twice and the account: "ACME" and 34 characters make 106 bytes.
    const uri = (issuer: string, account: string): string =>
      buildKeyURI({ secret: generateSecret(), issuer, account });
    const fits = [
      uri('Example', 'alice@example.com'),
      uri('GitHub', 'alice'),
      uri('Google', 'alice.smith@gmail.com'),
      uri('ACME', 'a'.repeat(34)),
    ];
    for (const text of fits) {
      expect(text.length, text).toBeLessThanOrEqual(106);
      const lines = qrToTerminal(encodeQR(text, { ecc: 'L' }), { color: true }).split('\n');
      expect(lines.length, text).toBeLessThanOrEqual(23);
    }
    expect(uri('ACME', 'a'.repeat(34))).toHaveLength(106);
    const over = uri('ACME', 'a'.repeat(35));
    expect(over).toHaveLength(107);
    expect(encodeQR(over, { ecc: 'L' }).version).toBe(6);
    expect(qrToTerminal(encodeQR(over, { ecc: 'L' }), { color: true }).split('\n')).toHaveLength(
      25,
    );
  });
});

describe.skipIf(!zbarFound && !ci)('read off light and dark terminals by zbarimg', () => {
  it('zbarimg is installed (CI installs zbar-tools; these tests may not skip there)', () => {
    expect(zbarFound).toBe(true);
  });

  it(`color: true decodes to the URI on every theme (${THEMES.map((t) => t.name).join('; ')})`, async () => {
    const rng = seededRandom();
    const failures: string[] = [];
    for (let k = 0; k < 6; k++) {
      const uri = enrolmentURI(rng, k);
      const ecc = rng.pick(LEVELS);
      const drawing = qrToTerminal(encodeQR(uri, { ecc }), { color: true });
      for (const theme of THEMES) {
        if ((await scan(drawing, theme)) !== uri) failures.push(`#${k} ${ecc} on ${theme.name}`);
      }
    }
    expect(failures, rng.tag).toEqual([]);
  });

  it('the plain drawing reads on dark themes only, the inverted one on light themes only', async () => {
    const uri = buildKeyURI({ secret: generateSecret(), issuer: 'Example', account: 'alice' });
    const q = encodeQR(uri, { ecc: 'L' });
    for (const theme of THEMES) {
      const plain = await scan(qrToTerminal(q), theme);
      const inverted = await scan(qrToTerminal(q, { invert: true }), theme);
      expect([plain, inverted], theme.name).toEqual(isLight(theme) ? ['', uri] : [uri, '']);
    }
  });
});
