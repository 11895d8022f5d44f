// Types for passwords.mjs, for the end-to-end test.
export declare const PBKDF2_ITERATIONS: number;
export declare const MIN_ITERATIONS: number;
export declare function normalisePassword(password: string): string;
export declare function hashPassword(password: string): Promise<string>;
export declare function verifyPassword(password: string, stored: string | null): Promise<boolean>;
export declare function needsRehash(stored: string): boolean;
