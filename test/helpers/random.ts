// Seeded randomness for property tests. Each run draws a fresh seed unless OTPKIT_SEED is set; every
// assertion message carries the seed, so a failure can be replayed exactly.

export interface Random {
  readonly seed: number;
  /** "seed=N": put it in assertion messages. */
  readonly tag: string;
  uint32(): number;
  /** Integer in min..max inclusive (max - min < 2^32). */
  int(min: number, max: number): number;
  bytes(n: number): Uint8Array<ArrayBuffer>;
  pick<T>(items: readonly T[]): T;
  /** A bigint in 0..2^64-1, often near the edges (0, 2^32, 2^53, 2^64-1). */
  counter64(): bigint;
}

export function seededRandom(): Random {
  const fromEnv = process.env.OTPKIT_SEED;
  const seed = fromEnv !== undefined && fromEnv !== ''
    ? Number(fromEnv) >>> 0
    : (Math.random() * 2 ** 32) >>> 0;
  // sfc32, seeded from the one 32-bit seed.
  let a = 0x9e3779b9;
  let b = 0x243f6a88;
  let c = 0xb7e15162;
  let d = seed;
  const uint32 = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 16; i++) uint32();
  const int = (min: number, max: number): number =>
    min + Math.floor((uint32() / 2 ** 32) * (max - min + 1));
  const MAX = 2n ** 64n - 1n;
  return {
    seed,
    tag: `seed=${seed} (replay with OTPKIT_SEED=${seed})`,
    uint32,
    int,
    bytes(n) {
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = uint32() & 0xff;
      return out;
    },
    pick(items) {
      return items[int(0, items.length - 1)] as (typeof items)[number];
    },
    counter64() {
      const edges = [
        0n,
        1n,
        2n ** 32n - 1n,
        2n ** 32n,
        2n ** 53n - 1n,
        2n ** 53n,
        2n ** 63n,
        MAX - 100n,
        MAX,
      ];
      const r = int(0, 3);
      if (r === 0) return edges[int(0, edges.length - 1)] as bigint;
      const v = (BigInt(uint32()) << 32n) | BigInt(uint32());
      return r === 1 ? v >> BigInt(int(0, 63)) : v;
    },
  };
}

/** A random HMAC setup for cross-checks: any of the three hashes, 6-10 digits, a key of 1-200 bytes. */
export function randomOTPSetup(
  rng: Random,
): { algorithm: 'SHA1' | 'SHA256' | 'SHA512'; digits: number; key: Uint8Array<ArrayBuffer> } {
  return {
    algorithm: rng.pick(['SHA1', 'SHA256', 'SHA512'] as const),
    digits: rng.int(6, 10),
    key: rng.bytes(rng.int(1, 200)),
  };
}
