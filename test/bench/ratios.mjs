// Prints otpkit's ratios against raw WebCrypto (docs/performance.md) from the JSON that `vitest bench --outputJson` wrote (npm run bench):
// each otpkit figure beside the raw WebCrypto baseline measured in the same run, with the targets.
// Usage: node test/bench/ratios.mjs <bench.json>
import { readFileSync } from 'node:fs';

const file = process.argv[2];
if (!file) throw new Error('usage: node test/bench/ratios.mjs <vitest bench --outputJson file>');
const report = JSON.parse(readFileSync(file, 'utf8'));

/**
 * ops/s by bench name, the best of its rounds (the ratio column and the targets use these) ("name #1", "name #2", ...: the bench file interleaves
 * them); a name with "x64 in flight" runs 64 operations per iteration.
 */
const ops = new Map();
/** ops/s by bench name and round number, for the ratios of rounds run side by side. */
const byRound = new Map();
for (const f of report.files) {
  for (const group of f.groups) {
    for (const b of group.benchmarks) {
      const [, name, round] = /^(.*?)(?: #(\d+))?$/.exec(b.name);
      const value = b.hz * (/x64 in flight/.test(name) ? 64 : 1);
      ops.set(name, Math.max(value, ops.get(name) ?? 0));
      if (!byRound.has(name)) byRound.set(name, new Map());
      byRound.get(name).set(round, value);
    }
  }
}

/**
 * The ratio of each round of `ours` to the same round of `raw` (run moments apart, so a burst of load
 * that spans both cancels out), as "median (min-max)". A second view of the same run beside the ratio
 * of the best rounds: when the two disagree, the run was noisy.
 */
function roundRatios(ours, raw) {
  const a = byRound.get(ours);
  const b = byRound.get(raw);
  const ratios = [...a.keys()].filter((r) => b.has(r)).map((r) => a.get(r) / b.get(r)).sort((
    x,
    y,
  ) => x - y);
  if (!ratios.length) return '';
  const median = ratios.length % 2
    ? ratios[ratios.length >> 1]
    : (ratios[ratios.length / 2 - 1] + ratios[ratios.length / 2]) / 2;
  return `${median.toFixed(2)}x (${ratios[0].toFixed(2)}-${ratios.at(-1).toFixed(2)})`;
}
function get(name) {
  const value = ops.get(name);
  if (value === undefined) {
    throw new Error(`no benchmark named "${name}" in ${file} (renamed in otp.bench.ts?)`);
  }
  return value;
}

const rows = [
  [
    'generateTOTP, warm cache',
    'otpkit generateTOTP (warm cache)',
    'raw sign, one cached key',
    0.85,
  ],
  [
    'generateTOTP, first call for a new secret',
    'otpkit generateTOTP (new secret)',
    'raw importKey + sign',
    0.85,
  ],
  [
    'verifyTOTP window 1, invalid code',
    'otpkit verifyTOTP (invalid code)',
    'raw 3 cached-key signs started together',
    0.85,
  ],
  [
    'verifyTOTP window 1, valid code at step + 1',
    'otpkit verifyTOTP (valid, step + 1)',
    'raw 3 cached-key signs started together',
    undefined,
  ],
  [
    'generateHOTP SHA-512, warm cache',
    'otpkit generateHOTP SHA512 (warm cache)',
    'raw SHA-512 sign, one cached key',
    undefined,
  ],
  [
    'generateTOTP, 64 in flight',
    'otpkit generateTOTP x64 in flight (warm cache)',
    'raw sign x64 in flight, one cached key',
    undefined,
  ],
  [
    'verifyTOTP of a sealed secret: openSecretKey vs openSecret',
    'otpkit openSecretKey + verifyTOTP (warm)',
    'otpkit openSecret + verifyTOTP',
    1.8,
  ],
  [
    '(baseline) cached-key sign vs importKey + sign',
    'raw sign, one cached key',
    'raw importKey + sign',
    undefined,
  ],
];

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const lines = [
  '| operation | otpkit ops/s | baseline | baseline ops/s | ratio | target | round by round: median (range) |',
  '| --- | ---: | --- | ---: | ---: | --- | ---: |',
];
let missed = 0;
for (const [label, ours, raw, target] of rows) {
  const ratio = get(ours) / get(raw);
  const verdict = target === undefined
    ? ''
    : `>= ${target.toFixed(2)} ${ratio >= target ? 'met' : 'MISSED'}`;
  if (target !== undefined && ratio < target) missed++;
  lines.push(
    `| ${label} | ${fmt(get(ours))} | ${raw} | ${fmt(get(raw))} | ${
      ratio.toFixed(2)
    }x | ${verdict} | ${roundRatios(ours, raw)} |`,
  );
}
console.log(
  `\notpkit vs raw WebCrypto, same run (Node ${process.versions.node}, ${
    new Date().toISOString().slice(0, 10)
  })\n`,
);
console.log(lines.join('\n'));
console.log(
  missed === 0
    ? '\nall ratio targets met'
    : `\n${missed} ratio target(s) missed in this run (the machine is noisy: rerun before concluding)`,
);
