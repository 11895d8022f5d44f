import { describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32, type OTPErrorCode } from '../src/index.js';
import vectors from '../vectors/rfc4648-base32.json' with { type: 'json' };
import { expectOTPError } from './helpers/errors.js';
import { seededRandom } from './helpers/random.js';
import { fromHex, hex, referenceBase32 } from './helpers/reference.js';

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('encodeBase32', () => {
  // RFC 4648 §10
  it.each(vectors.valid)(
    'encodes "$ascii" as the RFC 4648 §10 vector $base32',
    ({ ascii: input, base32 }) => {
      expect(encodeBase32(ascii(input), { padding: true })).toBe(base32);
      expect(encodeBase32(ascii(input))).toBe(base32.replace(/=+$/, ''));
    },
  );

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
  it.each(vectors.valid)(
    'decodes the RFC 4648 §10 vector $base32, padded or not',
    ({ ascii: input, base32 }) => {
      expect(hex(decodeBase32(base32))).toBe(hex(ascii(input)));
      expect(hex(decodeBase32(base32.replace(/=+$/, '')))).toBe(hex(ascii(input)));
      expect(hex(decodeBase32(base32.toLowerCase()))).toBe(hex(ascii(input)));
    },
  );

  it.each(vectors.decode)('decodes $text ($description)', ({ text, hex: expected }) => {
    expect(hex(decodeBase32(text))).toBe(expected);
  });

  it.each(vectors.loose)(
    'with loose: true, ignores ASCII spaces in "$text"',
    ({ text, hex: expected }) => {
      expect(hex(decodeBase32(text, { loose: true }))).toBe(expected);
    },
  );

  it.each(vectors.invalid)(
    'refuses "$text" ($description) with $code',
    async ({ text, code, ...rest }) => {
      const options = 'options' in rest ? (rest.options as { loose: boolean }) : undefined;
      const error = await expectOTPError(() => decodeBase32(text, options), code as OTPErrorCode);
      if (text.length > 3) expect(error.message).not.toContain(text);
    },
  );

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
