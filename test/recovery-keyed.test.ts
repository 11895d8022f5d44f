// Recovery-code hashes bound to a server key (HMAC-SHA-256) and to the user, cross-checked against an
// independent node:crypto HMAC; the legacy plain sha256: form still matches without a key.
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findRecoveryCode, generateRecoveryCodes, hashRecoveryCode } from '../src/index.js';
import { expectOTPError } from './helpers/errors.js';
import { seededRandom } from './helpers/random.js';

const PEPPER = Uint8Array.from({ length: 32 }, (_, i) => (i * 13 + 5) & 0xff);
const importPepper = (
  bytes: Uint8Array<ArrayBuffer>,
  hash = 'SHA-256',
  usages: KeyUsage[] = ['sign'],
): Promise<CryptoKey> =>
  crypto.subtle.importKey('raw', bytes, { name: 'HMAC', hash }, false, usages);

/** The documented keyed form, computed with node:crypto: HMAC-SHA-256(key, <UTF-8 bytes of context>:<context><code>). */
function referenceKeyed(key: Uint8Array, context: string, canonical: string): string {
  const message = `${Buffer.byteLength(context, 'utf8')}:${context}${canonical}`;
  return `hmac-sha256:${createHmac('sha256', key).update(message).digest('hex')}`;
}
declare const Buffer: { byteLength(text: string, encoding: 'utf8'): number };

const canonicalOf = (code: string): string => code.replace(/-/g, '');

describe('keyed recovery-code hashes', () => {
  it('are hmac-sha256:<hex> of the context and the canonical code, equal to a node:crypto HMAC on 300 seeded codes and contexts', async () => {
    const rng = seededRandom();
    const key = await importPepper(PEPPER);
    const contexts = ['', 'user:42', '42', 'ü 😀', ':', '12:user', 'a'.repeat(200)];
    for (
      const code of generateRecoveryCodes({ count: 100 }).concat(
        generateRecoveryCodes({ count: 100 }),
        generateRecoveryCodes({ count: 100 }),
      )
    ) {
      const context = rng.int(0, 1) === 0 ? rng.pick(contexts) : String(rng.uint32());
      const hash = await hashRecoveryCode(code, { key, context });
      expect(hash, rng.tag).toBe(referenceKeyed(PEPPER, context, canonicalOf(code)));
      expect(hash, rng.tag).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    }
  });

  it('bind the user: a hash copied to another account (another context) never matches', async () => {
    const key = await importPepper(PEPPER);
    const [code] = generateRecoveryCodes({ count: 1 }) as [string];
    const alice = await hashRecoveryCode(code, { key, context: 'alice' });
    expect(await findRecoveryCode({ code, hashes: [alice], key, context: 'alice' })).toBe(0);
    expect(await findRecoveryCode({ code, hashes: [alice], key, context: 'mallory' })).toBe(-1);
    // The length prefix keeps "1" + "2..." apart from "12" + "...": no two (context, code) pairs collide.
    expect(await hashRecoveryCode(code, { key, context: '1' })).not.toBe(
      await hashRecoveryCode(code, { key, context: '' }),
    );
  });

  it('need the server key: a dump of the hashes alone cannot test a guess (the plain SHA-256 of the code is not it)', async () => {
    const key = await importPepper(PEPPER);
    const other = await importPepper(PEPPER.map((b) => b ^ 1));
    const [code] = generateRecoveryCodes({ count: 1 }) as [string];
    const hash = await hashRecoveryCode(code, { key, context: 'u' });
    expect(hash).not.toContain(createHash('sha256').update(canonicalOf(code)).digest('hex'));
    expect(await findRecoveryCode({ code, hashes: [hash], key: other, context: 'u' })).toBe(-1);
    expect(await findRecoveryCode({ code, hashes: [hash] })).toBe(-1);
  });

  it('match in any spelling of the code, in constant time over every entry', async () => {
    const key = await importPepper(PEPPER);
    const codes = generateRecoveryCodes({ count: 5 });
    const hashes = await Promise.all(
      codes.map((code) => hashRecoveryCode(code, { key, context: 'u' })),
    );
    const typed = (codes[3] as string).toUpperCase().replace(/-/g, ' ').replace(/0/g, 'O').replace(
      /1/g,
      'I',
    );
    expect(await findRecoveryCode({ code: typed, hashes, key, context: 'u' })).toBe(3);
  });

  it('leave the legacy sha256: form working without a key, and never mix the two forms', async () => {
    const key = await importPepper(PEPPER);
    const [code] = generateRecoveryCodes({ count: 1 }) as [string];
    const legacy = await hashRecoveryCode(code);
    expect(legacy).toBe(`sha256:${createHash('sha256').update(canonicalOf(code)).digest('hex')}`);
    const keyed = await hashRecoveryCode(code, { key });
    expect(await findRecoveryCode({ code, hashes: [keyed, legacy] })).toBe(1);
    expect(await findRecoveryCode({ code, hashes: [legacy, keyed], key })).toBe(1);
    expect(await findRecoveryCode({ code, hashes: [legacy], key })).toBe(-1);
  });

  it('refuse a context without a key, and a key that is not a real HMAC-SHA-256 signing CryptoKey', async () => {
    const [code] = generateRecoveryCodes({ count: 1 }) as [string];
    await expectOTPError(() => hashRecoveryCode(code, { context: 'user:1' }), 'ERR_INVALID_OPTION');
    await expectOTPError(
      () => findRecoveryCode({ code, hashes: [], context: 'user:1' }),
      'ERR_INVALID_OPTION',
    );
    const bad: [string, unknown][] = [
      ['HMAC-SHA-1', await importPepper(PEPPER, 'SHA-1')],
      ['verify only', await importPepper(PEPPER, 'SHA-256', ['verify'])],
      ['AES-GCM', await crypto.subtle.importKey('raw', PEPPER, 'AES-GCM', false, ['encrypt'])],
      ['raw bytes', PEPPER],
      ['a plain object', {
        type: 'secret',
        algorithm: { name: 'HMAC', hash: { name: 'SHA-256' } },
        usages: ['sign'],
        [Symbol.toStringTag]: 'CryptoKey',
      }],
      ['an object made from CryptoKey.prototype', Object.create(CryptoKey.prototype)],
      ['null', null],
    ];
    for (const [what, key] of bad) {
      await expectOTPError(
        () => hashRecoveryCode(code, { key: key as CryptoKey }),
        'ERR_INVALID_OPTION',
        what,
      );
      await expectOTPError(
        () => findRecoveryCode({ code, hashes: [], key: key as CryptoKey }),
        'ERR_INVALID_OPTION',
        what,
      );
    }
    const pepper = await importPepper(PEPPER);
    await expectOTPError(
      () => hashRecoveryCode(code, { key: pepper, context: 'a\ud800' }),
      'ERR_INVALID_OPTION',
    );
    await expectOTPError(() => hashRecoveryCode(code, 3 as never), 'ERR_INVALID_OPTION');
  });

  it('throw nothing for what a user types: a wrong or malformed code with a key gives -1', async () => {
    const key = await importPepper(PEPPER);
    const hashes = [
      await hashRecoveryCode(generateRecoveryCodes({ count: 1 })[0] as string, {
        key,
        context: 'u',
      }),
    ];
    for (const code of ['', 'x', null, 42, '0000-0000-0000-000u', 'zzzz-zzzz-zzzz-zzzz']) {
      expect(await findRecoveryCode({ code: code as string, hashes, key, context: 'u' })).toBe(-1);
    }
  });
});
