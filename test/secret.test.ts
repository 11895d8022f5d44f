import { afterEach, describe, expect, it, vi } from 'vitest';
import { decodeBase32, generateSecret, generateTOTP } from '../src/index.js';
import { expectOTPError } from './helpers/errors.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('generateSecret', () => {
  it('returns 20 random bytes (160 bits, RFC 4226 R6) as canonical unpadded upper-case base32', () => {
    const secret = generateSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(decodeBase32(secret).length).toBe(20);
  });

  it('returns any length from 16 to 64 bytes', () => {
    for (let bytes = 16; bytes <= 64; bytes++) {
      const secret = generateSecret({ bytes });
      expect(decodeBase32(secret).length).toBe(bytes);
      expect(secret).toBe(secret.toUpperCase());
      expect(secret).not.toContain('=');
    }
  });

  it('draws its bytes from crypto.getRandomValues (the CSPRNG)', () => {
    const spy = vi.spyOn(globalThis.crypto, 'getRandomValues');
    generateSecret({ bytes: 32 });
    expect(spy).toHaveBeenCalledTimes(1);
    expect((spy.mock.calls[0]?.[0] as Uint8Array).length).toBe(32);
  });

  it('never repeats and has balanced bits over 2,000 secrets', () => {
    const seen = new Set<string>();
    let ones = 0;
    for (let i = 0; i < 2000; i++) {
      const secret = generateSecret();
      seen.add(secret);
      for (const byte of decodeBase32(secret)) for (let b = byte; b > 0; b >>= 1) ones += b & 1;
    }
    expect(seen.size).toBe(2000);
    // 320,000 fair bits: the standard deviation of the share of ones is about 0.0009; 0.49..0.51 is over 10 sigma.
    const share = ones / (2000 * 160);
    expect(share).toBeGreaterThan(0.49);
    expect(share).toBeLessThan(0.51);
  });

  // RFC 4226 §4 R6: at least 128 bits.
  it('refuses lengths below 16 or above 64 bytes and mistyped options', async () => {
    for (const bytes of [0, 10, 15, 65, 1024, 20.5, Number.NaN]) {
      await expectOTPError(() => generateSecret({ bytes }), 'ERR_INVALID_OPTION', String(bytes));
    }
    await expectOTPError(() => generateSecret({ bytes: '20' as never }), 'ERR_INVALID_OPTION');
    await expectOTPError(() => generateSecret(20 as never), 'ERR_INVALID_OPTION');
    await expectOTPError(() => generateSecret(null as never), 'ERR_INVALID_OPTION');
  });
});

describe('secret bytes', () => {
  it('takes only a real Uint8Array: other typed arrays and objects that claim the tag are ERR_INVALID_SECRET', async () => {
    const spoof = {
      [Symbol.toStringTag]: 'Uint8Array',
      length: 20,
      slice: () => new Uint8Array(20),
    };
    for (
      const secret of [
        spoof,
        new Uint16Array(10),
        new DataView(new ArrayBuffer(20)),
        new Uint8Array(20).buffer,
        [1, 2, 3],
      ]
    ) {
      await expectOTPError(() => generateTOTP({ secret: secret as never }), 'ERR_INVALID_SECRET');
    }
    // A Uint8Array subclass (a Node Buffer is one) is bytes.
    class Bytes extends Uint8Array {}
    expect(await generateTOTP({ secret: new Bytes(20).fill(1), time: 0 })).toBe(
      await generateTOTP({ secret: new Uint8Array(20).fill(1), time: 0 }),
    );
  });
});
