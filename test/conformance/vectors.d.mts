// Types for vectors.mjs, so that test/conformance.test.ts type-checks.
/** vectors/*.json parsed, as { name: data } (name = file name without .json), in file-name order. */
export declare function loadVectors(): Record<string, unknown>;
