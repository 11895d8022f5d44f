// Shared by the plain-Node benchmark scripts in this folder (interleaved.mjs, new-secret-loop.mjs,
// overhead.mjs): the secrets of the "new secret" comparisons and the timing loop.

/**
 * 4,096 distinct 20-byte secrets, cycled: far more than the 256 cached keys, so every otpkit call with
 * one of them misses the cache and imports a key. Returns `next()`, giving the next `{ bytes, base32 }`.
 */
export function freshSecrets(encodeBase32) {
  const secrets = Array.from({ length: 4096 }, (_, i) => {
    const bytes = new Uint8Array(20);
    new DataView(bytes.buffer).setUint32(0, i + 1);
    return { bytes, base32: encodeBase32(bytes) };
  });
  let n = 0;
  return () => secrets[n++ & 4095];
}

/** Calls `fn` (awaiting each call) for `ms` milliseconds and returns the calls per second. */
export async function opsPerSecond(fn, ms) {
  let count = 0;
  const end = performance.now() + ms;
  while (performance.now() < end) {
    await fn();
    count++;
  }
  return (count / ms) * 1000;
}
