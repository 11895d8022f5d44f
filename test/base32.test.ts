// Base32 beyond the published tables: the RFC 4648 §10 vectors and vectors/rfc4648-base32.json's
// decode, loose and invalid tables are checked once, by the conformance suite in every runtime
// (test/conformance/cases/base32.js); here, seeded properties against a bit-string reference.
import { describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32 } from '../src/index.js';
import { expectOTPError } from './helpers/errors.js';
import { seededRandom } from './helpers/random.js';
import { fromHex, hex, referenceBase32 } from './helpers/reference.js';

describe('encodeBase32', () => {
  it('writes upper case and zero pad bits, matching a bit-string reference for every length 0..300', () => {
    const rng = seededRandom();
    for (let n = 0; n <= 300; n++) {
      const data = rng.bytes(n);
      const text = encodeBase32(data);
      expect(text, `${rng.tag} n=${n}`).toBe(referenceBase32(data));
      expect(encodeBase32(data, { padding: true }).length % 8, rng.tag).toBe(0);
    }
  });

  it('refuses a non-Uint8Array and mistyped options', async () => {
    await expectOTPError(() => encodeBase32('abc' as never), 'ERR_INVALID_OPTION');
    await expectOTPError(() => encodeBase32([1, 2] as never), 'ERR_INVALID_OPTION');
    await expectOTPError(
      () => encodeBase32(new Uint8Array(1), { padding: 'yes' as never }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => encodeBase32(new Uint8Array(1), null as never),
      'ERR_INVALID_OPTION',
    );
  });
});

describe('decodeBase32', () => {
  it('round-trips every length 1..300 of seeded random bytes, padded and unpadded', () => {
    const rng = seededRandom();
    for (let n = 1; n <= 300; n++) {
      const data = rng.bytes(n);
      expect(hex(decodeBase32(encodeBase32(data))), `${rng.tag} n=${n}`).toBe(hex(data));
      expect(hex(decodeBase32(encodeBase32(data, { padding: true }))), `${rng.tag} n=${n}`).toBe(
        hex(data),
      );
      expect(hex(decodeBase32(encodeBase32(data).toLowerCase())), `${rng.tag} n=${n}`).toBe(
        hex(data),
      );
    }
  });

  it('refuses every character outside A-Z a-z 2-7 (and "=" / " " where they are not allowed) anywhere in the text', async () => {
    const rng = seededRandom();
    const alphabet = /[A-Za-z2-7]/;
    for (let code = 0; code < 0x180; code++) {
      const ch = String.fromCharCode(code);
      if (alphabet.test(ch) || ch === '=') continue;
      const base = encodeBase32(rng.bytes(10));
      const at = rng.int(0, base.length);
      const text = base.slice(0, at) + ch + base.slice(at);
      await expectOTPError(
        () => decodeBase32(text),
        'ERR_BASE32_INVALID_CHARACTER',
        `${rng.tag} char=${code}`,
      );
    }
  });

  it('refuses lone surrogates and astral characters', async () => {
    await expectOTPError(() => decodeBase32('MZXW\uD800'), 'ERR_BASE32_INVALID_CHARACTER');
    await expectOTPError(() => decodeBase32('MZXW😀6==='), 'ERR_BASE32_INVALID_CHARACTER');
  });

  it('refuses every impossible length (1, 3 or 6 mod 8) up to 100 characters', async () => {
    for (let n = 1; n <= 100; n++) {
      const text = 'A'.repeat(n);
      if ([1, 3, 6].includes(n % 8)) {
        await expectOTPError(() => decodeBase32(text), 'ERR_BASE32_INVALID_LENGTH', `n=${n}`);
      } else expect(decodeBase32(text).length).toBe(Math.floor((n * 5) / 8));
    }
  });

  it('refuses a non-string and mistyped options', async () => {
    await expectOTPError(() => decodeBase32(42 as never), 'ERR_INVALID_OPTION');
    await expectOTPError(() => decodeBase32(null as never), 'ERR_INVALID_OPTION');
    await expectOTPError(
      () => decodeBase32('MZXW6===', { loose: 1 as never }),
      'ERR_INVALID_OPTION',
    );
  });

  it('returns a fresh buffer the caller may keep', () => {
    const a = decodeBase32('MZXW6YTB');
    const b = decodeBase32('MZXW6YTB');
    a[0] = 0;
    expect(hex(b)).toBe(hex(fromHex('666f6f6261')));
  });
});
