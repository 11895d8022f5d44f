// The one loader of vectors/*.json, shared by vitest (test/conformance.test.ts) and the runtime stage
// (.ci/runtimes/stage.mjs), which embeds what it returns for runtimes that cannot read files. Node only.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const VECTORS_DIR = fileURLToPath(new URL('../../vectors/', import.meta.url));

/** vectors/*.json parsed, as { name: data } (name = file name without .json), in file-name order. */
export function loadVectors() {
  return Object.fromEntries(
    readdirSync(VECTORS_DIR)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((
        file,
      ) => [file.slice(0, -'.json'.length), JSON.parse(readFileSync(VECTORS_DIR + file, 'utf8'))]),
  );
}
