import type { Options } from 'tsup';

// Typed rather than wrapped in defineConfig(): test/helpers/build.ts imports it, and tsc checks it with isolatedDeclarations.
const config: Options[] = [
  {
    // The library: `otpkit` and `otpkit/qr`, platform-neutral. No code splitting: each entry is one
    // self-contained file, so importing `otpkit` never loads a chunk holding QR code.
    entry: { index: 'src/index.ts', qr: 'src/qr/index.ts' },
    format: ['esm', 'cjs'],
    dts: true,
    clean: ['!cli.js'], // the CLI build below writes dist/cli.js at the same time
    target: 'es2022',
    platform: 'neutral',
    splitting: false,
    sourcemap: false,
    treeshake: true,
  },
];

export default config;
