#!/usr/bin/env node
// `npm run test:runtimes`: runs the conformance suite (test/conformance/) against the BUILT package in
// every runtime otpkit claims, installing the runtimes into .ci/tools when missing, and prints one table.
//
//   node .ci/runtimes/run.mjs [--only deno,workerd] [--dist DIR] [--stage DIR] [--jobs N] [--verbose]
//                             [--write-docs | --check-docs]
//
// --write-docs rewrites the generated blocks of docs/runtimes.md from a green run of every row (see
// docs.mjs); --check-docs fails the run when they do not match it.
// --stage DIR keeps the staged consumer project (see stage.mjs) in DIR instead of a temporary one.
//
// Every row must report exactly the number of cases the suite holds (counted here, in the host Node,
// before any runtime starts): a runtime that cannot start, crashes, loads the wrong build or runs fewer
// cases is a failure, never "0 passed". Exit code 0 only when every row is green.
//
// This file holds the rows and the run; spawn.mjs starts a runtime's process, browsers.mjs opens the
// pages, parse.mjs reads what a runtime printed, report.mjs makes the rows and the table.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  browserVersion,
  chromiumArgs,
  ensureChromium,
  ensureFirefox,
  firefoxArgs,
  runPages,
} from './browsers.mjs';
import { syncDocs } from './docs.mjs';
import { parseOutput } from './parse.mjs';
import { table, unavailableRow } from './report.mjs';
import { exec } from './spawn.mjs';
import { buildStage, loadVectors } from './stage.mjs';
import { ensureTool, ROOT, TOOLS, TOOLS_DIR } from './tools.mjs';

/**
 * The rows. `tool`: a runtime from tools.mjs, 'host' (this Node) or a browser (BROWSERS); `kind`: a
 * PROCESS_KINDS entry or 'browser', with the page `modes` to open; `entry`: the staged
 * script it runs; `label`: the word before the final "N passed, M failed"; `loaded` and `qrLoaded`: what
 * the entry's "otpkit:" and "otpkit/qr:" lines must match, proving which builds were loaded (workerd's
 * are fixed by the generated config).
 */
function targets() {
  const node = (name, tool) => [
    {
      name: `${name} (esm)`,
      tool,
      kind: 'node',
      entry: 'esm.mjs',
      label: `${name}-esm`,
      loaded: /\/node_modules\/otpkit\/dist\/index\.js$/,
      qrLoaded: /\/node_modules\/otpkit\/dist\/qr\.js$/,
    },
    {
      name: `${name} (cjs)`,
      tool,
      kind: 'node',
      entry: 'cjs.cjs',
      label: `${name}-cjs`,
      loaded: /\/node_modules\/otpkit\/dist\/index\.cjs$/,
      qrLoaded: /\/node_modules\/otpkit\/dist\/qr\.cjs$/,
    },
  ];
  return [
    ...node('node20', 'host'),
    ...node('node22', 'node22'),
    ...node('node24', 'node24'),
    {
      name: 'deno (path)',
      tool: 'deno',
      kind: 'deno',
      entry: 'deno-path.mjs',
      label: 'deno-path',
      loaded: /\/node_modules\/otpkit\/dist\/index\.js$/,
      qrLoaded: /\/node_modules\/otpkit\/dist\/qr\.js$/,
    },
    {
      name: 'deno (npm:)',
      tool: 'deno',
      kind: 'deno',
      entry: 'deno-npm.mjs',
      label: 'deno-npm',
      loaded: /^npm:otpkit -> file:.*\/node_modules\/otpkit\/dist\/index\.js$/,
      qrLoaded: /^npm:otpkit\/qr -> file:.*\/node_modules\/otpkit\/dist\/qr\.js$/,
    },
    {
      name: 'bun (esm)',
      tool: 'bun',
      kind: 'bun',
      entry: 'esm.mjs',
      label: 'bun-esm',
      loaded: /\/node_modules\/otpkit\/dist\/index\.js$/,
      qrLoaded: /\/node_modules\/otpkit\/dist\/qr\.js$/,
    },
    {
      name: 'bun (cjs)',
      tool: 'bun',
      kind: 'bun',
      entry: 'cjs.cjs',
      label: 'bun-cjs',
      loaded: /\/node_modules\/otpkit\/dist\/index\.cjs$/,
      qrLoaded: /\/node_modules\/otpkit\/dist\/qr\.cjs$/,
    },
    {
      name: 'workerd',
      tool: 'workerd',
      kind: 'workerd',
      label: 'workerd',
      loaded: /dist\/index\.js$/,
      qrLoaded: /dist\/qr\.js$/,
    },
    {
      name: 'chromium',
      tool: 'chromium',
      kind: 'browser',
      label: 'chromium',
      // The suite, then a non-secure origin and a page without crypto.subtle (ERR_CRYPTO_UNAVAILABLE).
      modes: ['suite', 'insecure', 'nosubtle'],
      loaded: /^http:\/\/127\.0\.0\.1:\d+\/node_modules\/otpkit\/dist\/index\.js$/,
      qrLoaded: /^http:\/\/127\.0\.0\.1:\d+\/node_modules\/otpkit\/dist\/qr\.js$/,
    },
    {
      name: 'firefox',
      tool: 'firefox',
      kind: 'browser',
      label: 'firefox',
      modes: ['suite'],
      loaded: /^http:\/\/127\.0\.0\.1:\d+\/node_modules\/otpkit\/dist\/index\.js$/,
      qrLoaded: /^http:\/\/127\.0\.0\.1:\d+\/node_modules\/otpkit\/dist\/qr\.js$/,
    },
  ];
}

