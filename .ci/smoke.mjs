// Installs otpkit the ways a user can, starting from a fresh clone of this checkout with no dist/
// (.ci/package/clone.mjs), and checks every install as a user would use it:
//   1. `npm install` in the clone builds dist/ (the `prepare` script: .ci/package/prepare.mjs);
//   2. with dist/ removed again, `npm pack` builds it (`prepack`): the tarball has dist/, the bin, the
//      Markdown docs, and no sources, tests or examples;
//   3. the tarball installed in a scratch project: `otpkit`, `otpkit/qr` and `otpkit/twofactor` from
//      ESM and CJS, the `otpkit` command, the README's quick start (ESM and its CommonJS form) and
//      twofactor example as written, TypeScript under moduleResolution node10, every relative link of
//      the shipped Markdown, publint and @arethetypeswrong/cli;
//   4. `npm install git+file://<clone>#HEAD` in a second project (npm clones it, installs its
//      devDependencies and runs `prepare`): the same imports and command.
// Prints "N passed, M failed". The network it needs is the npm registry (devDependencies, the linters).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freshClone } from './package/clone.mjs';
import { brokenLinks } from './package/links.mjs';
import { attw, publint } from './package/lint.mjs';
import { createReport } from './report.mjs';

const root = new URL('..', import.meta.url).pathname;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const scratch = mkdtempSync(join(tmpdir(), 'otpkit-smoke-'));
const clone = join(scratch, 'clone');
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 24,
  });
const node = (type, code, cwd) => run('node', [`--input-type=${type}`, '-e', code], cwd).trim();
const { check, finish } = createReport('smoke');
const seconds = (started) => `${((Date.now() - started) / 1000).toFixed(0)} s`;

/** Every file package.json points at in dist/: main, module, types, bin, exports, typesVersions. */
const targets = (value) =>
  typeof value === 'string' ? [value] : Object.values(value ?? {}).flatMap((v) => targets(v));
const distFiles = [
  ...new Set(
    [pkg.main, pkg.module, pkg.types, pkg.bin, pkg.exports, pkg.typesVersions].flatMap(targets)
      .filter((path) => path.includes('dist/')).map((path) => path.replace(/^\.\//, '')),
  ),
].sort();

/** A scratch project that uses otpkit, as an application would: ESM by its package.json. */
function project(name, extra = {}) {
  const dir = join(scratch, name);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name, private: true, type: 'module', ...extra }, null, 2),
  );
  return dir;
}

// RFC 6238 Appendix B: SHA-1, T = 59 s, 8 digits.
const SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_CODE = '94287082';

/** The checks every install gets: the three entries from ESM and CJS, and the command. */
async function checkInstall(label, dir) {
  const probe =
    `otp.generateTOTP({ secret: '${SECRET}', time: 59000, digits: 8 }).then((c) => console.log(c, typeof otp.isOTPError))`;
  await check(`${label}: import('otpkit') (ESM, dist/index.js)`, () => {
    const out = node('module', `const otp = await import('otpkit'); await ${probe}`, dir);
    if (out !== `${RFC_CODE} function`) throw new Error(`got ${out}`);
    const resolved = node('module', "console.log(import.meta.resolve('otpkit'))", dir);
    if (!resolved.endsWith('/node_modules/otpkit/dist/index.js')) {
      throw new Error(`resolved ${resolved}`);
    }
    return out;
  });
  await check(`${label}: require('otpkit') (CJS, dist/index.cjs)`, () => {
    const out = node('commonjs', `const otp = require('otpkit'); ${probe}`, dir);
    if (out !== `${RFC_CODE} function`) throw new Error(`got ${out}`);
    const resolved = node('commonjs', "console.log(require.resolve('otpkit'))", dir);
    if (!resolved.endsWith('/node_modules/otpkit/dist/index.cjs')) {
      throw new Error(`resolved ${resolved}`);
    }
    return out;
  });

  // otpkit/qr: the README's QR example shape, qrToSVG(encodeQR(...)).
  const qrProbe =
    "const q = qr.encodeQR('01234567', { ecc: 'M' }); console.log(q.version, q.mask, qr.qrToSVG(q).startsWith('<svg'))";
  await check(`${label}: import('otpkit/qr') and require('otpkit/qr')`, () => {
    const esm = node('module', `const qr = await import('otpkit/qr'); ${qrProbe}`, dir);
    const cjs = node('commonjs', `const qr = require('otpkit/qr'); ${qrProbe}`, dir);
    if (esm !== '1 2 true' || cjs !== '1 2 true') throw new Error(`got ${esm} / ${cjs}`);
    const resolved = [
      node('module', "console.log(import.meta.resolve('otpkit/qr'))", dir),
      node('commonjs', "console.log(require.resolve('otpkit/qr'))", dir),
    ];
    if (!resolved[0].endsWith('/dist/qr.js') || !resolved[1].endsWith('/dist/qr.cjs')) {
      throw new Error(`resolved ${resolved.join(', ')}`);
    }
    return esm;
  });

  await check(`${label}: import('otpkit/twofactor') and require('otpkit/twofactor')`, () => {
    const names =
      "['createTwoFactor', 'memoryStore', 'sqlStore', 'sqlSchema', 'redisStore', 'checkStore'].map((n) => typeof m[n]).join(' ')";
    const esm = node(
      'module',
      `const m = await import('otpkit/twofactor'); console.log(${names})`,
      dir,
    );
    const cjs = node(
      'commonjs',
      `const m = require('otpkit/twofactor'); console.log(${names})`,
      dir,
    );
    const expected = Array(6).fill('function').join(' ');
    if (esm !== expected || cjs !== expected) throw new Error(`got ${esm} / ${cjs}`);
    return '6 functions each';
  });

  // The `otpkit` command (package.json "bin"): npm links it into node_modules/.bin, shebang and mode intact.
  await check(`${label}: the otpkit command (bin, dist/cli.js)`, () => {
    const bin = join(dir, 'node_modules', '.bin', 'otpkit');
    const code = run(bin, ['code', SECRET, '--time', '1970-01-01T00:00:59Z', '--digits', '8'], dir)
      .trim();
    if (code !== RFC_CODE) throw new Error(`otpkit code printed ${code}`);
    const version = run(bin, ['--version'], dir).trim();
    if (!version.includes(pkg.version)) throw new Error(`otpkit --version printed ${version}`);
    return `otpkit code ... ${code}, otpkit --version ${version}`;
  });
}

