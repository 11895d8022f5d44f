// The package's shape is part of its contract: zero dependencies, the three devDependencies, the exports map,
// the files it ships and the links between them. .ci/smoke.mjs packs and installs it for real.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { anchorsOf, brokenLinks, linksOf, slug } from '../.ci/package/links.mjs';
import * as otpkit from '../src/index.js';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;

describe('package.json', () => {
  it('has no dependencies key and exactly typescript, vitest and tsup as devDependencies', () => {
    expect('dependencies' in pkg).toBe(false);
    expect('peerDependencies' in pkg).toBe(false);
    expect('optionalDependencies' in pkg).toBe(false);
    expect(Object.keys(pkg.devDependencies as object).sort()).toEqual([
      'tsup',
      'typescript',
      'vitest',
    ]);
  });

  it('is an ESM, side-effect-free package that ships dist/, the docs pages and the project files, for Node >= 20', () => {
    expect(pkg).toMatchObject({
      name: 'otpkit',
      type: 'module',
      sideEffects: false,
      files: ['dist', 'docs/*.md', 'CHANGELOG.md', 'CONTRIBUTING.md', 'SECURITY.md'],
      engines: { node: '>=20' },
    });
  });

  it('builds dist/ when packed (prepack) and when installed from git (prepare)', () => {
    const scripts = pkg.scripts as Record<string, string>;
    expect(scripts.prepack).toBe('npm run build');
    expect(scripts.prepare).toBe('node .ci/package/prepare.mjs');
    expect(scripts.build).toBe('tsup');
  });

  it('exports types, ESM and CJS for import and require, and package.json', () => {
    expect(pkg.exports).toMatchObject({
      '.': {
        import: { types: './dist/index.d.ts', default: './dist/index.js' },
        require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
      },
      './qr': {
        import: { types: './dist/qr.d.ts', default: './dist/qr.js' },
        require: { types: './dist/qr.d.cts', default: './dist/qr.cjs' },
      },
      './twofactor': {
        import: { types: './dist/twofactor.d.ts', default: './dist/twofactor.js' },
        require: { types: './dist/twofactor.d.cts', default: './dist/twofactor.cjs' },
      },
      './package.json': './package.json',
    });
    expect(pkg).toMatchObject({
      main: './dist/index.cjs',
      module: './dist/index.js',
      types: './dist/index.d.ts',
    });
  });

  it('types every subpath for moduleResolution node10 too (typesVersions, the same files as exports)', () => {
    // node10 reads no exports map: without typesVersions, `otpkit/qr` has no types there.
    const exportsMap = pkg.exports as Record<string, { import?: { types: string } }>;
    const subpaths = Object.keys(exportsMap).filter((key) =>
      key !== '.' && key !== './package.json'
    );
    expect(subpaths).toEqual(['./qr', './twofactor']);
    expect(pkg.typesVersions).toEqual({
      '*': Object.fromEntries(
        subpaths.map((key) => [key.slice(2), [exportsMap[key]?.import?.types]]),
      ),
    });
  });

  it('installs the otpkit command line from dist/cli.js (bin)', () => {
    expect(pkg.bin).toEqual({ otpkit: 'dist/cli.js' });
  });
});