/**
 * The runtimes as docs/runtimes.md describes them, one per tool, in the order of its table: the
 * generated matrix there (docs.mjs) is these, with the versions a run used. `version` is what to say
 * beside a version that no file pins.
 */
const RUNTIME_DOCS = [
  {
    tool: 'host',
    title: "Node 20 (the machine's)",
    loads:
      "`import 'otpkit'` / `'otpkit/qr'` and `require('otpkit')` / `require('otpkit/qr')` from `node_modules`, through the `exports` map",
    format: 'ESM and CJS',
  },
  { tool: 'node22', title: 'Node 22', loads: 'the same four', format: 'ESM and CJS' },
  { tool: 'node24', title: 'Node 24', loads: 'the same four', format: 'ESM and CJS' },
  {
    tool: 'deno',
    title: 'Deno',
    loads:
      'by path, `./node_modules/otpkit/dist/index.js` and `…/dist/qr.js`; and as `npm:otpkit` and `npm:otpkit/qr`',
    format: 'ESM',
  },
  {
    tool: 'bun',
    title: 'Bun',
    loads: '`import` and `require` of `otpkit` and `otpkit/qr`',
    format: 'ESM and CJS',
  },
  {
    tool: 'workerd',
    title: 'Cloudflare workerd',
    loads:
      '`dist/index.js` and `dist/qr.js` embedded as the modules `otpkit` and `otpkit/qr` in a capnp config, no `nodejs_compat`',
    format: 'ESM',
  },
  {
    tool: 'chromium',
    title: 'Chromium (Debian)',
    version: 'headless',
    loads:
      'an import map, `"otpkit": "/node_modules/otpkit/dist/index.js"`, `"otpkit/qr": "/node_modules/otpkit/dist/qr.js"`, page served from 127.0.0.1',
    format: 'ESM',
  },
  {
    tool: 'firefox',
    title: 'Firefox ESR (Debian)',
    version: 'headless, `firefox-esr`',
    loads: 'the same page and import map, in the second browser engine (Gecko, SpiderMonkey)',
    format: 'ESM',
  },
];

/**
 * The browsers, by tool name: how to find or install one, read its version, and open a page. A browser
 * row runs the staged page (entries/page.html) in that browser, which reports back over HTTP.
 */
export const BROWSERS = {
  chromium: {
    ensure: ensureChromium,
    version: async (bin) => (await browserVersion(bin)).replace(/ built on .*/, ''),
    args: chromiumArgs,
    missing:
      'chromium not found: apt-get install -y --no-install-recommends chromium (or set CHROMIUM=/path)',
  },
  firefox: {
    ensure: ensureFirefox,
    version: async (bin) => (await browserVersion(bin)).replace(/^Mozilla /, ''),
    args: firefoxArgs,
    missing:
      'firefox not found: apt-get install -y --no-install-recommends firefox-esr (or set FIREFOX=/path)',
  },
};