/** A ```js block of the README, found by what it contains. */
function readmeBlock(readme, marker) {
  const block = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1])
    .find((text) => text.includes(marker));
  if (!block) throw new Error(`no \`\`\`js block with ${marker} in the README`);
  return block;
}

try {
  let tarball = '';
  let files = [];
  const unpacked = join(scratch, 'unpacked');

  await check('fresh clone of the checkout (no dist/, no node_modules/)', () => {
    const what = freshClone(root, clone);
    if (existsSync(join(clone, 'dist')) || existsSync(join(clone, 'node_modules'))) {
      throw new Error('the clone has dist/ or node_modules/');
    }
    return what;
  });

  await check('npm install in the fresh clone builds dist/ (prepare)', () => {
    const started = Date.now();
    run('npm', ['install', '--no-audit', '--no-fund'], clone);
    const missing = distFiles.filter((f) => !existsSync(join(clone, f)));
    if (missing.length) throw new Error(`after npm install, missing ${missing.join(', ')}`);
    return `${distFiles.length} dist files in ${seconds(started)}`;
  });

  await check('npm pack with no dist/ builds it (prepack)', () => {
    rmSync(join(clone, 'dist'), { recursive: true, force: true });
    const started = Date.now();
    tarball = join(
      scratch,
      run('npm', ['pack', '--silent', '--pack-destination', scratch], clone).trim().split('\n')
        .pop(),
    );
    files = run('tar', ['-tzf', tarball], scratch).split('\n').filter(Boolean)
      .map((f) => f.replace(/^package\//, '')).sort();
    return `${files.length} files in ${seconds(started)}`;
  });

  await check('the tarball holds dist/, the docs and the project files, and no sources', () => {
    const docs = run('git', ['ls-files', 'docs/*.md'], clone).split('\n')
      .filter((f) => /^docs\/[^/]+\.md$/.test(f));
    const wanted = [
      ...distFiles,
      ...docs,
      'README.md',
      'LICENSE',
      'CHANGELOG.md',
      'CONTRIBUTING.md',
      'SECURITY.md',
      'package.json',
    ];
    const missing = wanted.filter((f) => !files.includes(f));
    if (missing.length) throw new Error(`missing ${missing.join(', ')}`);
    const stray = files.filter((f) => /^(src|test|vectors|docs\/examples|\.ci)\//.test(f));
    if (stray.length) throw new Error(`ships ${stray.join(', ')}`);
    return `${distFiles.length} dist files, ${docs.length} docs pages`;
  });

  await check('every relative link in the shipped Markdown resolves inside the tarball', () => {
    mkdirSync(unpacked);
    run('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1'], scratch);
    const pages = new Map(
      files.filter((f) => f.endsWith('.md')).map((
        f,
      ) => [f, readFileSync(join(unpacked, f), 'utf8')]),
    );
    const broken = brokenLinks(pages, new Set(files));
    if (broken.length) {
      throw new Error(
        `${broken.length} broken:\n  ${
          broken.join('\n  ')
        }\n  (docs/examples/ stays in the repository: name it as code, not as a link)`,
      );
    }
    return `${pages.size} pages`;
  });

  await check('publint on the tarball: no error, warning or suggestion', async () => {
    const result = await publint(tarball, scratch);
    console.log(result.text.replace(/^/gm, '     '));
    if (!result.clean) throw new Error('publint reported something (above)');
    return 'All good!';
  });

  await check(
    'attw on the tarball: every entry types under node10, node16 (CJS, ESM), bundler',
    async () => {
      const result = await attw(tarball, scratch);
      console.log(result.text.replace(/^/gm, '     '));
      if (!result.clean) throw new Error('attw found problems (above)');
      return 'No problems found';
    },
  );

  const app = project('app');
  await check('the tarball installs into a scratch project', () => {
    run('npm', ['install', '--no-audit', '--no-fund', '--silent', tarball], app);
    return 'npm install <tarball>';
  });
  await checkInstall('tarball', app);

  const readme = readFileSync(join(unpacked, 'README.md'), 'utf8');
  await check('the README quick start (ESM) runs as written', () => {
    const block = /## Quick start[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    if (!block) throw new Error('no ```js block under "## Quick start"');
    const lines = block.trimEnd().split('\n').length;
    if (lines > 15) throw new Error(`the quick start has ${lines} lines (15 at most)`);
    writeFileSync(join(app, 'quickstart.mjs'), block);
    const out = run('node', ['quickstart.mjs'], app).trim();
    if (out !== 'logged in\nnull') throw new Error(`unexpected output: ${out}`);
    return `${lines} lines`;
  });
  await check("the README quick start's CommonJS form runs as written (quickstart.cjs)", () => {
    const block = readmeBlock(readme, "require('otpkit')");
    writeFileSync(join(app, 'quickstart.cjs'), block);
    const out = run('node', ['quickstart.cjs'], app).trim();
    if (out !== 'logged in') throw new Error(`unexpected output: ${out}`);
    return `${block.trimEnd().split('\n').length} lines`;
  });
  await check("the README's otpkit/twofactor example runs as written", () => {
    writeFileSync(join(app, 'twofactor.mjs'), readmeBlock(readme, 'import { createTwoFactor'));
    const out = run('node', ['twofactor.mjs'], app).trim();
    if (!out.startsWith('true') || !out.includes("reason: 'invalid'")) {
      throw new Error(`unexpected output: ${out}`);
    }
    return out.split('\n').join(' ');
  });

  // TypeScript's node10 resolution (moduleResolution "node", usual with "module": "commonjs") reads
  // no exports map: the subpaths resolve through typesVersions. The @ts-expect-error lines fail the
  // compile if a subpath resolved to nothing typed (an untyped import is `any` and expects no error).
  await check('TypeScript, moduleResolution node10: all three entries typed', () => {
    writeFileSync(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'commonjs',
          moduleResolution: 'node10',
          target: 'es2022',
          lib: ['es2022', 'dom'],
          types: [],
          strict: true,
          noEmit: true,
        },
        files: ['node10.ts'],
      }),
    );
    writeFileSync(
      join(app, 'node10.ts'),
      [
        "import { generateTOTP } from 'otpkit';",
        "import { encodeQR, qrToSVG } from 'otpkit/qr';",
        "import { createTwoFactor, memoryStore } from 'otpkit/twofactor';",
        `export const code: Promise<string> = generateTOTP({ secret: '${SECRET}' });`,
        "export const svg: string = qrToSVG(encodeQR('otpauth://totp/Example:alice?secret=GEZDGNBV'));",
        'export const store = memoryStore();',
        '// @ts-expect-error: encodeQR takes a string',
        'encodeQR(42);',
        '// @ts-expect-error: createTwoFactor needs a store, keys and an issuer',
        'createTwoFactor({});',
        '',
      ].join('\n'),
    );
    const tsc = join(clone, 'node_modules', 'typescript', 'bin', 'tsc');
    run('node', [tsc, '-p', 'tsconfig.json'], app);
    return `tsc ${run('node', [tsc, '--version'], app).trim()}`;
  });

  // A git URL: npm clones the repository, installs its devDependencies, runs `prepare`, and packs the
  // result. allowScripts approves that one script, as the README tells users to.
  const gitURL = `git+file://${clone}`;
  const fromGit = project('from-git', { allowScripts: { [gitURL]: true } });
  await check(
    `npm install ${gitURL.replace(scratch, '<scratch>')}#HEAD builds dist/ (prepare)`,
    () => {
      const started = Date.now();
      run('npm', ['install', '--no-audit', '--no-fund', `${gitURL}#HEAD`], fromGit);
      const installed = join(fromGit, 'node_modules', 'otpkit');
      const missing = distFiles.filter((f) => !existsSync(join(installed, f)));
      if (missing.length) throw new Error(`the git install has no ${missing.join(', ')}`);
      if (existsSync(join(installed, 'src'))) throw new Error('the git install ships src/');
      return `in ${seconds(started)}`;
    },
  );
  await checkInstall('git URL', fromGit);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

process.exit(finish());
