// otpauth:// key URIs (Google's Key Uri Format, draft-andesco-otpauth-uri-00): the builder's exact
// output, every refusal with its code, a seeded round-trip property over random Unicode keys, and a
// mutation fuzz seeded with the corpus. The corpus itself (vectors/otpauth-uri.json: each URI's fields,
// codes and round trip, each refusal) is checked once, by the conformance suite in every runtime
// (test/conformance/cases/uri.js).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  buildKeyURI,
  decodeBase32,
  isOTPError,
  type KeyURI,
  type OTPErrorCode,
  parseKeyURI,
} from '../src/index.js';
import type { KeyURIVectors } from './conformance/vectors.mjs';
import { expectOTPError } from './helpers/errors.js';
import { randomKey } from './helpers/keys.js';
import { seededRandom } from './helpers/random.js';
import { URI_PIECES } from './helpers/hostile.js';

const S = 'JBSWY3DPEHPK3PXP';
// The corpus seeds the mutation fuzz. Read with JSON.parse rather than imported: Vite's JSON transform
// rejects the lone surrogate one case holds.
const corpus = JSON.parse(
  readFileSync(new URL('../vectors/otpauth-uri.json', import.meta.url), 'utf8'),
) as KeyURIVectors;

/** The OTPError `fn` throws; its message must not repeat the secret or the URI. */
async function refused(
  fn: () => unknown,
  code: OTPErrorCode,
  secret: string,
  uri = '',
): Promise<void> {
  const error = await expectOTPError(fn, code, uri.slice(0, 80));
  if (secret.length > 4) expect(error.message).not.toContain(secret);
  if (uri.length > 20) expect(error.message).not.toContain(uri);
}

describe('parseKeyURI: limits and types', () => {
  it('accepts 4,096 characters and refuses 4,097 (no QR code holds more)', async () => {
    const base = `otpauth://totp/x?secret=${S}&image=`;
    const at = (n: number): string => base + 'a'.repeat(n - base.length);
    expect(parseKeyURI(at(4096)).params.image).toHaveLength(4096 - base.length);
    await refused(() => parseKeyURI(at(4097)), 'ERR_URI_TOO_LONG', S);
  });

  it('refuses what is not a string with ERR_INVALID_OPTION', async () => {
    for (const value of [undefined, null, 42, new URL(`otpauth://totp/x?secret=${S}`), {}]) {
      await expectOTPError(() => parseKeyURI(value as never), 'ERR_INVALID_OPTION');
    }
  });

  it('names the part at fault', async () => {
    const cases: [string, RegExp][] = [
      [`otpauth://totp/x?secret=${S}&digits=7x`, /digits/],
      [`otpauth://totp/x?secret=${S}&period=0`, /period/],
      [`otpauth://totp/x?secret=${S}&issuer=%FF`, /issuer/],
      [`otpauth://totp/a%FF:b?secret=${S}`, /label issuer/],
      [`otpauth://totp/a:%FF?secret=${S}`, /label account/],
      [`otpauth://totp/x?secret=${S}&issuer=a&issuer=b`, /issuer/],
      [`otpauth://totp/x?secret=${S}1`, /secret/],
    ];
    for (const [uri, part] of cases) {
      const error = await expectOTPError(() => parseKeyURI(uri), parseCode(uri));
      expect(error.message, uri).toMatch(part);
      expect(error.message).not.toContain(S);
    }
  });
});

/** `key` as buildKeyURI writes it back: an issuer given only as a parameter also becomes the label prefix (Google's advice). */
function withPrefix(key: KeyURI): KeyURI {
  return key.issuer === undefined || key.labelIssuer !== undefined
    ? key
    : { ...key, labelIssuer: key.issuer };
}

function parseCode(uri: string): OTPErrorCode {
  try {
    parseKeyURI(uri);
  } catch (error) {
    if (isOTPError(error)) return error.code;
  }
  throw new Error(`expected ${uri} to be refused`);
}

