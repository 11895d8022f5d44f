// Types for the reference server's JavaScript, for the end-to-end test (test/server.e2e.test.ts).
import type { Store } from './store.mjs';

export declare const ISSUER: string;
export declare const MAX_FAILURES: number;
export declare const LOCK_STEP_MS: number;

export interface AppOptions {
  store?: Store;
  sealingKey?: Uint8Array | CryptoKey;
  pepper?: Uint8Array | CryptoKey;
  now?: () => number;
  secureCookies?: boolean;
  log?: (line: string) => void;
}

export interface App {
  /** The node:http request listener. */
  handle(req: unknown, res: unknown): Promise<void>;
  store: Store;
}

export declare function createApp(options?: AppOptions): App;

export declare function startServer(
  options?: AppOptions & { port?: number; host?: string },
): Promise<{
  url: string;
  port: number;
  app: App;
  close(): Promise<void>;
}>;
