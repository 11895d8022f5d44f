// Drawing a QRMatrix: an SVG document (one path) and Unicode half blocks for a terminal.
import { boolOption, intOption, invalid, optionalOptions } from '../internal/assert.ts';
import type { QRMatrix } from './encode.ts';

/** Options for {@link qrToSVG}. */
export interface QRSVGOptions {
  /** The quiet zone around the symbol, in modules, 0 to 64. Default 4 (ISO/IEC 18004 §6.3.8). */
  margin?: number | undefined;
  /** The fill of the dark modules: any SVG paint (`'#000'`, `'currentColor'`, ...). Default `'#000'`. */
  dark?: string | undefined;
  /** The background, quiet zone included; `null` leaves it transparent. Default `'#fff'`. */
  light?: string | null | undefined;
  /**
   * The `width` attribute of the `<svg>`: a number of pixels (positive, finite) or a length, a positive
   * number with an SVG 1.1 unit, `px`, `mm`, `cm`, `in`, `pt`, `pc`, `em`, `ex` or `%` (`'40mm'`,
   * `'100%'`). Given alone, `height` takes the same value: the symbol is square, and ImageMagick,
   * given one of the two, draws another shape than a browser does. Default: neither attribute, the
   * size left to CSS (ImageMagick and librsvg then draw one pixel per module).
   */
  width?: number | string | undefined;
  /** The `height` attribute of the `<svg>`, as `width`; given alone, `width` takes the same value. */
  height?: number | string | undefined;
}

/** Options for {@link qrToTerminal}. */
export interface QRTerminalOptions {
  /** The quiet zone around the symbol, in modules, 0 to 64. Default 4 (ISO/IEC 18004 §6.3.8). */
  margin?: number | undefined;
  /**
   * `false` (default) draws the light modules and the quiet zone with block characters, for light text on a
   * dark terminal; `true` draws the dark modules instead, for dark text on a light background.
   * Without `color` only: refused with `color: true`.
   */
  invert?: boolean | undefined;
  /**
   * `true` sets the colours with ANSI escape codes (ECMA-48 SGR): dark modules black on a white ground,
   * quiet zone included, so the code scans on a light and a dark terminal alike. Default `false`: no
   * escape codes, the blocks in the terminal's own text colour.
   */
  color?: boolean | undefined;
}

/** A matrix argument's size and modules, each read once (a getter cannot change the size mid-drawing). */
interface Modules {
  readonly size: number;
  /** Whether the module in column x, row y of the symbol is dark: only `true` counts as dark. */
  dark(x: number, y: number): boolean;
}

/** Validates a matrix argument, reading `size` and `isDark` once each. */
function modulesOf(matrix: unknown): Modules {
  if (typeof matrix !== 'object' || matrix === null) invalid('matrix', 'a QRMatrix from encodeQR');
  const { size, isDark } = matrix as Partial<QRMatrix>;
  if (
    typeof isDark !== 'function' || !Number.isInteger(size) || (size as number) < 21 ||
    (size as number) > 177
  ) invalid('matrix', 'a QRMatrix from encodeQR');
  return { size: size as number, dark: (x, y) => isDark.call(matrix, x, y) === true };
}

/** Whether the module at (x, y) of the picture, quiet zone included, is dark. */
const darkAt = (modules: Modules, margin: number, x: number, y: number): boolean =>
  x >= margin && y >= margin && x < modules.size + margin && y < modules.size + margin &&
  modules.dark(x - margin, y - margin);

function paint(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value === '') invalid(name, 'a non-empty string');
  // An attribute value cannot end early or open markup once these five are escaped.
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// A number with no sign and a digit other than 0 (so '0mm' is refused too), then an SVG 1.1 length
// unit or none (SVG 1.1 §4.2, `<length>`).
const LENGTH = /^(?=.*[1-9])(?:\d+(?:\.\d+)?|\.\d+)(?:px|mm|cm|in|pt|pc|em|ex|%)?$/;

/** A `width` or `height` option as its attribute value; `undefined` stays `undefined`. */
function length(name: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  // A number is written as JavaScript writes it, which SVG reads (an exponent included).
  if (
    typeof value === 'number' ? value > 0 && value < Infinity : typeof value === 'string' &&
      LENGTH.test(value)
  ) return String(value);
  return invalid(name, 'a positive number of pixels or a length such as "40mm"');
}

