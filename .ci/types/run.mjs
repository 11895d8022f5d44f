// The consumer type matrix: otpkit's declarations as a user's project sees them. Packs the built
// package (run `npm run build` first), installs the tarball into a scratch project, and compiles one
// tiny project per profile with the repo's own TypeScript (the devDependency): a realistic program
// (program.ts) and the mistakes it must refuse (probes.ts, `@ts-expect-error` each), plus the files of
// that profile. `@types/node` comes from the npm registry at the versions pinned below, into the tool
// cache .ci/tools/ (git-ignored), never package.json. Also checks that every optional property in
// dist/*.d.ts admits `undefined` (optional.mjs) and that each entry exports every name its declarations
// take from the shared types chunk (chunks.mjs); the declaration profiles emit a .d.ts of their own
// per entry (declarations-<entry>.ts) and refuse any path into the package but its entries. Prints one
// line per check and `types: N passed, M failed`; exits 1 on any failure.
//
//   node .ci/types/run.mjs [--tsc path/to/tsc.js] [--keep]
//
// --tsc compiles with another TypeScript (e.g. one fetched by hand to try an older or newer release);
// --keep leaves the scratch projects in place and prints where.
import { execFile } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { cacheDir, installOnce, ROOT, unpackInto } from '../runtimes/tools.mjs';
import { chunkNamesNotExported } from './chunks.mjs';
import { createReport } from '../report.mjs';
import { declarationFiles, optionalWithoutUndefined } from './optional.mjs';

const run = promisify(execFile);
const HERE = join(ROOT, '.ci', 'types');
const DIST = join(ROOT, 'dist');

/** Type packages fetched into the tool cache, by the name profiles use. Pinned exactly; both @types/node need undici-types ~6.21.0. */
const TYPE_PACKAGES = {
  'types-node-20': '@types/node@20.19.43',
  'types-node-22': '@types/node@22.20.7',
  'undici-types': 'undici-types@6.21.0',
};

// skipLibCheck false: otpkit's declarations (and @types/node) are checked under each profile's options;
// TypeScript's own lib files are not (skipDefaultLibCheck), which halves the time.
const COMMON = {
  target: 'ES2022',
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  skipDefaultLibCheck: true,
};
const NODE = ['program.ts', 'probes.ts', 'node.ts'];
/** Declaration profiles: emit .d.ts (only) here, in each profile's directory, then read them back. */
const EMIT = { noEmit: false, declaration: true, emitDeclarationOnly: true, outDir: 'emitted' };
/** The only ways into the package an emitted declaration may name: the entries of package.json "exports". */
const PUBLIC_SPECIFIERS = new Set(['otpkit', 'otpkit/qr', 'otpkit/twofactor']);

/**
 * The profiles: how a project is set up (package.json "type", compilerOptions, which @types/node) and
 * which files it compiles beside the program and the probes.
 */
const PROFILES = [
  {
    // No "lib": TypeScript's default, which includes the DOM; @types/node beside it, as most Node projects have.
    name: 'node16 ESM',
    type: 'module',
    typesNode: 'types-node-22',
    files: [...NODE, 'dom.ts'],
    options: { module: 'node16', moduleResolution: 'node16', types: ['node'] },
  },
  {
    name: 'node16 CJS',
    type: 'commonjs',
    typesNode: 'types-node-22',
    files: [...NODE, 'dom.ts'],
    options: { module: 'node16', moduleResolution: 'node16', types: ['node'] },
  },
  {
    name: 'bundler (DOM)',
    type: 'module',
    typesNode: null,
    files: ['program.ts', 'probes.ts', 'dom.ts'],
    options: { module: 'esnext', moduleResolution: 'bundler', lib: ['ES2022', 'DOM'], types: [] },
  },
  {
    name: 'nodenext strict (verbatimModuleSyntax, exactOptionalPropertyTypes)',
    type: 'module',
    typesNode: null,
    files: ['program.ts', 'probes.ts', 'dom.ts', 'strict.ts'],
    options: {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['ES2022', 'DOM'],
      types: [],
      verbatimModuleSyntax: true,
      exactOptionalPropertyTypes: true,
      noUncheckedIndexedAccess: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      isolatedModules: true,
    },
  },
  {
    // Without the DOM lib and with the declarations themselves checked (skipLibCheck false): a DOM-only
    // name in them is TS2304 here.
    name: 'Node-only, no DOM, @types/node 20',
    type: 'module',
    typesNode: 'types-node-20',
    files: [...NODE, 'no-dom.ts'],
    options: { module: 'nodenext', moduleResolution: 'nodenext', lib: ['ES2022'], types: ['node'] },
  },
  {
    // skipLibCheck true, as many projects set it: an unresolved name in the declarations would then be
    // a silent `any`, which the probes (`sealSecret({ key: 123 })`) catch.
    name: 'Node-only, no DOM, @types/node 22, skipLibCheck',
    type: 'module',
    typesNode: 'types-node-22',
    files: [...NODE, 'no-dom.ts'],
    options: {
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['ES2022'],
      types: ['node'],
      skipLibCheck: true,
    },
  },
  ...declarationProfiles(),
];

