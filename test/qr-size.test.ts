// The QR entry's cost: bundled with the esbuild that tsup installs (--bundle --minify, ESM, gzip
// -9) it stays within 4,500 bytes, and the root entry pulls in none of it, in src/ and in the built files.
import { build, type Metafile } from 'esbuild';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPackage } from './helpers/build.js';

const QR_BUDGET = 4_500;
const root = new URL('..', import.meta.url).pathname;

/** esbuild --bundle --minify --format=esm of `contents`, resolved from the project root. */
async function bundle(
  contents: string,
): Promise<{ code: Uint8Array; gzip: number; inputs: string[] }> {
  const result = await build({
    stdin: { contents, resolveDir: root, loader: 'ts', sourcefile: 'app.ts' },
    absWorkingDir: root,
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = (result.outputFiles[0] as { contents: Uint8Array }).contents;
  return {
    code,
    gzip: gzipSync(code, { level: 9 }).length,
    inputs: Object.keys((result.metafile as Metafile).inputs),
  };
}

// The QR alphanumeric alphabet (ISO/IEC 18004 Table 5): only the encoder holds it.
const MARKER = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';

describe('otpkit/qr size', () => {
  it(`bundles (encodeQR + qrToSVG + qrToTerminal) to at most ${QR_BUDGET} bytes gzip`, async () => {
    const qr = await bundle("export { encodeQR, qrToSVG, qrToTerminal } from './src/qr/index.ts';");
    console.log(
      `otpkit/qr: ${qr.code.length} bytes minified, ${qr.gzip} gzip (ceiling ${QR_BUDGET})`,
    );
    expect(new TextDecoder().decode(qr.code)).toContain(MARKER);
    expect(qr.gzip).toBeGreaterThan(1_500); // smaller would mean the entry resolved to nothing
    expect(qr.gzip).toBeLessThanOrEqual(QR_BUDGET);
    // It holds the QR modules and the shared error/validation helpers, nothing of the OTP code.
    expect(qr.inputs.filter((f) => f !== 'app.ts' && !f.startsWith('src/qr/')).sort()).toEqual([
      'src/errors.ts',
      'src/internal/assert.ts',
    ]);
  });

  it('the root entry pulls in none of the QR code (bundling everything it exports)', async () => {
    const everything = await bundle("export * from './src/index.ts';");
    expect(everything.inputs.filter((f) => f.includes('/qr/'))).toEqual([]);
    expect(new TextDecoder().decode(everything.code)).not.toContain(MARKER);
  });
});

describe('built files (tsup.config.ts)', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await buildPackage();
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one self-contained file per entry and format: no shared chunk', () => {
    const files = readdirSync(dir).sort();
    expect(files.filter((f) => f !== 'cli.js')).toEqual([
      'index.cjs',
      'index.js',
      'qr.cjs',
      'qr.js',
      'twofactor.cjs',
      'twofactor.js',
    ]);
    for (const file of ['index.js', 'qr.js', 'twofactor.js']) {
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toMatch(
        /^\s*(import|export \* from)\b.*from\s/m,
      );
    }
    for (const file of ['index.cjs', 'qr.cjs', 'twofactor.cjs']) {
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toMatch(/require\(/);
    }
  });

  it('dist/index.* hold none of the QR encoder; dist/qr.* hold it and bundle within the budget', async () => {
    for (const file of ['index.js', 'index.cjs']) {
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toContain(MARKER);
    }
    for (const file of ['qr.js', 'qr.cjs']) {
      expect(readFileSync(join(dir, file), 'utf8'), file).toContain(MARKER);
    }
    const built = await bundle(`export * from ${JSON.stringify(join(dir, 'qr.js'))};`);
    expect(built.gzip).toBeLessThanOrEqual(QR_BUDGET);
  });
});
