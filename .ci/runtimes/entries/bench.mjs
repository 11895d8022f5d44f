// `npm run bench:runtimes` in Node, Deno and Bun: the built ESM package by path (the same file in all
// three), the portable comparisons, and one "bench: {json}" line for .ci/runtimes/bench.mjs.
import * as otp from './node_modules/otpkit/dist/index.js';
import { runBench } from './bench/portable.mjs';

function runtimeName() {
  if (globalThis.Deno) return `deno ${globalThis.Deno.version.deno}`;
  if (globalThis.Bun) return `bun ${globalThis.Bun.version}`;
  return `node ${globalThis.process.version}`;
}

console.log(`runtime: ${runtimeName()}`);
console.log(`bench: ${JSON.stringify(await runBench({ otp }))}`);
