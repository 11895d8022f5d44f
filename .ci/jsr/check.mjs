// `node .ci/jsr/check.mjs`: the JSR package (deno.json's name, version, exports and publish list) and
// Deno's view of src/, checked offline with the Deno of the runtime matrix (.ci/runtimes/tools.mjs;
// nothing new is fetched). One line per check, then `jsr: N passed, M failed`; exit 1 on any failure.
// docs/runtimes.md ("JSR and Deno") says what each check is for.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureTool, ROOT, TOOLS_DIR } from '../runtimes/tools.mjs';
import { brokenLinks } from '../package/links.mjs';
import { createReport } from '../report.mjs';

const readJSON = (file) => JSON.parse(readFileSync(join(ROOT, file), 'utf8'));
const config = readJSON('deno.json');
const pkg = readJSON('package.json');
/** The entry files, as deno.json exports them: [subpath, './src/...ts']. */
const ENTRIES = Object.entries(config.exports ?? {});
const ENTRY_FILES = ENTRIES.map(([, file]) => file);

/** What must never reach the JSR package, and what must. */
const NEVER_SHIPPED = [
  /^test\//,
  /^docs\/examples\//,
  /^\.ci\//,
  /^vectors\//,
  /^dist\//,
  /^src\/cli\.ts$/,
];
const ALWAYS_SHIPPED = [
  'README.md',
  'CHANGELOG.md',
  'CONTRIBUTING.md',
  'SECURITY.md',
  'LICENSE',
  'deno.json',
  ...ENTRY_FILES.map((f) => f.slice(2)),
];

const { bin: deno } = await ensureTool('deno');
const ENV = {
  ...process.env,
  DENO_DIR: join(TOOLS_DIR, 'deno-dir'),
  DENO_NO_UPDATE_CHECK: '1',
  DENO_NO_PROMPT: '1',
  NO_COLOR: '1',
};
const scratch = mkdtempSync(join(tmpdir(), 'otpkit-jsr-'));

/** Runs deno; returns { ok, stdout, output } (output: stdout and stderr together, for a report). */
function runDeno(args, cwd = ROOT) {
  const result = spawnSync(deno, args, { cwd, env: ENV, encoding: 'utf8', timeout: 120_000 });
  const stdout = result.stdout ?? '';
  const output = `${stdout}${result.stderr ?? ''}${result.error ? result.error.message : ''}`;
  return { ok: result.status === 0, stdout, output };
}

