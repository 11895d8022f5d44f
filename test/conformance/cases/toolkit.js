// @ts-check
// The 2FA toolkit: recovery codes, sealed secrets and HOTP resynchronisation. Known answers are
// computed here, independently of otpkit, with crypto.subtle directly (SHA-256 over the normalised code;
// AES-256-GCM with a fixed IV for the documented `v1.<iv>.<ciphertext+tag>` format, docs/toolkit.md),
// and resync runs on the RFC 4226 Appendix D codes (vectors/rfc4226.json).

// Crockford base32 in lower case: digits and letters without i, l, o, u.
const CROCKFORD = '0123456789abcdefghjkmnpqrstvwxyz';
const CODE_SHAPE =
  /^[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}-[0-9a-hjkmnp-tv-z]{4}$/;

/** @param {Uint8Array} bytes */
function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * 'sha256:' + hex SHA-256 of the UTF-8 text, straight from WebCrypto.
 * @param {string} canonical
 */
async function referenceHash(canonical) {
  return `sha256:${
    toHex(
      new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(canonical))),
    )
  }`;
}

/**
 * Unpadded base64url (RFC 4648 §5), written here on btoa/atob.
 * @param {Uint8Array} bytes
 */
function b64url(bytes) {
  return btoa(String.fromCharCode(...bytes)).replace(/=+$/, '').replace(/\+/g, '-').replace(
    /\//g,
    '_',
  );
}
/** @param {string} text */
function fromB64url(text) {
  return Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
}

