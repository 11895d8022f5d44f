// @ts-check
// The one loader of vectors/*.json, shared by vitest (test/conformance.test.ts) and the runtime stage
// (.ci/runtimes/stage.mjs), which embeds what it returns for runtimes that cannot read files. Node only.
// The shape of each file is declared in vectors.d.mts.
import { readdirSync, readFileSync } from 'node:fs';

const VECTORS_DIR = new URL('../../vectors/', import.meta.url);

/** @type {typeof import('./vectors.mjs').loadVectors} */
export function loadVectors() {
  // JSON.parse gives untyped data: this cast is where it takes the declared shapes, which
  // test/conformance.test.ts checks against the files as TypeScript reads them.
  return /** @type {import('./vectors.mjs').Vectors} */ (Object.fromEntries(
    readdirSync(VECTORS_DIR)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((
        file,
      ) => [
        file.slice(0, -'.json'.length),
        JSON.parse(readFileSync(new URL(file, VECTORS_DIR), 'utf8')),
      ]),
  ));
}
