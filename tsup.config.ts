import type { Options } from 'tsup';

// Typed rather than wrapped in defineConfig(): test/helpers/build.ts imports it, and tsc checks it with isolatedDeclarations.
const config: Options[] = [
  {
    // The library: `otpkit`, `otpkit/qr` and `otpkit/twofactor`, platform-neutral. No code splitting:
    // each entry is one self-contained file, so importing `otpkit` never loads a chunk holding QR code
    // (otpkit/twofactor carries its own copy of what it uses; OTPError is recognised across copies).
    entry: { index: 'src/index.ts', qr: 'src/qr/index.ts', twofactor: 'src/twofactor/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: ['!cli.js'], // the CLI build below writes dist/cli.js at the same time
    target: 'es2022',
    platform: 'neutral',
    splitting: false,
    sourcemap: false,
    treeshake: true,
  },
  {
    // The `otpkit` command line (package.json "bin"): Node only, ESM, one file with a shebang. It bundles
    // its own copy of the library and of otpkit/qr rather than importing ./index.js, so it does not depend
    // on how the rest of dist/ is laid out (and a copy costs nothing at run time: OTPError is recognised
    // across copies by isOTPError). No clean: the library build above cleans dist/ but keeps cli.js.
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    dts: false,
    clean: false,
    target: 'node20',
    platform: 'node',
    splitting: false,
    sourcemap: false,
    treeshake: true,
    banner: { js: '#!/usr/bin/env node' },
  },
];

export default config;