describe('the files npm would ship (npm pack --dry-run)', () => {
  let packed: string[] | undefined;
  /** The package's file list as npm computes it (dist/ appears only as far as it is built). */
  const files = (): string[] => {
    if (packed) return packed;
    const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    expect(result.status, result.stderr).toBe(0);
    const [listing] = JSON.parse(result.stdout) as { files: { path: string }[] }[];
    packed = (listing?.files ?? []).map((file) => file.path).sort();
    return packed;
  };

  it('include the README, the license, the project files and every docs/*.md page, not the examples', () => {
    const docs = readdirSync(new URL('../docs/', import.meta.url)).filter((f) => f.endsWith('.md'));
    expect(docs.length).toBeGreaterThan(10);
    const shipped = files();
    for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md', 'CONTRIBUTING.md', 'SECURITY.md']) {
      expect(shipped).toContain(file);
    }
    expect(shipped.filter((f) => f.startsWith('docs/'))).toEqual(
      docs.map((f) => `docs/${f}`).sort(),
    );
    expect(shipped.filter((f) => /^(src|test|vectors|\.ci)\//.test(f))).toEqual([]);
  });

  it('have no relative link or anchor in their Markdown that leads outside the package', () => {
    const shipped = files();
    const pages = new Map(
      shipped.filter((f) => f.endsWith('.md')).map((
        f,
      ) => [f, readFileSync(new URL(`../${f}`, import.meta.url), 'utf8')]),
    );
    expect(pages.size).toBeGreaterThan(15);
    expect(brokenLinks(pages, new Set(shipped))).toEqual([]);
  });
});

describe('the link checker (.ci/package/links.mjs)', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('`verifyTOTP`')).toBe('verifytotp');
    expect(slug('10. Sessions and forms')).toBe('10-sessions-and-forms');
    expect(slug('9. Settings: new recovery codes, turning 2FA off')).toBe(
      '9-settings-new-recovery-codes-turning-2fa-off',
    );
    expect(slug('The [key cache](performance.md) and `openSecretKey`')).toBe(
      'the-key-cache-and-opensecretkey',
    );
    expect([...anchorsOf('# A\n## A\n```\n# not a heading\n```\n<a id="x"></a>')]).toEqual([
      'a',
      'a-1',
      'x',
    ]);
  });

  it('reads links outside code only', () => {
    expect(linksOf('[a](b.md#c) `[d](e.md)`\n```\n[f](g.md)\n```\n[h]: i.md\n')).toEqual([
      'b.md#c',
      'i.md',
    ]);
  });

  it('finds a missing file, a folder left out, a missing anchor and a path outside the package', () => {
    const pages = new Map([
      ['README.md', '[ok](docs/a.md#there) [web](https://example.org/x) [self](#top)'],
      [
        'docs/a.md',
        '# There\n[up](../README.md#top) [gone](b.md) [ex](examples/server/) [no](#nowhere) [out](../../x.md)',
      ],
    ]);
    const problems = brokenLinks(pages, new Set(['README.md', 'docs/a.md']));
    expect(problems).toEqual([
      'README.md: (#top): README.md has no heading with the anchor #top',
      'docs/a.md: (../README.md#top): README.md has no heading with the anchor #top',
      'docs/a.md: (b.md): the package has no file docs/b.md',
      'docs/a.md: (examples/server/): the package has no folder docs/examples/server/',
      'docs/a.md: (#nowhere): docs/a.md has no heading with the anchor #nowhere',
      'docs/a.md: (../../x.md) points outside the package',
    ]);
  });
});

describe('public API', () => {
  it('exports exactly the core functions and classes by name (no default export)', () => {
    expect(Object.keys(otpkit).sort()).toEqual(
      [
        'OTPError',
        'decodeBase32',
        'encodeBase32',
        'generateHOTP',
        'generateSecret',
        'generateTOTP',
        'isOTPError',
        'totpStep',
        'verifyHOTP',
        'verifyTOTP',
        'findRecoveryCode',
        'generateRecoveryCodes',
        'hashRecoveryCode',
        'openSecret',
        'openSecretKey',
        'resyncHOTP',
        'sealSecret',
        'clearKeyCache',
        'configureKeyCache',
        'buildKeyURI',
        'parseKeyURI',
        'buildMigrationURIs',
        'parseMigrationURI',
      ].sort(),
    );
  });
});

describe('src/ portability', () => {
  it('has no node: import and no Node global in src/ (WebCrypto only)', async () => {
    const files = [
      'index.ts',
      'base32.ts',
      'errors.ts',
      'hotp.ts',
      'totp.ts',
      'secret.ts',
      'types.ts',
      'internal/assert.ts',
      'internal/crypto.ts',
      'internal/hmac.ts',
      'internal/otp.ts',
      'internal/secret.ts',
      'recovery.ts',
      'seal.ts',
      'resync.ts',
      'internal/base64url.ts',
      'cache.ts',
      'qr/index.ts',
      'qr/encode.ts',
      'qr/render.ts',
    ];
    for (const file of files) {
      const text = readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8');
      expect(text, file).not.toMatch(/from ['"]node:|require\(|\bBuffer\.|\bprocess\./);
    }
  });

  it('holds for every file in src/ except src/cli.ts, the Node-only command line', () => {
    const files = readdirSync(new URL('../src/', import.meta.url), { recursive: true }).filter((
      f,
    ) => f.endsWith('.ts') && f !== 'cli.ts');
    expect(files).toContain('qr/encode.ts');
    for (const file of files) {
      const text = readFileSync(new URL(`../src/${file}`, import.meta.url), 'utf8');
      expect(text, file).not.toMatch(/from ['"]node:|require\(|\bBuffer\.|\bprocess\./);
    }
  });
});
