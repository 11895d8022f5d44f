// QR Code model 2 encoder (ISO/IEC 18004:2015): versions 1-40, levels L/M/Q/H, numeric, alphanumeric or
// byte (UTF-8) mode, Reed-Solomon over GF(256), the eight masks scored with the four penalty rules.
// The ISO/IEC 18004 tables it needs are plain arrays; everything else is computed.
import {
  fail,
  intOption,
  invalid,
  optionalOptions,
  stringOption,
  wellFormedOption,
} from '../internal/assert.ts';

/** A QR error-correction level: about 7 % (L), 15 % (M), 25 % (Q) or 30 % (H) of the codewords can be restored (ISO/IEC 18004 §5.3.8). */
export type QRErrorCorrection = 'L' | 'M' | 'Q' | 'H';

/** An encoded QR Code symbol: a square of `size` x `size` modules (`size = 17 + 4 * version`). */
export interface QRMatrix {
  /** Modules per side, without the quiet zone: 21 (version 1) to 177 (version 40). */
  readonly size: number;
  /** The symbol version, 1 to 40 (ISO/IEC 18004 §5.3.1). */
  readonly version: number;
  /** The error-correction level used. */
  readonly ecc: QRErrorCorrection;
  /** The data mask applied, 0 to 7 (ISO/IEC 18004 §7.8.2), the one with the lowest penalty. */
  readonly mask: number;
  /** Whether the module in column `x`, row `y` (0-based, from the top left) is dark; anything outside the symbol is light. */
  isDark(x: number, y: number): boolean;
}

/** Options for {@link encodeQR}. */
export interface EncodeQROptions {
  /** The error-correction level. Default `'M'`. */
  ecc?: QRErrorCorrection | undefined;
  /** The smallest version to use, 1 to 40 (a larger one is chosen when the text needs it). Default 1. */
  minVersion?: number | undefined;
}

const LEVELS: readonly QRErrorCorrection[] = ['L', 'M', 'Q', 'H'];