/**
 * The declaration profiles: a library of the user's own, built with `declaration: true`, exporting
 * inferred types (declarations-<entry>.ts), one program per entry that imports that entry alone (a
 * program that also imports `otpkit` could name a shared type through it and hide a leak), under
 * nodenext and node10 (`"moduleResolution": "node"` with `"module": "commonjs"`, subpaths through
 * typesVersions). A type an entry uses but does not export is TS2742 under nodenext; under node10 it is
 * no error but an emitted `import("otpkit/dist/types-<hash>")`, which emittedSpecifiers finds.
 */
function declarationProfiles() {
  const resolutions = [
    { label: 'nodenext', type: 'module', module: 'nodenext', moduleResolution: 'nodenext' },
    { label: 'node10 CJS', type: 'commonjs', module: 'commonjs', moduleResolution: 'node10' },
  ];
  return resolutions.flatMap(({ label, type, module, moduleResolution }) =>
    [...PUBLIC_SPECIFIERS].map((entry) => ({
      name: `declarations, ${entry} alone, ${label}`,
      type,
      typesNode: null,
      declarations: true,
      files: [`declarations-${entry === 'otpkit' ? 'otpkit' : entry.slice('otpkit/'.length)}.ts`],
      options: { module, moduleResolution, lib: ['ES2022', 'DOM'], types: [], ...EMIT },
    }))
  );
}

/** The directory holding a fetched package's files, fetching it first (npm pack + tar) when missing. */
async function ensurePackage(name) {
  const spec = TYPE_PACKAGES[name];
  const dir = cacheDir(spec);
  if (!existsSync(join(dir, '.installed'))) {
    await installOnce({
      spec,
      dir,
      how: 'npm pack + tar',
      fill: (scratch) => unpackInto(spec, scratch),
    });
  }
  return join(dir, 'package');
}

function argument(name) {
  const at = process.argv.indexOf(name);
  return at < 0 ? undefined : process.argv[at + 1];
}

const { record: report, finish } = createReport('types');

if (!existsSync(join(DIST, 'index.d.ts'))) {
  report(false, 'dist/', 'not built: run `npm run build` first');
  process.exit(finish());
}

const tscPath = argument('--tsc') ?? join(ROOT, 'node_modules', 'typescript', 'lib', 'tsc.js');
const ts = createRequire(import.meta.url)(join(ROOT, 'node_modules', 'typescript'));
const { stdout: tscVersion } = await run(process.execPath, [tscPath, '--version']);
console.log(`compiler: ${tscVersion.trim()} (${relative(ROOT, tscPath)})`);

// The shipped declarations: every optional property admits undefined.
{
  const files = declarationFiles(DIST);
  const { faults, optional } = optionalWithoutUndefined(ts, files);
  report(
    faults.length === 0,
    'optional properties in dist/*.d.ts admit undefined (exactOptionalPropertyTypes)',
    faults.length === 0
      ? `${optional} optional members in ${files.length} files`
      : faults.map((f) => `\n     ${relative(ROOT, f.file)}:${f.line} ${f.text}`).join(''),
  );
  const leaks = chunkNamesNotExported(ts, files);
  report(
    leaks.length === 0,
    'every name an entry imports from the shared types chunk is exported by that entry',
    leaks.map((f) => `\n     ${relative(ROOT, f.file)}: ${f.names.join(', ')}`).join(''),
  );
}

