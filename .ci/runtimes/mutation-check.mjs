#!/usr/bin/env node
// Proves the conformance suite has teeth: copies src/ (with the build config) into .ci/tools/mutant-*,
// puts a known bug into the SOURCE, builds that copy with tsup, runs the whole runtime matrix against
// its dist/, and passes only if EVERY runtime row turns red, each having run all its cases (so a crash
// or a skipped runtime does not count as "caught") and exited non-zero. Mutants are applied to source
// and rebuilt, so they follow the code, not esbuild's output spelling. The repo's dist/ and src/ are
// never touched; the copy is deleted unless a mutant survived.
//
//   node .ci/runtimes/mutation-check.mjs [--only ...] [--verbose]
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { runMatrix } from './run.mjs';
import { ROOT, TOOLS_DIR } from './tools.mjs';

/** Each mutant: a name, what it breaks, and a replacement applied to one source file before the build. */
export const MUTANTS = [
  {
    name: 'offset-byte-19',
    what:
      'RFC 4226 §5.3 truncation offset read from byte 19 instead of the last byte (right for SHA-1 only)',
    file: 'src/internal/otp.ts',
    pattern: /mac\[mac\.length - 1\]/g,
    replacement: 'mac[19]',
  },
  {
    name: 'window-future-ignored',
    what:
      'verifyTOTP looks only at past steps: the last step `current + future` becomes `current + 0 * future`',
    file: 'src/totp.ts',
    pattern: /\bconst last = current \+ future\b/g,
    replacement: 'const last = current + 0 * future',
  },
  {
    name: 'qr-pad-codeword',
    what:
      'otpkit/qr pads with 0xEC, 0x12, ... instead of 0xEC, 0x11, ... (ISO/IEC 18004 §7.4.10): every symbol with two pad codewords changes',
    file: 'src/qr/encode.ts',
    pattern: /pad \^= 0xfd/g,
    replacement: 'pad ^= 0xfe',
  },
];

/** A build of the source with `mutant` applied, in `dir`; exits when the pattern is not in the source. */
function buildMutant(mutant, dir) {
  cpSync(join(ROOT, 'src'), join(dir, 'src'), { recursive: true });
  for (const file of ['tsup.config.ts', 'tsconfig.json', 'package.json']) {
    cpSync(join(ROOT, file), join(dir, file));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  const path = join(dir, mutant.file);
  const before = readFileSync(path, 'utf8');
  const after = before.replace(mutant.pattern, mutant.replacement);
  if (after === before) {
    console.log(
      `mutant ${mutant.name}: the pattern ${mutant.pattern} is not in ${mutant.file}; update MUTANTS in .ci/runtimes/mutation-check.mjs`,
    );
    process.exit(1);
  }
  writeFileSync(path, after);
  execFileSync(join(ROOT, 'node_modules', '.bin', 'tsup'), [], { cwd: dir, stdio: 'ignore' });
}

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]?.split(',') ?? null : null;
const verbose = args.includes('--verbose');
let caughtRows = 0;
let missedRows = 0;
for (const mutant of MUTANTS) {
  mkdirSync(TOOLS_DIR, { recursive: true });
  const dir = mkdtempSync(join(TOOLS_DIR, `mutant-${mutant.name}-`));
  buildMutant(mutant, dir);
  const lines = [];
  const { rows } = await runMatrix({
    only,
    dist: join(dir, 'dist'),
    stage: join(dir, 'stage'),
    jobs: 2,
    verbose,
  }, (line) => {
    lines.push(line);
    if (verbose) console.log(line);
  });
  // Rows that run the suite must all be red, having run every case and exited non-zero; the
  // no-WebCrypto rows test something else and are not expected to change.
  const suiteRows = rows.filter((r) => !r.extra);
  const missed = suiteRows.filter((row) =>
    !(!row.ok && row.failed > 0 && row.cases !== null && row.exitCode !== 0 &&
      row.exitCode !== null)
  );
  const failedCounts = [...new Set(suiteRows.map((r) => r.failed))].join('/');
  caughtRows += suiteRows.length - missed.length;
  missedRows += missed.length;
  console.log(`mutant ${mutant.name} (${mutant.what}):`);
  console.log(
    `  caught in ${
      suiteRows.length - missed.length
    } of ${suiteRows.length} runtimes, ${failedCounts} of ${
      suiteRows[0]?.cases ?? '-'
    } cases failing in each`,
  );
  for (const row of missed) {
    console.log(
      `  MISSED in ${row.name}: ok=${row.ok} failed=${row.failed} cases=${row.cases} exit code ${row.exitCode}`,
    );
  }
  if (missed.length && !verbose) { for (const line of lines) console.log(`  | ${line}`); }
  if (!missed.length) rmSync(dir, { recursive: true, force: true });
}
console.log(`mutation: ${caughtRows} passed, ${missedRows} failed`);
process.exitCode = missedRows === 0 && caughtRows > 0 ? 0 : 1;
