// otpkit/qr: the encoder against symbols published with ISO/IEC 18004:2015, its parts against
// independent reimplementations written here (Reed-Solomon, BCH, penalty rules), and both renderers read
// back module by module. Decoding with a real reader (zbarimg) is in qr-zbar.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildQR, ecCodewords } from '../src/qr/encode.js';
import {
  encodeQR,
  type QRErrorCorrection,
  type QRMatrix,
  type QRSVGOptions,
  qrToSVG,
  qrToTerminal,
} from '../src/qr/index.js';
import { expectOTPError } from './helpers/errors.js';
import { capacity, LEVELS } from './helpers/qr.js';
import { seededRandom } from './helpers/random.js';

/** The symbol as rows of '1' (dark) and '0' (light). */
const rows = (q: QRMatrix): string[] =>
  Array.from(
    { length: q.size },
    (_, y) => Array.from({ length: q.size }, (_, x) => (q.isDark(x, y) ? '1' : '0')).join(''),
  );

// ---------------------------------------------------------------------------------------------------
// Published symbols. The ISO figures of vectors/qr-iso18004.json (Annex I, Figure 29, the Figure 1 text
// as zint draws it, transcribed in zint's backend/tests/test_qr.c and in the tests of the Rust `qrcode`
// crate) and its Table 7 capacities are checked once, by the conformance suite in every runtime
// (test/conformance/cases/qr.js). Here, Figure 1 itself: its mask (101) is not the one the encoder
// selects, so only the internal buildQR can draw it.

/** ISO/IEC 18004:2015 Figure 1: "QR Code Symbol", byte mode, version 1-M, drawn with mask 101. */
const FIGURE_1 = [
  '111111100001101111111',
  '100000101001101000001',
  '101110101110101011101',
  '101110101010001011101',
  '101110100000101011101',
  '100000100010101000001',
  '111111101010101111111',
  '000000001100100000000',
  '100000101111011001110',
  '100010001110001000111',
  '011101111001100100010',
  '110100001011010100110',
  '011111111110001011011',
  '000000001000000010110',
  '111111100111111000110',
  '100000100010011011100',
  '101110100000111000111',
  '101110100100001010100',
  '101110100100101010011',
  '100000100001110111100',
  '111111101011001010010',
];

describe('published symbols (ISO/IEC 18004:2015)', () => {
  it('Figure 1: "QR Code Symbol" in byte mode at 1-M, under the mask of the figure (101)', () => {
    expect(rows(buildQR('QR Code Symbol', 1, 1, 5))).toEqual(FIGURE_1);
  });
});

// ---------------------------------------------------------------------------------------------------
// Reed-Solomon (§7.5.2), against published codewords and an independent long division.

/** GF(256) with exp/log tables (the encoder multiplies bit by bit instead). */
function field(): { exp: number[]; log: number[] } {
  const exp: number[] = [];
  const log: number[] = new Array<number>(256).fill(0);
  for (let i = 0, x = 1; i < 255; i++) {
    exp.push(x);
    log[x] = i;
    x = x & 0x80 ? ((x << 1) ^ 0x11d) & 0xff : x << 1;
  }
  return { exp, log };
}

/** data·x^n mod g(x), g = Π (x + α^i), by schoolbook long division with coefficient arrays. */
function referenceEC(data: number[], n: number): number[] {
  const { exp, log } = field();
  const times = (
    a: number,
    b: number,
  ): number => (a === 0 || b === 0
    ? 0
    : (exp[((log[a] as number) + (log[b] as number)) % 255] as number));
  let g = [1];
  for (let i = 0; i < n; i++) {
    const next = new Array<number>(g.length + 1).fill(0);
    g.forEach((c, j) => {
      next[j] = (next[j] as number) ^ c;
      next[j + 1] = (next[j + 1] as number) ^ times(c, exp[i] as number);
    });
    g = next;
  }
  const message = [...data, ...new Array<number>(n).fill(0)];
  for (let i = 0; i < data.length; i++) {
    const lead = message[i] as number;
    if (lead !== 0) {
      g.forEach((c, j) => (message[i + j] = (message[i + j] as number) ^ times(c, lead)));
    }
  }
  return message.slice(data.length);
}