/** @type {import('../index.js').CaseFactory} */
export default function toolkitCases({ otp, vectors, assert }) {
  /** @type {import('../index.js').ConformanceCase[]} */
  const cases = [];
  /** @type {import('../index.js').AddCase} */
  const add = (name, run) => {
    cases.push({ name, run });
  };
  const wrong = assert.wrongType; // a wrong type on purpose: hostile input

  // ─── Recovery codes ──────────────────────────────────────────────────────────────────────────────
  add(
    'generateRecoveryCodes: 10 distinct codes xxxx-xxxx-xxxx-xxxx in lower-case Crockford base32 by default',
    () => {
      const codes = otp.generateRecoveryCodes();
      assert.ok(Array.isArray(codes), 'an array');
      assert.equal(codes.length, 10, 'count');
      for (const code of codes) {
        assert.ok(CODE_SHAPE.test(code), `shape of ${JSON.stringify(code)}`);
      }
      assert.equal(new Set(codes).size, 10, 'distinct');
    },
  );
  add('generateRecoveryCodes: count 1 and 100; 0, 101, 1.5 and "3" are ERR_INVALID_OPTION', () => {
    assert.equal(otp.generateRecoveryCodes({ count: 1 }).length, 1);
    const codes = otp.generateRecoveryCodes({ count: 100 });
    assert.equal(codes.length, 100);
    assert.equal(new Set(codes).size, 100, 'distinct');
    for (const count of [0, 101, 1.5, '3', -1]) {
      assert.throwsOTPError(
        otp,
        () => otp.generateRecoveryCodes({ count: wrong(count) }),
        'ERR_INVALID_OPTION',
        `count ${JSON.stringify(count)}`,
      );
    }
  });
  add(
    'generateRecoveryCodes: 100 codes use all 32 symbols of the alphabet (80 random bits each)',
    () => {
      // 1,600 uniform symbols all miss one given symbol with probability 32 x (31/32)^1600 < 1e-20.
      const seen = new Set(otp.generateRecoveryCodes({ count: 100 }).join('').replace(/-/g, ''));
      assert.equal([...seen].sort().join(''), CROCKFORD, 'symbols seen');
    },
  );
  add(
    'hashRecoveryCode: sha256:<hex> of the 16 canonical symbols (SHA-256 computed here with crypto.subtle)',
    async () => {
      /** @type {[string, string][]} */
      const known = [
        ['abcd-efgh-jkmn-pqrs', 'abcdefghjkmnpqrs'],
        ['0000-0000-0000-0000', '0000000000000000'],
        ['tvwx-yz01-2345-6789', 'tvwxyz0123456789'],
      ];
      for (const [typed, canonical] of known) {
        const expected = await referenceHash(canonical);
        assert.equal(await otp.hashRecoveryCode(typed), expected, typed);
        assert.equal(expected.length, 7 + 64, 'reference length');
      }
    },
  );
  add(
    'hashRecoveryCode: case, spaces, hyphens and the look-alikes o -> 0, i / l -> 1 do not change the hash',
    async () => {
      const expected = await referenceHash('0011tvwxyz234567');
      for (
        const typed of [
          '0011-tvwx-yz23-4567',
          '0011tvwxyz234567',
          'OoIL-TVWX-YZ23-4567',
          ' o0li TvWx  yz23-4567 ',
          'oO1I-tvwx-yz-23-45-67',
          '0 0 1 1 t v w x y z 2 3 4 5 6 7',
        ]
      ) {
        assert.equal(await otp.hashRecoveryCode(typed), expected, JSON.stringify(typed));
      }
    },
  );
  add('hashRecoveryCode: a generated code hashes as itself without hyphens', async () => {
    for (const code of otp.generateRecoveryCodes({ count: 3 })) {
      assert.equal(
        await otp.hashRecoveryCode(code),
        await referenceHash(code.replace(/-/g, '')),
        code,
      );
    }
  });
  add(
    'hashRecoveryCode: u, 15 or 17 symbols, other characters -> ERR_RECOVERY_CODE_INVALID; a non-string -> ERR_INVALID_OPTION',
    async () => {
      for (
        const typed of [
          'abcd-efgh-jkmn-pqru',
          'abcd-efgh-jkmn-pqr',
          'abcd-efgh-jkmn-pqrst',
          'abcd_efgh_jkmn_pqrs',
          'abcd-efgh-jkmn-pqr!',
          '',
          'ａbcd-efgh-jkmn-pqrs',
        ]
      ) {
        const error = await assert.rejectsOTPError(
          otp,
          () => otp.hashRecoveryCode(typed),
          'ERR_RECOVERY_CODE_INVALID',
          JSON.stringify(typed),
        );
        if (typed.length > 4) {
          assert.ok(!error.message.includes(typed), 'the message repeats the code');
        }
      }
      for (const typed of [undefined, null, 42, ['abcd-efgh-jkmn-pqrs']]) {
        await assert.rejectsOTPError(
          otp,
          () => otp.hashRecoveryCode(wrong(typed)),
          'ERR_INVALID_OPTION',
          String(typed),
        );
      }
    },
  );
  add(
    'findRecoveryCode: the index of the matching hash in any spelling, -1 when absent, the first of equal hashes',
    async () => {
      const codes = ['abcd-efgh-jkmn-pqrs', 'tvwx-yz01-2345-6789', '0011-tvwx-yz23-4567'];
      const hashes = await Promise.all(codes.map((c) => referenceHash(c.replace(/-/g, ''))));
      assert.equal(await otp.findRecoveryCode({ code: 'abcd-efgh-jkmn-pqrs', hashes }), 0);
      assert.equal(await otp.findRecoveryCode({ code: 'TVWX YZOI 2345 6789', hashes }), 1);
      assert.equal(await otp.findRecoveryCode({ code: 'ooil-tvwx-yz23-4567', hashes }), 2);
      assert.equal(
        await otp.findRecoveryCode({ code: 'abcd-efgh-jkmn-pqrt', hashes }),
        -1,
        'absent',
      );
      assert.equal(
        await otp.findRecoveryCode({ code: 'abcd-efgh-jkmn-pqrs', hashes: [] }),
        -1,
        'no hashes',
      );
      assert.equal(
        await otp.findRecoveryCode({
          code: 'tvwx-yz01-2345-6789',
          hashes: [hashes[0], hashes[1], hashes[1]].map((h) => assert.defined(h, 'a hash')),
        }),
        1,
        'first of equal',
      );
    },
  );
  add(
    'findRecoveryCode: malformed codes and non-strings give -1, entries of another shape never match',
    async () => {
      const hash = await referenceHash('abcdefghjkmnpqrs');
      for (
        const code of [
          '',
          'abcd-efgh-jkmn-pqru',
          'abcd-efgh-jkmn-pqr',
          'x'.repeat(10_000),
          undefined,
          null,
          42,
          {},
          ['abcd-efgh-jkmn-pqrs'],
        ]
      ) {
        assert.equal(
          await otp.findRecoveryCode({ code: wrong(code), hashes: [hash] }),
          -1,
          typeof code === 'string' ? JSON.stringify(code.slice(0, 20)) : String(code),
        );
      }
      const entries = [
        null,
        42,
        '',
        hash.toUpperCase(),
        hash.slice(0, -1),
        `${hash}0`,
        hash.replace('sha256:', 'sha512:'),
        { hash },
        hash,
      ];
      assert.equal(
        await otp.findRecoveryCode({ code: 'abcd-efgh-jkmn-pqrs', hashes: wrong(entries) }),
        entries.length - 1,
        'only the real hash matches',
      );
      await assert.rejectsOTPError(
        otp,
        () => otp.findRecoveryCode({ code: 'abcd-efgh-jkmn-pqrs', hashes: wrong(hash) }),
        'ERR_INVALID_OPTION',
        'hashes not an array',
      );
    },
  );

  // ─── Sealed secrets ──────────────────────────────────────────────────────────────────────────────
  const SECRET = vectors.rfc4226.secret.base32; // the 20 bytes "12345678901234567890"
  const SECRET_BYTES = new TextEncoder().encode(vectors.rfc4226.secret.ascii);
  const KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 3) & 0xff);
  const OTHER_KEY = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + 4) & 0xff);
  const SEALED_SHAPE = /^v1\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]+)$/;
  const SEAL_INVALID = 'ERR_SEAL_INVALID';
  /**
   * @param {Uint8Array<ArrayBuffer>} bytes
   * @param {KeyUsage[]} usages
   */
  const aesKey = (bytes, usages) => crypto.subtle.importKey('raw', bytes, 'AES-GCM', false, usages);
  /**
   * The sealed string with byte `index` of part `part` (1 = IV, 2 = ciphertext + tag) XOR `bit`.
   * @param {string} sealed
   * @param {1 | 2} part
   * @param {number} index
   */
  const tamper = (sealed, part, index, bit = 1) => {
    const parts = sealed.split('.');
    const bytes = fromB64url(assert.defined(parts[part], `part ${part}`));
    bytes[index] = assert.defined(bytes[index], `byte ${index}`) ^ bit;
    parts[part] = b64url(bytes);
    return parts.join('.');
  };
  /**
   * The base64url IV and ciphertext + tag of a sealed string.
   * @param {string} sealed
   */
  const partsOf = (sealed) => {
    const [, iv, data] = sealed.split('.');
    return { iv: assert.defined(iv, 'the IV part'), data: assert.defined(data, 'the data part') };
  };
  /**
   * @param {string} sealed
   * @param {Uint8Array | CryptoKey} key
   * @param {string | undefined} context
   * @param {string} message
   */
  const rejectsSeal = async (sealed, key, context, message) => {
    const error = await assert.rejectsOTPError(
      otp,
      () => otp.openSecret({ sealed, key, context }),
      SEAL_INVALID,
      message,
    );
    assert.ok(
      !error.message.includes(SECRET) && (sealed.length < 8 || !error.message.includes(sealed)),
      `${message}: the message repeats the secret or the sealed text`,
    );
  };

  add(
    "sealSecret: 'v1.<base64url 12-byte IV>.<base64url ciphertext + 16-byte tag>', 68 characters for 20 bytes, a fresh IV each time",
    async () => {
      const a = await otp.sealSecret({ secret: SECRET, key: KEY, context: 'user:42' });
      const b = await otp.sealSecret({ secret: SECRET, key: KEY, context: 'user:42' });
      for (const sealed of [a, b]) {
        const [, iv, data] = assert.defined(SEALED_SHAPE.exec(sealed), `shape of ${sealed}`);
        assert.equal(fromB64url(assert.defined(iv, 'IV')).length, 12, 'IV bytes');
        assert.equal(
          fromB64url(assert.defined(data, 'data')).length,
          20 + 16,
          'ciphertext + tag bytes',
        );
        assert.equal(sealed.length, 68, 'length');
      }
      assert.ok(a !== b, 'two seals of one secret differ');
      assert.ok(a.split('.')[1] !== b.split('.')[1], 'two seals use two IVs');
    },
  );
  add(
    'sealSecret / openSecret round trip with 32 raw key bytes: base32 out, in canonical form',
    async () => {
      /** @type {[string | Uint8Array, string | undefined][]} */
      const secrets = [
        [SECRET, 'user:42'],
        [SECRET.toLowerCase(), undefined],
        [SECRET_BYTES, ''],
        [new Uint8Array(64).fill(255), 'ü 😀'],
      ];
      for (const [secret, context] of secrets) {
        const sealed = await otp.sealSecret({ secret, key: KEY, context });
        const expected = typeof secret === 'string' ? SECRET : otp.encodeBase32(secret);
        assert.equal(
          await otp.openSecret({ sealed, key: KEY, context }),
          expected,
          `context ${JSON.stringify(context)}`,
        );
      }
    },
  );
  add(
    'sealSecret / openSecret round trip with CryptoKeys, and across raw bytes and a CryptoKey of them',
    async () => {
      const both = await aesKey(KEY, ['encrypt', 'decrypt']);
      const sealed = await otp.sealSecret({ secret: SECRET, key: both, context: 'user:7' });
      assert.equal(
        await otp.openSecret({ sealed, key: both, context: 'user:7' }),
        SECRET,
        'one CryptoKey',
      );
      assert.equal(
        await otp.openSecret({ sealed, key: KEY, context: 'user:7' }),
        SECRET,
        'sealed with a CryptoKey, opened with its bytes',
      );
      const fromBytes = await otp.sealSecret({ secret: SECRET, key: KEY, context: 'user:7' });
      assert.equal(
        await otp.openSecret({
          sealed: fromBytes,
          key: await aesKey(KEY, ['decrypt']),
          context: 'user:7',
        }),
        SECRET,
        'sealed with bytes, opened with a decrypt-only CryptoKey',
      );
      const generated = await crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, [
        'encrypt',
        'decrypt',
      ]);
      assert.equal(
        await otp.openSecret({
          sealed: await otp.sealSecret({ secret: SECRET, key: generated }),
          key: generated,
        }),
        SECRET,
        'a generated key',
      );
    },
  );
  add(
    'openSecret opens a value sealed here with crypto.subtle AES-256-GCM (fixed IV, context as additional data)',
    async () => {
      const iv = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
      for (const context of ['user:42', '']) {
        const aad = new TextEncoder().encode(context);
        const data = new Uint8Array(
          await crypto.subtle.encrypt(
            { name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 },
            await aesKey(KEY, ['encrypt']),
            SECRET_BYTES,
          ),
        );
        const sealed = `v1.${b64url(iv)}.${b64url(data)}`;
        assert.equal(sealed.split('.')[1], 'oKGio6Slpqeoqaqr', 'the IV a0..ab as base64url');
        assert.equal(
          await otp.openSecret({ sealed, key: KEY, context }),
          SECRET,
          `context ${JSON.stringify(context)}`,
        );
        if (context === '') {
          assert.equal(
            await otp.openSecret({ sealed, key: KEY }),
            SECRET,
            'no context is the empty context',
          );
        }
      }
    },
  );
  add(
    "sealSecret's output decrypts with crypto.subtle AES-256-GCM, the context as additional data",
    async () => {
      const sealed = await otp.sealSecret({ secret: SECRET, key: KEY, context: 'row 9' });
      const { iv: ivText, data: dataText } = partsOf(sealed);
      const plain = await crypto.subtle.decrypt(
        {
          name: 'AES-GCM',
          iv: fromB64url(ivText),
          additionalData: new TextEncoder().encode('row 9'),
          tagLength: 128,
        },
        await aesKey(KEY, ['decrypt']),
        fromB64url(dataText),
      );
      assert.deepEqual(new Uint8Array(plain), SECRET_BYTES);
    },
  );
  add(
    'openSecret: a changed IV, ciphertext or tag byte -> ERR_SEAL_INVALID, the message free of the secret',
    async () => {
      const sealed = await otp.sealSecret({ secret: SECRET, key: KEY, context: 'user:42' });
      assert.equal(
        await otp.openSecret({ sealed: tamper(sealed, 2, 0, 0), key: KEY, context: 'user:42' }),
        SECRET,
        'the tamper helper itself',
      );
      /** @type {[1 | 2, number, string][]} */
      const changes = [
        [1, 0, 'IV byte 0'],
        [1, 11, 'IV byte 11'],
        [2, 0, 'ciphertext byte 0'],
        [2, 19, 'ciphertext byte 19'],
        [2, 20, 'tag byte 0'],
        [2, 35, 'tag byte 15'],
      ];
      for (const [part, index, what] of changes) {
        await rejectsSeal(tamper(sealed, part, index, 0x80), KEY, 'user:42', what);
      }
    },
  );
  add('openSecret: a wrong key or a wrong context -> ERR_SEAL_INVALID', async () => {
    const sealed = await otp.sealSecret({ secret: SECRET, key: KEY, context: 'user:42' });
    await rejectsSeal(sealed, OTHER_KEY, 'user:42', 'other raw key');
    await rejectsSeal(sealed, await aesKey(OTHER_KEY, ['decrypt']), 'user:42', 'other CryptoKey');
    for (const context of ['user:43', 'user:42 ', 'User:42', '', undefined]) {
      await rejectsSeal(sealed, KEY, context, `context ${JSON.stringify(context)}`);
    }
    const bare = await otp.sealSecret({ secret: SECRET, key: KEY });
    await rejectsSeal(bare, KEY, 'user:42', 'sealed without a context, opened with one');
  });
  add(
    'openSecret: malformed sealed text -> ERR_SEAL_INVALID; a 31-byte key or a non-string -> ERR_INVALID_OPTION',
    async () => {
      const sealed = await otp.sealSecret({ secret: SECRET, key: KEY });
      const { iv, data } = partsOf(sealed);
      for (
        const bad of [
          '',
          'v1',
          `v2.${iv}.${data}`,
          `V1.${iv}.${data}`,
          `v1.${iv}`,
          `v1.${iv}.${data}.`,
          `v1.${iv}.${data}.x`,
          `v1.${iv}=.${data}`,
          `v1.${iv}.${data}=`,
          `v1.${iv.slice(0, -1)}.${data}`,
          `v1.${iv}.${data.slice(0, 21)}`,
          `v1.${iv}.${data.replace(/_/g, '/').replace(/-/g, '+')}x`,
          ` ${sealed}`,
        ]
      ) {
        await rejectsSeal(bad, KEY, undefined, JSON.stringify(bad));
      }
      await assert.rejectsOTPError(
        otp,
        () => otp.sealSecret({ secret: SECRET, key: KEY.slice(1) }),
        'ERR_INVALID_OPTION',
        'seal, 31-byte key',
      );
      await assert.rejectsOTPError(
        otp,
        () => otp.openSecret({ sealed, key: KEY.slice(1) }),
        'ERR_INVALID_OPTION',
        'open, 31-byte key',
      );
      await assert.rejectsOTPError(
        otp,
        () => otp.openSecret({ sealed: wrong(42), key: KEY }),
        'ERR_INVALID_OPTION',
        'sealed not a string',
      );
    },
  );

  // ─── HOTP resynchronisation (RFC 4226 §7.4) ────────────────────────────────────────────────────
  const RFC_CODES = vectors.rfc4226.valid.map((row) => row.codes['6']); // counters 0..9
  /** The 6-digit App. D code of counter `i`. */
  const RFC = (/** @type {number} */ i) => assert.defined(RFC_CODES[i], `App. D counter ${i}`);
  /**
   * @param {Parameters<typeof otp.resyncHOTP>[0]['tokens']} tokens
   * @param {number | bigint} counter
   * @param {Partial<Parameters<typeof otp.resyncHOTP>[0]>} extra
   */
  const resync = (tokens, counter, extra = {}) =>
    otp.resyncHOTP({ secret: SECRET, tokens, counter, ...extra });
  add(
    'resyncHOTP: two or three consecutive RFC 4226 App. D codes are accepted, returning the LAST one',
    async () => {
      assert.equal(
        RFC_CODES.join(' '),
        '755224 287082 359152 969429 338314 254676 287922 162583 399871 520489',
        'App. D codes',
      );
      assert.deepEqual(await resync([RFC(0), RFC(1)], 0), { counter: 1, nextCounter: 2, delta: 1 });
      assert.deepEqual(await resync([RFC(3), RFC(4)], 0), { counter: 4, nextCounter: 5, delta: 4 });
      assert.deepEqual(await resync([RFC(5), RFC(6), RFC(7)], 2), {
        counter: 7,
        nextCounter: 8,
        delta: 5,
      });
      assert.deepEqual(await resync([RFC(8), RFC(9)], 8), {
        counter: 9,
        nextCounter: 10,
        delta: 1,
      });
      assert.deepEqual(await resync([RFC(5), RFC(6), RFC(7)], 2n), {
        counter: 7n,
        nextCounter: 8n,
        delta: 5n,
      }, 'bigint counter');
      const eight = (/** @type {number} */ i) =>
        assert.defined(vectors.rfc4226.valid[i], `App. D counter ${i}`).codes['8'];
      assert.deepEqual(await resync([eight(2), eight(3)], 0, { digits: 8 }), {
        counter: 3,
        nextCounter: 4,
        delta: 3,
      }, '8 digits');
    },
  );
  add(
    'resyncHOTP: non-consecutive, reversed, repeated or out-of-window codes give null',
    async () => {
      assert.equal(await resync([RFC(0), RFC(2)], 0), null, 'a gap');
      assert.equal(await resync([RFC(1), RFC(0)], 0), null, 'reversed');
      assert.equal(await resync([RFC(4), RFC(4)], 0), null, 'repeated');
      assert.equal(await resync([RFC(5), RFC(6), RFC(8)], 0), null, 'three with a gap');
      assert.equal(await resync([RFC(4), RFC(5)], 5), null, 'starts before the stored counter');
      assert.equal(
        await resync([RFC(5), RFC(6)], 0, { lookAhead: 4 }),
        null,
        'starts after the look-ahead',
      );
      assert.deepEqual(await resync([RFC(5), RFC(6)], 0, { lookAhead: 5 }), {
        counter: 6,
        nextCounter: 7,
        delta: 6,
      }, 'starts at the look-ahead');
      assert.equal(
        await resync([RFC(0), RFC(1)], 0, { algorithm: 'SHA256' }),
        null,
        'another hash',
      );
    },
  );
  add(
    'resyncHOTP: malformed codes give null; 1 or 4 tokens and a look-ahead over 1000 are ERR_INVALID_OPTION',
    async () => {
      /** @type {[string, string][]} */
      const malformed = [
        ['75522', RFC(1)],
        [RFC(0), '2870820'],
        [RFC(0), '28708a'],
        [RFC(0), ' 287082'],
        ['', ''],
      ];
      for (const tokens of malformed) {
        assert.equal(await resync(tokens, 0), null, JSON.stringify(tokens));
      }
      /** @type {[unknown, { lookAhead?: number }, string][]} */
      const refused = [
        [[RFC(0)], {}, '1 token'],
        [[RFC(0), RFC(1), RFC(2), RFC(3)], {}, '4 tokens'],
        ['755224287082', {}, 'a string'],
        [[RFC(0), RFC(1)], { lookAhead: 1001 }, 'lookAhead 1001'],
        [[RFC(0), RFC(1)], { lookAhead: -1 }, 'lookAhead -1'],
      ];
      for (const [tokens, extra, what] of refused) {
        await assert.rejectsOTPError(
          otp,
          () => resync(wrong(tokens), 0, extra),
          'ERR_INVALID_OPTION',
          what,
        );
      }
    },
  );
  // ---- CryptoKeys as secrets, openSecretKey, keyed recovery hashes: the platform's own CryptoKey is
  // recognised through CryptoKey.prototype in every runtime, and nothing dressed as one is taken for one.
  /** @type {import('../index.js').HashAlgorithm[]} */
  const ALGORITHMS = ['SHA1', 'SHA256', 'SHA512'];
  const HASHES = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' };
  /**
   * @param {string} base32
   * @param {import('../index.js').HashAlgorithm} algorithm
   */
  const hmacKey = (base32, algorithm) =>
    crypto.subtle.importKey(
      'raw',
      new Uint8Array(otp.decodeBase32(base32)),
      { name: 'HMAC', hash: HASHES[algorithm] },
      false,
      ['sign'],
    );
  /**
   * Look-alikes of a CryptoKey, typed `unknown`: the cases pass them where otpkit wants a real key
   * (hostile input, through assert.wrongType).
   * @returns {[string, unknown][]}
   */
  const FAKES = () => [
    ['a plain object claiming the CryptoKey tag', {
      type: 'secret',
      extractable: false,
      algorithm: { name: 'HMAC', hash: { name: 'SHA-1' }, length: 160 },
      usages: ['sign'],
      [Symbol.toStringTag]: 'CryptoKey',
    }],
    ['an object made from CryptoKey.prototype', Object.create(CryptoKey.prototype)],
  ];
  add(
    'an HMAC CryptoKey as the secret gives the RFC 6238 Appendix B codes for every hash (generateTOTP and verifyTOTP)',
    async () => {
      const rfc = vectors.rfc6238;
      for (const algorithm of ALGORITHMS) {
        const secret = await hmacKey(rfc.seeds[algorithm].base32, algorithm);
        for (const row of rfc.valid.filter((r) => r.algorithm === algorithm)) {
          const time = row.time * 1000;
          assert.equal(
            await otp.generateTOTP({ secret, algorithm, digits: row.digits, time }),
            row.code,
            `${algorithm} at ${row.time}`,
          );
          assert.deepEqual(
            await otp.verifyTOTP({
              secret,
              algorithm,
              digits: row.digits,
              time,
              token: row.code,
              window: 0,
            }),
            { step: row.step, delta: 0 },
            `verify ${algorithm} at ${row.time}`,
          );
        }
      }
    },
  );
  add(
    'an HMAC CryptoKey as the secret gives the RFC 4226 Appendix D codes (generateHOTP, verifyHOTP, resyncHOTP)',
    async () => {
      const secret = await hmacKey(SECRET, 'SHA1');
      const codes = vectors.rfc4226.valid;
      for (const row of codes) {
        assert.equal(
          await otp.generateHOTP({ secret, counter: row.counter }),
          row.codes['6'],
          `counter ${row.counter}`,
        );
      }
      assert.deepEqual(
        await otp.verifyHOTP({
          secret,
          token: assert.defined(codes[3], 'row 3').codes['6'],
          counter: 1,
          lookAhead: 5,
        }),
        { counter: 3, nextCounter: 4, delta: 2 },
        'verifyHOTP',
      );
      assert.deepEqual(
        await otp.resyncHOTP({
          secret,
          tokens: [
            assert.defined(codes[4], 'row 4').codes['6'],
            assert.defined(codes[5], 'row 5').codes['6'],
          ],
          counter: 0,
        }),
        { counter: 5, nextCounter: 6, delta: 5 },
        'resyncHOTP',
      );
    },
  );
  add(
    'a CryptoKey secret of another hash or kind, or a fake one, is ERR_INVALID_SECRET; writing one out is refused too',
    async () => {
      const sha256 = await hmacKey(SECRET, 'SHA256');
      await assert.rejectsOTPError(
        otp,
        () => otp.generateTOTP({ secret: sha256 }),
        'ERR_INVALID_SECRET',
        'SHA-256 key, SHA1 algorithm',
      );
      assert.equal(
        typeof (await otp.generateTOTP({ secret: sha256, algorithm: 'SHA256' })),
        'string',
        'SHA-256 key, SHA256 algorithm',
      );
      const aes = await aesKey(KEY, ['encrypt']);
      await assert.rejectsOTPError(
        otp,
        () => otp.generateTOTP({ secret: aes }),
        'ERR_INVALID_SECRET',
        'an AES key',
      );
      const verifyOnly = await crypto.subtle.importKey(
        'raw',
        SECRET_BYTES,
        { name: 'HMAC', hash: 'SHA-1' },
        false,
        ['verify'],
      );
      await assert.rejectsOTPError(
        otp,
        () => otp.generateHOTP({ secret: verifyOnly, counter: 0 }),
        'ERR_INVALID_SECRET',
        'a key without "sign"',
      );
      for (const [what, fake] of FAKES()) {
        await assert.rejectsOTPError(
          otp,
          () => otp.generateTOTP({ secret: wrong(fake) }),
          'ERR_INVALID_SECRET',
          what,
        );
        await assert.rejectsOTPError(
          otp,
          () => otp.verifyTOTP({ secret: wrong(fake), token: '123456' }),
          'ERR_INVALID_SECRET',
          what,
        );
      }
      const real = await hmacKey(SECRET, 'SHA1');
      assert.throwsOTPError(
        otp,
        () => otp.buildKeyURI({ secret: wrong(real), account: 'a' }),
        'ERR_INVALID_SECRET',
        'buildKeyURI',
      );
      await assert.rejectsOTPError(
        otp,
        () => otp.sealSecret({ secret: wrong(real), key: KEY }),
        'ERR_INVALID_SECRET',
        'sealSecret',
      );
    },
  );
  add(
    'sealSecret / openSecret / openSecretKey refuse a fake sealing key with ERR_INVALID_OPTION, not a platform error',
    async () => {
      /** @type {[string, unknown][]} */
      const fakes = [...FAKES(), ['a plain AES-GCM look-alike', {
        type: 'secret',
        algorithm: { name: 'AES-GCM', length: 256 },
        usages: ['encrypt', 'decrypt'],
        [Symbol.toStringTag]: 'CryptoKey',
      }]];
      const sealed = await otp.sealSecret({ secret: SECRET, key: KEY });
      for (const [what, fake] of fakes) {
        await assert.rejectsOTPError(
          otp,
          () => otp.sealSecret({ secret: SECRET, key: wrong(fake) }),
          'ERR_INVALID_OPTION',
          `sealSecret: ${what}`,
        );
        await assert.rejectsOTPError(
          otp,
          () => otp.openSecret({ sealed, key: wrong(fake) }),
          'ERR_INVALID_OPTION',
          `openSecret: ${what}`,
        );
        await assert.rejectsOTPError(
          otp,
          () => otp.openSecretKey({ sealed, key: wrong(fake) }),
          'ERR_INVALID_OPTION',
          `openSecretKey: ${what}`,
        );
      }
      const hmac = await hmacKey(SECRET, 'SHA256');
      await assert.rejectsOTPError(
        otp,
        () => otp.sealSecret({ secret: SECRET, key: hmac }),
        'ERR_INVALID_OPTION',
        'an HMAC key as the sealing key',
      );
    },
  );
  add(
    'openSecretKey opens a sealed secret into a non-extractable HMAC key that gives the RFC 6238 codes, cached per sealing key',
    async () => {
      const rfc = vectors.rfc6238;
      const sealingKey = await aesKey(KEY, ['encrypt', 'decrypt']);
      for (const algorithm of ALGORITHMS) {
        const sealed = await otp.sealSecret({
          secret: rfc.seeds[algorithm].base32,
          key: sealingKey,
          context: 'user:9',
        });
        const secret = await otp.openSecretKey({
          sealed,
          key: sealingKey,
          context: 'user:9',
          algorithm,
        });
        assert.equal(secret.extractable, false, 'non-extractable');
        assert.deepEqual(
          [
            secret.type,
            secret.algorithm.name,
            // An HMAC key's algorithm is an HmacKeyAlgorithm; the platform types say KeyAlgorithm.
            /** @type {HmacKeyAlgorithm} */ (secret.algorithm).hash.name,
            [...secret.usages],
          ],
          ['secret', 'HMAC', HASHES[algorithm], ['sign']],
          'an HMAC signing key',
        );
        for (const row of rfc.valid.filter((r) => r.algorithm === algorithm)) {
          assert.equal(
            await otp.generateTOTP({
              secret,
              algorithm,
              digits: row.digits,
              time: row.time * 1000,
            }),
            row.code,
            `${algorithm} at ${row.time}`,
          );
        }
        assert.equal(
          await otp.openSecretKey({ sealed, key: sealingKey, context: 'user:9', algorithm }),
          secret,
          'a repeat is the cached key',
        );
        await assert.rejectsOTPError(
          otp,
          () => otp.openSecretKey({ sealed, key: sealingKey, context: 'user:8', algorithm }),
          'ERR_SEAL_INVALID',
          'another context, though cached',
        );
        await assert.rejectsOTPError(
          otp,
          () => otp.openSecretKey({ sealed, key: OTHER_KEY, context: 'user:9', algorithm }),
          'ERR_SEAL_INVALID',
          'another key, though cached',
        );
        const other = await aesKey(OTHER_KEY, ['decrypt']);
        await assert.rejectsOTPError(
          otp,
          () => otp.openSecretKey({ sealed, key: other, context: 'user:9', algorithm }),
          'ERR_SEAL_INVALID',
          'another CryptoKey, though cached',
        );
        const fromBytes = await otp.openSecretKey({
          sealed,
          key: KEY,
          context: 'user:9',
          algorithm,
        });
        assert.equal(
          await otp.generateTOTP({ secret: fromBytes, algorithm, time: 0 }),
          await otp.generateTOTP({ secret: rfc.seeds[algorithm].base32, algorithm, time: 0 }),
          'opened with the key bytes',
        );
      }
    },
  );
  add(
    'hashRecoveryCode with a key: hmac-sha256:<hex> of HMAC-SHA-256(key, <context bytes>:<context><code>) (computed here with crypto.subtle)',
    async () => {
      const pepper = await crypto.subtle.importKey(
        'raw',
        KEY,
        { name: 'HMAC', hash: 'SHA-256' },
        false,
        ['sign'],
      );
      /** @type {[string, string, string][]} */
      const keyed = [
        ['abcd-efgh-jkmn-pqrs', 'abcdefghjkmnpqrs', 'user:42'],
        ['0000 0000 0000 0000', '0000000000000000', ''],
        ['TVWX-YZOI-2345-6789', 'tvwxyz0123456789', 'ü 😀:1'],
      ];
      for (const [typed, canonical, context] of keyed) {
        const message = new TextEncoder().encode(
          `${new TextEncoder().encode(context).length}:${context}${canonical}`,
        );
        const expected = `hmac-sha256:${
          toHex(new Uint8Array(await crypto.subtle.sign('HMAC', pepper, message)))
        }`;
        const hash = await otp.hashRecoveryCode(typed, { key: pepper, context });
        assert.equal(hash, expected, typed);
        assert.equal(
          await otp.findRecoveryCode({
            code: typed,
            hashes: ['x', await referenceHash(canonical), hash],
            key: pepper,
            context,
          }),
          2,
          `${typed}: found with the key, the legacy entry ignored`,
        );
        assert.equal(
          await otp.findRecoveryCode({
            code: typed,
            hashes: [hash],
            key: pepper,
            context: `${context}x`,
          }),
          -1,
          `${typed}: another context`,
        );
        assert.equal(
          await otp.findRecoveryCode({ code: typed, hashes: [hash] }),
          -1,
          `${typed}: without the key`,
        );
        assert.equal(
          await otp.findRecoveryCode({
            code: typed,
            hashes: [hash, await referenceHash(canonical)],
          }),
          1,
          `${typed}: legacy sha256 still matches without a key`,
        );
      }
      await assert.rejectsOTPError(
        otp,
        () => otp.hashRecoveryCode('0000-0000-0000-0000', { context: 'user:1' }),
        'ERR_INVALID_OPTION',
        'context without key',
      );
      await assert.rejectsOTPError(
        otp,
        () =>
          otp.hashRecoveryCode('0000-0000-0000-0000', {
            key: wrong(assert.defined(FAKES()[0], 'a fake')[1]),
          }),
        'ERR_INVALID_OPTION',
        'a fake key',
      );
      const sha1 = await crypto.subtle.importKey(
        'raw',
        KEY,
        { name: 'HMAC', hash: 'SHA-1' },
        false,
        ['sign'],
      );
      await assert.rejectsOTPError(
        otp,
        () => otp.findRecoveryCode({ code: '0000-0000-0000-0000', hashes: [], key: sha1 }),
        'ERR_INVALID_OPTION',
        'an HMAC-SHA-1 key',
      );
    },
  );
  return cases;
}
