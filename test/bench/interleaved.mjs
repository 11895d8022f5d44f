// A plain Node loop (no vitest) that alternates otpkit and its raw WebCrypto baseline in 200 ms rounds
// and prints, per comparison, the ratio of the best rounds, the median round ratio and the range.
// Run after `npm run build`:
//   node test/bench/interleaved.mjs [rounds] [path to a built index.js]
// The second argument compares another build (for example an older commit built elsewhere) the same way.
import { pathToFileURL } from 'node:url';
import { freshSecrets, opsPerSecond } from './loop.mjs';

const ROUNDS = Number(process.argv[2] ?? 8);
const DIST = process.argv[3]
  ? pathToFileURL(process.argv[3]).href
  : new URL('../../dist/index.js', import.meta.url).href;
const { encodeBase32, generateTOTP, verifyTOTP } = await import(DIST);

const subtle = crypto.subtle;
const BYTES = new TextEncoder().encode('12345678901234567890');
const SECRET = encodeBase32(BYTES);
const KEY = await subtle.importKey('raw', BYTES, { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
const next = freshSecrets(encodeBase32);
const MESSAGE = new Uint8Array(8);
const HMAC = { name: 'HMAC', hash: 'SHA-1' };
const TIME = 1.7e12;
const counter = (c) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setUint32(4, c);
  return bytes;
};

const comparisons = {
  'generateTOTP, warm cache / cached-key sign': {
    raw: () => subtle.sign('HMAC', KEY, MESSAGE),
    otpkit: () => generateTOTP({ secret: SECRET, time: TIME }),
  },
  'generateTOTP, new secret / importKey + sign': {
    raw: async () =>
      subtle.sign(
        'HMAC',
        await subtle.importKey('raw', next().bytes, HMAC, false, ['sign']),
        MESSAGE,
      ),
    otpkit: () => generateTOTP({ secret: next().base32, time: TIME }),
  },
  'verifyTOTP window 1, invalid / 3 signs together': {
    raw: () =>
      Promise.all([
        subtle.sign('HMAC', KEY, counter(1)),
        subtle.sign('HMAC', KEY, counter(2)),
        subtle.sign('HMAC', KEY, counter(3)),
      ]),
    otpkit: () => verifyTOTP({ secret: SECRET, token: '000000', time: TIME }),
  },
  'generateTOTP x64 in flight / 64 signs': {
    raw: () => Promise.all(Array.from({ length: 64 }, () => subtle.sign('HMAC', KEY, MESSAGE))),
    otpkit: () =>
      Promise.all(Array.from({ length: 64 }, () => generateTOTP({ secret: SECRET, time: TIME }))),
  },
};

console.log(`${DIST}, ${ROUNDS} rounds of 200 ms per side`);
for (const [name, { raw, otpkit }] of Object.entries(comparisons)) {
  const ratios = [];
  let bestRaw = 0;
  let bestOtpkit = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const a = await opsPerSecond(raw, 200);
    const b = await opsPerSecond(otpkit, 200);
    ratios.push(b / a);
    bestRaw = Math.max(bestRaw, a);
    bestOtpkit = Math.max(bestOtpkit, b);
  }
  ratios.sort((x, y) => x - y);
  const f = (x) => x.toFixed(2);
  console.log(
    `${name.padEnd(48)} best ${f(bestOtpkit / bestRaw)}x  median round ${
      f(ratios[ROUNDS >> 1])
    }x  range ${f(ratios[0])}-${f(ratios.at(-1))}x`,
  );
}
