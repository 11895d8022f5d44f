// Types for database.mjs (see the JSDoc there), for the end-to-end tests.
// src/, not the built package: the test type-checks before any build.
import type { TwoFactorStore } from '../../../src/twofactor/index.js';

export interface User {
  id: string;
  username: string;
  usernameKey: string;
  email: string;
  passwordHash: string;
  twoFactor: boolean;
  codeSentAt: number;
  codeSends: number;
}

export interface NewUser {
  id: string;
  username: string;
  usernameKey: string;
  email: string;
  passwordHash: string;
  createdAt: number;
}

export interface Session {
  /** SHA-256 of the cookie value, base64url. */
  id: string;
  csrf: string;
  userId: string | null;
  stage: 'anonymous' | 'password' | 'full';
  /** Sealed, or null. */
  recoveryCodes: string | null;
  expiresAt: number;
}

export interface Users {
  create(user: NewUser): Promise<boolean>;
  byId(id: string): Promise<User | null>;
  byName(usernameKey: string): Promise<User | null>;
  setTwoFactor(id: string, on: boolean): Promise<void>;
  setPasswordHash(id: string, hash: string): Promise<void>;
  claimCodeSend(id: string, now: number, intervalMs: number, perDay: number): Promise<boolean>;
}

export interface Sessions {
  create(session: Session): Promise<void>;
  get(id: string, now: number): Promise<Session | null>;
  delete(id: string): Promise<void>;
  deleteOthersOf(userId: string, exceptId: string): Promise<number>;
  setRecoveryCodes(id: string, sealed: string | null): Promise<void>;
  sweep(now: number, limit: number): Promise<number>;
  count(): Promise<number>;
}

export interface Storage {
  kind: 'sqlite' | 'postgres' | 'memory';
  twoFactorKind: 'sql' | 'redis' | 'memory';
  users: Users;
  sessions: Sessions;
  twoFactorStore: TwoFactorStore;
  close(): Promise<void>;
}

export interface OpenStorageOptions {
  databaseUrl?: string | undefined;
  redisUrl?: string | undefined;
  sqlitePath?: string | undefined;
  log?: (line: string) => void;
}

export declare function openStorage(options?: OpenStorageOptions): Promise<Storage>;
export declare function memoryStorage(): Storage;
export declare function appSchema(dialect: 'sqlite' | 'postgres'): string;
export declare function startOfDay(time: number): number;
