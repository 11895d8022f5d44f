// Size and import cost (docs/performance.md). The bundles are made from src/ with the esbuild
// that tsup installs (esbuild compiles the TypeScript itself, so no prior build is needed), exactly as
// an application would bundle the package: --bundle --minify --format=esm, then gzip -9.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Ceilings in gzip bytes: the sizes measured on 2026-12-01 plus about 2%. A change that grows the library
// past one fails here, so growth is a decision; docs/performance.md says where the bytes go and why each
// ceiling was last raised.
const CORE_BUDGET = 3_900;
const ROOT_BUDGET = 10_700;

const root = new URL('..', import.meta.url).pathname;

async function gzipSize(entry: string): Promise<{ minified: number; gzip: number }> {
  const result = await build({
    stdin: { contents: entry, resolveDir: root, loader: 'ts', sourcefile: 'app.ts' },
    absWorkingDir: root,
    alias: { otpkit: './src/index.ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const code = (result.outputFiles[0] as { contents: Uint8Array }).contents;
  return { minified: code.length, gzip: gzipSync(code, { level: 9 }).length };
}

describe('bundle size (esbuild --bundle --minify --format=esm, gzip -9)', () => {
  it(`import { generateTOTP, verifyTOTP } from 'otpkit' stays within ${CORE_BUDGET} bytes`, async () => {
    const size = await gzipSize(
      "import { generateTOTP, verifyTOTP } from 'otpkit'; export { generateTOTP, verifyTOTP };",
    );
    console.log(
      `core (generateTOTP + verifyTOTP): ${size.minified} bytes minified, ${size.gzip} gzip (ceiling ${CORE_BUDGET})`,
    );
    expect(size.gzip).toBeGreaterThan(400); // a bundle this small would mean the entry resolved to nothing
    expect(size.gzip).toBeLessThanOrEqual(CORE_BUDGET);
  });

  it(`the whole root entry (everything src/index.ts exports) stays within ${ROOT_BUDGET} bytes`, async () => {
    const size = await gzipSize("export * from 'otpkit';");
    console.log(
      `root entry (export * from 'otpkit'): ${size.minified} bytes minified, ${size.gzip} gzip (ceiling ${ROOT_BUDGET})`,
    );
    expect(size.gzip).toBeLessThanOrEqual(ROOT_BUDGET);
  });

  it('tree-shakes: a bundle of generateSecret alone leaves out the HOTP/TOTP code', async () => {
    const secretOnly = await gzipSize("export { generateSecret } from 'otpkit';");
    const core = await gzipSize("export { generateTOTP, verifyTOTP } from 'otpkit';");
    expect(secretOnly.gzip).toBeLessThan(core.gzip / 2);
  });
});

describe('import cost', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it('evaluating the package touches no crypto at all: WebCrypto is looked up on first use', async () => {
    const touched: PropertyKey[] = [];
    const spy = new Proxy({} as Crypto, {
      get(_target, property) {
        touched.push(property);
        return undefined;
      },
      has(_target, property) {
        touched.push(property);
        return false;
      },
    });
    vi.stubGlobal('crypto', spy);
    vi.resetModules();
    const fresh = await import('../src/index.js');
    expect(Object.keys(fresh).length).toBeGreaterThan(10);
    expect(touched).toEqual([]);
    // The spy does see a use, so an empty list above means "not touched", not "not watched".
    expect(() => fresh.generateSecret()).toThrow();
    expect(touched.length).toBeGreaterThan(0);
  });
});
