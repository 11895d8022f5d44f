// qrToSVG's output drawn outside a browser: by ImageMagick's own SVG renderer (MSVG; Debian imagemagick
// with libmagickcore-6.q16-6-extra) and by librsvg (rsvg-convert, Debian librsvg2-bin), at the size the
// `width`/`height` options ask for, then read back pixel by pixel and decoded by zbarimg. ImageMagick
// strokes a shape that has no `stroke` attribute (SVG's initial value is none): the dark modules grow
// into the light ones, which the control case measures, so the passing cases show what `stroke="none"`
// fixes. Skipped (with a message) only when a tool is missing outside CI; under CI it must run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  encodeQR,
  type QRErrorCorrection,
  type QRMatrix,
  type QRSVGOptions,
  qrToSVG,
} from '../src/qr/index.js';
import { zbar, zbarFound } from './helpers/zbar.js';

const ci = (process.env.CI ?? '') !== '';

/** ImageMagick's command (`magick` from version 7, `convert` before) when it has its own SVG renderer. */
const magick = ['magick', 'convert'].find((bin) => {
  const formats = spawnSync(bin, ['-list', 'format'], { encoding: 'utf8' });
  return formats.status === 0 && /^\s*MSVG\b/m.test(formats.stdout);
});
const rsvgFound = spawnSync('rsvg-convert', ['--version'], { encoding: 'utf8' }).status === 0;
const ready = zbarFound && magick !== undefined && rsvgFound;
if (!ready && !ci) {
  console.warn(
    'qr-svg-render.test.ts SKIPPED: needs zbarimg, ImageMagick with MSVG and rsvg-convert (apt-get install -y zbar-tools imagemagick libmagickcore-6.q16-6-extra librsvg2-bin); under CI this test must run.',
  );
}

