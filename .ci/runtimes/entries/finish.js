// Shared by the script entries (Node, Deno, Bun): prints where otpkit and otpkit/qr were loaded from and the runtime,
// runs the suite, and sets the exit code: 0 only when every case passed and there was at least one.
import vectors from './vectors.js';
import { runConformance } from './suite/index.js';

function runtimeName() {
  if (globalThis.Deno) return `deno ${globalThis.Deno.version.deno}`;
  if (globalThis.Bun) return `bun ${globalThis.Bun.version}`;
  return `node ${globalThis.process.version}`;
}

// Arguments: [label] [--verbose]. Read from the command line, which needs no permission in Deno.
export async function main({ otp, qr, loadedFrom, qrLoadedFrom }) {
  const args = globalThis.Deno ? globalThis.Deno.args : globalThis.process.argv.slice(2);
  const label = args.find((a) => !a.startsWith('--')) ?? 'conformance';
  const verbose = args.includes('--verbose');
  console.log(`runtime: ${runtimeName()}`);
  console.log(`otpkit: ${loadedFrom}`);
  console.log(`otpkit/qr: ${qrLoadedFrom}`);
  let code = 1;
  try {
    const result = await runConformance({ otp, qr, vectors, label, verbose });
    code = result.failed === 0 && result.passed > 0 ? 0 : 1;
  } catch (error) {
    console.log(
      `FAIL the suite did not run: ${error instanceof Error ? error.stack : String(error)}`,
    );
  }
  if (globalThis.Deno) globalThis.Deno.exit(code);
  else globalThis.process.exitCode = code;
}
