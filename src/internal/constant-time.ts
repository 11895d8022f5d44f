// Comparisons whose time does not depend on the secret data compared: every candidate is compared and
// every bit read, with no early exit and no branch on the result, so timing tells an attacker neither
// how much of a guess was right nor which candidate matched. One-time codes and recovery-code hashes
// use them.

/** 1 when two equal-length strings are equal, else 0, in time independent of where they differ. */
export function equalBit(a: string, b: string): number {
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return ((diff - 1) >>> 31) & 1;
}

/**
 * Index of the first 1 in a list of 0/1 bits, or -1, reading every bit with no early exit and no branch
 * on the bits, so the time does not depend on which (if any) is set.
 */
export function firstHit(bits: readonly number[]): number {
  // Downwards, so the lowest hit is written last; `found += (i - found) * hit` moves only on a hit.
  let found = -1;
  for (let i = bits.length; i-- > 0;) found += (i - found) * ((bits[i] as number) & 1);
  return found;
}
