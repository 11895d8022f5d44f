// otpauth:// key URIs and otpauth-migration:// exports (Key Uri Format, draft-andesco-otpauth-uri-00, Google Authenticator's export): the corpora in
// vectors/otpauth-uri.json and vectors/otpauth-migration.json, round trips, and the builder's exact output.

/** A KeyURI from its JSON form, where a counter written "<digits>n" is a bigint. */
function keyFromJSON(json) {
  const key = { ...json };
  if (typeof key.counter === 'string') key.counter = BigInt(key.counter.slice(0, -1));
  return key;
}

/** @param {import('../index.js').ConformanceContext} ctx */
export default function uriCases({ otp, vectors, assert }) {
  const cases = [];
  const add = (name, run) => cases.push({ name, run });
  const uris = vectors['otpauth-uri'];
  const migrations = vectors['otpauth-migration'];

  add(`parseKeyURI reads all ${uris.valid.length} valid corpus URIs to their fields`, () => {
    for (const c of uris.valid) {
      assert.deepEqual(otp.parseKeyURI(c.uri), keyFromJSON(c.key), c.name);
    }
  });
  add(
    `parseKeyURI refuses all ${uris.invalid.length} malformed corpus URIs with their code`,
    () => {
      for (const c of uris.invalid) {
        const error = assert.throwsOTPError(otp, () => otp.parseKeyURI(c.uri), c.code, c.name);
        assert.ok(
          !error.message.includes('JBSWY3DPEHPK3PXP'),
          `${c.name}: message repeats the secret`,
        );
      }
    },
  );
  add('a parsed key URI is a valid generateTOTP / generateHOTP options object', async () => {
    const totp = otp.parseKeyURI(
      'otpauth://totp/ACME:a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&digits=8',
    );
    // RFC 6238 Appendix B, SHA1, T = 59 s.
    assert.equal(await otp.generateTOTP({ ...totp, time: 59_000 }), '94287082');
    const hotp = otp.parseKeyURI(
      'otpauth://hotp/ACME:a?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=9',
    );
    // RFC 4226 Appendix D, counter 9.
    assert.equal(await otp.generateHOTP(hotp), '520489');
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
        const key = {
          type: i % 2 ? 'hotp' : 'totp',
          secret: 'GEZDGNBVGY3TQOJQ',
          account,
          issuer: `${account}#${i}`,
          labelIssuer: `${account}#${i}`,
          algorithm: ['SHA1', 'SHA256', 'SHA512'][i % 3],
          digits: 6 + (i % 5),
        };
        if (i % 2) key.counter = i === 5 ? 2n ** 63n : i;
        else key.period = [30, 1, 86_400][i % 3];
        key.params = { image: `https://e.com/${account}` };
        if (key.account.startsWith(' ')) delete key.issuer, delete key.labelIssuer;
        assert.deepEqual(otp.parseKeyURI(otp.buildKeyURI(key)), key, JSON.stringify(account));
      });
    },
  );
  add(
    `parseMigrationURI reads the ${migrations.valid.length} public payloads and refuses ${migrations.invalid.length} malformed ones`,
    () => {
      for (const c of migrations.valid) {
        assert.deepEqual(otp.parseMigrationURI(c.uri), c.keys.map(keyFromJSON), c.name);
      }
      for (const c of migrations.invalid) {
        assert.throwsOTPError(
          otp,
          () => otp.parseMigrationURI(c.uri),
          c.code,
          c.name,
        );
      }
    },
  );
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
