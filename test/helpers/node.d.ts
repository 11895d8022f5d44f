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
declare module 'node:crypto' {
  interface Hash {
    update(data: string | Uint8Array): Hash;
    digest(encoding: 'hex'): string;
  }
  export function createHash(algorithm: string): Hash;
}
declare module 'node:zlib' {
  export function gzipSync(data: Uint8Array, options?: { level?: number }): Uint8Array;
}
// The QR decoding test (zbarimg) and the CLI test run child processes and write temporary files.
declare module 'node:child_process' {
  interface SpawnSyncOutput {
    status: number | null;
    stdout: string;
    stderr: string;
    error?: Error;
  }
  export function spawnSync(
    command: string,
    args: readonly string[],
    options: {
      encoding: 'utf8';
      input?: string;
      env?: Record<string, string | undefined>;
      timeout?: number;
      maxBuffer?: number;
    },
  ): SpawnSyncOutput;
  export function execFile(
    file: string,
    args: readonly string[],
    options: { encoding: 'buffer'; maxBuffer?: number },
    callback: (error: Error | null, stdout: Uint8Array, stderr: Uint8Array) => void,
  ): unknown;
}
declare module 'node:fs' {
  export function writeFileSync(path: string, data: string | Uint8Array): void;
  export function mkdtempSync(prefix: string): string;
  export function rmSync(path: string, options: { recursive: boolean; force: boolean }): void;
}
declare module 'node:os' {
  export function tmpdir(): string;
}
declare module 'node:path' {
  export function join(...parts: string[]): string;
}
declare module 'node:fs' {
  export function readdirSync(path: string | URL, options: { recursive: true }): string[];
}
// src/cli.ts, the Node-only command line (it declares the part of `process` it uses itself).
declare module 'node:util' {
  export function parseArgs(config: {
    args: string[];
    options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;
    allowPositionals: boolean;
    strict: boolean;
  }): { values: Record<string, string | boolean | undefined>; positionals: string[] };
}
// The CLI writes the SVG of a secret with an exclusive create and mode 0600; its test checks the file.
declare module 'node:fs' {
  export function openSync(path: string, flags: string, mode?: number): number;
  export function writeSync(fd: number, text: string): number;
  export function closeSync(fd: number): void;
  export function unlinkSync(path: string): void;
  export function symlinkSync(target: string, path: string): void;
  export function lstatSync(path: string): { mode: number; isSymbolicLink(): boolean };
  export function statSync(path: string): { mode: number };
}
declare module 'node:crypto' {
  interface Hmac {
    update(data: string | Uint8Array): Hmac;
    digest(encoding: 'hex'): string;
  }
}
// The CLI test closes a child's stdout early to check what the CLI does when its reader goes away.
declare module 'node:child_process' {
  interface ChildProcess {
    stdout: { destroy(): void };
    stderr: { on(event: 'data', listener: (chunk: Uint8Array) => void): void };
    on(event: 'close', listener: (code: number | null) => void): void;
  }
  export function spawn(
    command: string,
    args: readonly string[],
    options?: { stdio?: ('pipe' | 'ignore')[] },
  ): ChildProcess;
}
