// otpkit's own JavaScript per call, without WebCrypto's cost: crypto.subtle is replaced by fakes that
// resolve at once, so what is timed is validation, the key cache, base32, counter bytes, truncation,
// comparison and the promise chain. Far steadier than the real ratios on a noisy machine, so it is the
// figure to compare two builds by. Run after `npm run build`:
//   node test/bench/overhead.mjs [path to a built index.js]
import { pathToFileURL } from 'node:url';
import { freshSecrets } from './loop.mjs';

const MAC = new Uint8Array(20).fill(7).buffer;
const fake = { subtle: { importKey: () => Promise.resolve({}), sign: () => Promise.resolve(MAC) } };
Object.defineProperty(globalThis, 'crypto', { value: fake, configurable: true });

const DIST = process.argv[2]
  ? pathToFileURL(process.argv[2]).href
  : new URL('../../dist/index.js', import.meta.url).href;
const { encodeBase32, generateTOTP, verifyTOTP } = await import(DIST);

const BYTES = new TextEncoder().encode('12345678901234567890');
const SECRET = encodeBase32(BYTES);
const next = freshSecrets(encodeBase32);
const variants = {
  'generateTOTP, warm cache': () => generateTOTP({ secret: SECRET, time: 1.7e12 }),
  'generateTOTP, warm, Uint8Array': () => generateTOTP({ secret: BYTES, time: 1.7e12 }),
  'generateTOTP, new secret': () => generateTOTP({ secret: next().base32, time: 1.7e12 }),
  'verifyTOTP window 1, invalid': () =>
    verifyTOTP({ secret: SECRET, token: '000000', time: 1.7e12 }),
  'verifyTOTP window 1, Uint8Array': () =>
    verifyTOTP({ secret: BYTES, token: '000000', time: 1.7e12 }),
  '(the fake sign alone)': () => fake.subtle.sign('HMAC', {}, new Uint8Array(8)),
};

console.log(`${DIST}: microseconds of JavaScript per call, best of 5 rounds of 300 ms`);
const best = {};
for (let round = 0; round < 5; round++) {
  for (const [name, fn] of Object.entries(variants)) {
    let calls = 0;
    const start = performance.now();
    while (performance.now() - start < 300) {
      for (let i = 0; i < 100; i++) await fn();
      calls += 100;
    }
    best[name] = Math.min(best[name] ?? Infinity, ((performance.now() - start) * 1000) / calls);
  }
}
for (const [name, us] of Object.entries(best)) {
  console.log(`${name.padEnd(30)} ${us.toFixed(2)} µs`);
}
