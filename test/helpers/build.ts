// Builds the package exactly as `npm run build` does (tsup.config.ts), but into a temporary directory and
// without .d.ts files: tests of built files must not depend on, or race with, whatever is in dist/ now.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Options } from 'tsup';
import config from '../../tsup.config.js';

/** The project's tsup configurations, in order (library first, then the CLI). */
export const tsupConfigs: Options[] = config;

/** Runs every configuration of tsup.config.ts into a fresh temporary directory and returns its path. */
export async function buildPackage(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'otpkit-build-'));
  for (const options of tsupConfigs) {
    await build({ ...options, outDir, dts: false, silent: true, config: false });
  }
  return outDir;
}
