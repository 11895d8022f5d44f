#!/usr/bin/env node
// Proves the conformance suite has teeth: patches a COPY of dist/ (index.js and index.cjs, or qr.js and qr.cjs, in .ci/tools/mutant-*) with a known
// bug, runs the whole runtime matrix against it, and passes only if EVERY runtime row turns red, each
// having run all its cases (so a crash or a skipped runtime does not count as "caught") and exited
// non-zero. The repo's dist/ and src/ are never touched; the copy is deleted unless a mutant survived.
//
//   node .ci/runtimes/mutation-check.mjs [--only ...] [--verbose]
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runMatrix } from './run.mjs';
import { ROOT, TOOLS_DIR } from './tools.mjs';

/** Each mutant: a name, what it breaks, and a regex replacement applied to both builds of `files` (default the root entry). */
export const MUTANTS = [
  {
    name: 'offset-byte-19',
    what:
      'RFC 4226 §5.3 truncation offset read from byte 19 instead of the last byte (right for SHA-1 only)',
    pattern: /mac\[mac\.length - 1\] & 15/g,
    replacement: 'mac[19] & 15',
  },
  {
    name: 'window-future-ignored',
    what:
      'verifyTOTP looks only at past steps: the last step `current + future` becomes `current + 0 * future`',
    pattern: /\bconst last = current \+ future\b/g,
    replacement: 'const last = current + 0 * future',
  },
  {
    name: 'qr-pad-codeword',
    what:
      'otpkit/qr pads with 0xEC, 0x12, ... instead of 0xEC, 0x11, ... (ISO/IEC 18004 §7.4.10): every symbol with two pad codewords changes',
    files: ['qr.js', 'qr.cjs'],
    pattern: /pad \^= 253/g,
    replacement: 'pad ^= 254',
  },
];

const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]?.split(',') ?? null : null;
const verbose = args.includes('--verbose');
let caughtRows = 0;
let missedRows = 0;
for (const mutant of MUTANTS) {
  mkdirSync(TOOLS_DIR, { recursive: true });
  const dir = mkdtempSync(join(TOOLS_DIR, `mutant-${mutant.name}-`));
  cpSync(join(ROOT, 'dist'), join(dir, 'dist'), { recursive: true });
  for (const file of mutant.files ?? ['index.js', 'index.cjs']) {
    const path = join(dir, 'dist', file);
    const before = readFileSync(path, 'utf8');
    const after = before.replace(mutant.pattern, mutant.replacement);
    if (after === before) {
      console.log(
        `mutant ${mutant.name}: the pattern ${mutant.pattern} is not in dist/${file}; update MUTANTS in .ci/runtimes/mutation-check.mjs`,
      );
      process.exit(1);
    }
    writeFileSync(path, after);
  }
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
