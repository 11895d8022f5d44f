// The two Node APIs vectors.mjs (the Node-only loader) uses. Nothing else of Node is declared to the
// suite's type check: the case files are web-standard JavaScript.
declare module 'node:fs' {
  export function readdirSync(path: string | URL): string[];
  export function readFileSync(path: string | URL, encoding: 'utf8'): string;
}