function run(bin: string, args: string[]): string {
  const result = spawnSync(bin, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (result.status !== 0) throw new Error(`${bin} ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}

interface Renderer {
  readonly name: string;
  /** Draws the SVG file into a PNG file, on a white ground where the picture is transparent. */
  draw(svg: string, png: string): void;
}

const RENDERERS: readonly Renderer[] = [
  {
    name: "ImageMagick's MSVG",
    draw: (svg, png) => {
      run(magick as string, [`msvg:${svg}`, '-background', 'white', '-flatten', `png:${png}`]);
    },
  },
  {
    name: 'librsvg (rsvg-convert)',
    draw: (svg, png) => {
      run('rsvg-convert', ['--background-color=white', '-f', 'png', '-o', png, svg]);
    },
  },
];

interface Raster {
  readonly width: number;
  readonly height: number;
  /** 0 (black) to 255 (white), row by row. */
  readonly grey: Uint8Array;
}

/** A PNG file's pixels in grey, read by ImageMagick as a plain (text) PGM: `P2 width height 255 ...`. */
function raster(png: string): Raster {
  const pgm = run(magick as string, [
    png,
    '-colorspace',
    'gray',
    '-depth',
    '8',
    '-compress',
    'none',
    'pgm:-',
  ]);
  const [format, width, height, max, ...pixels] = pgm.trim().split(/\s+/);
  expect([format, max]).toEqual(['P2', '255']);
  expect(pixels).toHaveLength(Number(width) * Number(height));
  return { width: Number(width), height: Number(height), grey: Uint8Array.from(pixels, Number) };
}

/**
 * The light pixels drawn dark and the dark ones drawn light, among the pixels whose module is plain:
 * those more than a pixel away from every module edge (at a scale that is not a whole number, an edge
 * pixel may fairly be either). `margin` is the quiet zone in modules.
 */
function wrongPixels(
  image: Raster,
  matrix: QRMatrix,
  margin: number,
): { light: number; lightWrong: number; dark: number; darkWrong: number } {
  const count = { light: 0, lightWrong: 0, dark: 0, darkWrong: 0 };
  const scale = image.width / (matrix.size + 2 * margin);
  const inside = (f: number): boolean => f * scale > 1 && (1 - f) * scale > 1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const mx = (x + 0.5) / scale;
      const my = (y + 0.5) / scale;
      if (!inside(mx - Math.floor(mx)) || !inside(my - Math.floor(my))) continue;
      const dark = matrix.isDark(Math.floor(mx) - margin, Math.floor(my) - margin);
      const drawnDark = (image.grey[y * image.width + x] as number) < 128;
      if (dark) {
        count.dark++;
        if (!drawnDark) count.darkWrong++;
      } else {
        count.light++;
        if (drawnDark) count.lightWrong++;
      }
    }
  }
  return count;
}

interface Case {
  readonly text: string;
  readonly ecc: QRErrorCorrection;
  /** The quiet zone, passed as `margin`. */
  readonly margin: number;
  /** The other options, from the symbol's side in modules (quiet zone included). */
  readonly options: (side: number) => QRSVGOptions;
  /** The picture's side in pixels, from the same. */
  readonly pixels: (side: number) => number;
}

const URI = 'otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example';
const CASES: readonly Case[] = [
  {
    text: URI,
    ecc: 'M',
    margin: 4,
    options: (side) => ({ width: 6 * side }),
    pixels: (side) => 6 * side,
  },
  // Height alone, in millimetres: 50 mm at 96 pixels an inch; colours of one's own.
  {
    text: 'HTTPS://EXAMPLE.COM/ENROL/0123456789',
    ecc: 'Q',
    margin: 4,
    options: () => ({ height: '50mm', dark: '#1a1a1a', light: '#ffffe0' }),
    pixels: () => Math.round((50 / 25.4) * 96),
  },
  // Transparent, drawn on white; a longer text, in a larger version.
  {
    text: `${URI}&image=${'https://example.com/logo.png'.repeat(4)}`,
    ecc: 'L',
    margin: 4,
    options: (side) => ({ light: null, width: `${4 * side}px` }),
    pixels: (side) => 4 * side,
  },
  // Both attributes, a wider quiet zone, a text in UTF-8.
  {
    text: 'Grüße, 二要素認証 ✓',
    ecc: 'H',
    margin: 6,
    options: (side) => ({ width: 5 * side, height: 5 * side }),
    pixels: (side) => 5 * side,
  },
];

describe.skipIf(!ready && !ci)('qrToSVG drawn by renderers outside a browser', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otpkit-qr-svg-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** `svg` written to a file and drawn by `renderer`: the raster read back. */
  const draw = (renderer: Renderer, svg: string, name: string): Raster => {
    const file = join(dir, name);
    writeFileSync(`${file}.svg`, svg);
    renderer.draw(`${file}.svg`, `${file}.png`);
    return raster(`${file}.png`);
  };
  const decode = async (name: string): Promise<string> =>
    new TextDecoder().decode(await zbar([join(dir, `${name}.png`)]));

  it('zbarimg, ImageMagick with its MSVG renderer and rsvg-convert are installed (CI installs them; the test may not skip there)', () => {
    expect(zbarFound, 'zbarimg: apt-get install -y zbar-tools').toBe(true);
    expect(
      magick,
      'ImageMagick with MSVG: apt-get install -y imagemagick libmagickcore-6.q16-6-extra',
    ).toBeDefined();
    expect(rsvgFound, 'rsvg-convert: apt-get install -y librsvg2-bin').toBe(true);
  });

  it.each(RENDERERS.map((r) => [r.name, r] as const))(
    '%s: the size asked for, every module its colour, and zbarimg reads the text',
    async (_, renderer) => {
      for (const [i, c] of CASES.entries()) {
        const matrix = encodeQR(c.text, { ecc: c.ecc });
        const side = matrix.size + 2 * c.margin;
        const name = `${renderer.name.replace(/\W+/g, '-')}-${i}`;
        const image = draw(
          renderer,
          qrToSVG(matrix, { margin: c.margin, ...c.options(side) }),
          name,
        );
        const label = `${renderer.name}, case ${i} (${matrix.ecc}-${matrix.version})`;
        expect(Math.abs(image.width - c.pixels(side)), `${label}: width ${image.width}`)
          .toBeLessThanOrEqual(1);
        expect(image.height, label).toBe(image.width);
        const wrong = wrongPixels(image, matrix, c.margin);
        // At 4 pixels a module, the 2 x 2 inside each: a quarter of the picture is compared.
        expect(wrong.light + wrong.dark, label).toBeGreaterThan(image.width * image.height / 5);
        expect([wrong.lightWrong, wrong.darkWrong], label).toEqual([0, 0]);
        expect(await decode(name), label).toBe(c.text);
      }
    },
  );

  it('control: without stroke="none", ImageMagick\'s MSVG paints over more than a quarter of the light pixels', () => {
    const matrix = encodeQR(URI, { ecc: 'M' });
    const svg = qrToSVG(matrix, { width: 6 * (matrix.size + 8) });
    expect(svg.match(/ stroke="none"/g)).toHaveLength(2); // the background and the path
    const msvg = RENDERERS[0] as Renderer;
    const unstroked = wrongPixels(draw(msvg, svg.replaceAll(' stroke="none"', ''), 'u'), matrix, 4);
    expect(unstroked.lightWrong).toBeGreaterThan(unstroked.light / 4); // 58 % on 2026-12-01
    const stroked = wrongPixels(draw(msvg, svg, 's'), matrix, 4);
    expect([stroked.lightWrong, stroked.darkWrong]).toEqual([0, 0]);
  });
});
