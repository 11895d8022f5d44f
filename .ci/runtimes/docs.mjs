// The parts of docs/runtimes.md that a run of the matrix writes: the table of runtimes (with the
// versions the run used), the number of cases every row ran, and the table the run printed. Between
// markers, so the prose around them stays hand-written:
//
//   <!-- generated: matrix -->  ...  <!-- end generated: matrix -->
//   <!-- generated: run -->     ...  <!-- end generated: run -->
//
// `npm run test:runtimes -- --write-docs` rewrites them after a green run of every row;
// `--check-docs` (what .ci/run passes) fails the run when they are stale. Versions that no file here
// pins (the host Node, Debian's browsers) may move on a fresh machine, so the check ignores those cells.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureTool, ROOT, TOOLS } from './tools.mjs';

const DOC = join(ROOT, 'docs', 'runtimes.md');

/** The text between a block's markers, replaced by `body`; throws when the markers are missing. */
function replaceBlock(text, name, body) {
  const start = `<!-- generated: ${name} (npm run test:runtimes -- --write-docs) -->`;
  const end = `<!-- end generated: ${name} -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from < 0 || to < from) {
    throw new Error(`docs/runtimes.md has no "${start}" ... "${end}" block`);
  }
  return `${text.slice(0, from + start.length)}\n\n${body}\n\n${text.slice(to)}`;
}

/** The version cell of a runtime: what it reported, and the pinned npm package it came from. */
function versionCell(tool, name, suffix) {
  const spec = TOOLS[name]?.spec;
  return `${tool.version}${spec ? ` (npm \`${spec}\`)` : suffix ? ` (${suffix})` : ''}`;
}

function markdownTable(head, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

/** The two generated blocks, from the runtimes' descriptions, the tools a run used and its rows. */
export function generatedBlocks({ runtimes, tools, rows, expected }) {
  const matrix = markdownTable(
    ['runtime', 'version', 'how the test loads otpkit and otpkit/qr', 'format'],
    runtimes.map((
      r,
    ) => [r.title, versionCell(tools[r.tool], r.tool, r.version), r.loads, r.format]),
  );
  const names = rows.map((r) => r.name);
  const width = Math.max(...names.map((n) => n.length), 'runtime'.length);
  const run = [
    `${'runtime'.padEnd(width)}  cases  passed  result`,
    `${'-'.repeat(width)}  -----  ------  ------`,
    ...rows.map((r) =>
      `${r.name.padEnd(width)}  ${String(r.cases).padStart(5)}  ${String(r.passed).padStart(6)}  ${
        r.ok ? 'ok' : 'FAIL'
      }`
    ),
    `runtimes: ${rows.filter((r) => r.ok).length} passed, ${
      rows.filter((r) => !r.ok).length
    } failed`,
  ].join('\n');
  return {
    matrix:
      `${matrix}\n\nEvery row runs the same ${expected} cases (the count grows as modules add theirs):`,
    run: `\`\`\`text\n${run}\n\`\`\``,
  };
}

/** Markdown as deno fmt writes it (tables aligned), with the repository's settings. */
async function formatted(text) {
  const { bin } = await ensureTool('deno');
  const result = spawnSync(bin, ['fmt', '--config', 'deno.json', '--ext', 'md', '-'], {
    cwd: ROOT,
    input: text,
    encoding: 'utf8',
    env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
  });
  if (result.status !== 0) throw new Error(`deno fmt failed: ${result.stderr}`);
  return result.stdout;
}

/**
 * A docs text reduced to what a run must reproduce: table cells trimmed, separator widths dropped, and
 * the version cells of runtimes nothing here pins (`unpinned` titles) blanked.
 */
function comparable(text, unpinned) {
  return text.split('\n').map((line) => {
    if (!line.startsWith('|')) return line;
    const cells = line.split('|').slice(1, -1).map((c) => c.trim().replace(/^:?-+:?$/, '-'));
    if (unpinned.includes(cells[0])) cells[1] = '';
    return cells.join('|');
  }).join('\n');
}

/**
 * Writes (`mode` 'write') or checks (`mode` 'check') the generated blocks of docs/runtimes.md.
 * Returns a list of problems (empty when the docs are current).
 */
export async function syncDocs(mode, run) {
  const blocks = generatedBlocks(run);
  const current = readFileSync(DOC, 'utf8');
  let next = current;
  for (const [name, body] of Object.entries(blocks)) next = replaceBlock(next, name, body);
  next = await formatted(next);
  if (mode === 'write') {
    if (next !== current) writeFileSync(DOC, next);
    return [];
  }
  const unpinned = run.runtimes.filter((r) => !(r.tool in TOOLS)).map((r) => r.title);
  return comparable(next, unpinned) === comparable(current, unpinned) ? [] : [
    'docs/runtimes.md does not match this run (the runtimes, their pinned versions, the case count or ' +
    'the rows): run `npm run test:runtimes -- --write-docs` and commit the result',
  ];
}
