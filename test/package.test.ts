// The package's shape is part of its contract: zero dependencies, the three devDependencies, the exports map.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
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

  it('is an ESM, side-effect-free package that ships only dist/ and needs Node >= 20', () => {
    expect(pkg).toMatchObject({
      name: 'otpkit',
      type: 'module',
      sideEffects: false,
      files: ['dist'],
      engines: { node: '>=20' },
    });
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
      './package.json': './package.json',
    });
    expect(pkg).toMatchObject({
      main: './dist/index.cjs',
      module: './dist/index.js',
      types: './dist/index.d.ts',
    });
  });

  it('installs the otpkit command line from dist/cli.js (bin)', () => {
    expect(pkg.bin).toEqual({ otpkit: 'dist/cli.js' });
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
