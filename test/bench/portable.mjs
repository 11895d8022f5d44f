// The comparisons of the cross-runtime bench (`npm run bench:runtimes`, .ci/runtimes/bench.mjs) and of
// `node test/bench/interleaved.mjs`, with web-standard APIs only (crypto.subtle, performance.now), so
// that Node, Deno, Bun, workerd and the browsers run exactly this file.
//
// The method is the one `npm run bench` uses: rounds that alternate otpkit and its raw WebCrypto
// baseline (otpkit, raw, otpkit, raw, ...), so a burst of load hits both sides; per comparison, the
// median of the per-round ratios, and the ratio of the best rounds.

const HMAC_SHA1 = { name: 'HMAC', hash: 'SHA-1' };
const TIME = 1_700_000_000_000;

/** The 8-byte big-endian counter HOTP signs (RFC 4226 section 5.2). */
function counterBytes(counter) {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(counter));
  return bytes;
}

/**
 * The comparisons, each { name, target, otpkit, raw }: `target` is the least acceptable ratio of
 * otpkit's calls per second to the raw baseline's (docs/performance.md), or null when there is none.
 * The secret is the RFC 4226 Appendix D one, as a 20-byte Uint8Array and as base32.
 */
export async function comparisons(otp) {
  const subtle = globalThis.crypto.subtle;
  const bytes = new TextEncoder().encode('12345678901234567890');
  const base32 = otp.encodeBase32(bytes);
  const key = await subtle.importKey('raw', bytes, HMAC_SHA1, false, ['sign']);
  const step = Math.floor(TIME / 30_000);
  const message = counterBytes(step);
  const window = [counterBytes(step - 1), message, counterBytes(step + 1)];
  return [
    {
      name: 'generateTOTP, Uint8Array secret, warm',
      target: 0.85,
      otpkit: () => otp.generateTOTP({ secret: bytes, time: TIME }),
      raw: () => subtle.sign('HMAC', key, message),
    },
    {
      name: 'generateTOTP, base32 secret, warm',
      target: null,
      otpkit: () => otp.generateTOTP({ secret: base32, time: TIME }),
      raw: () => subtle.sign('HMAC', key, message),
    },
    {
      name: 'verifyTOTP window 1, Uint8Array, wrong code',
      target: 0.9,
      otpkit: () => otp.verifyTOTP({ secret: bytes, token: '000000', time: TIME }),
      raw: () => Promise.all(window.map((m) => subtle.sign('HMAC', key, m))),
    },
  ];
}

/** Calls `fn` (awaiting each call) for about `ms` milliseconds; returns calls per second. */
export async function opsPerSecond(fn, ms) {
  let count = 0;
  const start = performance.now();
  const end = start + ms;
  let now = start;
  // The clock is read every 16 calls: reading it costs next to nothing, but not nothing.
  while (now < end) {
    for (let i = 0; i < 16; i++) await fn();
    count += 16;
    now = performance.now();
  }
  return (count / (now - start)) * 1000;
}

function median(sorted) {
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs every comparison over `rounds` interleaved rounds of `roundMs` per side, after one warm-up round.
 * Resolves to [{ name, target, best, median, min, max }]: `median`, `min` and `max` are of the ratios of
 * each otpkit round to the raw round right after it (many short pairs: a burst of load on a shared
 * machine hits both sides of a pair); `best` is otpkit's best round over the raw side's best round.
 */
export async function runBench({ otp, rounds = 31, roundMs = 50 }) {
  const results = [];
  for (const { name, target, otpkit, raw } of await comparisons(otp)) {
    await opsPerSecond(otpkit, roundMs / 4);
    await opsPerSecond(raw, roundMs / 4);
    const ratios = [];
    let bestOtpkit = 0;
    let bestRaw = 0;
    for (let round = 0; round < rounds; round++) {
      const ours = await opsPerSecond(otpkit, roundMs);
      const theirs = await opsPerSecond(raw, roundMs);
      ratios.push(ours / theirs);
      bestOtpkit = Math.max(bestOtpkit, ours);
      bestRaw = Math.max(bestRaw, theirs);
    }
    ratios.sort((a, b) => a - b);
    results.push({
      name,
      target,
      best: bestOtpkit / bestRaw,
      median: median(ratios),
      min: ratios[0],
      max: ratios[ratios.length - 1],
    });
  }
  return results;
}
