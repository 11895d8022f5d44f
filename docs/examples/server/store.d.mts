// Types for store.mjs (see the JSDoc there), for the end-to-end test.
export interface User {
  id: string;
  username: string;
  passwordHash: string;
  totpSecret: string | null;
  pendingSecret: string | null;
  lastStep: number;
  recoveryHashes: string[];
  failures: number;
  lockedUntil: number;
}

export interface Session {
  id: string;
  csrf: string;
  userId: string | null;
  stage: 'anonymous' | 'password' | 'full';
  expiresAt: number;
}

export interface Store {
  createUser(user: { username: string; passwordHash: string }): Promise<User | null>;
  getUser(id: string): Promise<User | null>;
  findUserByName(username: string): Promise<User | null>;
  setPendingSecret(id: string, sealed: string | null): Promise<void>;
  enableTwoFactor(id: string, recoveryHashes: string[]): Promise<boolean>;
  disableTwoFactor(id: string): Promise<void>;
  advanceLastStep(id: string, step: number): Promise<boolean>;
  consumeRecoveryHash(id: string, hash: string): Promise<boolean>;
  replaceRecoveryHashes(id: string, hashes: string[]): Promise<void>;
  recordFailure(id: string): Promise<number>;
  lockUntil(id: string, until: number): Promise<void>;
  clearFailures(id: string): Promise<void>;
  putSession(session: Session): Promise<void>;
  getSession(id: string): Promise<Session | null>;
  deleteSession(id: string): Promise<void>;
}

export declare function createMemoryStore(): Store;
export declare function randomId(bytes?: number): string;
