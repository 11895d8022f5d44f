// Steam Guard codes: TOTP with SHA-1 whose truncated value is written in Steam's alphabet. pyotp's
// published values (vectors/steam.json) are checked once, by the conformance suite in every runtime
// (test/conformance/cases/totp.js, with a WebCrypto reference); here, an independent node:crypto
// reference over seeded random secrets and times, anchored on one published value.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  buildKeyURI,
  decodeBase32,
  generateTOTP,
  parseKeyURI,
  type TOTPKeyURI,
  verifyTOTP,
} from '../src/index.js';
import { expectOTPError } from './helpers/errors.js';
import { seededRandom } from './helpers/random.js';
import { referenceBase32 } from './helpers/reference.js';

const ALPHABET = '23456789BCDFGHJKMNPQRTVWXY';

/** A Steam code written from scratch: HMAC-SHA-1 of the step, RFC 4226 §5.3 truncation, then base 26, least significant first. */
function referenceSteam(key: Uint8Array, timeMs: number): string {
  const message = new Uint8Array(8);
  let step = BigInt(Math.floor(timeMs / 30_000));
  for (let i = 7; i >= 0; i--, step >>= 8n) message[i] = Number(step & 0xffn);
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = (mac[19] as number) & 15;
  let value = (((mac[offset] as number) & 0x7f) * 2 ** 24) + (mac[offset + 1] as number) * 2 ** 16 +
    (mac[offset + 2] as number) * 2 ** 8 + (mac[offset + 3] as number);
  let code = '';
  for (let i = 0; i < 5; i++, value = Math.floor(value / 26)) code += ALPHABET[value % 26];
  return code;
}

describe('Steam Guard codes', () => {
  it('agree with an independent node:crypto reference on 1,000 seeded secrets and times', async () => {
    // The reference first reproduces one published value (pyotp: BASE32SECRET3232 at 30 s).
    expect(referenceSteam(decodeBase32('BASE32SECRET3232'), 30_000)).toBe('YKKK4');
    const rng = seededRandom();
    for (let i = 0; i < 1000; i++) {
      const bytes = rng.bytes(rng.int(10, 64));
      const time = rng.int(0, 2 ** 41);
      const expected = referenceSteam(bytes, time);
      expect(await generateTOTP({ secret: bytes, time, encoder: 'steam' }), rng.tag).toBe(expected);
      // Verification reads the code in either ASCII case, in constant time on the canonical form.
      const token = rng.int(0, 1) === 0 ? expected : expected.toLowerCase();
      expect(
        await verifyTOTP({ secret: referenceBase32(bytes), time, encoder: 'steam', token }),
        rng.tag,
      ).toEqual({ step: Math.floor(time / 30_000), delta: 0 });
    }
  });

  it('round-trip through a key URI that other apps read (encoder=steam, no digits)', async () => {
    const uri = buildKeyURI({
      secret: 'BASE32SECRET3232',
      issuer: 'Steam',
      account: 'alice',
      encoder: 'steam',
    });
    expect(uri).toBe(
      'otpauth://totp/Steam:alice?secret=BASE32SECRET3232&issuer=Steam&encoder=steam',
    );
    const key = parseKeyURI(uri) as TOTPKeyURI;
    expect(key).toMatchObject({ encoder: 'steam', digits: 5, algorithm: 'SHA1' });
    expect(await generateTOTP({ ...key, time: 0 })).toBe('2TC8B');
  });

  it('refuse what Steam keys cannot be', async () => {
    await expectOTPError(
      () => generateTOTP({ secret: 'BASE32SECRET3232', encoder: 'steam', digits: 6 }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => generateTOTP({ secret: 'BASE32SECRET3232', encoder: 'steam', algorithm: 'SHA512' }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => generateTOTP({ secret: 'BASE32SECRET3232', encoder: 'Steam' as never }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () =>
        buildKeyURI({
          secret: 'BASE32SECRET3232',
          account: 'a',
          encoder: 'steam',
          algorithm: 'SHA256',
        }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => buildKeyURI({ secret: 'BASE32SECRET3232', account: 'a', params: { encoder: 'steam' } }),
      'ERR_INVALID_OPTION',
    );
  });
});
