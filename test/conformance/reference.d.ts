// Types for reference.js (see there).
export declare function hex(bytes: Uint8Array): string;
export declare function fromHex(text: string): Uint8Array;
export declare function ascii(text: string): Uint8Array;
export declare function referenceHOTP(
  keyBytes: Uint8Array,
  counter: bigint | number,
  digits: number,
  algorithm: 'SHA1' | 'SHA256' | 'SHA512',
): Promise<string>;