/**
 * How each process kind runs the staged entry: the command, its arguments and environment, given the
 * row and its tool. Adding a runtime of an existing kind is adding a row to targets(); a new kind is
 * one entry here.
 */
export const PROCESS_KINDS = {
  node: (target, tool) => ({
    bin: 'node',
    args: [target.entry, target.label],
    // That node first on PATH, so the entry runs in it.
    env: { PATH: `${tool.bin.slice(0, tool.bin.lastIndexOf('/'))}:${process.env.PATH}` },
    verbose: true,
  }),
  deno: (target, tool) => ({
    bin: tool.bin,
    // npm: resolves from the stage's node_modules (manual mode), never from the registry.
    args: [
      'run',
      '--no-prompt',
      '--cached-only',
      '--node-modules-dir=manual',
      target.entry,
      target.label,
    ],
    env: { DENO_DIR: join(TOOLS_DIR, 'deno-dir'), DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' },
    verbose: true,
  }),
  bun: (target, tool) => ({
    bin: tool.bin,
    args: ['--no-install', target.entry, target.label],
    env: { DO_NOT_TRACK: '1' },
    verbose: true,
  }),
  workerd: (target, tool) => ({
    bin: tool.bin,
    args: ['test', target.config ?? 'config.capnp'],
    env: {},
    verbose: false,
  }),
};

function parseArgs(argv) {
  const options = {
    only: null,
    dist: join(ROOT, 'dist'),
    stage: null,
    jobs: 2,
    verbose: false,
    docs: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    if (arg === '--only') options.only = value().split(',');
    else if (arg === '--dist') options.dist = resolve(value());
    else if (arg === '--stage') options.stage = resolve(value());
    else if (arg === '--jobs') options.jobs = Math.max(1, Number(value()) || 1);
    else if (arg === '--verbose') options.verbose = true;
    else if (arg === '--write-docs') options.docs = 'write';
    else if (arg === '--check-docs') options.docs = 'check';
    else throw new Error(`unknown argument ${arg}`);
  }
  return options;
}

/** The workerd config: one test worker, every staged module embedded by name (the suite's files listed, not hard-coded). */
function writeWorkerdConfig(stage, suiteFiles) {
  const modules = [
    ['worker.mjs', 'worker.mjs'],
    ['otpkit', 'node_modules/otpkit/dist/index.js'],
    ['otpkit/qr', 'node_modules/otpkit/dist/qr.js'],
    ['vectors.js', 'vectors.js'],
    ...suiteFiles.filter((f) => f.endsWith('.js')).map((f) => [f, f]),
  ];
  const config =
    `# Generated by .ci/runtimes/run.mjs: otpkit's conformance suite as a workerd test worker.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "conformance", worker = .conformanceWorker) ],
);

const conformanceWorker :Workerd.Worker = (
  modules = [
${
      modules.map(([name, path]) =>
        `    (name = ${JSON.stringify(name)}, esModule = embed ${JSON.stringify(path)}),`
      ).join('\n')
    }
  ],
  # No nodejs_compat flag: the worker gets web-standard APIs only.
  compatibilityDate = "2025-01-01",
);
`;
  writeFileSync(join(stage, 'config.capnp'), config);
}

async function runTarget(target, ctx) {
  const started = Date.now();
  const row = {
    name: target.name,
    version: '',
    cases: null,
    passed: null,
    failed: null,
    exitCode: null,
    ok: false,
    problems: [],
    output: [],
  };
  try {
    const tool = ctx.tools[target.tool];
    if (!tool || tool.error) throw new Error(`cannot start: ${tool?.error ?? 'not installed'}`);
    row.version = tool.version;
    let parsed;
    let exitCode;
    if (target.kind === 'browser') {
      const browser = BROWSERS[target.tool];
      const { reports, runs } = await runPages({
        bin: tool.bin,
        args: browser.args,
        label: target.label,
        stage: ctx.stage,
        modes: target.modes,
      });
      const suite = reports.suite;
      const lines = suite?.lines ?? [];
      if (suite?.error) lines.push(`FAIL ${suite.error}`);
      parsed = parseOutput(lines.join('\n'), target.label);
      exitCode = suite?.result && suite.result.failed === 0 ? 0 : 1;
      for (const r of runs) {
        if (r.timedOut) row.problems.push(`${r.mode}: no report within the timeout (${r.url})`);
        if (r.earlyExit) {
          row.problems.push(
            `${r.mode}: ${target.name} exited before reporting ${JSON.stringify(r.earlyExit)}\n${
              r.stderr.slice(-2000)
            }`,
          );
        }
      }
      for (const mode of target.modes.filter((m) => m !== 'suite')) {
        ctx.extraRows.push(unavailableRow(target.name, mode, reports[mode], tool.version));
      }
    } else {
      const command = PROCESS_KINDS[target.kind](target, tool);
      const env = { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0', ...command.env };
      const args = ctx.verbose && command.verbose ? [...command.args, '--verbose'] : command.args;
      const result = await exec(command.bin, args, { cwd: ctx.stage, env });
      exitCode = result.code;
      parsed = parseOutput(result.stdout, target.label);
      if (exitCode !== 0 || parsed.failed !== 0) {
        row.output.push(
          ...result.stderr.split('\n').filter(Boolean).slice(-30).map((l) => `stderr: ${l}`),
        );
      }
    }
    row.exitCode = exitCode;
    row.passed = parsed.passed;
    row.failed = parsed.failed;
    row.cases = parsed.passed === null ? null : parsed.passed + parsed.failed;
    row.output.unshift(...parsed.lines.filter((l) => ctx.verbose || !l.startsWith('ok ')));
    if (parsed.passed === null) {
      row.problems.push(
        `no final "${target.label}: N passed, M failed" line (the runtime did not run the suite)`,
      );
    }
    if (exitCode !== 0 && parsed.failed === 0) {
      row.problems.push(`exit code ${exitCode} although every case passed`);
    }
    if (exitCode === 0 && parsed.failed !== 0) {
      row.problems.push(`exit code 0 although ${parsed.failed} cases failed`);
    }
    if (row.cases !== null && row.cases !== ctx.expected) {
      row.problems.push(`ran ${row.cases} cases, the suite has ${ctx.expected}`);
    }
    if (!target.loaded.test(parsed.loadedFrom)) {
      row.problems.push(`otpkit was loaded from "${parsed.loadedFrom}", expected ${target.loaded}`);
    }
    if (!target.qrLoaded.test(parsed.qrLoadedFrom)) {
      row.problems.push(
        `otpkit/qr was loaded from "${parsed.qrLoadedFrom}", expected ${target.qrLoaded}`,
      );
    }
    row.ok = row.problems.length === 0 && parsed.failed === 0 && row.cases === ctx.expected;
  } catch (error) {
    row.problems.push(error instanceof Error ? error.message : String(error));
  }
  row.seconds = (Date.now() - started) / 1000;
  return row;
}

/**
 * Installs (or finds) the named tools in parallel: { name: { bin, version } or { error } }. A failure
 * marks that tool, not the run. Logs one line per tool. Exported for bench.mjs.
 */
export async function ensureTools(needed, log = console.log) {
  const tools = {};
  await Promise.all(
    needed.map(async (name) => {
      try {
        if (name === 'host') tools.host = { bin: process.execPath, version: process.version };
        else if (name in BROWSERS) {
          const browser = BROWSERS[name];
          const bin = await browser.ensure(log);
          tools[name] = bin
            ? { bin, version: await browser.version(bin) }
            : { error: browser.missing };
        } else {
          const tool = await ensureTool(name, log);
          tools[name] = {
            ...tool,
            version: tool.version.replace(/^(deno|workerd) /, '').replace(/ \(.*$/, ''),
          };
        }
      } catch (error) {
        tools[name] = { error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  for (const name of needed) {
    const t = tools[name];
    log(
      `   ${name.padEnd(8)} ${
        t.error
          ? `UNAVAILABLE: ${t.error}`
          : `${t.version}  (${name in TOOLS ? TOOLS[name].spec : t.bin})`
      }`,
    );
  }
  return tools;
}

async function pool(items, size, fn) {
  const results = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(size, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]);
      }
    }),
  );
  return results;
}

/**
 * Runs the matrix. Returns { rows, expected, ok }. `log` receives every line printed.
 * Exported for mutation-check.mjs.
 */
export async function runMatrix(options, log = console.log) {
  const started = Date.now();
  const all = targets();
  const selected = options.only
    ? all.filter((t) => options.only.some((o) => t.name.startsWith(o) || t.tool === o))
    : all;
  if (selected.length === 0) {
    throw new Error(
      `--only ${options.only} matches no runtime (${all.map((t) => t.name).join(', ')})`,
    );
  }

  // A fresh stage per run, so that runs in parallel (CI and a developer, or the mutation check) cannot
  // collide; removed when every row is green, kept for a look when something failed.
  mkdirSync(TOOLS_DIR, { recursive: true });
  const { stage, suiteFiles, pkgDir } = buildStage({
    stage: options.stage ?? mkdtempSync(join(TOOLS_DIR, 'stage-')),
    dist: options.dist,
  });
  writeWorkerdConfig(stage, suiteFiles);
  const { collectCases } = await import(pathToFileURL(join(stage, 'suite', 'index.js')).href);
  const otp = await import(pathToFileURL(join(pkgDir, 'dist', 'index.js')).href);
  const qr = await import(pathToFileURL(join(pkgDir, 'dist', 'qr.js')).href);
  const expected = collectCases({ otp, qr, vectors: loadVectors() }).length;
  log(`== conformance: ${expected} cases against ${options.dist}, staged in ${stage}`);

  // Install (or find) every runtime needed, in parallel; a failure marks that runtime, not the run.
  const tools = await ensureTools([...new Set(selected.map((t) => t.tool))], log);

  const ctx = { tools, stage, expected, verbose: options.verbose, extraRows: [] };
  const rows = await pool(selected, options.jobs, async (target) => {
    const row = await runTarget(target, ctx);
    log(
      `-- ${row.name}: ${row.ok ? 'ok' : 'FAIL'} (${row.passed ?? '-'} passed, ${
        row.failed ?? '-'
      } failed, ${row.seconds.toFixed(1)} s)`,
    );
    for (const line of row.output) {
      if (!row.ok || line.startsWith('FAIL') || options.verbose) log(`   ${line}`);
    }
    for (const p of row.problems) log(`   PROBLEM: ${p}`);
    return row;
  });
  for (const extra of ctx.extraRows) {
    log(`-- ${extra.name}: ${extra.ok ? 'ok' : 'FAIL'}`);
    for (const line of extra.output) {
      if (!extra.ok || line.startsWith('FAIL') || options.verbose) log(`   ${line}`);
    }
    for (const p of extra.problems) log(`   PROBLEM: ${p}`);
  }
  const allRows = [...rows, ...ctx.extraRows];
  const seconds = (Date.now() - started) / 1000;
  log('');
  log(table(allRows));
  const note = ctx.extraRows.length
    ? '; the "chromium non-secure origin" and "no crypto.subtle" rows are the ERR_CRYPTO_UNAVAILABLE checks'
    : '';
  log(`(${expected} suite cases in every runtime${note}; ${seconds.toFixed(1)} s in all)`);
  const green = allRows.filter((r) => r.ok).length;
  const ok = green === allRows.length;
  if (options.docs) {
    if (options.only) throw new Error(`--${options.docs}-docs needs every row: drop --only`);
    const problems = ok
      ? await syncDocs(options.docs, { runtimes: RUNTIME_DOCS, tools, rows: allRows, expected })
      : ['docs/runtimes.md was not compared: the run was not green'];
    for (const problem of problems) log(`PROBLEM: ${problem}`);
    if (options.docs === 'write' && ok) log('docs/runtimes.md: the generated blocks are written');
    if (problems.length > 0) return { rows: allRows, expected, ok: false, seconds };
  }
  if (ok && !options.stage) rmSync(stage, { recursive: true, force: true });
  else if (!ok) log(`(the stage is kept for inspection: ${stage})`);
  log(`runtimes: ${green} passed, ${allRows.length - green} failed`);
  return { rows: allRows, expected, ok, seconds };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(2);
  }
  runMatrix(options).then(
    ({ ok }) => {
      process.exitCode = ok ? 0 : 1;
    },
    (error) => {
      console.error(
        `test:runtimes could not run: ${error instanceof Error ? error.stack : String(error)}`,
      );
      process.exitCode = 1;
    },
  );
}