/**
 * Draws a QR symbol as a standalone SVG document: one `<path>` for all dark modules, a `viewBox` in
 * modules, `shape-rendering="crispEdges"`, `stroke="none"` on what it paints (ImageMagick's renderer
 * would otherwise stroke the modules into each other), no script. Scale it with CSS, or with the
 * `width` and `height` options, which renderers outside a browser go by.
 *
 * @param matrix - what `encodeQR` returned
 * @param options - `margin` (default 4), `dark` (default `'#000'`), `light` (default `'#fff'`, `null` for
 *   transparent), `width` and `height` (default none; one alone sets both)
 * @returns the SVG markup
 * @throws OTPError `ERR_INVALID_OPTION` when `matrix` is not a QR matrix or an option is invalid
 * @example
 * ```ts
 * const svg = qrToSVG(encodeQR(uri), { light: null, dark: 'currentColor' })
 * const file = qrToSVG(encodeQR(uri), { width: '40mm' }) // 40 mm square, in print and in ImageMagick
 * ```
 */
export function qrToSVG(matrix: QRMatrix, options?: QRSVGOptions): string {
  const modules = modulesOf(matrix);
  const { size } = modules;
  const {
    margin: marginValue,
    dark: darkValue,
    light: lightValue,
    width: widthValue,
    height: heightValue,
  } = optionalOptions(options, 'qrToSVG options');
  const margin = intOption('margin', marginValue, 0, 64, 4);
  const dark = paint('dark', darkValue, '#000');
  const light = lightValue === null ? null : paint('light', lightValue, '#fff');
  const width = length('width', widthValue);
  const height = length('height', heightValue) ?? width;
  const dimensions = height === undefined ? '' : ` width="${width ?? height}" height="${height}"`;
  const side = size + 2 * margin;
  let d = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (!modules.dark(x, y)) continue;
      let n = 1;
      while (x + n < size && modules.dark(x + n, y)) n++;
      d += `M${x + margin} ${y + margin}h${n}v1h-${n}z`;
      x += n;
    }
  }
  const background = light === null
    ? ''
    : `<rect width="${side}" height="${side}" fill="${light}" stroke="none"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg"${dimensions} viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges">${background}<path fill="${dark}" stroke="none" d="${d}"/></svg>`;
}

/**
 * Draws a QR symbol with Unicode half blocks (`▀ ▄ █`), two module rows per line of text, for a terminal.
 *
 * @param matrix - what `encodeQR` returned
 * @param options - `margin` (default 4), `invert` (default `false`: blocks are the light modules), `color`
 *   (default `false`; `true`: black on white with ANSI colours, for any terminal theme)
 * @returns the lines, joined with `\n` (no final newline)
 * @throws OTPError `ERR_INVALID_OPTION` when `matrix` is not a QR matrix or an option is invalid
 * @example
 * ```ts
 * console.log(qrToTerminal(encodeQR(uri), { color: true }))
 * ```
 */
export function qrToTerminal(matrix: QRMatrix, options?: QRTerminalOptions): string {
  const modules = modulesOf(matrix);
  const { margin: marginValue, invert: invertValue, color: colorValue } = optionalOptions(
    options,
    'qrToTerminal options',
  );
  const margin = intOption('margin', marginValue, 0, 64, 4);
  const invert = boolOption('invert', invertValue);
  const color = boolOption('color', colorValue);
  if (color && invert) invalid('invert', 'false when color is true');
  const side = modules.size + 2 * margin;
  // Painted with a block: the light modules (the dark ones when inverted or coloured, the blocks then
  // being black on a white ground); below the picture, nothing.
  const ink = (
    x: number,
    y: number,
  ): number => (y < side && darkAt(modules, margin, x, y) === (invert || color) ? 1 : 0);
  // Black text (30) on white (47, then bright white 107 where the terminal knows it), reset at the end
  // of each line so that nothing after the picture, a scrolled line included, takes the white ground.
  const [start, end] = color ? ['\x1b[30;47;107m', '\x1b[0m'] : ['', ''];
  const lines: string[] = [];
  for (let y = 0; y < side; y += 2) {
    let line = start;
    for (let x = 0; x < side; x++) line += ' ▄▀█'[ink(x, y) * 2 + ink(x, y + 1)];
    lines.push(line + end);
  }
  return lines.join('\n');
}
