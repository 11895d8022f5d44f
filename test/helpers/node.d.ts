// The few Node APIs the Node-only tests use. devDependencies are exactly typescript, vitest and tsup
// (no @types/node), so these are declared here, narrowly, as the tests use them.
declare module 'node:crypto' {
  interface Hmac {
    update(data: Uint8Array): Hmac;
    digest(): Uint8Array;
  }
  export function createHmac(algorithm: string, key: Uint8Array): Hmac;
}
declare module 'node:fs' {
  export function readFileSync(path: string | URL, encoding: 'utf8'): string;
  export function existsSync(path: string | URL): boolean;
}
declare const process: { env: Record<string, string | undefined> };
declare module 'node:fs' {
  export function readdirSync(path: string | URL): string[];
}
