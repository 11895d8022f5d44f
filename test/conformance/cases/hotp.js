// @ts-check
// HOTP, RFC 4226: Appendix D vectors at 6-10 digits (and the published HMAC, offset and truncated value
// of each row), verification and look-ahead, malformed tokens, option errors, and 64-bit (bigint)
// counters.

/** @type {import('../index.js').CaseFactory} */
export default function hotpCases({ otp, vectors, assert, ref }) {
  const v = vectors.rfc4226;
  const SECRET = v.secret.base32;
  const SECRET_BYTES = ref.fromHex(v.secret.hex);
  const MAX64 = 2n ** 64n - 1n;
  /** @type {import('../index.js').HashAlgorithm[]} */
  const HASHES = ['SHA1', 'SHA256', 'SHA512'];
  /** @type {import('../index.js').ConformanceCase[]} */
  const cases = [];
  /** @type {import('../index.js').AddCase} */
  const add = (name, run) => {
    cases.push({ name, run });
  };

  // RFC 4226 §5.3 on each published row, independently of otpkit: HMAC-SHA-1(K, C) from WebCrypto is
  // the published HMAC, its last byte gives the published offset, the 31 bits there are the published
  // Snum, and each published code is Snum mod 10^digits.
  for (const row of v.valid) {
    add(
      `RFC 4226 App. D: counter ${row.counter} has the published HMAC, offset ${row.offset} and Snum ${row.truncated}`,
      async () => {
        const mac = await ref.referenceHMAC(SECRET_BYTES, row.counter, 'SHA1');
        assert.equal(ref.hex(mac), row.hmac, 'HMAC-SHA-1(K, C) from WebCrypto');
        const published = ref.fromHex(row.hmac);
        const last = assert.defined(published[19], 'byte 19 of the published HMAC');
        assert.equal(last & 0xf, row.offset, 'the low 4 bits of byte 19');
        const { offset, value } = ref.referenceTruncate(published);
        assert.equal(offset, row.offset, 'offset');
        assert.equal(value, row.truncated, 'Snum');
        assert.equal(value.toString(16).padStart(8, '0'), row.truncatedHex, 'Snum in hex');
        assert.equal(
          (assert.defined(published[offset], 'the byte at the offset') & 0x7f)
            .toString(16).padStart(2, '0') +
            ref.hex(published.subarray(offset + 1, offset + 4)),
          row.truncatedHex,
          'the 4 bytes at the offset, top bit cleared',
        );
        for (const [digits, code] of Object.entries(row.codes)) {
          assert.equal(
            String(value % 10 ** Number(digits)).padStart(Number(digits), '0'),
            code,
            `${digits} digits: Snum mod 10^${digits}`,
          );
        }
      },
    );
  }

  // RFC 4226 Appendix D publishes the 31-bit truncated value of each row; a d-digit code is that value
  // mod 10^d (§5.3 step 3), so 9 and 10 digits come straight from the published table too.
  for (const row of v.valid) {
    /** @type {Partial<Record<string, string>>} the published 6-, 7- and 8-digit codes, by length */
    const codes = row.codes;
    for (let digits = 6; digits <= 10; digits++) {
      const expected = codes[String(digits)] ??
        String(row.truncated % 10 ** digits).padStart(digits, '0');
      add(
        `RFC 4226 App. D: counter ${row.counter}, ${digits} digits gives ${expected}`,
        async () => {
          assert.equal(
            await otp.generateHOTP({ secret: SECRET, counter: row.counter, digits }),
            expected,
            'base32 secret, number counter',
          );
          assert.equal(
            await otp.generateHOTP({ secret: SECRET_BYTES, counter: BigInt(row.counter), digits }),
            expected,
            'byte secret, bigint counter',
          );
        },
      );
    }
  }

  for (const row of v.extra) {
    add(`80-bit key "${row.secretLoose}", counter ${row.counter} gives ${row.code}`, async () => {
      const key = otp.decodeBase32(row.secretLoose, { loose: true });
      assert.equal(ref.hex(key), row.secretHex, 'decoded key');
      assert.equal(
        await otp.generateHOTP({ secret: key, counter: row.counter, digits: row.digits }),
        row.code,
      );
      if (row.digits === 6) {
        assert.equal(
          await otp.generateHOTP({ secret: key, counter: row.counter }),
          row.code,
          'the default of 6 digits',
        );
      }
    });
  }

  // RFC 4226 §7.2 / App. A.3: the match reports the counter, the next counter to store and the distance,
  // and no counter below the stored one ever matches.
  for (const row of v.valid) {
    add(
      `verifyHOTP finds counter ${row.counter} with lookAhead from 0, and exactly at ${row.counter}, never from ${
        row.counter + 1
      }`,
      async () => {
        const token = row.codes['6'];
        assert.deepEqual(await otp.verifyHOTP({ secret: SECRET, token, counter: row.counter }), {
          counter: row.counter,
          nextCounter: row.counter + 1,
          delta: 0,
        });
        const ahead = await otp.verifyHOTP({
          secret: SECRET,
          token,
          counter: 0,
          lookAhead: row.counter,
        });
        assert.deepEqual(ahead, {
          counter: row.counter,
          nextCounter: row.counter + 1,
          delta: row.counter,
        }, 'look-ahead');
        if (row.counter > 0) {
          assert.equal(
            await otp.verifyHOTP({ secret: SECRET, token, counter: 0, lookAhead: row.counter - 1 }),
            null,
            'one short of the look-ahead',
          );
        }
        assert.equal(
          await otp.verifyHOTP({ secret: SECRET, token, counter: row.counter + 1, lookAhead: 100 }),
          null,
          'from the next counter, with lookAhead 100',
        );
      },
    );
  }

  add('verifyHOTP never accepts a counter below the stored one', async () => {
    const token = assert.defined(v.valid[3], 'row 3').codes['6'];
    assert.equal(await otp.verifyHOTP({ secret: SECRET, token, counter: 4, lookAhead: 5 }), null);
    assert.deepEqual(await otp.verifyHOTP({ secret: SECRET, token, counter: 3, lookAhead: 5 }), {
      counter: 3,
      nextCounter: 4,
      delta: 0,
    });
  });

  add('verifyHOTP with 8 digits and a bigint counter returns bigint fields', async () => {
    const row = assert.defined(v.valid[7], 'row 7');
    const match = await otp.verifyHOTP({
      secret: SECRET,
      token: row.codes['8'],
      counter: 5n,
      lookAhead: 3,
      digits: 8,
    });
    assert.deepEqual(match, { counter: 7n, nextCounter: 8n, delta: 2n });
  });

  // A wrong or malformed code is an answer (null), never an exception (docs/index.md: wrong codes are not errors).
  const good = assert.defined(v.valid[1], 'row 1').codes['6'];
  // Most are the right code dressed up, which a lenient parser (trim, Number(), Unicode \d) would accept.
  const malformed = {
    empty: '',
    'one digit short': good.slice(1),
    'one digit too many': `${good}0`,
    'a leading space': ` ${good}`,
    'a trailing newline': `${good}\n`,
    'a space inside': `${good.slice(0, 3)} ${good.slice(3)}`,
    'a plus sign': `+${good}`,
    'a trailing ".0"': `${good}.0`,
    'a letter in place of a digit': `${good.slice(0, 5)}a`,
    'fullwidth digits': Array.from(good, (d) => String.fromCharCode(0xff10 + Number(d))).join(''),
    'Arabic-Indic digits': Array.from(good, (d) => String.fromCharCode(0x0660 + Number(d))).join(
      '',
    ),
  };
  add('control: the undressed code of counter 1 matches with the same options', async () => {
    assert.deepEqual(
      await otp.verifyHOTP({ secret: SECRET, token: good, counter: 0, lookAhead: 3 }),
      { counter: 1, nextCounter: 2, delta: 1 },
    );
  });
  for (const [what, token] of Object.entries(malformed)) {
    add(`verifyHOTP returns null for a token with ${what}`, async () => {
      assert.equal(await otp.verifyHOTP({ secret: SECRET, token, counter: 0, lookAhead: 3 }), null);
    });
  }
  add('verifyHOTP returns null for a well-formed wrong code', async () => {
    assert.equal(
      await otp.verifyHOTP({ secret: SECRET, token: '000000', counter: 0, lookAhead: 9 }),
      null,
    );
  });

  for (const bad of v.invalid) {
    add(`generateHOTP refuses ${bad.description} with ${bad.code}`, async () => {
      await assert.rejectsOTPError(
        otp,
        () => otp.generateHOTP(assert.wrongType({ secret: SECRET, counter: 0, ...bad.options })),
        bad.code,
      );
    });
  }
  /** @type {[string, Record<string, unknown> | null, import('../index.js').OTPErrorCode][]} */
  const verifyErrors = [
    ['a token that is a number', { token: 287082 }, 'ERR_INVALID_OPTION'],
    ['a token that is null', { token: null }, 'ERR_INVALID_OPTION'],
    ['lookAhead 101', { lookAhead: 101 }, 'ERR_INVALID_OPTION'],
    ['lookAhead -1', { lookAhead: -1 }, 'ERR_INVALID_OPTION'],
    ['counter 2^64', { counter: 2n ** 64n }, 'ERR_INVALID_OPTION'],
    ['counter -1n', { counter: -1n }, 'ERR_INVALID_OPTION'],
    ['digits 5', { digits: 5 }, 'ERR_INVALID_OPTION'],
    ['an empty secret', { secret: '' }, 'ERR_INVALID_SECRET'],
    ['options that are not an object', null, 'ERR_INVALID_OPTION'],
  ];
  for (const [what, options, code] of verifyErrors) {
    add(`verifyHOTP refuses ${what} with ${code}`, async () => {
      const input = options === null
        ? null
        : { secret: SECRET, token: good, counter: 0, ...options };
      await assert.rejectsOTPError(otp, () => otp.verifyHOTP(assert.wrongType(input)), code);
    });
  }

  // RFC 4226 §5.1: C is 8 bytes. Values past 2^53 need a bigint; the reference encodes C with BigInt.
  add(
    'reference: the independent HOTP reproduces every RFC 4226 App. D row at 6-8 digits',
    async () => {
      for (const row of v.valid) {
        for (const [digits, code] of Object.entries(row.codes)) {
          assert.equal(
            await ref.referenceHOTP(SECRET_BYTES, BigInt(row.counter), Number(digits), 'SHA1'),
            code,
            `counter ${row.counter}, ${digits} digits`,
          );
        }
      }
    },
  );
  for (
    const counter of [
      2n ** 32n - 1n,
      2n ** 32n,
      2n ** 53n - 1n,
      2n ** 53n,
      2n ** 53n + 1n,
      2n ** 63n,
      MAX64 - 1n,
      MAX64,
    ]
  ) {
    add(
      `generateHOTP with bigint counter ${counter} matches the reference (SHA1, SHA256, SHA512)`,
      async () => {
        for (const algorithm of HASHES) {
          const expected = await ref.referenceHOTP(SECRET_BYTES, counter, 8, algorithm);
          assert.equal(
            await otp.generateHOTP({ secret: SECRET_BYTES, counter, algorithm, digits: 8 }),
            expected,
            algorithm,
          );
        }
      },
    );
  }
  add('number and bigint counters agree up to Number.MAX_SAFE_INTEGER', async () => {
    for (const counter of [2 ** 32 - 1, 2 ** 32, 2 ** 32 + 1, Number.MAX_SAFE_INTEGER]) {
      const asNumber = await otp.generateHOTP({ secret: SECRET, counter });
      assert.equal(
        await otp.generateHOTP({ secret: SECRET, counter: BigInt(counter) }),
        asNumber,
        String(counter),
      );
      assert.equal(
        asNumber,
        await ref.referenceHOTP(SECRET_BYTES, BigInt(counter), 6, 'SHA1'),
        `reference at ${counter}`,
      );
    }
  });
  add('verifyHOTP look-ahead stops at 2^64-1 and matches the last counter', async () => {
    const token = await ref.referenceHOTP(SECRET_BYTES, MAX64, 6, 'SHA1');
    assert.deepEqual(
      await otp.verifyHOTP({ secret: SECRET, token, counter: MAX64 - 2n, lookAhead: 10 }),
      {
        counter: MAX64,
        nextCounter: MAX64 + 1n,
        delta: 2n,
      },
    );
  });

  return cases;
}
