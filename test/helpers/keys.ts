// Random key URIs for property tests.
import type { KeyURI } from '../../src/index.js';
import { referenceBase32 } from './reference.js';
import type { Random } from './random.js';

// Characters a label or issuer may hold: ASCII that URIs treat specially, Latin-1, RTL (Hebrew, Arabic),
// CJK, emoji (astral, surrogate pairs) and combining marks. Never ':' nor a control character.
const SPECIAL = [...' &?#%+/=@.,;!$\'()*[]~_-"<>\\^`{|}'];
const RANGES: readonly [number, number][] = [
  [0x41, 0x5a],
  [0x61, 0x7a],
  [0x30, 0x39],
  [0xa0, 0xff],
  [0x5d0, 0x5ea],
  [0x627, 0x64a],
  [0x4e00, 0x4fff],
  [0x1f300, 0x1f64f],
  [0x300, 0x36f],
];

// Invisible formatting characters a label may not hold (U+00AD soft hyphen, U+034F combining grapheme
// joiner fall in the ranges above): drawn again when met.
const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/u;

/** A random string of 0..max characters that can round-trip through a key URI label (no ':', controls or invisible characters). */
export function randomLabelText(rng: Random, max: number): string {
  let out = '';
  for (let i = rng.int(0, max); i > 0; i--) {
    if (rng.int(0, 2) === 0) out += rng.pick(SPECIAL);
    else {
      let c = '';
      do {
        const [lo, hi] = rng.pick(RANGES);
        c = String.fromCodePoint(rng.int(lo, hi));
      } while (INVISIBLE.test(c));
      out += c;
    }
  }
  return out;
}

/** A random KeyURI as parseKeyURI would return it (labelIssuer present exactly when issuer is, possibly different). */
export function randomKey(rng: Random, o: { migration?: boolean } = {}): KeyURI {
  const hotp = rng.int(0, 2) === 0;
  const key = {
    type: hotp ? 'hotp' : 'totp',
    secret: referenceBase32(rng.bytes(rng.int(1, 64))),
  } as KeyURI;
  key.account = randomLabelText(rng, 20).replace(/^ +/, '');
  if (rng.int(0, 3) > 0) {
    key.issuer = randomLabelText(rng, 16) || 'x';
    key.labelIssuer = rng.int(0, 3) === 0 ? randomLabelText(rng, 10) : key.issuer;
    // After a label prefix the account may hold ':' (written %3A), as pyotp's and otpauth's builders write it.
    if (rng.int(0, 2) === 0) {
      key.account = `${key.account}:${randomLabelText(rng, 6)}`.replace(/^ +/, '');
    }
  }
  key.algorithm = rng.pick(['SHA1', 'SHA256', 'SHA512'] as const);
  key.digits = o.migration ? rng.pick([6, 8]) : rng.int(6, 10);
  if (hotp) {
    const c = rng.counter64();
    key.counter = c <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(c) : c;
  } else key.period = o.migration ? 30 : rng.pick([30, 30, 60, 1, 86_400, rng.int(1, 86_400)]);
  // Sometimes a Steam Guard key (totp, SHA1, 5 characters); never in a migration, which cannot hold one.
  if (!o.migration && !hotp && rng.int(0, 9) === 0) {
    key.algorithm = 'SHA1';
    key.digits = 5;
    key.encoder = 'steam';
  }
  key.params = {};
  if (!o.migration) {
    for (let i = rng.int(0, 2); i > 0; i--) {
      key.params[rng.pick(['image', 'icon', 'x-Color', 'lock_', 'a1'])] = randomLabelText(rng, 12) +
        rng.pick(['', ':', 'https://e.com/a?b=c&d']);
    }
  }
  return key;
}
