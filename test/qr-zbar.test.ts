// otpkit/qr read by a real, independent decoder: zbarimg (ZBar, Debian package zbar-tools). Symbols are
// drawn into PGM images by a tiny writer (both in test/helpers/zbar.ts), decoded in batches, and every
// decode must equal the input byte for byte. Skipped (with a message) only when zbarimg is missing
// outside CI; under CI it must run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeQR, type QRErrorCorrection, type QRMatrix, qrToTerminal } from '../src/qr/index.js';
import { capacity, LEVELS, type QRMode } from './helpers/qr.js';
import { type Random, seededRandom } from './helpers/random.js';
import { pgm, zbar, zbarFound } from './helpers/zbar.js';

const found = zbarFound;
const ci = (process.env.CI ?? '') !== '';
if (!found && !ci) {
  console.warn(
    'qr-zbar.test.ts SKIPPED: zbarimg is not installed (apt-get install -y zbar-tools); under CI this test must run.',
  );
}

/** A symbol with a 4-module quiet zone, 2 to 4 pixels per module. */
const picture = (q: QRMatrix): Uint8Array =>
  pgm(q.size + 8, q.size > 100 ? 2 : q.size > 50 ? 3 : 4, (x, y) => q.isDark(x - 4, y - 4));

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
// Code points for "long Unicode" texts: Latin-1, Greek and Cyrillic, CJK, Hangul and emoji (1-4 UTF-8 bytes).
const RANGES: readonly [number, number][] = [
  [0x20, 0x7e],
  [0xa1, 0xff],
  [0x391, 0x3c9],
  [0x410, 0x44f],
  [0x4e00, 0x9fa5],
  [0xac00, 0xd7a3],
  [0x1f300, 0x1f64f],
];

type Kind = 'ascii' | 'unicode' | 'digits' | 'alphanumeric';
const MODE: Record<Kind, QRMode> = {
  ascii: 'byte',
  unicode: 'byte',
  digits: 'numeric',
  alphanumeric: 'alphanumeric',
};

function randomChar(rng: Random, kind: Kind): string {
  if (kind === 'digits') return String(rng.int(0, 9));
  if (kind === 'alphanumeric') return ALPHANUMERIC[rng.int(0, 44)] as string;
  if (kind === 'ascii') {
    return rng.int(0, 40) === 0 ? '\n' : String.fromCharCode(rng.int(0x20, 0x7e));
  }
  const [low, high] = rng.pick(RANGES);
  return String.fromCodePoint(rng.int(low, high));
}

const utf8Length = (text: string): number => new TextEncoder().encode(text).length;

/** A random text of `kind` whose length (UTF-8 bytes in byte mode) is exactly `target`. */
function randomText(rng: Random, kind: Kind, target: number): string {
  let text = '';
  let length = 0;
  for (;;) {
    const c = randomChar(rng, kind);
    const n = kind === 'unicode' ? utf8Length(c) : 1;
    if (length + n > target) break;
    text += c;
    length += n;
  }
  // Top up a Unicode text with ASCII to reach the exact byte count.
  while (length < target) {
    text += String.fromCharCode(rng.int(0x41, 0x5a));
    length++;
  }
  return text;
}

interface Case {
  text: string;
  ecc: QRErrorCorrection;
  minVersion?: number;
  expectVersion?: number;
  label: string;
}

/** 160 texts that fill each version of each level (at least one more than the version below holds), 160 of random kinds and lengths. */
function cases(rng: Random): Case[] {
  const out: Case[] = [];
  const kinds: Kind[] = ['ascii', 'unicode', 'unicode', 'digits', 'alphanumeric'];
  for (const ecc of LEVELS) {
    for (let v = 1; v <= 40; v++) {
      const kind = rng.pick(kinds);
      const mode = MODE[kind];
      const below = v === 1 ? 0 : capacity(ecc, v - 1, mode);
      const target = rng.int(below + 1, capacity(ecc, v, mode));
      out.push({
        text: randomText(rng, kind, target),
        ecc,
        expectVersion: v,
        label: `${kind} ${target} at ${ecc}, version ${v}`,
      });
    }
  }
  for (let k = 0; k < 160; k++) {
    const kind = rng.pick(kinds);
    const ecc = rng.pick(LEVELS);
    // Mostly enrolment-sized texts, some long ones up to what version 40 holds.
    const max = capacity(ecc, 40, MODE[kind]);
    const target = rng.int(0, 3) === 0 ? rng.int(1, max) : rng.int(1, Math.min(max, 300));
    const minVersion = rng.int(0, 4) === 0 ? rng.int(1, 40) : undefined;
    out.push({
      text: randomText(rng, kind, target),
      ecc,
      ...(minVersion ? { minVersion } : {}),
      label: `${kind} ${target} at ${ecc}${minVersion ? `, minVersion ${minVersion}` : ''}`,
    });
  }
  return out;
}

