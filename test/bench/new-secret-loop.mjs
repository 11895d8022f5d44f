// A plain Node loop (no vitest) for the "first call for a new secret" path, run after `npm run build`:
//   node test/bench/new-secret-loop.mjs
// Rows alternate otpkit and raw WebCrypto, 400 ms each, four rounds; compare within a round.
import { configureKeyCache, decodeBase32, encodeBase32, generateTOTP } from '../../dist/index.js';
import { freshSecrets, opsPerSecond } from './loop.mjs';

const subtle = crypto.subtle;
const next = freshSecrets(encodeBase32);
const MESSAGE = new Uint8Array(8);
const HMAC = { name: 'HMAC', hash: 'SHA-1' };

const variants = {
  'raw importKey+sign': async () => {
    await subtle.sign(
      'HMAC',
      await subtle.importKey('raw', next().bytes, HMAC, false, ['sign']),
      MESSAGE,
    );
  },
  'raw decodeBase32+importKey+sign': async () => {
    await subtle.sign(
      'HMAC',
      await subtle.importKey('raw', decodeBase32(next().base32), HMAC, false, ['sign']),
      MESSAGE,
    );
  },
  'otpkit generateTOTP (cache on)': () => generateTOTP({ secret: next().base32, time: 1.7e12 }),
  'otpkit generateTOTP (cache off)': () => generateTOTP({ secret: next().base32, time: 1.7e12 }),
};

for (let round = 1; round <= 4; round++) {
  const row = [];
  for (const [name, fn] of Object.entries(variants)) {
    configureKeyCache({ maxEntries: name.endsWith('(cache off)') ? 0 : 256 });
    row.push(`${name} ${Math.round(await opsPerSecond(fn, 400))}/s`);
  }
  console.log(`round ${round}: ${row.join(' | ')}`);
}
