// A fresh clone of this checkout, for the packaging checks (.ci/smoke.mjs): the files git would check
// out, as they are in the working tree (tracked files and untracked ones that .gitignore does not
// exclude), committed into a new repository, with no dist/ and no node_modules/. In CI, a fresh clone of
// the submitted commit with nothing changed, that is exactly HEAD; on a developer's machine it includes
// the uncommitted edits, so the checks test what is about to be committed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const git = (args, cwd, input) =>
  execFileSync('git', args, {
    cwd,
    input,
    encoding: 'utf8',
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });

/**
 * Copies the checkout at `root` into `dir` as a repository of one commit. Returns a line saying what
 * was cloned: the HEAD commit and how many files differ from it.
 */
export function freshClone(root, dir) {
  const listed = git(['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root)
    .split('\0').filter(Boolean);
  // A tracked file deleted in the working tree is left out, as a commit of the tree would leave it.
  const files = listed.filter((file) => existsSync(join(root, file)));
  mkdirSync(dir, { recursive: true });
  const archive = execFileSync('tar', ['-c', '--null', '-T', '-', '-f', '-'], {
    cwd: root,
    input: files.join('\0'),
    maxBuffer: 1 << 28,
  });
  execFileSync('tar', ['-x', '-f', '-'], { cwd: dir, input: archive });
  git(['init', '--quiet'], dir);
  git(['add', '--all'], dir);
  git([
    '-c',
    'user.name=otpkit packaging check',
    '-c',
    'user.email=packaging-check@localhost',
    'commit',
    '--quiet',
    '--no-verify',
    '--message',
    'fresh clone of the checkout',
  ], dir);
  const head = git(['rev-parse', '--short', 'HEAD'], root).trim();
  const changed = git(['status', '--porcelain'], root).split('\n').filter(Boolean).length;
  return `${files.length} files of ${head}${
    changed ? ` with ${changed} uncommitted changes` : ', nothing uncommitted'
  }`;
}
