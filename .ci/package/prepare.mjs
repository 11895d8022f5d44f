// package.json "prepare": builds dist/ when a file the package points at (main, module, types, bin,
// every exports target) is missing, and does nothing otherwise.
//
// Why a script and not plain `npm run build`: npm runs `prepare` for a git dependency (in a fresh clone
// of it, after installing its devDependencies, and then again just before packing it), and also after
// every `npm install` in this repository and on `npm pack`, right after `prepack` has built. Building
// only what is missing gives each of those one build: a git install or a fresh clone's first
// `npm install` builds, `npm pack` builds once on `prepack` (which always rebuilds, so a tarball is never
// stale), and later installs in a working copy cost nothing (every script that runs dist/ builds first).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/** Every string in an exports map (conditions nest). */
const targets = (value) =>
  typeof value === 'string' ? [value] : Object.values(value ?? {}).flatMap((v) => targets(v));

const wanted = [
  pkg.main,
  pkg.module,
  pkg.types,
  ...Object.values(pkg.bin ?? {}),
  ...targets(pkg.exports),
].filter((path) => typeof path === 'string' && path.includes('dist/'));
// One name per file: "./dist/index.js" in exports and "dist/index.js" in bin are the same file.
const missing = [...new Set(wanted.map((path) => path.replace(/^\.\//, '')))].filter((path) =>
  !existsSync(join(root, path))
);

if (missing.length === 0) {
  console.log('prepare: dist/ is complete (npm run build rebuilds it)');
} else if (!existsSync(join(root, 'node_modules', '.bin', 'tsup'))) {
  // An install from a directory or a pack with no `npm install` first: say what to do, not "tsup: not found".
  console.error(
    `prepare: dist/ is missing and the devDependencies are not installed: run \`npm install\` in ${root} first`,
  );
  process.exit(1);
} else {
  console.log(`prepare: building dist/ (missing ${missing.join(', ')})`);
  // npm_execpath is the npm that runs this script; plain `npm` when run by hand.
  const npm = process.env.npm_execpath;
  const result = npm
    ? spawnSync(process.execPath, [npm, 'run', 'build'], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: true });
  process.exit(result.status ?? 1);
}
