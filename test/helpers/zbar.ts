// zbarimg (ZBar, Debian package zbar-tools), an independent QR reader, and the tiny PGM writer the tests
// draw their images with: test/qr-zbar.test.ts (symbols), test/qr-terminal.test.ts (terminal output).
import { execFile, spawnSync } from 'node:child_process';

/** Whether zbarimg runs here. */
export const zbarFound: boolean =
  spawnSync('zbarimg', ['--version'], { encoding: 'utf8' }).status === 0;

/** A binary PGM (P5) image of `cells` x `cells` with `dark(x, y)` in black, `scale` pixels per cell. */
export function pgm(
  cells: number,
  scale: number,
  dark: (x: number, y: number) => boolean,
): Uint8Array {
  return greyPGM(cells, cells, scale, (x, y) => (dark(x, y) ? 0 : 255));
}

/** A binary PGM (P5) image of `width` x `height` cells, `grey(x, y)` 0 (black) to 255 (white) each, `scale` pixels per cell. */
export function greyPGM(
  width: number,
  height: number,
  scale: number,
  grey: (x: number, y: number) => number,
): Uint8Array {
  const header = new TextEncoder().encode(`P5\n${width * scale} ${height * scale}\n255\n`);
  const image = new Uint8Array(header.length + width * scale * height * scale);
  image.set(header);
  let at = header.length;
  for (let y = 0; y < height * scale; y++) {
    for (let x = 0; x < width * scale; x++) {
      image[at++] = grey(Math.floor(x / scale), Math.floor(y / scale));
    }
  }
  return image;
}

/**
 * zbarimg's raw bytes (-Sbinary: no charset guessing) for the given images, in order, concatenated. Only the
 * QR Code reader is enabled: with every symbology on, a 1-D reader now and then finds a phantom barcode in
 * the modules (seed 306166161 gave an extra "146768" after a correct QR decode). An image without a
 * symbol adds nothing (zbarimg's exit status 4 is not an error here: the caller compares what it got).
 */
export function zbar(files: readonly string[]): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    execFile(
      'zbarimg',
      ['--quiet', '--raw', '--nodbus', '-Sdisable', '-Sqrcode.enable', '-Sbinary', ...files],
      { encoding: 'buffer', maxBuffer: 1 << 26 },
      (error, stdout) => {
        if (error && (error as { code?: unknown }).code !== 4) {
          reject(error);
        } else resolve(new Uint8Array(stdout));
      },
    );
  });
}