describe('Reed-Solomon error correction (ISO/IEC 18004 §7.5.2)', () => {
  it('gives the EC codewords of Annex I ("01234567", 1-M)', () => {
    const data = [
      0x10,
      0x20,
      0x0c,
      0x56,
      0x61,
      0x80,
      0xec,
      0x11,
      0xec,
      0x11,
      0xec,
      0x11,
      0xec,
      0x11,
      0xec,
      0x11,
    ];
    expect(ecCodewords(data, 10)).toEqual([
      0xa5,
      0x24,
      0xd4,
      0xc1,
      0xed,
      0x36,
      0xc7,
      0x87,
      0x2c,
      0x55,
    ]);
  });

  it('gives the EC codewords of the well-known "HELLO WORLD" 1-M example (Thonky QR tutorial)', () => {
    const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
    expect(ecCodewords(data, 10)).toEqual([196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
  });

  it('equals an independent long division for every EC length in Table 9 (seeded random data)', () => {
    const rng = seededRandom();
    for (const n of [7, 10, 13, 15, 16, 17, 18, 20, 22, 24, 26, 28, 30]) {
      for (let k = 0; k < 20; k++) {
        const data = [...rng.bytes(rng.int(1, 123))];
        expect(ecCodewords(data, n), `n=${n} ${rng.tag}`).toEqual(referenceEC(data, n));
      }
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Format and version information (§7.9, §7.10).

/** ISO/IEC 18004:2015 Table C.1: the 32 masked format information strings, by level and mask 000..111. */
const FORMAT_TABLE: Record<QRErrorCorrection, string[]> = {
  L: [
    '111011111000100',
    '111001011110011',
    '111110110101010',
    '111100010011101',
    '110011000101111',
    '110001100011000',
    '110110001000001',
    '110100101110110',
  ],
  M: [
    '101010000010010',
    '101000100100101',
    '101111001111100',
    '101101101001011',
    '100010111111001',
    '100000011001110',
    '100111110010111',
    '100101010100000',
  ],
  Q: [
    '011010101011111',
    '011000001101000',
    '011111100110001',
    '011101000000110',
    '010010010110100',
    '010000110000011',
    '010111011011010',
    '010101111101101',
  ],
  H: [
    '001011010001001',
    '001001110111110',
    '001110011100111',
    '001100111010000',
    '000011101100010',
    '000001001010101',
    '000110100001100',
    '000100000111011',
  ],
};

/** Both copies of the format information, bit 14 first (Figure 25). */
function readFormat(q: QRMatrix): [string, string] {
  const n = q.size;
  const bit = (x: number, y: number): string => (q.isDark(x, y) ? '1' : '0');
  // Copy 1: row 8 from column 0 (bit 14) to 5, (7, 8), (8, 8), then column 8 from row 7 up to row 0 (bit 0).
  const first = [0, 1, 2, 3, 4, 5, 7].map((x) => bit(x, 8)).join('') + bit(8, 8) +
    [7, 5, 4, 3, 2, 1, 0].map((y) => bit(8, y)).join('');
  // Copy 2: column 8 from the bottom row (bit 14) up to row n-7, then row 8 from column n-8 to n-1 (bit 0).
  let second = '';
  for (let y = n - 1; y >= n - 7; y--) second += bit(8, y);
  for (let x = n - 8; x < n; x++) second += bit(x, 8);
  return [first, second];
}

/** BCH(18,6) for the version information by long division of bit strings by 1111100100101 (§7.10). */
function referenceVersionBits(version: number): number {
  const bits = [...version.toString(2).padStart(6, '0'), ...'000000000000'].map(Number);
  const g = [...'1111100100101'].map(Number);
  for (let i = 0; i < 6; i++) {
    if (bits[i]) g.forEach((c, j) => (bits[i + j] = (bits[i + j] as number) ^ c));
  }
  return (version << 12) | parseInt(bits.slice(6).join(''), 2);
}

describe('format and version information (ISO/IEC 18004 §7.9, §7.10)', () => {
  it('writes the Table C.1 string for all 32 level/mask pairs, twice, and the dark module', () => {
    for (const [level, ecc] of LEVELS.entries()) {
      for (let mask = 0; mask < 8; mask++) {
        const q = buildQR('otpauth://totp/A?secret=B', level, 1, mask);
        expect(q.mask).toBe(mask);
        expect(readFormat(q), `${ecc} mask ${mask}`).toEqual([
          FORMAT_TABLE[ecc][mask],
          FORMAT_TABLE[ecc][mask],
        ]);
        expect(q.isDark(8, q.size - 8)).toBe(true);
      }
    }
  });

  it('writes the BCH-coded version information in both blocks for versions 7 to 40 (none below 7)', () => {
    // Published values (Table D.1) to anchor the reference division.
    expect([7, 8, 40].map(referenceVersionBits)).toEqual([0x07c94, 0x085bc, 0x28c69]);
    for (let version = 7; version <= 40; version++) {
      const q = encodeQR('1', { minVersion: version, ecc: 'H' });
      expect(q.version).toBe(version);
      let topRight = 0;
      let bottomLeft = 0;
      for (let i = 17; i >= 0; i--) {
        topRight = topRight * 2 + Number(q.isDark(q.size - 11 + (i % 3), Math.floor(i / 3)));
        bottomLeft = bottomLeft * 2 + Number(q.isDark(Math.floor(i / 3), q.size - 11 + (i % 3)));
      }
      expect([topRight, bottomLeft], `version ${version}`).toEqual([
        referenceVersionBits(version),
        referenceVersionBits(version),
      ]);
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Function patterns, versions and capacities.

/** ISO/IEC 18004:2015 Annex E, Table E.1 (some rows): row/column coordinates of alignment pattern centres. */
const ALIGNMENT: Record<number, number[]> = {
  1: [],
  2: [6, 18],
  6: [6, 34],
  7: [6, 22, 38],
  14: [6, 26, 46, 66],
  15: [6, 26, 48, 70],
  22: [6, 26, 50, 74, 98],
  28: [6, 26, 50, 74, 98, 122],
  32: [6, 34, 60, 86, 112, 138],
  36: [6, 24, 50, 76, 102, 128, 154],
  40: [6, 30, 58, 86, 114, 142, 170],
};

describe('function patterns (ISO/IEC 18004 §6.3)', () => {
  it('draws finders with separators, timing patterns and the alignment patterns of Table E.1', () => {
    for (const [v, centres] of Object.entries(ALIGNMENT)) {
      const q = encodeQR('', { minVersion: Number(v) });
      const n = q.size;
      expect(n).toBe(17 + 4 * Number(v));
      const ring = (cx: number, cy: number, x: number, y: number): number =>
        Math.max(Math.abs(x - cx), Math.abs(y - cy));
      for (const [cx, cy] of [[3, 3], [n - 4, 3], [3, n - 4]] as const) {
        for (let y = cy - 4; y <= cy + 4; y++) {
          for (let x = cx - 4; x <= cx + 4; x++) {
            if (x >= 0 && y >= 0 && x < n && y < n) {
              expect(q.isDark(x, y), `v${v} finder at ${x},${y}`).toBe(
                [0, 1, 3].includes(ring(cx, cy, x, y)),
              );
            }
          }
        }
      }
      for (let i = 8; i < n - 8; i++) {
        expect(q.isDark(i, 6), `v${v} timing row`).toBe(i % 2 === 0);
        expect(q.isDark(6, i), `v${v} timing column`).toBe(i % 2 === 0);
      }
      const last = centres.length - 1;
      centres.forEach((cy, i) =>
        centres.forEach((cx, j) => {
          if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
          for (let y = cy - 2; y <= cy + 2; y++) {
            for (let x = cx - 2; x <= cx + 2; x++) {
              expect(q.isDark(x, y), `v${v} alignment ${cx},${cy}`).toBe(ring(cx, cy, x, y) !== 1);
            }
          }
        })
      );
    }
  });
});

describe('version choice and capacity (ISO/IEC 18004 Table 7)', () => {
  it('refuses text no symbol can hold before any work grows with it (10 MB in well under a second)', async () => {
    for (
      const text of [
        'a'.repeat(10_000_000),
        '1'.repeat(10_000_000),
        '1'.repeat(7090),
        'é'.repeat(2953),
      ]
    ) {
      const started = performance.now();
      await expectOTPError(() => encodeQR(text, { ecc: 'L' }), 'ERR_QR_TOO_LONG');
      expect(performance.now() - started).toBeLessThan(200);
    }
    // The bound is exact for digits: 7,089 fit in version 40 at level L.
    expect(encodeQR('1'.repeat(7089), { ecc: 'L' }).version).toBe(40);
  });

  it('picks the smallest version: at every level and version, a full symbol stays and one byte more moves up', () => {
    for (const ecc of LEVELS) {
      for (let v = 1; v <= 40; v++) {
        const n = capacity(ecc, v, 'byte');
        expect(encodeQR('a'.repeat(n), { ecc }).version, `${ecc} v${v} with ${n} bytes`).toBe(v);
        if (v < 40) {
          expect(encodeQR('a'.repeat(n + 1), { ecc }).version, `${ecc} v${v} with ${n + 1} bytes`)
            .toBe(v + 1);
        }
      }
    }
  });

  it('uses numeric and alphanumeric mode when the whole text fits them (Table 2 capacities at 1-L: 41, 25, 17)', () => {
    expect(encodeQR('1'.repeat(41), { ecc: 'L' }).version).toBe(1);
    expect(encodeQR('1'.repeat(42), { ecc: 'L' }).version).toBe(2);
    expect(encodeQR('HTTPS://A.B/$%*+-./: 0'.padEnd(25, 'Z'), { ecc: 'L' }).version).toBe(1);
    expect(encodeQR('Z'.repeat(26), { ecc: 'L' }).version).toBe(2);
    expect(encodeQR('z'.repeat(17), { ecc: 'L' }).version).toBe(1);
    expect(encodeQR('z'.repeat(18), { ecc: 'L' }).version).toBe(2);
    // An upper-case URL is alphanumeric and takes a smaller symbol than the same URL in lower case. An
    // otpauth URI never is: '?', '=' and '&' are not in the alphanumeric set.
    const url = 'HTTPS://EXAMPLE.COM/ENROL/JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
    expect([encodeQR(url).version, encodeQR(url.toLowerCase()).version]).toEqual([3, 4]);
    expect(encodeQR('OTPAUTH://TOTP/A?SECRET=B').version).toBe(
      encodeQR('otpauth://totp/A?secret=B').version,
    );
  });

  it('honours minVersion and the default level M', () => {
    const q = encodeQR('A', { minVersion: 10 });
    expect({ version: q.version, ecc: q.ecc, size: q.size }).toEqual({
      version: 10,
      ecc: 'M',
      size: 57,
    });
    expect(encodeQR('A'.repeat(100), { minVersion: 2 }).version).toBe(5);
  });

  it('answers isDark with false outside the symbol and for non-integers', () => {
    const q = encodeQR('01234567');
    expect([
      q.isDark(0, 0),
      q.isDark(-1, 0),
      q.isDark(0, -1),
      q.isDark(21, 0),
      q.isDark(0, 21),
      q.isDark(0.5, 0),
      q.isDark(Number.NaN, 0),
    ]).toEqual([true, false, false, false, false, false, false]);
  });
});

describe('input validation', () => {
  it('refuses a text that is not a well-formed string, and bad options, with ERR_INVALID_OPTION', async () => {
    const bad: [unknown, unknown][] = [
      [undefined, undefined],
      [42, undefined],
      [null, undefined],
      [new Uint8Array(3), undefined],
      ['a\ud800b', undefined],
      ['\udc00', undefined],
      ['a', null],
      ['a', 'M'],
      ['a', { ecc: 'm' }],
      ['a', { ecc: 'X' }],
      ['a', { ecc: null }],
      ['a', { ecc: 1 }],
      ['a', { minVersion: 0 }],
      ['a', { minVersion: 41 }],
      ['a', { minVersion: 1.5 }],
      ['a', { minVersion: '2' }],
    ];
    for (const [text, options] of bad) {
      await expectOTPError(
        () => encodeQR(text as string, options as never),
        'ERR_INVALID_OPTION',
        JSON.stringify([String(text), options]),
      );
    }
    expect(encodeQR('😀 ok').version).toBe(1); // a surrogate pair is fine
  });

  it('refuses a renderer argument that is not a QR matrix, and bad renderer options', async () => {
    const q = encodeQR('x');
    for (
      const matrix of [undefined, null, {}, { size: 21 }, { size: 20, isDark: () => true }, {
        size: 21.5,
        isDark: () => true,
      }]
    ) {
      await expectOTPError(() => qrToSVG(matrix as never), 'ERR_INVALID_OPTION');
      await expectOTPError(() => qrToTerminal(matrix as never), 'ERR_INVALID_OPTION');
    }
    for (
      const options of [null, { margin: -1 }, { margin: 65 }, { margin: 1.5 }, { dark: '' }, {
        dark: 1,
      }, { light: 0 }]
    ) {
      await expectOTPError(
        () => qrToSVG(q, options as never),
        'ERR_INVALID_OPTION',
        JSON.stringify(options),
      );
    }
    for (const options of [null, { margin: -1 }, { invert: 'yes' }, { invert: 1 }]) {
      await expectOTPError(
        () => qrToTerminal(q, options as never),
        'ERR_INVALID_OPTION',
        JSON.stringify(options),
      );
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Mask choice (§7.8.3): an independent scoring of all eight masks.

/** The four penalty rules, written from the standard's text over strings of '0' and '1'. */
function referencePenalty(grid: string[]): number {
  const n = grid.length;
  const columns = Array.from({ length: n }, (_, x) => grid.map((row) => row[x]).join(''));
  let score = 0;
  for (const line of [...grid, ...columns]) {
    for (const run of line.match(/0+|1+/g) ?? []) if (run.length >= 5) score += 3 + run.length - 5; // N1
    const padded = `0000${line}0000`; // outside the symbol is light
    for (let i = 4; i + 7 <= n + 4; i++) {
      if (
        padded.slice(i, i + 7) === '1011101' &&
        (padded.slice(i - 4, i) === '0000' || padded.slice(i + 7, i + 11) === '0000')
      ) score += 40; // N3
    }
  }
  for (let y = 0; y + 1 < n; y++) {
    for (let x = 0; x + 1 < n; x++) {
      const block = (grid[y] as string).slice(x, x + 2) + (grid[y + 1] as string).slice(x, x + 2);
      if (block === '0000' || block === '1111') score += 3; // N2
    }
  }
  const dark = grid.join('').split('1').length - 1;
  const percent = (dark * 100) / (n * n);
  return score + 10 * Math.floor(Math.abs(percent - 50) / 5); // N4
}

describe('mask selection (ISO/IEC 18004 §7.8.3)', () => {
  it('chooses the first of the eight masks with the lowest penalty (seeded random texts)', () => {
    const rng = seededRandom();
    for (let k = 0; k < 24; k++) {
      const text = String.fromCharCode(...rng.bytes(rng.int(1, 120)).map((b) => 32 + (b % 95)));
      const level = rng.int(0, 3);
      const chosen = buildQR(text, level, 1);
      const scores = Array.from(
        { length: 8 },
        (_, m) => referencePenalty(rows(buildQR(text, level, chosen.version, m))),
      );
      expect(chosen.mask, `${JSON.stringify(text)} scores ${scores} ${rng.tag}`).toBe(
        scores.indexOf(Math.min(...scores)),
      );
      expect(rows(chosen)).toEqual(rows(buildQR(text, level, chosen.version, chosen.mask)));
    }
  });
});

// ---------------------------------------------------------------------------------------------------
// Renderers, read back.

/** The dark modules of an SVG from qrToSVG, from its path: "M x y h n v1 h -n z" rectangles. */
function svgModules(svg: string, side: number): string[] {
  const grid = Array.from({ length: side }, () => new Array<string>(side).fill('0'));
  const d = /<path fill="[^"]*" stroke="none" d="([^"]*)"\/>/.exec(svg)?.[1] ?? '';
  expect(d.replace(/M(\d+) (\d+)h(\d+)v1h-\3z/g, '')).toBe('');
  for (const [, x, y, n] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
    for (let i = 0; i < Number(n); i++) (grid[Number(y)] as string[])[Number(x) + i] = '1';
  }
  return grid.map((row) => row.join(''));
}

/** The picture with its quiet zone as rows of '1'/'0'. */
const withMargin = (q: QRMatrix, m: number): string[] =>
  Array.from(
    { length: q.size + 2 * m },
    (_, y) =>
      Array.from({ length: q.size + 2 * m }, (_, x) => (q.isDark(x - m, y - m) ? '1' : '0')).join(
        '',
      ),
  );

describe('qrToSVG', () => {
  it('draws every dark module, and only those, with one path in a viewBox of module units', () => {
    const rng = seededRandom();
    for (let k = 0; k < 12; k++) {
      const q = encodeQR(String.fromCharCode(...rng.bytes(rng.int(1, 300))), {
        ecc: rng.pick(LEVELS),
      });
      const margin = rng.int(0, 6);
      const svg = qrToSVG(q, { margin });
      const side = q.size + 2 * margin;
      expect(svg, rng.tag).toMatch(
        new RegExp(
          `^<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">`,
        ),
      );
      expect(svg.match(/<path /g)).toHaveLength(1);
      expect(svgModules(svg, side), rng.tag).toEqual(withMargin(q, margin));
    }
  });

  it('defaults to a 4-module quiet zone, black on white, and leaves the background transparent when light is null', () => {
    const q = encodeQR('otpauth://totp/A?secret=B');
    const svg = qrToSVG(q);
    expect(svg).toContain(`viewBox="0 0 ${q.size + 8} ${q.size + 8}"`);
    expect(svg).toContain(
      `<rect width="${q.size + 8}" height="${
        q.size + 8
      }" fill="#fff" stroke="none"/><path fill="#000" stroke="none" d="M4 4h7v1h-7z`,
    );
    const transparent = qrToSVG(q, { light: null, dark: 'currentColor' });
    expect(transparent).not.toContain('<rect');
    expect(transparent).toContain('<path fill="currentColor"');
  });

  it('escapes attribute values, so a colour cannot inject markup or script', () => {
    const svg = qrToSVG(encodeQR('x'), {
      dark: '"/><script>alert(1)</script>',
      light: "red' onload='x&",
    });
    expect(svg).not.toMatch(/<script|onload='/);
    expect(svg).toContain('fill="&#34;/&#62;&#60;script&#62;alert(1)&#60;/script&#62;"');
    expect(svg).toContain('fill="red&#39; onload=&#39;x&#38;"');
    expect(svg.match(/</g)).toHaveLength(4); // <svg, <rect, <path, </svg
  });

  // Three dark modules in a 21 x 21 symbol: (0, 0), and a run of three on row 1.
  const TINY: QRMatrix = {
    size: 21,
    version: 1,
    ecc: 'M',
    mask: 0,
    isDark: (x, y) => (y === 0 && x === 0) || (y === 1 && x < 3),
  };

  it('writes the whole document: stroke="none" on the background and on the path, no size by default', () => {
    expect(qrToSVG(TINY, { margin: 1 })).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 23 23" shape-rendering="crispEdges">' +
        '<rect width="23" height="23" fill="#fff" stroke="none"/>' +
        '<path fill="#000" stroke="none" d="M1 1h1v1h-1zM1 2h3v1h-3z"/></svg>',
    );
    expect(qrToSVG(TINY, { margin: 0, light: null, dark: 'red' })).toBe(
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 21 21" shape-rendering="crispEdges">' +
        '<path fill="red" stroke="none" d="M0 0h1v1h-1zM0 1h3v1h-3z"/></svg>',
    );
  });

  it('writes width and height on the <svg>: pixels or a length, one alone giving both', () => {
    const opening = (options: QRSVGOptions): string =>
      qrToSVG(TINY, { margin: 0, ...options }).split('><')[0] as string;
    const start = '<svg xmlns="http://www.w3.org/2000/svg"';
    const rest = ' viewBox="0 0 21 21" shape-rendering="crispEdges"';
    expect(opening({ width: 300 })).toBe(`${start} width="300" height="300"${rest}`);
    expect(opening({ height: '40mm' })).toBe(`${start} width="40mm" height="40mm"${rest}`);
    expect(opening({ width: 256, height: '50%' })).toBe(`${start} width="256" height="50%"${rest}`);
    expect(opening({ width: undefined, height: undefined })).toBe(`${start}${rest}`);
    const written: [number | string, string][] = [
      [0.5, '0.5'],
      [1e21, '1e+21'],
      [2e-7, '2e-7'],
      ['12.5px', '12.5px'],
      ['.5in', '.5in'],
      ['100%', '100%'],
      ['3', '3'],
      ['0.1cm', '0.1cm'],
      ['10pt', '10pt'],
      ['2pc', '2pc'],
      ['20em', '20em'],
      ['30ex', '30ex'],
    ];
    for (const [value, attribute] of written) {
      expect(opening({ width: value }), String(value)).toBe(
        `${start} width="${attribute}" height="${attribute}"${rest}`,
      );
    }
  });

  it('refuses a width or height that is not a positive number or length, naming the option and not the value', async () => {
    const bad = [
      0,
      -1,
      -0,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      '',
      '0',
      '0mm',
      '0.0px',
      '-1px',
      '+1px',
      '1e3px',
      ' 300',
      '300 ',
      '40 mm',
      '40MM',
      '1rem',
      '1.px',
      'calc(1px)',
      '300px;',
      '"><script>',
      null,
      true,
      300n,
      {},
      [300],
    ];
    for (const name of ['width', 'height'] as const) {
      for (const value of bad) {
        const error = await expectOTPError(
          () => qrToSVG(TINY, { [name]: value } as never),
          'ERR_INVALID_OPTION',
          `${name} ${String(value)}`,
        );
        expect(error.message).toBe(
          `"${name}" must be a positive number of pixels or a length such as "40mm"`,
        );
      }
    }
    // Each is checked, also when the other is good.
    await expectOTPError(() => qrToSVG(TINY, { width: 300, height: 0 }), 'ERR_INVALID_OPTION');
    await expectOTPError(() => qrToSVG(TINY, { width: '1x', height: 9 }), 'ERR_INVALID_OPTION');
  });
});

/** The terminal picture read back: true where a half cell is painted (a block character's half). */
function terminalInk(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const chars = [...line];
    out.push(
      chars.map((c) => (c === '▀' || c === '█' ? '1' : '0')).join(''),
      chars.map((c) => (c === '▄' || c === '█' ? '1' : '0')).join(''),
    );
  }
  return out;
}

describe('a matrix argument is read once and never trusted', () => {
  it('reads size and isDark once: a size getter that grows after its first read cannot make drawing hang', () => {
    const real = encodeQR('otpauth://totp/x?secret=JBSWY3DPEHPK3PXP');
    let reads = 0;
    const hostile = {
      get size() {
        reads++;
        return reads === 1 ? real.size : 1e9;
      },
      isDark: (x: number, y: number) => real.isDark(x, y),
      version: real.version,
      ecc: real.ecc,
      mask: real.mask,
    } as QRMatrix;
    const started = performance.now();
    expect(qrToSVG(hostile)).toBe(qrToSVG(real));
    reads = 0;
    expect(qrToTerminal(hostile)).toBe(qrToTerminal(real));
    expect(reads).toBe(1);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('counts only true as dark: whatever else isDark returns draws a light module', () => {
    const real = encodeQR('x');
    const truthy = {
      ...real,
      size: real.size,
      isDark: (x: number, y: number) => (real.isDark(x, y) ? true : 'yes'),
    } as unknown as QRMatrix;
    expect(qrToSVG(truthy)).toBe(qrToSVG(real));
  });
});

describe('qrToTerminal', () => {
  it('paints the light modules and quiet zone by default, the dark ones with invert, two rows per line', () => {
    const rng = seededRandom();
    for (let k = 0; k < 12; k++) {
      const q = encodeQR(String.fromCharCode(...rng.bytes(rng.int(1, 200))), {
        ecc: rng.pick(LEVELS),
      });
      const margin = rng.int(0, 5);
      const side = q.size + 2 * margin;
      const picture = withMargin(q, margin);
      const blank = '0'.repeat(side); // the half line below an odd number of rows is never painted
      const plain = qrToTerminal(q, { margin });
      expect(plain.split('\n'), rng.tag).toHaveLength(Math.ceil(side / 2));
      expect(plain.split('\n').every((line) => [...line].length === side && /^[ ▀▄█]+$/.test(line)))
        .toBe(true);
      expect(terminalInk(plain)).toEqual([
        ...picture.map((row) => row.replace(/./g, (c) => (c === '1' ? '0' : '1'))),
        blank,
      ]);
      expect(terminalInk(qrToTerminal(q, { margin, invert: true }))).toEqual([...picture, blank]);
    }
  });

  it('uses a 4-module quiet zone by default', () => {
    const q = encodeQR('HELLO');
    const lines = qrToTerminal(q).split('\n');
    expect(lines).toHaveLength((q.size + 8 + 1) / 2);
    expect(lines[0]).toBe('█'.repeat(q.size + 8));
    expect(lines[2]?.startsWith('████ ▄▄▄▄▄ █')).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------

describe('the otpkit/qr entry', () => {
  const entry = readFileSync(new URL('../src/qr/index.ts', import.meta.url), 'utf8');
  const docs = readFileSync(new URL('../docs/qr.md', import.meta.url), 'utf8');
  const names = [...entry.matchAll(/export (?:type )?\{([^}]+)\} from '\.\/([^']+)\.ts'/g)].flatMap(
    (m) => (m[1] as string).split(',').map((name) => [name.trim(), m[2] as string] as const),
  );

  it('exports exactly encodeQR, qrToSVG, qrToTerminal at run time', async () => {
    expect(Object.keys(await import('../src/qr/index.js')).sort()).toEqual([
      'encodeQR',
      'qrToSVG',
      'qrToTerminal',
    ]);
  });

  it.each(names)(
    '%s has TSDoc (with @example for functions) and is documented in docs/qr.md',
    (name, file) => {
      const source = readFileSync(new URL(`../src/qr/${file}.ts`, import.meta.url), 'utf8');
      const declaration = new RegExp(
        `(/\\*\\*(?:(?!\\*/)[\\s\\S])*\\*/)\\nexport (function|interface|type) ${name}\\b`,
      ).exec(source);
      expect(declaration, `${name} has no TSDoc in src/qr/${file}.ts`).not.toBeNull();
      if (declaration?.[2] === 'function') expect(declaration[1]).toContain('@example');
      expect(docs).toContain(`\`${name}`);
    },
  );

  it('imports nothing from outside src/ (no node: module, no Node global)', () => {
    for (const file of readdirSync(new URL('../src/qr/', import.meta.url))) {
      const text = readFileSync(new URL(`../src/qr/${file}`, import.meta.url), 'utf8');
      expect(text, file).not.toMatch(
        /^(?:import|export)[^\n]*from ['"](?!\.)|require\(|\bBuffer\b|\bprocess\./m,
      );
    }
  });
});