const scratch = mkdtempSync(join(tmpdir(), 'otpkit-types-'));
try {
  const typePackages = Object.fromEntries(
    await Promise.all(
      Object.keys(TYPE_PACKAGES).map(async (name) => [name, await ensurePackage(name)]),
    ),
  );
  // The package as npm publishes it (dist/ built above: no lifecycle scripts), installed as a user would.
  const { stdout: packed } = await run(
    'npm',
    ['pack', '--silent', '--ignore-scripts', '--pack-destination', scratch],
    { cwd: ROOT, maxBuffer: 1 << 20 },
  );
  const tarball = join(scratch, packed.trim().split('\n').pop());
  writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
  await run(
    'npm',
    ['install', '--silent', '--no-audit', '--no-fund', '--ignore-scripts', tarball],
    {
      cwd: scratch,
    },
  );

  // Two compilers at a time (CI has two cores); reported in the order of PROFILES.
  const results = [];
  let next = 0;
  const worker = async () => {
    while (next < PROFILES.length) {
      const index = next++;
      results[index] = await compileProfile(index, PROFILES[index], typePackages);
    }
  };
  await Promise.all([worker(), worker()]);
  for (const { ok, name, detail } of results) report(ok, name, detail);
} finally {
  if (process.argv.includes('--keep')) console.log(`scratch projects kept in ${scratch}`);
  else rmSync(scratch, { recursive: true, force: true });
}

process.exit(finish());

/** Lays out profile `index` in the scratch project and compiles it: `{ ok, name, detail }`. */
async function compileProfile(index, profile, typePackages) {
  const dir = join(scratch, `profile-${index}`);
  mkdirSync(dir);
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify({ name: `profile-${index}`, private: true, type: profile.type }),
  );
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { ...COMMON, ...profile.options }, files: profile.files }),
  );
  for (const file of profile.files) cpSync(join(HERE, file), join(dir, file));
  if (profile.typesNode) {
    cpSync(typePackages[profile.typesNode], join(dir, 'node_modules', '@types', 'node'), {
      recursive: true,
    });
    cpSync(typePackages['undici-types'], join(dir, 'node_modules', 'undici-types'), {
      recursive: true,
    });
  }
  const setup = [
    `type ${profile.type}`,
    profile.typesNode ? TYPE_PACKAGES[profile.typesNode].replace(/@(?=\d)/, ' ') : 'no @types/node',
  ].join(', ');
  const probes = profile.files.reduce(
    (sum, file) =>
      sum +
      (readFileSync(join(HERE, file), 'utf8').match(/^\s*\/\/ @ts-expect-error/gm) ?? []).length,
    0,
  );
  try {
    await run(process.execPath, [tscPath, '-p', dir], { cwd: dir, maxBuffer: 16 << 20 });
    const emitted = profile.declarations ? emittedSpecifiers(join(dir, 'emitted')) : null;
    const leaks = [...new Set(emitted?.specifiers)].filter((s) => !PUBLIC_SPECIFIERS.has(s));
    return {
      ok: leaks.length === 0 && emitted?.files !== 0,
      name: profile.name,
      detail: `${setup}; ${profile.files.length} file${
        profile.files.length === 1 ? '' : 's'
      }, ${probes} expected errors reported${
        emitted
          ? `; ${emitted.files} .d.ts emitted, naming ${
            [...new Set(emitted.specifiers)].sort().join(', ')
          }`
          : ''
      }${leaks.length > 0 ? `\n     not an entry of the package: ${leaks.join(', ')}` : ''}`,
    };
  } catch (error) {
    const output = `${error.stdout ?? ''}${error.stderr ?? ''}`.trim().split('\n');
    const shown = output.slice(0, 30).map((line) => `\n     ${line}`).join('');
    return {
      ok: false,
      name: profile.name,
      detail: `${setup}${shown}${output.length > 30 ? '\n     ...' : ''}`,
    };
  }
}

/**
 * The package specifiers (`otpkit...`) the emitted declarations in `dir` import, one per import, and how
 * many .d.ts files there are. Both forms count: `from 'otpkit/qr'` and `import("otpkit/dist/...")`.
 */
function emittedSpecifiers(dir) {
  const files = existsSync(dir)
    ? readdirSync(dir, { recursive: true }).filter((f) => f.endsWith('.d.ts'))
    : [];
  const specifiers = files.flatMap((file) =>
    [...readFileSync(join(dir, file), 'utf8').matchAll(/(?:from |import\()["'](otpkit[^"']*)["']/g)]
      .map((m) => m[1])
  );
  return { files: files.length, specifiers };
}
