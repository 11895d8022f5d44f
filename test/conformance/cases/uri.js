// @ts-check
// otpauth:// key URIs and otpauth-migration:// exports (Key Uri Format, draft-andesco-otpauth-uri-00,
// Google Authenticator's export): the corpora in vectors/otpauth-uri.json and
// vectors/otpauth-migration.json (each key's codes against the independent reference, and its round
// trip), and the builder's exact output.

/** @typedef {import('../index.js').KeyURI} KeyURI */

/**
 * A KeyURI from its JSON form, where a counter written "<digits>n" is a bigint. The JSON shape does not
 * tie `type` to `period` or `counter`: the casts are for the type checker only.
 * @param {import('../vectors.mjs').KeyURIJSON} json
 * @returns {KeyURI}
 */
function keyFromJSON(json) {
  const { counter, ...key } = json;
  if (counter === undefined) return /** @type {KeyURI} */ (key);
  return /** @type {KeyURI} */ ({
    ...key,
    counter: typeof counter === 'string' ? BigInt(counter.slice(0, -1)) : counter,
  });
}

/**
 * `key` as buildKeyURI writes it back: an issuer given only as a parameter also becomes the label
 * prefix (Google's advice).
 * @param {KeyURI} key
 * @returns {KeyURI}
 */
function withPrefix(key) {
  return key.issuer === undefined || key.labelIssuer !== undefined
    ? key
    : { ...key, labelIssuer: key.issuer };
}

