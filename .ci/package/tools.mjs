// The package linters .ci/run uses, fetched from the npm registry into .ci/tools (git-ignored), never
// into package.json. Unlike the runtimes (.ci/runtimes/tools.mjs: one platform package, `npm pack` +
// tar), these are JavaScript CLIs with dependencies of their own, so each gets its own
// `npm install --prefix .ci/tools/<name>`, with install scripts off. The CLI itself is pinned exactly;
// its dependencies resolve within its own ranges when first installed and stay as installed.
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, installOnce } from '../runtimes/tools.mjs';

const run = promisify(execFile);

/** name -> npm package (exact version) and the command it installs into node_modules/.bin. */
export const CLIS = {
  publint: { spec: 'publint@0.3.25', bin: 'publint' },
  attw: { spec: '@arethetypeswrong/cli@0.18.5', bin: 'attw' },
};

/**
 * Path to the CLI's command, installing it first if missing. Idempotent: a complete install (marked by
 * `.installed`, moved into place with the files) costs one stat.
 */
export async function ensureCLI(name, log = console.log) {
  const cli = CLIS[name];
  if (!cli) throw new Error(`unknown CLI ${name}`);
  const dir = cacheDir(cli.spec);
  const bin = join(dir, 'node_modules', '.bin', cli.bin);
  if (existsSync(join(dir, '.installed')) && existsSync(bin)) return bin;
  await installOnce({
    spec: cli.spec,
    dir,
    how: 'npm install, no install scripts',
    log,
    fill: async (scratch) => {
      writeFileSync(join(scratch, 'package.json'), '{ "private": true }\n');
      await run('npm', [
        'install',
        '--prefix',
        scratch,
        '--ignore-scripts',
        '--no-audit',
        '--no-fund',
        '--save-exact',
        '--loglevel=error',
        cli.spec,
      ], { cwd: scratch, maxBuffer: 1 << 22 });
    },
  });
  return bin;
}