describe.skipIf(!found && !ci)('decoding with zbarimg (ZBar), an independent reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otpkit-qr-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('zbarimg is installed (CI installs zbar-tools; the test may not skip there)', () => {
    expect(found, 'zbarimg not found: apt-get install -y --no-install-recommends zbar-tools').toBe(
      true,
    );
  });

  it('decodes 320 seeded random texts (ASCII, long Unicode, digits, alphanumerics; every level; versions 1-40) to the input', async () => {
    const rng = seededRandom();
    const all = cases(rng);
    const files: string[] = [];
    const versions = new Set<string>();
    all.forEach((c, i) => {
      const q = encodeQR(c.text, { ecc: c.ecc, minVersion: c.minVersion });
      if (c.expectVersion !== undefined) {
        expect(q.version, `${c.label} ${rng.tag}`).toBe(c.expectVersion);
      }
      if (c.minVersion !== undefined) expect(q.version).toBeGreaterThanOrEqual(c.minVersion);
      versions.add(`${q.ecc}${q.version}`);
      c.label += ` -> ${q.ecc}-${q.version} mask ${q.mask}`;
      files.push(join(dir, `${String(i).padStart(3, '0')}.pgm`));
      writeFileSync(files[i] as string, picture(q));
    });
    expect(all.length).toBeGreaterThanOrEqual(320);
    expect(versions.size).toBeGreaterThanOrEqual(160); // every version at every level

    // Batches of 20 images per zbarimg run, two runs at a time.
    const encoder = new TextEncoder();
    const batches: number[][] = [];
    for (let i = 0; i < all.length; i += 20) {
      batches.push(Array.from({ length: Math.min(20, all.length - i) }, (_, k) => i + k));
    }
    const failures: string[] = [];
    const check = async (batch: number[]): Promise<void> => {
      const got = await zbar(batch.map((i) => files[i] as string));
      const want = encoder.encode(batch.map((i) => all[i]?.text).join(''));
      if (got.length === want.length && got.every((b, k) => b === want[k])) return;
      // Find the culprit(s) one image at a time.
      for (const i of batch) {
        const one = await zbar([files[i] as string]);
        const expected = encoder.encode(all[i]?.text);
        if (one.length !== expected.length || !one.every((b, k) => b === expected[k])) {
          failures.push(
            `#${i} ${all[i]?.label}: decoded ${one.length} bytes, expected ${expected.length}`,
          );
        }
      }
    };
    for (let b = 0; b < batches.length; b += 2) {
      await Promise.all(batches.slice(b, b + 2).map(check));
    }
    expect(failures, rng.tag).toEqual([]);
  });

  it('decodes terminal output (default and inverted) read back into an image', async () => {
    const rng = seededRandom();
    const files: string[] = [];
    const texts: string[] = [];
    for (let k = 0; k < 8; k++) {
      const text = `otpkit://${
        randomText(rng, rng.pick<Kind>(['ascii', 'unicode']), rng.int(10, 200))
      }`;
      const invert = k % 2 === 1;
      const lines = qrToTerminal(encodeQR(text, { ecc: rng.pick(LEVELS) }), { invert }).split('\n')
        .map((line) => [...line]);
      // Each character is two cells stacked; a block half is the terminal's text colour: light by default, dark when inverted.
      const ink = (x: number, y: number): boolean => {
        const c = lines[y >> 1]?.[x] ?? ' ';
        return y % 2 === 0 ? c === '▀' || c === '█' : c === '▄' || c === '█';
      };
      const width = (lines[0] as string[]).length;
      files.push(join(dir, `terminal-${k}.pgm`));
      writeFileSync(
        files[k] as string,
        pgm(Math.max(width, lines.length * 2), 3, (x, y) => ink(x, y) === invert),
      );
      texts.push(text);
    }
    const got = new TextDecoder().decode(await zbar(files));
    expect(got, rng.tag).toBe(texts.join(''));
  });
});
