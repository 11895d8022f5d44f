// Sealed secrets: AES-256-GCM at rest (RFC 4226 §7.5, RFC 6238 §5.1), and the strict base64url under it.
import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from '../src/internal/base64url.js';
import {
  decodeBase32,
  encodeBase32,
  generateSecret,
  openSecret,
  sealSecret,
} from '../src/index.js';
import { expectOTPError } from './helpers/errors.js';
import { seededRandom } from './helpers/random.js';

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const FORMAT = /^v1\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]+$/;

/** Independent base64url through the platform's btoa. */
function referenceBase64url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(
    /=+$/,
    '',
  );
}

const aesKey = (
  usages: KeyUsage[] = ['encrypt', 'decrypt'],
  length = 256,
  name = 'AES-GCM',
): Promise<CryptoKey> =>
  crypto.subtle.generateKey({ name, length }, false, usages) as Promise<CryptoKey>;

describe('internal base64url (RFC 4648 §5, unpadded, canonical)', () => {
  it('matches btoa-based base64url and round-trips for every length 0..64 (seeded)', () => {
    const rng = seededRandom();
    for (let n = 0; n <= 64; n++) {
      const bytes = rng.bytes(n);
      const text = encodeBase64url(bytes);
      expect(text, rng.tag).toBe(referenceBase64url(bytes));
      expect(decodeBase64url(text), rng.tag).toEqual(bytes);
    }
  });

  it('refuses padding, the standard alphabet, whitespace, impossible lengths and non-zero pad bits', () => {
    for (const text of ['AA==', 'A', 'AAAAA', '+/8', 'ab c', 'ab\n', 'AB', 'AAB', 'Zm9vYmFy=']) {
      expect(decodeBase64url(text), text).toBeNull();
    }
    expect(decodeBase64url('AA')).toEqual(new Uint8Array([0]));
    expect(decodeBase64url('AAA')).toEqual(new Uint8Array([0, 0]));
    expect(decodeBase64url('')).toEqual(new Uint8Array(0));
  });
});