describe('buildKeyURI (Key Uri Format: label and parameters)', () => {
  it('writes the label, the issuer parameter and only non-default parameters', () => {
    expect(buildKeyURI({ secret: S, issuer: 'ACME Co', account: 'alice@example.com' })).toBe(
      'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co',
    );
    expect(buildKeyURI({ secret: S, account: 'alice' })).toBe(
      'otpauth://totp/alice?secret=JBSWY3DPEHPK3PXP',
    );
    expect(buildKeyURI({ secret: S, account: '' })).toBe('otpauth://totp/?secret=JBSWY3DPEHPK3PXP');
    expect(buildKeyURI({ secret: S, account: 'a', algorithm: 'SHA256', digits: 8, period: 60 }))
      .toBe(
        'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP&algorithm=SHA256&digits=8&period=60',
      );
    expect(buildKeyURI({ secret: S, account: 'a', algorithm: 'SHA1', digits: 6, period: 30 })).toBe(
      'otpauth://totp/a?secret=JBSWY3DPEHPK3PXP',
    );
    expect(buildKeyURI({ type: 'hotp', secret: S, account: 'a', counter: 0 })).toBe(
      'otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=0',
    );
    expect(buildKeyURI({ type: 'hotp', secret: S, account: 'a', counter: 2n ** 64n - 1n })).toBe(
      'otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551615',
    );
  });

  it('writes spaces as %20 (never +), and encodes + & ? # % / = in the label and issuer', () => {
    const uri = buildKeyURI({ secret: S, issuer: 'R&D + Co #1', account: 'a/b?c=d%e f' });
    expect(uri).toBe(
      'otpauth://totp/R%26D%20%2B%20Co%20%231:a%2Fb%3Fc%3Dd%25e%20f?secret=JBSWY3DPEHPK3PXP&issuer=R%26D%20%2B%20Co%20%231',
    );
    expect(uri).not.toContain('+');
  });

  it('writes the secret as canonical base32 whatever form it was given in', () => {
    const bytes = decodeBase32(S);
    for (const secret of [S, S.toLowerCase(), bytes, 'MZXW6YQ=']) {
      const uri = buildKeyURI({ secret, account: 'a' });
      expect(uri).toBe(`otpauth://totp/a?secret=${secret === 'MZXW6YQ=' ? 'MZXW6YQ' : S}`);
    }
  });

  it('writes a separate label prefix (Apple, andesco-00 §4) and extra parameters', () => {
    const uri = buildKeyURI({
      secret: S,
      issuer: 'example.com',
      labelIssuer: 'Example Inc',
      account: 'a',
      params: { image: 'https://e.com/i.png?s=1&t=2' },
    });
    expect(uri).toBe(
      'otpauth://totp/Example%20Inc:a?secret=JBSWY3DPEHPK3PXP&issuer=example.com&image=https%3A%2F%2Fe.com%2Fi.png%3Fs%3D1%26t%3D2',
    );
    expect(parseKeyURI(uri)).toMatchObject({
      issuer: 'example.com',
      labelIssuer: 'Example Inc',
      params: { image: 'https://e.com/i.png?s=1&t=2' },
    });
  });

  it('writes a ":" in the account as %3A after a label prefix, so the key round-trips (the first ":" splits)', () => {
    const uri = buildKeyURI({ secret: S, issuer: 'Example', account: 'user:with:colons' });
    expect(uri).toBe(`otpauth://totp/Example:user%3Awith%3Acolons?secret=${S}&issuer=Example`);
    expect(parseKeyURI(uri)).toMatchObject({
      issuer: 'Example',
      labelIssuer: 'Example',
      account: 'user:with:colons',
    });
    expect(
      parseKeyURI(buildKeyURI({ secret: S, issuer: 'I', labelIssuer: 'Shown', account: ':a:' }))
        .account,
    ).toBe(':a:');
  });

  it('builds no URI that parseKeyURI would refuse for its length: 4,096 characters at most (ERR_URI_TOO_LONG)', async () => {
    const fits = buildKeyURI({
      secret: S,
      account: 'a'.repeat(4096 - 'otpauth://totp/?secret='.length - S.length),
    });
    expect(fits).toHaveLength(4096);
    expect(parseKeyURI(fits).account).toHaveLength(4096 - 39);
    await expectOTPError(
      () => buildKeyURI({ secret: S, account: 'a'.repeat(4096 - 38) }),
      'ERR_URI_TOO_LONG',
    );
    await expectOTPError(
      () => buildKeyURI({ secret: S, account: 'a', params: { image: 'x'.repeat(4096) } }),
      'ERR_URI_TOO_LONG',
    );
    // A bound is checked before anything is encoded: a megabyte of account is refused at once.
    const started = performance.now();
    await expectOTPError(
      () => buildKeyURI({ secret: S, account: '€'.repeat(1_000_000) }),
      'ERR_URI_TOO_LONG',
    );
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('keeps an empty issuer exactly', () => {
    const key = parseKeyURI(buildKeyURI({ secret: S, issuer: '', account: 'a' }));
    expect(key).toMatchObject({ issuer: '', labelIssuer: '', account: 'a' });
  });

  it.each(
    [
      ['a ":" in the issuer', { secret: S, account: 'a', issuer: 'A:B' }, 'ERR_INVALID_OPTION'],
      [
        'a ":" in the account with no label prefix',
        { secret: S, account: 'a:b' },
        'ERR_INVALID_OPTION',
      ],
      [
        'a C1 control (U+0085) in the account',
        { secret: S, account: 'a\u0085b', issuer: 'I' },
        'ERR_INVALID_OPTION',
      ],
      [
        'a CSI (U+009B) in the issuer',
        { secret: S, account: 'a', issuer: 'I\u009b' },
        'ERR_INVALID_OPTION',
      ],
      ['a right-to-left override (U+202E) in the account', {
        secret: S,
        account: 'alice\u202emoc.live',
        issuer: 'I',
      }, 'ERR_INVALID_OPTION'],
      ['a left-to-right embedding (U+202A) in the issuer', {
        secret: S,
        account: 'a',
        issuer: '\u202aBank',
      }, 'ERR_INVALID_OPTION'],
      ['a first-strong isolate (U+2068) in the label issuer', {
        secret: S,
        account: 'a',
        issuer: 'a',
        labelIssuer: 'Bank\u2068',
      }, 'ERR_INVALID_OPTION'],
      ['a zero-width non-joiner (U+200C) in the issuer', {
        secret: S,
        account: 'a',
        issuer: 'Pay\u200cPal',
      }, 'ERR_INVALID_OPTION'],
      [
        'a right-to-left mark (U+200F) in the account',
        { secret: S, account: 'a\u200f' },
        'ERR_INVALID_OPTION',
      ],
      [
        'a byte order mark (U+FEFF) in the account',
        { secret: S, account: '\ufeffa' },
        'ERR_INVALID_OPTION',
      ],
      [
        'a word joiner (U+2060) in the issuer',
        { secret: S, account: 'a', issuer: 'A\u2060B' },
        'ERR_INVALID_OPTION',
      ],
      ['an invisible plus (U+2064) in the issuer', {
        secret: S,
        account: 'a',
        issuer: 'Pay\u2064Pal',
      }, 'ERR_INVALID_OPTION'],
      ['a variation selector (U+FE0F) in the account', {
        secret: S,
        account: 'a\ufe0f',
        issuer: 'I',
      }, 'ERR_INVALID_OPTION'],
      ['a Hangul filler (U+3164) in the label issuer', {
        secret: S,
        account: 'a',
        issuer: 'a',
        labelIssuer: '\u3164',
      }, 'ERR_INVALID_OPTION'],
      [
        'a tag character (U+E0041) in the account',
        { secret: S, account: 'a\u{E0041}' },
        'ERR_INVALID_OPTION',
      ],
      [
        'a soft hyphen (U+00AD) in the issuer',
        { secret: S, account: 'a', issuer: 'Pay\u00adPal' },
        'ERR_INVALID_OPTION',
      ],
      [
        'a line separator (U+2028) in the account',
        { secret: S, account: 'a\u2028b' },
        'ERR_INVALID_OPTION',
      ],
      ['a paragraph separator (U+2029) in a params value', {
        secret: S,
        account: 'a',
        params: { image: 'a\u2029' },
      }, 'ERR_INVALID_OPTION'],
      [
        'a C1 control in a params value',
        { secret: S, account: 'a', params: { image: '\u0090' } },
        'ERR_INVALID_OPTION',
      ],
      [
        'a ":" in the label issuer',
        { secret: S, account: 'a', issuer: 'a', labelIssuer: 'x:' },
        'ERR_INVALID_OPTION',
      ],
      [
        'a newline in the issuer',
        { secret: S, account: 'a', issuer: 'A\nB' },
        'ERR_INVALID_OPTION',
      ],
      ['a DEL in the account', { secret: S, account: 'a\x7f' }, 'ERR_INVALID_OPTION'],
      // No URI can carry a lone surrogate: encodeURIComponent throws a URIError on one.
      ['a lone surrogate in the account', { secret: S, account: 'a\ud800' }, 'ERR_INVALID_OPTION'],
      [
        'a lone surrogate in the issuer',
        { secret: S, account: 'a', issuer: '\udc00x' },
        'ERR_INVALID_OPTION',
      ],
      ['a lone surrogate in a params value', {
        secret: S,
        account: 'a',
        params: { image: '\ud83d' },
      }, 'ERR_INVALID_OPTION'],
      [
        'a leading space in the account after an issuer',
        { secret: S, account: ' a', issuer: 'I' },
        'ERR_INVALID_OPTION',
      ],
      ['an account that is not a string', { secret: S, account: 42 }, 'ERR_INVALID_OPTION'],
      ['no account', { secret: S }, 'ERR_INVALID_OPTION'],
      ['hotp without counter', { type: 'hotp', secret: S, account: 'a' }, 'ERR_INVALID_OPTION'],
      ['totp with counter', { secret: S, account: 'a', counter: 1 }, 'ERR_INVALID_OPTION'],
      [
        'hotp with period',
        { type: 'hotp', secret: S, account: 'a', counter: 1, period: 30 },
        'ERR_INVALID_OPTION',
      ],
      ['an unknown type', { type: 'steam', secret: S, account: 'a' }, 'ERR_INVALID_OPTION'],
      ['digits 5', { secret: S, account: 'a', digits: 5 }, 'ERR_INVALID_OPTION'],
      ['period 0', { secret: S, account: 'a', period: 0 }, 'ERR_INVALID_OPTION'],
      ['algorithm MD5', { secret: S, account: 'a', algorithm: 'MD5' }, 'ERR_INVALID_OPTION'],
      ['counter -1', { type: 'hotp', secret: S, account: 'a', counter: -1 }, 'ERR_INVALID_OPTION'],
      [
        'a parameter named secret',
        { secret: S, account: 'a', params: { Secret: 'x' } },
        'ERR_INVALID_OPTION',
      ],
      [
        'a parameter named digits',
        { secret: S, account: 'a', params: { digits: '8' } },
        'ERR_INVALID_OPTION',
      ],
      [
        'a parameter name with a space',
        { secret: S, account: 'a', params: { 'a b': 'x' } },
        'ERR_INVALID_OPTION',
      ],
      [
        'a parameter value that is not a string',
        { secret: S, account: 'a', params: { image: 1 } },
        'ERR_INVALID_OPTION',
      ],
      ['a parameter value with a control character', {
        secret: S,
        account: 'a',
        params: { image: '\t' },
      }, 'ERR_INVALID_OPTION'],
      [
        'params that is not an object',
        { secret: S, account: 'a', params: 'image=x' },
        'ERR_INVALID_OPTION',
      ],
      [
        'an invalid base32 secret',
        { secret: 'JBSWY3DP1', account: 'a' },
        'ERR_BASE32_INVALID_CHARACTER',
      ],
      ['an empty secret', { secret: '', account: 'a' }, 'ERR_INVALID_SECRET'],
      ['no secret', { account: 'a' }, 'ERR_INVALID_SECRET'],
    ] as const,
  )('refuses %s', async (_, options, code) => {
    await refused(() => buildKeyURI(options as never), code, S);
  });

  it('refuses what is not an options object', async () => {
    for (const value of [undefined, null, 'otpauth://totp/x', []]) {
      await expectOTPError(() => buildKeyURI(value as never), 'ERR_INVALID_OPTION');
    }
  });
});

describe('round trip (seeded property)', () => {
  it('parseKeyURI(buildKeyURI(k)) equals k for 4,000 random keys of arbitrary Unicode', () => {
    const rng = seededRandom();
    for (let i = 0; i < 4000; i++) {
      const key: KeyURI = randomKey(rng);
      const uri = buildKeyURI(key);
      expect(uri, rng.tag).not.toMatch(/[\s+]/u);
      expect(parseKeyURI(uri), `${rng.tag} #${i}`).toStrictEqual(key);
    }
  });
});

describe('hostile input (seeded mutation fuzz)', () => {
  it('either parses or throws an OTPError, never anything else, for 5,000 mutated URIs', () => {
    const rng = seededRandom();
    const pieces = URI_PIECES;
    const seeds = corpus.valid.map((c) => c.uri);
    let parsed = 0;
    for (let i = 0; i < 5000; i++) {
      let uri = rng.pick(seeds);
      for (let m = rng.int(1, 4); m > 0; m--) {
        const at = rng.int(0, uri.length);
        const op = rng.int(0, 2);
        uri = op === 0
          ? uri.slice(0, at) + rng.pick(pieces) + uri.slice(at)
          : op === 1
          ? uri.slice(0, at) + uri.slice(at + rng.int(1, 5))
          : uri.slice(0, at) + uri.slice(at).toUpperCase();
      }
      try {
        const key = parseKeyURI(uri);
        parsed++;
        // Whatever parses must build and parse back to itself.
        expect(parseKeyURI(buildKeyURI(key)), `${rng.tag} ${JSON.stringify(uri)}`).toStrictEqual(
          withPrefix(key),
        );
      } catch (error) {
        if (!isOTPError(error)) {
          throw new Error(`${rng.tag}: ${JSON.stringify(uri)} threw ${String(error)}`);
        }
        expect(error.message).not.toContain(uri);
      }
    }
    // Both outcomes occur, so the fuzz exercises the parser rather than the first check.
    expect(parsed, rng.tag).toBeGreaterThan(500);
    expect(parsed, rng.tag).toBeLessThan(4900);
  });
});
