// Packs otpkit as npm would publish it, installs the tarball into a scratch project, and checks that
// `import('otpkit')` and `require('otpkit')` both load dist/ and give the RFC 6238 value 94287082, then
// runs the README quick start exactly as written. Prints "N passed, M failed".
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'otpkit-smoke-'));
const run = (cmd, args, cwd) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
let passed = 0;
let failed = 0;
const check = (name, fn) => {
  try {
    const detail = fn();
    passed++;
    console.log(`ok   ${name}${detail ? `: ${detail}` : ''}`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
};

try {
  const tarball = run('npm', ['pack', '--silent', '--pack-destination', scratch], root).trim()
    .split('\n').pop();
  writeFileSync(
    join(scratch, 'package.json'),
    JSON.stringify({ name: 'smoke', private: true, type: 'module' }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--silent', join(scratch, tarball)], scratch);

  const files = run('tar', ['-tzf', join(scratch, tarball)], scratch).split('\n').filter(Boolean)
    .sort();
  check('the tarball holds dist/ and no sources', () => {
    for (
      const f of [
        'package/dist/index.js',
        'package/dist/index.cjs',
        'package/dist/index.d.ts',
        'package/dist/index.d.cts',
        'package/dist/qr.js',
        'package/dist/qr.cjs',
        'package/dist/qr.d.ts',
        'package/dist/qr.d.cts',
        'package/dist/cli.js',
      ]
    ) {
      if (!files.includes(f)) throw new Error(`missing ${f}`);
    }
    const stray = files.filter((f) =>
      f.startsWith('package/src/') || f.startsWith('package/test/')
    );
    if (stray.length) throw new Error(`ships ${stray.join(', ')}`);
    return `${files.length} files`;
  });

  const probe =
    "otp.generateTOTP({ secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', time: 59000, digits: 8 }).then((c) => console.log(c, typeof otp.isOTPError))";
  check("import('otpkit') (ESM, dist/index.js)", () => {
    const out = run('node', [
      '--input-type=module',
      '-e',
      `const otp = await import('otpkit'); await ${probe}`,
    ], scratch).trim();
    if (out !== '94287082 function') throw new Error(`got ${out}`);
    const resolved = run('node', [
      '--input-type=module',
      '-e',
      "console.log(import.meta.resolve('otpkit'))",
    ], scratch).trim();
    if (!resolved.endsWith('/dist/index.js')) throw new Error(`resolved ${resolved}`);
    return out;
  });
  check("require('otpkit') (CJS, dist/index.cjs)", () => {
    const out = run('node', [
      '--input-type=commonjs',
      '-e',
      `const otp = require('otpkit'); ${probe}`,
    ], scratch).trim();
    if (out !== '94287082 function') throw new Error(`got ${out}`);
    const resolved = run('node', [
      '--input-type=commonjs',
      '-e',
      "console.log(require.resolve('otpkit'))",
    ], scratch).trim();
    if (!resolved.endsWith('/dist/index.cjs')) throw new Error(`resolved ${resolved}`);
    return out;
  });

  // otpkit/qr: its own entry, ESM and CJS; the README's QR example shape, qrToSVG(encodeQR(...)).
  const qrProbe =
    "const q = qr.encodeQR('01234567', { ecc: 'M' }); console.log(q.version, q.mask, qr.qrToSVG(q).startsWith('<svg'))";
  check("import('otpkit/qr') (ESM, dist/qr.js)", () => {
    const out = run('node', [
      '--input-type=module',
      '-e',
      `const qr = await import('otpkit/qr'); ${qrProbe}`,
    ], scratch).trim();
    if (out !== '1 2 true') throw new Error(`got ${out}`);
    const resolved = run('node', [
      '--input-type=module',
      '-e',
      "console.log(import.meta.resolve('otpkit/qr'))",
    ], scratch).trim();
    if (!resolved.endsWith('/dist/qr.js')) throw new Error(`resolved ${resolved}`);
    return out;
  });
  check("require('otpkit/qr') (CJS, dist/qr.cjs)", () => {
    const out = run('node', [
      '--input-type=commonjs',
      '-e',
      `const qr = require('otpkit/qr'); ${qrProbe}`,
    ], scratch).trim();
    if (out !== '1 2 true') throw new Error(`got ${out}`);
    return out;
  });

  // The `otpkit` command (package.json "bin"): npm links it into node_modules/.bin, shebang and mode intact.
  check('the otpkit command (bin, dist/cli.js)', () => {
    const bin = join(scratch, 'node_modules', '.bin', 'otpkit');
    const out = run(bin, [
      'code',
      'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
      '--time',
      '59000',
      '--digits',
      '8',
    ], scratch).trim();
    if (out !== '94287082') throw new Error(`got ${out}`);
    return out;
  });

  check(
    "import('otpkit/twofactor') and require('otpkit/twofactor'), and the README's twofactor example",
    () => {
      const names =
        "['createTwoFactor', 'memoryStore', 'sqlStore', 'sqlSchema', 'redisStore', 'checkStore'].map((n) => typeof m[n]).join(' ')";
      const esm = run('node', [
        '--input-type=module',
        '-e',
        `const m = await import('otpkit/twofactor'); console.log(${names})`,
      ], scratch).trim();
      const cjs = run('node', [
        '--input-type=commonjs',
        '-e',
        `const m = require('otpkit/twofactor'); console.log(${names})`,
      ], scratch).trim();
      const expected = Array(6).fill('function').join(' ');
      if (esm !== expected || cjs !== expected) throw new Error(`got ${esm} / ${cjs}`);
      const readme = readFileSync(join(root, 'README.md'), 'utf8');
      const block = /```js\n(import \{ createTwoFactor[\s\S]*?)```/.exec(readme)?.[1];
      if (!block) throw new Error('no ```js block importing createTwoFactor in the README');
      writeFileSync(join(scratch, 'twofactor.mjs'), block);
      const out = run('node', ['twofactor.mjs'], scratch).trim();
      if (!out.startsWith('true') || !out.includes("reason: 'invalid'")) {
        throw new Error(`unexpected output: ${out}`);
      }
      return 'both formats, the example ran';
    },
  );

  check('the README quick start runs as written', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /## Quick start[\s\S]*?```js\n([\s\S]*?)```/.exec(readme)?.[1];
    if (!block) throw new Error('no ```js block under "## Quick start"');
    const lines = block.trimEnd().split('\n').length;
    if (lines > 15) throw new Error(`the quick start has ${lines} lines (15 at most)`);
    writeFileSync(join(scratch, 'quickstart.mjs'), block);
    const out = run('node', ['quickstart.mjs'], scratch).trim();
    if (!out.includes('logged in') || !out.includes('null')) {
      throw new Error(`unexpected output: ${out}`);
    }
    return `${lines} lines`;
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

console.log(`smoke: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
