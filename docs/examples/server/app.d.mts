// Types for the reference server's JavaScript, for the end-to-end test (test/server.e2e.test.ts).
import type { Storage } from './database.mjs';
import type { Mailer } from './mail.mjs';

export declare const ISSUER: string;

export interface AppOptions {
  storage?: Storage;
  sealingKey?: Uint8Array | CryptoKey;
  pepper?: Uint8Array | CryptoKey;
  now?: () => number;
  log?: (line: string) => void;
  mailer?: Mailer;
  devMailbox?: boolean;
  secureCookies?: boolean;
  emailCodeTtlMs?: number;
  emailCodeIntervalMs?: number;
  emailCodesPerDay?: number;
}

export interface App {
  /** The node:http request listener. */
  handle(req: unknown, res: unknown): Promise<void>;
  storage: Storage;
  mailer: Mailer;
  /** Deletes up to 1,000 expired sessions; resolves to how many. */
  sweepSessions(): Promise<number>;
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