describe('sealSecret / openSecret', () => {
  it('round-trips base32 and byte secrets with a 32-byte key and a CryptoKey, giving canonical base32', async () => {
    const rng = seededRandom();
    const bytesKey = rng.bytes(32);
    const cryptoKey = await aesKey();
    for (const key of [bytesKey, cryptoKey]) {
      for (
        const secret of [
          generateSecret(),
          generateSecret({ bytes: 64 }),
          'jbswy3dpehpk3pxp',
          rng.bytes(rng.int(1, 100)),
        ]
      ) {
        const sealed = await sealSecret({ secret, key, context: 'user:42' });
        expect(sealed, rng.tag).toMatch(FORMAT);
        const opened = await openSecret({ sealed, key, context: 'user:42' });
        expect(opened, rng.tag).toBe(
          typeof secret === 'string' ? secret.toUpperCase() : encodeBase32(secret),
        );
      }
    }
  });

  it("writes 'v1.' + base64url(12-byte IV) + '.' + base64url(AES-256-GCM ciphertext + 16-byte tag), context as AAD", async () => {
    const rng = seededRandom();
    const keyBytes = rng.bytes(32);
    const secret = rng.bytes(20);
    const sealed = await sealSecret({ secret, key: keyBytes, context: 'user:7' });
    const [version, ivText, dataText] = sealed.split('.') as [string, string, string];
    expect(version).toBe('v1');
    const iv = decodeBase64url(ivText)!;
    const data = decodeBase64url(dataText)!;
    expect(iv).toHaveLength(12);
    expect(data).toHaveLength(20 + 16);
    // Decrypt with WebCrypto directly, following only the documented format.
    const key = await crypto.subtle.importKey('raw', keyBytes, 'AES-GCM', false, ['decrypt']);
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode('user:7') },
      key,
      data,
    );
    expect(new Uint8Array(plain), rng.tag).toEqual(secret);
  });

  it('uses a fresh random IV on every seal', async () => {
    const key = await aesKey();
    const secret = generateSecret();
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) seen.add((await sealSecret({ secret, key })).split('.')[1]!);
    expect(seen.size).toBe(200);
  });

  it('treats an absent context as the empty string', async () => {
    const key = await aesKey();
    const secret = generateSecret();
    expect(await openSecret({ sealed: await sealSecret({ secret, key }), key, context: '' })).toBe(
      secret,
    );
    expect(await openSecret({ sealed: await sealSecret({ secret, key, context: '' }), key })).toBe(
      secret,
    );
  });

  it('refuses to open with a wrong key or a wrong context, saying nothing about the secret', async () => {
    const rng = seededRandom();
    const key = rng.bytes(32);
    const secret = generateSecret();
    const sealed = await sealSecret({ secret, key, context: 'user:1' });
    const otherKey = key.slice();
    otherKey[rng.int(0, 31)]! ^= 1 << rng.int(0, 7);
    const failures = [
      { sealed, key: otherKey, context: 'user:1' },
      { sealed, key: await aesKey(), context: 'user:1' },
      { sealed, key, context: 'user:2' },
      { sealed, key, context: 'user:1 ' },
      { sealed, key },
    ];
    for (const options of failures) {
      const error = await expectOTPError(() => openSecret(options), 'ERR_SEAL_INVALID', rng.tag);
      expect(error.message).not.toContain(secret);
      expect(error.message).not.toContain(sealed.split('.')[2]!.slice(0, 8));
    }
  });

  it('refuses a sealed text changed in any character: version, dots, IV, ciphertext, tag, last symbol', async () => {
    const rng = seededRandom();
    const key = rng.bytes(32);
    // 20-byte secrets leave no pad bits in the last symbol; 10 and 12 bytes leave 2 and 4.
    for (const bytes of [20, 10, 12]) {
      const secret = encodeBase32(rng.bytes(bytes));
      const sealed = await sealSecret({ secret, key, context: 'c' });
      expect(await openSecret({ sealed, key, context: 'c' })).toBe(secret);
      for (let i = 0; i < sealed.length; i++) {
        const original = sealed[i]!;
        let replacement = rng.pick([...B64URL]);
        while (replacement === original) replacement = rng.pick([...B64URL]);
        for (const ch of [replacement, '.', '=', ' ', '+']) {
          if (ch === original) continue;
          const tampered = sealed.slice(0, i) + ch + sealed.slice(i + 1);
          await expectOTPError(
            () => openSecret({ sealed: tampered, key, context: 'c' }),
            'ERR_SEAL_INVALID',
            `position ${i} ${rng.tag}`,
          );
        }
      }
    }
  });

  it('refuses a last symbol whose unused pad bits are set, though it decodes to the same bytes (one spelling only)', async () => {
    const key = new Uint8Array(32);
    for (const bytes of [10, 12]) {
      const sealed = await sealSecret({ secret: new Uint8Array(bytes).fill(7), key });
      const last = B64URL.indexOf(sealed.at(-1)!);
      const padBits = bytes === 10 ? 2 : 4;
      for (let bit = 0; bit < padBits; bit++) {
        const sibling = `${sealed.slice(0, -1)}${B64URL[last ^ (1 << bit)]}`;
        expect(decodeBase64url(sibling.split('.')[2]!)).toBeNull();
        await expectOTPError(
          () => openSecret({ sealed: sibling, key }),
          'ERR_SEAL_INVALID',
          `${bytes} bytes, pad bit ${bit}`,
        );
      }
    }
  });

  it('refuses a sealed value with any single bit flipped in the IV, the ciphertext or the tag', async () => {
    const rng = seededRandom();
    const key = rng.bytes(32);
    const sealed = await sealSecret({ secret: generateSecret(), key });
    const [, ivText, dataText] = sealed.split('.') as [string, string, string];
    const iv = decodeBase64url(ivText)!;
    const data = decodeBase64url(dataText)!;
    for (const [part, bytes] of [['iv', iv], ['data', data]] as const) {
      for (let i = 0; i < bytes.length; i++) {
        const copy = bytes.slice();
        copy[i]! ^= 1 << rng.int(0, 7);
        const tampered = part === 'iv'
          ? `v1.${encodeBase64url(copy)}.${dataText}`
          : `v1.${ivText}.${encodeBase64url(copy)}`;
        await expectOTPError(
          () => openSecret({ sealed: tampered, key }),
          'ERR_SEAL_INVALID',
          `${part} byte ${i} ${rng.tag}`,
        );
      }
    }
  });

  it('refuses truncated, extended, reordered and malformed sealed texts', async () => {
    const key = await aesKey();
    const sealed = await sealSecret({ secret: generateSecret(), key });
    const [, ivText, dataText] = sealed.split('.') as [string, string, string];
    const shortData = encodeBase64url(decodeBase64url(dataText)!.subarray(0, 16)); // tag only, no ciphertext
    const malformed = [
      '',
      'v1',
      'v1..',
      `v2.${ivText}.${dataText}`,
      `V1.${ivText}.${dataText}`,
      `v1.${dataText}.${ivText}`,
      `v1.${ivText}.${dataText}.`,
      `v1.${ivText}`,
      sealed.slice(0, -1),
      `${sealed}A`,
      `${sealed}AA`,
      ` ${sealed}`,
      `v1.${ivText}AA.${dataText}`,
      `v1.${ivText}.${shortData}`,
      `v1.${ivText}.${dataText}==`,
    ];
    for (const text of malformed) {
      await expectOTPError(() => openSecret({ sealed: text, key }), 'ERR_SEAL_INVALID', text);
    }
  });

  it('does not open a sealed secret copied to another row (context bound as additional data)', async () => {
    const key = await aesKey();
    const alice = await sealSecret({ secret: generateSecret(), key, context: 'user:alice' });
    await expectOTPError(
      () => openSecret({ sealed: alice, key, context: 'user:mallory' }),
      'ERR_SEAL_INVALID',
    );
  });

  it('checks the key: 32 bytes, or an AES-GCM 256-bit CryptoKey with the needed usage', async () => {
    const secret = generateSecret();
    const good = await sealSecret({ secret, key: new Uint8Array(32) });
    const badKeys: unknown[] = [
      new Uint8Array(16),
      new Uint8Array(31),
      new Uint8Array(33),
      new Uint8Array(0),
      'k'.repeat(32),
      null,
      undefined,
      {},
      new Uint16Array(16),
      await aesKey(['encrypt', 'decrypt'], 128),
      await crypto.subtle.generateKey({ name: 'AES-CBC', length: 256 }, false, [
        'encrypt',
        'decrypt',
      ]),
      await crypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, ['sign']),
    ];
    for (const key of badKeys) {
      await expectOTPError(
        () => sealSecret({ secret, key: key as Uint8Array }),
        'ERR_INVALID_OPTION',
        String(key),
      );
      await expectOTPError(
        () => openSecret({ sealed: good, key: key as Uint8Array }),
        'ERR_INVALID_OPTION',
        String(key),
      );
    }
    const decryptOnly = await aesKey(['decrypt']);
    const encryptOnly = await aesKey(['encrypt']);
    await expectOTPError(() => sealSecret({ secret, key: decryptOnly }), 'ERR_INVALID_OPTION');
    await expectOTPError(
      () => openSecret({ sealed: good, key: encryptOnly }),
      'ERR_INVALID_OPTION',
    );
  });

  it('accepts the same key as bytes and as an imported CryptoKey', async () => {
    const rng = seededRandom();
    const bytes = rng.bytes(32);
    const imported = await crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    const secret = generateSecret();
    expect(
      await openSecret({ sealed: await sealSecret({ secret, key: bytes }), key: imported }),
      rng.tag,
    ).toBe(secret);
    expect(
      await openSecret({ sealed: await sealSecret({ secret, key: imported }), key: bytes }),
      rng.tag,
    ).toBe(secret);
  });

  it('checks the other inputs: secret, context, sealed, options', async () => {
    const key = new Uint8Array(32);
    await expectOTPError(() => sealSecret({ secret: '', key }), 'ERR_INVALID_SECRET');
    await expectOTPError(
      () => sealSecret({ secret: new Uint8Array(0), key }),
      'ERR_INVALID_SECRET',
    );
    await expectOTPError(
      () => sealSecret({ secret: 'not base32!', key }),
      'ERR_BASE32_INVALID_CHARACTER',
    );
    await expectOTPError(
      () => sealSecret({ secret: generateSecret(), key, context: 42 as never }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(
      () => sealSecret({ secret: generateSecret(), key, context: 'a\ud800b' }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(() => sealSecret(null as never), 'ERR_INVALID_OPTION');
    await expectOTPError(() => openSecret({ sealed: 42 as never, key }), 'ERR_INVALID_OPTION');
    await expectOTPError(() => openSecret({ sealed: null as never, key }), 'ERR_INVALID_OPTION');
    await expectOTPError(() => openSecret('v1.x.y' as never), 'ERR_INVALID_OPTION');
    // A well-formed astral character is fine in a context.
    const sealed = await sealSecret({ secret: 'JBSWY3DPEHPK3PXP', key, context: 'user:😀' });
    expect(await openSecret({ sealed, key, context: 'user:😀' })).toBe('JBSWY3DPEHPK3PXP');
  });

  it('keeps the raw secret bytes it was given intact (it seals a copy)', async () => {
    const secret = decodeBase32(generateSecret());
    const before = secret.slice();
    await sealSecret({ secret, key: new Uint8Array(32) });
    expect(secret).toEqual(before);
  });
});