// ISO/IEC 18004 Table 9, by level (L, M, Q, H), then version 1..40: error-correction codewords per block...
// deno-fmt-ignore
const EC_CODEWORDS_PER_BLOCK: readonly (readonly number[])[] = [
  // L: versions 1-10, 11-20, 21-30, 31-40
  [
     7, 10, 15, 20, 26, 18, 20, 24, 30, 18,
    20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
    28, 28, 30, 30, 26, 28, 30, 30, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
  // M: versions 1-10, 11-20, 21-30, 31-40
  [
    10, 16, 26, 18, 24, 16, 18, 22, 22, 26,
    30, 22, 22, 24, 24, 28, 28, 26, 26, 26,
    26, 28, 28, 28, 28, 28, 28, 28, 28, 28,
    28, 28, 28, 28, 28, 28, 28, 28, 28, 28,
  ],
  // Q: versions 1-10, 11-20, 21-30, 31-40
  [
    13, 22, 18, 26, 18, 24, 18, 22, 20, 24,
    28, 26, 24, 20, 30, 24, 28, 28, 26, 30,
    28, 30, 30, 30, 30, 28, 30, 30, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
  // H: versions 1-10, 11-20, 21-30, 31-40
  [
    17, 28, 22, 16, 22, 28, 26, 26, 24, 28,
    24, 28, 22, 24, 24, 30, 28, 28, 26, 28,
    30, 24, 30, 30, 30, 30, 30, 30, 30, 30,
    30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ],
];
// ...and the number of error-correction blocks.
// deno-fmt-ignore
const BLOCK_COUNTS: readonly (readonly number[])[] = [
  // L: versions 1-10, 11-20, 21-30, 31-40
  [
     1,  1,  1,  1,  1,  2,  2,  2,  2,  4,
     4,  4,  4,  4,  6,  6,  6,  6,  7,  8,
     8,  9,  9, 10, 12, 12, 12, 13, 14, 15,
    16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
  ],
  // M: versions 1-10, 11-20, 21-30, 31-40
  [
     1,  1,  1,  2,  2,  4,  4,  4,  5,  5,
     5,  8,  9,  9, 10, 10, 11, 13, 14, 16,
    17, 17, 18, 20, 21, 23, 25, 26, 28, 29,
    31, 33, 35, 37, 38, 40, 43, 45, 47, 49,
  ],
  // Q: versions 1-10, 11-20, 21-30, 31-40
  [
     1,  1,  2,  2,  4,  4,  6,  6,  8,  8,
     8, 10, 12, 16, 12, 17, 16, 18, 21, 20,
    23, 23, 25, 27, 29, 34, 34, 35, 38, 40,
    43, 45, 48, 51, 53, 56, 59, 62, 65, 68,
  ],
  // H: versions 1-10, 11-20, 21-30, 31-40
  [
     1,  1,  2,  4,  4,  4,  5,  6,  8,  8,
    11, 11, 16, 16, 18, 16, 19, 21, 25, 25,
    25, 34, 30, 32, 35, 37, 40, 42, 45, 48,
    51, 54, 57, 60, 63, 66, 70, 74, 77, 81,
  ],
];
const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

/** Error-correction codewords per block at a level (0..3) and version (1..40), ISO/IEC 18004 Table 9. */
const ecCodewordsPerBlock = (level: number, version: number): number =>
  EC_CODEWORDS_PER_BLOCK[level]?.[version - 1] as number;
/** Error-correction blocks at a level and version, ISO/IEC 18004 Table 9. */
const blockCount = (level: number, version: number): number =>
  BLOCK_COUNTS[level]?.[version - 1] as number;

/** Appends the `n` low bits of `value` to `bits`, most significant first. */
function push(bits: number[], value: number, n: number): void {
  for (let i = n - 1; i >= 0; i--) bits.push((value >>> i) & 1);
}

/** GF(256) product modulo x^8 + x^4 + x^3 + x^2 + 1 (ISO/IEC 18004 §7.5.2), by shift and add: no tables. */
function multiply(x: number, y: number): number {
  let z = 0;
  for (let i = 7; i >= 0; i--) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z;
}

/**
 * The `degree` Reed-Solomon error-correction codewords of `data` (ISO/IEC 18004 §7.5.2): the remainder of
 * data(x)·x^degree divided by the generator (x - α^0)(x - α^1)…(x - α^(degree-1)), α = 2.
 * @internal
 */
export function ecCodewords(data: ArrayLike<number>, degree: number): number[] {
  // Generator coefficients below the leading 1, highest power first.
  const generator = new Array<number>(degree).fill(0);
  generator[degree - 1] = 1;
  for (let i = 0, root = 1; i < degree; i++, root = multiply(root, 2)) {
    for (let j = 0; j < degree; j++) {
      generator[j] = multiply(generator[j] as number, root) ^ (generator[j + 1] ?? 0);
    }
  }
  const remainder = new Array<number>(degree).fill(0);
  for (let i = 0; i < data.length; i++) {
    const factor = (data[i] as number) ^ (remainder.shift() as number);
    remainder.push(0);
    for (let j = 0; j < degree; j++) {
      remainder[j] = (remainder[j] as number) ^ multiply(generator[j] as number, factor);
    }
  }
  return remainder;
}

/** Modules left for data and EC codewords in a version, remainder bits included (ISO/IEC 18004 Table 1). */
function rawModules(version: number): number {
  const n = Math.floor(version / 7) + 2; // alignment patterns per row
  return (16 * version + 128) * version + 64 -
    (version > 1 ? (25 * n - 10) * n - 55 + (version > 6 ? 36 : 0) : 0);
}

/** Data codewords of a version at a level (ISO/IEC 18004 Table 7). */
function dataCodewords(version: number, level: number): number {
  return (rawModules(version) >> 3) -
    ecCodewordsPerBlock(level, version) * blockCount(level, version);
}

/** Row/column centres of the alignment patterns (ISO/IEC 18004 Annex E): evenly spaced back from the far edge. */
function alignmentCentres(version: number): number[] {
  if (version < 2) return [];
  const n = Math.floor(version / 7) + 2;
  const step = version === 32 ? 26 : Math.ceil((version * 4 + 4) / (n * 2 - 2)) * 2;
  const out = [6];
  for (let p = version * 4 + 10; out.length < n; p -= step) out.splice(1, 0, p);
  return out;
}

/** Whether data mask `m` (ISO/IEC 18004 Table 10) inverts the module in column x, row y. */
function inverts(m: number, x: number, y: number): boolean {
  const p = x * y;
  return !(m === 0
    ? (x + y) % 2
    : m === 1
    ? y % 2
    : m === 2
    ? x % 3
    : m === 3
    ? (x + y) % 3
    : m === 4
    ? (Math.floor(x / 3) + Math.floor(y / 2)) % 2
    : m === 5
    ? (p % 2) + (p % 3)
    : m === 6
    ? ((p % 2) + (p % 3)) % 2
    : ((x + y) % 2 + (p % 3)) % 2);
}

/** The penalty score of a masked symbol (ISO/IEC 18004 §7.8.3.1, rules N1 to N4 = 3, 3, 40, 10). */
function penalty(dark: Uint8Array, size: number): number {
  let score = 0;
  let darkCount = 0;
  for (let line = 0; line < size; line++) {
    for (let column = 0; column < 2; column++) {
      // N1 (a run of 5 + i of one colour: 3 + i) and N3 (1:1:3:1:1 with 4 light modules on either
      // side; outside the symbol is light), over a row, then over a column.
      let run = 0;
      let previous = -1;
      let window = 0; // the last 15 modules: 4 before, the 7 of the pattern, 4 after
      for (let i = 0; i < size + 4; i++) {
        const c = i < size ? (dark[column ? i * size + line : line * size + i] as number) : 0;
        window = ((window << 1) | c) & 0x7fff;
        if (((window >> 4) & 0x7f) === 0x5d && (window < 0x800 || (window & 15) === 0)) score += 40;
        if (i < size) {
          run = c === previous ? run + 1 : 1;
          previous = c;
          if (run > 4) score += run > 5 ? 1 : 3;
        }
      }
    }
    // N2: each 2x2 block of one colour scores 3; then count the dark modules for N4.
    for (let x = 0; x < size; x++) {
      const k = line * size + x;
      const c = dark[k] as number;
      darkCount += c;
      if (
        x > 0 && line > 0 && c === dark[k - 1] && c === dark[k - size] && c === dark[k - size - 1]
      ) score += 3;
    }
  }
  // N4: 10 for each full 5 % the dark share is away from 50 %.
  return score + 10 * Math.floor(Math.abs(darkCount * 20 - size * size * 10) / (size * size));
}

/**
 * Encodes text as a QR Code symbol (ISO/IEC 18004:2015, model 2): numeric mode for digits only,
 * alphanumeric mode for text within `0-9 A-Z space $ % * + - . / :` (an upper-case URL fits it),
 * byte mode with UTF-8 otherwise; the smallest version from `minVersion` up that holds the text, and
 * the data mask with the lowest penalty.
 *
 * @param text - the text to encode, e.g. an otpauth:// URI from `buildKeyURI`
 * @param options - `ecc` (default `'M'`), `minVersion` (default 1)
 * @returns the symbol; draw it with `qrToSVG` or `qrToTerminal`
 * @throws OTPError `ERR_INVALID_OPTION` when `text` is not a well-formed string or an option is out of range;
 *   `ERR_QR_TOO_LONG` when the text does not fit in version 40 at the chosen level
 * @example
 * ```ts
 * const qr = encodeQR('otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example')
 * document.body.innerHTML = qrToSVG(qr)
 * ```
 */
export function encodeQR(text: string, options?: EncodeQROptions): QRMatrix {
  stringOption(text, 'text');
  // A cheap bound first, so that no work grows with a text no symbol can hold.
  if (text.length > MAX_CHARACTERS) {
    fail(
      'ERR_QR_TOO_LONG',
      `the text is longer than ${MAX_CHARACTERS} characters, more than any QR Code holds`,
    );
  }
  // A lone surrogate cannot be written as UTF-8: the decoded text would differ from the input.
  wellFormedOption('text', text);
  const { ecc, minVersion } = optionalOptions(options, 'encodeQR options');
  const level = ecc === undefined ? 1 : LEVELS.indexOf(ecc as QRErrorCorrection);
  if (level < 0) invalid('ecc', "'L', 'M', 'Q' or 'H'");
  return buildQR(text, level, intOption('minVersion', minVersion, 1, 40, 1));
}

// The most characters any symbol holds: 7,089 digits in version 40 at level L (ISO/IEC 18004 Table 7).
// Every mode takes at least one character per digit's worth of bits, and UTF-8 at least a byte per code unit.
const MAX_CHARACTERS = 7089;

/** The mode a text is written in, its character count field, and the data bits it needs (ISO/IEC 18004 §7.4.3 to §7.4.5). */
interface Segment {
  /** 0 numeric, 1 alphanumeric, 2 byte. */
  readonly mode: number;
  /** Characters (numeric, alphanumeric) or bytes (byte mode). */
  readonly count: number;
  /** Data bits, without the mode indicator and the character count. */
  readonly dataBits: number;
  /** The UTF-8 bytes, in byte mode. */
  readonly bytes: Uint8Array | undefined;
}

function segmentOf(text: string): Segment {
  const n = text.length;
  // 3 digits in 10 bits, 2 left in 7, 1 in 4; 2 alphanumerics in 11 bits, 1 left in 6.
  if (/^\d*$/.test(text)) {
    return {
      mode: 0,
      count: n,
      dataBits: Math.floor(n / 3) * 10 + [0, 4, 7][n % 3]!,
      bytes: undefined,
    };
  }
  if (/^[\dA-Z $%*+\-./:]*$/.test(text)) {
    return { mode: 1, count: n, dataBits: Math.floor(n / 2) * 11 + (n % 2) * 6, bytes: undefined };
  }
  const bytes = new TextEncoder().encode(text);
  return { mode: 2, count: bytes.length, dataBits: bytes.length * 8, bytes };
}

/** The version a segment needs and what it gives (ISO/IEC 18004 §7.4.1, Table 3, Table 7). */
interface VersionChoice {
  readonly version: number;
  /** Bits of the character count indicator at this version. */
  readonly countBits: number;
  /** Data bits the version holds at the level. */
  readonly capacity: number;
}

/** The smallest version from `minVersion` that holds mode indicator + character count + data. */
function chooseVersion(segment: Segment, level: number, minVersion: number): VersionChoice {
  let countBits = 0;
  let capacity = 0;
  for (let version = minVersion; version <= 40; version++) {
    const range = version < 10 ? 0 : version < 27 ? 1 : 2;
    countBits = segment.mode === 2 ? (range ? 16 : 8) : 10 - segment.mode + 2 * range;
    capacity = dataCodewords(version, level) * 8;
    if (4 + countBits + segment.dataBits <= capacity) return { version, countBits, capacity };
  }
  const needed = segment.dataBits + 4 + countBits;
  return fail(
    'ERR_QR_TOO_LONG',
    `the text needs ${needed} bits, more than a version 40 symbol at level ${LEVELS[
      level
    ] as string} holds (${capacity})`,
  );
}

/**
 * The data bit stream (ISO/IEC 18004 §7.4): mode indicator, character count, the data in its mode
 * (§7.4.3 to §7.4.5), the terminator (§7.4.9), zero bits to a byte, then pad codewords 0xEC, 0x11, ...
 * (§7.4.10) to the capacity.
 */
function dataBitStream(text: string, segment: Segment, choice: VersionChoice): number[] {
  const { mode, count, bytes } = segment;
  const bits: number[] = [];
  push(bits, 1 << mode, 4);
  push(bits, count, choice.countBits);
  if (mode === 0) {
    for (let i = 0; i < count; i += 3) {
      push(bits, Number(text.slice(i, i + 3)), Math.min(3, count - i) * 3 + 1);
    }
  } else if (mode === 1) {
    for (let i = 0; i < count; i += 2) {
      const first = ALPHANUMERIC.indexOf(text[i] as string);
      if (i + 1 < count) push(bits, first * 45 + ALPHANUMERIC.indexOf(text[i + 1] as string), 11);
      else push(bits, first, 6);
    }
  } else {
    for (const byte of bytes as Uint8Array) push(bits, byte, 8);
  }
  push(bits, 0, Math.min(4, choice.capacity - bits.length));
  push(bits, 0, -bits.length & 7);
  for (let pad = 0xec; bits.length < choice.capacity; pad ^= 0xfd) push(bits, pad, 8);
  return bits;
}

/**
 * The final codeword sequence as bits (ISO/IEC 18004 §7.5.2, §7.6): the data codewords split into
 * blocks (the short blocks first), each block's error-correction codewords, then both interleaved.
 */
function interleavedCodewords(bits: readonly number[], version: number, level: number): number[] {
  const ecLength = ecCodewordsPerBlock(level, version);
  const blocks = blockCount(level, version);
  const total = rawModules(version) >> 3;
  const shortData = Math.floor(total / blocks) - ecLength;
  const shortBlocks = blocks - (total % blocks);
  const data: number[][] = [];
  for (let b = 0, at = 0; b < blocks; b++) {
    const block: number[] = [];
    for (const end = at + shortData + (b < shortBlocks ? 0 : 1); at < end; at++) {
      let byte = 0;
      for (let i = 0; i < 8; i++) byte = (byte << 1) | (bits[at * 8 + i] as number);
      block.push(byte);
    }
    data.push(block);
  }
  const ec = data.map((block) => ecCodewords(block, ecLength));
  const stream: number[] = [];
  for (let i = 0; i <= shortData; i++) {
    for (const block of data) if (i < block.length) push(stream, block[i] as number, 8);
  }
  for (let i = 0; i < ecLength; i++) for (const block of ec) push(stream, block[i] as number, 8);
  return stream;
}

/** A symbol being drawn: dark modules, and which ones function patterns fixed (no data, no mask). */
interface Canvas {
  readonly size: number;
  readonly dark: Uint8Array;
  readonly fixed: Uint8Array;
}

/** Sets a function-pattern module. */
function setFixed(canvas: Canvas, x: number, y: number, on: number | boolean): void {
  canvas.dark[y * canvas.size + x] = on ? 1 : 0;
  canvas.fixed[y * canvas.size + x] = 1;
}

/**
 * The function patterns (ISO/IEC 18004 §6.3): the three finders with their separators, the alignment
 * patterns, the timing patterns, and the version information of versions 7 and up (§7.10). The format
 * information is drawn per mask (drawFormat).
 */
function drawFunctionPatterns(canvas: Canvas, version: number): void {
  const { size, fixed } = canvas;
  for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]] as const) {
    for (let dy = -4; dy <= 4; dy++) {
      for (let dx = -4; dx <= 4; dx++) {
        const ring = Math.max(Math.abs(dx), Math.abs(dy));
        const inside = cx + dx >= 0 && cx + dx < size && cy + dy >= 0 && cy + dy < size;
        if (inside) setFixed(canvas, cx + dx, cy + dy, ring !== 2 && ring !== 4);
      }
    }
  }
  const centres = alignmentCentres(version);
  for (const ay of centres) {
    for (const ax of centres) {
      if (fixed[ay * size + ax]) continue; // the three corners taken by finders
      for (let dy = -2; dy <= 2; dy++) {
        for (let dx = -2; dx <= 2; dx++) {
          setFixed(canvas, ax + dx, ay + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
        }
      }
    }
  }
  for (let i = 8; i < size - 8; i++) {
    setFixed(canvas, 6, i, !(i & 1));
    setFixed(canvas, i, 6, !(i & 1));
  }
  if (version > 6) {
    // 6 bits of version + a BCH(18,6) remainder, drawn twice.
    let remainder = version;
    for (let i = 0; i < 12; i++) remainder = (remainder << 1) ^ ((remainder >>> 11) * 0x1f25);
    const info = (version << 12) | remainder;
    for (let i = 0; i < 18; i++) {
      const on = (info >>> i) & 1;
      setFixed(canvas, size - 11 + (i % 3), Math.floor(i / 3), on);
      setFixed(canvas, Math.floor(i / 3), size - 11 + (i % 3), on);
    }
  }
}