/** Each check returns null when it passes, else what went wrong (deno's output included). */
const CHECKS = [
  [
    'deno.json matches package.json (version, the three entry points)',
    () => {
      const npmEntries = Object.keys(pkg.exports).filter((k) => k !== './package.json');
      const jsrEntries = ENTRIES.map(([subpath]) => subpath);
      if (config.version !== pkg.version) {
        return `deno.json version ${config.version}, package.json ${pkg.version}`;
      }
      if (JSON.stringify(jsrEntries) !== JSON.stringify(npmEntries)) {
        return `deno.json exports ${jsrEntries.join(', ')}, package.json ${npmEntries.join(', ')}`;
      }
      return null;
    },
  ],
  [
    'deno publish --dry-run (type check, slow types, file list), offline',
    () => {
      // --allow-dirty: the check is about what would ship, not about the git state of the checkout.
      const run = runDeno(['publish', '--dry-run', '--allow-dirty', '--no-remote', '--no-npm']);
      if (!run.ok) return run.output;
      const prefix = pathToFileURL(`${ROOT}/`).href;
      const files = [...run.output.matchAll(/^\s+(file:\/\/\S+) \(/gm)].map((m) =>
        decodeURI(m[1].slice(prefix.length))
      );
      const unwanted = files.filter((f) => NEVER_SHIPPED.some((pattern) => pattern.test(f)));
      const missing = ALWAYS_SHIPPED.filter((f) => !files.includes(f));
      // docs/*.md ship so that the README's links resolve on the package page; docs/examples/ does not.
      const shippedDoc = (f) => /^docs\/[^/]+\.md$/.test(f);
      const outside = files.filter((f) =>
        !f.startsWith('src/') && !shippedDoc(f) && !ALWAYS_SHIPPED.includes(f)
      );
      if (!files.some(shippedDoc)) return 'file list: no docs/*.md (the README links into docs/)';
      if (unwanted.length || missing.length || outside.length) {
        return `file list: unwanted ${unwanted.join(', ') || '-'}; missing ${
          missing.join(', ') || '-'
        }; outside src/ and docs/*.md ${outside.join(', ') || '-'}`;
      }
      // Every relative link of the shipped Markdown must resolve inside the published file list, as
      // the npm tarball's must (.ci/package/links.mjs, the same checker).
      const pages = new Map(
        files.filter((f) => f.endsWith('.md')).map((f) => [f, readFileSync(join(ROOT, f), 'utf8')]),
      );
      const broken = brokenLinks(pages, new Set(files));
      return broken.length
        ? `links that do not resolve on the JSR page:\n${broken.join('\n')}`
        : null;
    },
  ],
  [
    'deno doc --lint (JSDoc on every export, overload and constructor; no private type)',
    () => {
      const run = runDeno(['doc', '--lint', ...ENTRY_FILES]);
      return run.ok ? null : run.output;
    },
  ],
  [
    'import each entry from src/ by path, without --sloppy-imports (deno run --check, no config)',
    () => {
      const urls = ENTRY_FILES.map((f) => pathToFileURL(join(ROOT, f)).href);
      // Outside the repository and with --no-config: a fresh project importing the files by path.
      const main = join(scratch, 'by-path.ts');
      writeFileSync(
        main,
        [
          ...urls.map((url, i) => `import * as entry${i} from ${JSON.stringify(url)};`),
          `const counts = [${urls.map((_, i) => `Object.keys(entry${i}).length`).join(', ')}];`,
          // RFC 6238 Appendix B: the SHA-1 seed at T = 59 s gives 94287082.
          "const code = await entry0.generateTOTP({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', time: 59_000, digits: 8 });",
          "console.log(JSON.stringify({ counts, code, qr: entry1.encodeQR('otpkit').size, twoFactor: typeof entry2.createTwoFactor }));",
          '',
        ].join('\n'),
      );
      const run = runDeno(
        ['run', '--check', '--no-config', '--cached-only', '--no-prompt', main],
        scratch,
      );
      if (!run.ok) return run.output;
      const last = run.stdout.trim().split('\n').pop() ?? '';
      let seen;
      try {
        seen = JSON.parse(last);
      } catch {
        return `unexpected output: ${run.output}`;
      }
      const fine = seen.counts.length === ENTRIES.length && seen.counts.every((n) => n > 0) &&
        seen.code === '94287082' && seen.qr === 21 && seen.twoFactor === 'function';
      return fine ? null : `unexpected result: ${last}`;
    },
  ],
  [
    'the @module examples of the entries type-check and run (deno test --doc)',
    () => {
      // The examples import the JSR name; a config of their own maps it to src/ (and uses Deno's
      // default compiler options, not tsconfig.json's, which are for src/ and test/).
      const imports = Object.fromEntries(
        ENTRIES.map((
          [subpath, file],
        ) => [`${config.name}${subpath.slice(1)}`, pathToFileURL(join(ROOT, file)).href]),
      );
      const docConfig = join(scratch, 'deno.json');
      writeFileSync(docConfig, JSON.stringify({ imports }));
      const run = runDeno([
        'test',
        '--doc',
        '--config',
        docConfig,
        '--cached-only',
        '--no-prompt',
        ...ENTRY_FILES,
      ]);
      if (!run.ok) return run.output;
      const summary = /ok \| (\d+) passed \| 0 failed/.exec(run.output);
      return summary && Number(summary[1]) === ENTRIES.length
        ? null
        : `expected ${ENTRIES.length} examples to run and pass:\n${run.output}`;
    },
  ],
];

const report = createReport('jsr');
try {
  for (const [name, check] of CHECKS) {
    let problem;
    const started = Date.now();
    try {
      problem = check();
    } catch (error) {
      problem = error instanceof Error ? error.stack ?? error.message : String(error);
    }
    const seconds = `${((Date.now() - started) / 1000).toFixed(1)} s`;
    report.record(problem === null, `${name} (${seconds})`, problem);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
process.exit(report.finish());