/** @type {import('../index.js').CaseFactory} */
export default function uriCases({ otp, vectors, assert, ref }) {
  /** @type {import('../index.js').ConformanceCase[]} */
  const cases = [];
  /** @type {import('../index.js').AddCase} */
  const add = (name, run) => {
    cases.push({ name, run });
  };
  const uris = vectors['otpauth-uri'];
  const migrations = vectors['otpauth-migration'];
  const TIME = 1_700_000_000_123; // a fixed time in ms, for the TOTP keys' codes

  for (const c of uris.valid) {
    add(`parseKeyURI reads ${c.name}`, async () => {
      const key = otp.parseKeyURI(c.uri);
      assert.deepEqual(key, keyFromJSON(c.key), 'fields');
      // A KeyURI is a valid options object as is, and its codes are RFC 4226's (the reference).
      const bytes = ref.fromBase32(key.secret);
      if (key.type === 'totp') {
        const step = BigInt(TIME) / (BigInt(assert.defined(key.period, 'period')) * 1000n);
        assert.equal(
          await otp.generateTOTP({ ...key, time: TIME }),
          await ref.referenceHOTP(bytes, step, key.digits, key.algorithm),
          `generateTOTP({ ...key, time: ${TIME} })`,
        );
        const now = await otp.generateTOTP(key);
        assert.ok(new RegExp(`^\\d{${key.digits}}$`).test(now), `generateTOTP(key) gave ${now}`);
      } else {
        const counter = assert.defined(key.counter, 'counter');
        assert.equal(
          await otp.generateHOTP({ ...key, counter }),
          await ref.referenceHOTP(bytes, counter, key.digits, key.algorithm),
          'generateHOTP(key)',
        );
      }
      // Built again and parsed, it is the same key (the builder's shape is one of those accepted).
      assert.deepEqual(
        otp.parseKeyURI(otp.buildKeyURI(key)),
        withPrefix(key),
        'parseKeyURI(buildKeyURI(key))',
      );
    });
  }
  for (const c of uris.invalid) {
    add(`parseKeyURI refuses ${c.name} with ${c.code}`, () => {
      const error = assert.throwsOTPError(otp, () => otp.parseKeyURI(c.uri), c.code);
      assert.ok(!error.message.includes('JBSWY3DPEHPK3PXP'), 'the message repeats the secret');
      if (c.uri.length > 20) {
        assert.ok(!error.message.includes(c.uri), 'the message repeats the URI');
      }
    });
  }
  add(
    'the key URI corpus: at least 40 valid and 60 malformed URIs, with every ERR_URI_* code but ERR_URI_TOO_LONG',
    () => {
      assert.ok(uris.valid.length >= 40, `${uris.valid.length} valid URIs`);
      assert.ok(uris.invalid.length >= 60, `${uris.invalid.length} malformed URIs`);
      const codes = new Set(uris.invalid.map((c) => c.code));
      assert.equal(codes.size, 10, `the codes ${[...codes].join(', ')}`);
      for (const code of codes) {
        assert.ok(code.startsWith('ERR_URI_') && code !== 'ERR_URI_TOO_LONG', code);
      }
    },
  );
  add('a parsed key URI is a valid generateTOTP / generateHOTP options object', async () => {
    // The keys go in as parsed; the casts stand for the `type` check a caller makes (KeyURI is
    // TOTPKeyURI | HOTPKeyURI), for the type checker only.
    const totp = /** @type {import('../index.js').TOTPKeyURI} */ (otp.parseKeyURI(
      'otpauth://totp/ACME:a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8',
    ));
    // RFC 6238 Appendix B, SHA1, T = 59 s.
    assert.equal(await otp.generateTOTP({ ...totp, time: 59_000 }), '94287082');
    const hotp = otp.parseKeyURI(
      'otpauth://hotp/ACME:a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=9',
    );
    // RFC 4226 Appendix D, counter 9.
    const asOptions = /** @type {Parameters<typeof otp.generateHOTP>[0]} */ (hotp);
    assert.equal(await otp.generateHOTP(asOptions), '520489');
  });
  add('buildKeyURI writes %20, an equal issuer parameter and only non-default parameters', () => {
    assert.equal(
      otp.buildKeyURI({
        secret: 'jbswy3dpehpk3pxp',
        issuer: 'ACME Co',
        account: 'alice@example.com',
        digits: 8,
      }),
      'otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co&digits=8',
    );
    assert.equal(
      otp.buildKeyURI({
        type: 'hotp',
        secret: 'JBSWY3DPEHPK3PXP',
        account: 'a',
        counter: 2n ** 64n - 1n,
      }),
      'otpauth://hotp/a?secret=JBSWY3DPEHPK3PXP&counter=18446744073709551615',
    );
    assert.throwsOTPError(
      otp,
      () => otp.buildKeyURI({ secret: 'JBSWY3DPEHPK3PXP', account: 'a:b' }),
      'ERR_INVALID_OPTION',
    );
  });
  add(
    'parseKeyURI(buildKeyURI(k)) equals k for Unicode, reserved characters and every option',
    () => {
      const accounts = ['😀 é', 'שלום', 'a&b?c#d%e+f/g=h', ' ', '', 'Ω 𝄞 ﷺ'];
      accounts.forEach((account, i) => {
        // Built field by field, so typed as buildKeyURI's options (KeyURI ties `type` to its fields).
        /** @type {import('../index.js').BuildKeyURIOptions} */
        const key = {
          type: i % 2 ? 'hotp' : 'totp',
          secret: 'GEZDGNBVGY3TQOJQ',
          account,
          issuer: `${account}#${i}`,
          labelIssuer: `${account}#${i}`,
          algorithm: i % 3 === 0 ? 'SHA1' : i % 3 === 1 ? 'SHA256' : 'SHA512',
          digits: 6 + (i % 5),
          params: {},
        };
        if (i % 2) key.counter = i === 5 ? 2n ** 63n : i;
        else key.period = assert.defined([30, 1, 86_400][i % 3], 'a period');
        key.params = { image: `https://e.com/${account}` };
        if (key.account.startsWith(' ')) delete key.issuer, delete key.labelIssuer;
        assert.deepEqual(otp.parseKeyURI(otp.buildKeyURI(key)), key, JSON.stringify(account));
      });
    },
  );
  for (const c of migrations.valid) {
    add(`parseMigrationURI reads ${c.name}`, () => {
      assert.deepEqual(otp.parseMigrationURI(c.uri), c.keys.map(keyFromJSON));
    });
  }
  for (const c of migrations.invalid) {
    add(`parseMigrationURI refuses ${c.name} with ${c.code}`, () => {
      const error = assert.throwsOTPError(otp, () => otp.parseMigrationURI(c.uri), c.code);
      assert.ok(!error.message.includes(c.uri), 'the message repeats the URI');
    });
  }
  add('buildMigrationURIs round-trips through parseMigrationURI in batches', () => {
    const keys = uris.valid.map((c) => keyFromJSON(c.key)).filter((k) =>
      (k.digits === 6 || k.digits === 8) && (k.period === undefined || k.period === 30)
    ).map((k) => ({ ...k, params: {} }));
    assert.ok(keys.length > 20, 'enough keys');
    const out = otp.buildMigrationURIs(keys, { batchSize: 7 });
    assert.equal(out.length, Math.ceil(keys.length / 7));
    assert.deepEqual(out.flatMap((uri) => otp.parseMigrationURI(uri)), keys);
  });
  return cases;
}