/**
 * The format information (ISO/IEC 18004 §7.9.1): 2 bits of level and 3 of mask, a BCH(15,5) remainder,
 * XOR 101010000010010, drawn twice; and the dark module.
 */
function drawFormat(canvas: Canvas, level: number, mask: number): void {
  const { size } = canvas;
  const value = ([1, 0, 3, 2][level] as number) * 8 + mask; // L, M, Q, H are written 01, 00, 11, 10
  let remainder = value;
  for (let i = 0; i < 10; i++) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
  const format = ((value << 10) | remainder) ^ 0x5412;
  for (let i = 0; i < 15; i++) {
    const on = (format >>> i) & 1;
    setFixed(canvas, i < 8 ? 8 : i === 8 ? 7 : 14 - i, i < 6 ? i : i < 8 ? i + 1 : 8, on);
    if (i < 8) setFixed(canvas, size - 1 - i, 8, on);
    else setFixed(canvas, 8, size - 15 + i, on);
  }
  setFixed(canvas, 8, size - 8, 1);
}

/** The codeword bits in two-module columns, zigzagging up and down from the bottom right (§7.7.3). */
function placeCodewords(canvas: Canvas, stream: readonly number[]): void {
  const { size, dark, fixed } = canvas;
  for (let right = size - 1, i = 0; right > 0; right -= 2) {
    if (right === 6) right = 5; // skip the vertical timing pattern
    const upward = ((right + 1) & 2) === 0;
    for (let step = 0; step < size; step++) {
      const y = upward ? size - 1 - step : step;
      for (let x = right; x > right - 2; x--) {
        if (!fixed[y * size + x] && i < stream.length) dark[y * size + x] = stream[i++] as number;
      }
    }
  }
}

