// publint (package.json against the files it names) and @arethetypeswrong/cli (the types every
// TypeScript moduleResolution gets: node10, node16 from CJS and from ESM, bundler), both run on the
// packed tarball exactly as it would be published. Both must report nothing at all: publint's
// suggestions count too, and attw runs its strict profile (every resolution mode).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { ensureCLI } from './tools.mjs';

const run = promisify(execFile);

/** Runs a command, returning its exit status and everything it printed (stdout, then stderr). */
async function output(bin, args, cwd) {
  try {
    const { stdout, stderr } = await run(bin, args, {
      cwd,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      maxBuffer: 1 << 22,
    });
    return { status: 0, text: `${stdout}${stderr}`.trim() };
  } catch (error) {
    const e = /** @type {{ code?: number, stdout?: string, stderr?: string }} */ (error);
    return { status: e.code ?? 1, text: `${e.stdout ?? ''}${e.stderr ?? ''}`.trim() };
  }
}

/** publint on the tarball: clean when it exits 0 and prints "All good!" (no error, warning or suggestion). */
export async function publint(tarball, cwd) {
  const bin = await ensureCLI('publint');
  const { status, text } = await output(bin, ['run', tarball, '--level', 'suggestion'], cwd);
  return { clean: status === 0 && /^All good!$/m.test(text), text };
}

/** attw on the tarball: clean when it exits 0 and prints "No problems found". */
export async function attw(tarball, cwd) {
  const bin = await ensureCLI('attw');
  const { status, text } = await output(bin, [
    tarball,
    '--profile',
    'strict',
    '--format',
    'table-flipped',
    '--no-color',
  ], cwd);
  return { clean: status === 0 && /No problems found/.test(text), text };
}
