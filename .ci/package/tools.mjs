// The package linters .ci/run uses, fetched from the npm registry into .ci/tools (git-ignored), never
// into package.json. Unlike the runtimes (.ci/runtimes/tools.mjs: one platform package, `npm pack` +
// tar), these are JavaScript CLIs with dependencies of their own, so each gets its own
// `npm install --prefix .ci/tools/<name>`, with install scripts off. The CLI itself is pinned exactly;
// its dependencies resolve within its own ranges when first installed and stay as installed.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, TOOLS_DIR } from '../runtimes/tools.mjs';

const run = promisify(execFile);

/** name -> npm package (exact version) and the command it installs into node_modules/.bin. */
export const CLIS = {
  publint: { spec: 'publint@0.3.25', bin: 'publint' },
  attw: { spec: '@arethetypeswrong/cli@0.18.5', bin: 'attw' },
};

function dirOf(name) {
  return join(TOOLS_DIR, CLIS[name].spec.replace(/^@/, '').replace(/[/@]/g, '-'));
}

/**
 * Path to the CLI's command, installing it first if missing. Idempotent: a complete install (marked by
 * `.installed`, moved into place with the files) costs one stat.
 */
export async function ensureCLI(name, log = console.log) {
  const cli = CLIS[name];
  if (!cli) throw new Error(`unknown CLI ${name}`);
  const dir = dirOf(name);
  const bin = join(dir, 'node_modules', '.bin', cli.bin);
  const marker = join(dir, '.installed');
  if (existsSync(marker) && existsSync(bin)) return bin;
  const started = Date.now();
  log(
    `installing ${cli.spec} into ${dir.slice(ROOT.length + 1)} (npm install, no install scripts)`,
  );
  mkdirSync(TOOLS_DIR, { recursive: true });
  const scratch = mkdtempSync(join(TOOLS_DIR, `.tmp-${name}-`));
  try {
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
    writeFileSync(join(scratch, '.installed'), `${cli.spec}\n`);
    // Another run may have finished the same install meanwhile: keep the first complete one.
    if (!existsSync(marker)) {
      rmSync(dir, { recursive: true, force: true });
      try {
        renameSync(scratch, dir);
      } catch (error) {
        if (!existsSync(marker)) throw error;
      }
    }
  } catch (error) {
    throw new Error(
      `could not install ${cli.spec} from the npm registry: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  log(`installed ${cli.spec} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return bin;
}