/** XORs data mask `mask` over every module no function pattern fixed; applying it twice undoes it. */
function applyMask(canvas: Canvas, mask: number): void {
  const { size, dark, fixed } = canvas;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!fixed[y * size + x] && inverts(mask, x, y)) {
        dark[y * size + x] = 1 - (dark[y * size + x] as number);
      }
    }
  }
}

/** The data mask with the lowest penalty (§7.8.3), each tried with its own format information. */
function chooseMask(canvas: Canvas, level: number): number {
  let mask = 0;
  for (let m = 0, best = Infinity; m < 8; m++) {
    applyMask(canvas, m);
    drawFormat(canvas, level, m);
    const score = penalty(canvas.dark, canvas.size);
    if (score < best) [best, mask] = [score, m];
    applyMask(canvas, m);
  }
  return mask;
}

/**
 * {@link encodeQR} after validation; `level` indexes L, M, Q, H; a `forcedMask` skips the mask choice (tests).
 * @internal
 */
export function buildQR(
  text: string,
  level: number,
  minVersion: number,
  forcedMask?: number,
): QRMatrix {
  const segment = segmentOf(text);
  const choice = chooseVersion(segment, level, minVersion);
  const stream = interleavedCodewords(dataBitStream(text, segment, choice), choice.version, level);
  const size = choice.version * 4 + 17;
  const canvas: Canvas = {
    size,
    dark: new Uint8Array(size * size),
    fixed: new Uint8Array(size * size),
  };
  drawFunctionPatterns(canvas, choice.version);
  drawFormat(canvas, level, 0); // reserves the format areas before the data is placed
  placeCodewords(canvas, stream);
  const mask = forcedMask ?? chooseMask(canvas, level);
  applyMask(canvas, mask);
  drawFormat(canvas, level, mask);
  const { dark } = canvas;
  return {
    size,
    version: choice.version,
    ecc: LEVELS[level] as QRErrorCorrection,
    mask,
    isDark: (x: number, y: number): boolean =>
      Number.isInteger(x) && Number.isInteger(y) && x >= 0 && y >= 0 && x < size && y < size &&
      dark[y * size + x] === 1,
  };
}
