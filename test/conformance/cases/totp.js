// @ts-check
// TOTP, RFC 6238: Appendix B for SHA1, SHA256 and SHA512 at 6-10 digits, the time step, the window,
// afterStep (replay), malformed tokens and option errors; Steam Guard codes (vectors/steam.json).

/** @type {import('../index.js').CaseFactory} */
export default function totpCases({ otp, vectors, assert, ref }) {
  const v = vectors.rfc6238;
  const secretOf = (/** @type {import('../index.js').HashAlgorithm} */ algorithm) =>
    v.seeds[algorithm].base32;
  const bytesOf = (/** @type {import('../index.js').HashAlgorithm} */ algorithm) =>
    ref.fromHex(v.seeds[algorithm].hex);
  /** @type {import('../index.js').ConformanceCase[]} */
  const cases = [];
  /** @type {import('../index.js').AddCase} */
  const add = (name, run) => {
    cases.push({ name, run });
  };

  // Appendix B publishes 8-digit codes: the 6- and 7-digit codes are their last digits (Snum mod 10^d,
  // RFC 4226 §5.3). 9 and 10 digits have no published value: those come from the independent reference,
  // which is first checked against every published 8-digit code.
  add(
    'reference: the independent HOTP reproduces every RFC 6238 App. B code (all three hashes)',
    async () => {
      for (const row of v.valid) {
        assert.equal(
          await ref.referenceHOTP(
            bytesOf(row.algorithm),
            BigInt(row.step),
            row.digits,
            row.algorithm,
          ),
          row.code,
          `${row.algorithm} at ${row.time}`,
        );
      }
    },
  );
  for (const row of v.valid) {
    add(
      `RFC 6238 App. B: ${row.algorithm} at ${row.time} s (step ${row.step}) gives ${row.code}, and 6-10 digits`,
      async () => {
        const time = row.time * 1000;
        const base = { secret: secretOf(row.algorithm), algorithm: row.algorithm };
        assert.equal(await otp.generateTOTP({ ...base, time, digits: 8 }), row.code, '8 digits');
        assert.equal(
          await otp.generateTOTP({ ...base, time: new Date(time), digits: 8 }),
          row.code,
          'time as a Date',
        );
        assert.equal(
          await otp.generateTOTP({
            secret: bytesOf(row.algorithm),
            algorithm: row.algorithm,
            time,
            digits: 8,
          }),
          row.code,
          'byte secret',
        );
        assert.equal(
          await otp.generateTOTP({
            secret: bytesOf(row.algorithm),
            algorithm: row.algorithm,
            time: new Date(time),
            digits: 8,
          }),
          row.code,
          'byte secret, time as a Date',
        );
        // (x mod 10^8) mod 10^6 = x mod 10^6, since 10^6 divides 10^8.
        assert.equal(
          await otp.generateTOTP({ ...base, time }),
          row.code.slice(2),
          'default 6 digits',
        );
        assert.equal(
          await otp.generateTOTP({ ...base, time: time + 999 }),
          row.code.slice(2),
          'default 6 digits, the last millisecond of the second',
        );
        assert.equal(
          await otp.generateTOTP({ ...base, time, digits: 7 }),
          row.code.slice(1),
          '7 digits',
        );
        for (const digits of [9, 10]) {
          const expected = await ref.referenceHOTP(
            bytesOf(row.algorithm),
            BigInt(row.step),
            digits,
            row.algorithm,
          );
          assert.equal(
            await otp.generateTOTP({ ...base, time, digits }),
            expected,
            `${digits} digits`,
          );
        }
        assert.equal(otp.totpStep({ time }).step, row.step, 'totpStep');
        assert.equal(row.step.toString(16).padStart(16, '0'), row.stepHex.toLowerCase(), 'stepHex');
      },
    );
  }
  add('the SHA1 default: no algorithm option gives the SHA1 vector', async () => {
    const row = assert.defined(v.valid.find((r) => r.algorithm === 'SHA1'), 'a SHA1 row');
    assert.equal(
      await otp.generateTOTP({ secret: secretOf('SHA1'), time: row.time * 1000, digits: 8 }),
      row.code,
    );
  });

  for (const row of v.extra) {
    add(
      `key "${row.secretLoose}" at ${row.time} s, period ${row.period} gives ${row.code}`,
      async () => {
        const secret = otp.decodeBase32(row.secretLoose, { loose: true });
        assert.equal(
          await otp.generateTOTP({
            secret,
            time: row.time * 1000,
            period: row.period,
            digits: row.digits,
          }),
          row.code,
        );
        if (row.period === 30 && row.digits === 6) {
          assert.equal(
            await otp.generateTOTP({ secret, time: row.time * 1000 }),
            row.code,
            'the defaults: period 30, 6 digits',
          );
        }
      },
    );
  }

  // RFC 6238 §4.2: T = floor((time - T0) / X).
  add('totpStep reports the step, its bounds and the time left', () => {
    assert.deepEqual(otp.totpStep({ time: 59_000 }), {
      step: 1,
      startsAt: 30_000,
      expiresAt: 60_000,
      remainingMs: 1_000,
    });
    assert.deepEqual(otp.totpStep({ time: 60_000 }), {
      step: 2,
      startsAt: 60_000,
      expiresAt: 90_000,
      remainingMs: 30_000,
    });
    assert.deepEqual(otp.totpStep({ time: 100_000, period: 60, epoch: 10_000 }), {
      step: 1,
      startsAt: 70_000,
      expiresAt: 130_000,
      remainingMs: 30_000,
    });
  });
  add('a time step past 2^32 matches the reference (64-bit T)', async () => {
    const key = bytesOf('SHA512');
    const step = 2n ** 32n + 5n;
    const time = Number(step) * 30_000 + 29_999;
    assert.equal(otp.totpStep({ time }).step, Number(step), 'step');
    assert.equal(
      await otp.generateTOTP({ secret: key, time, algorithm: 'SHA512', digits: 8 }),
      await ref.referenceHOTP(key, step, 8, 'SHA512'),
    );
  });

  // RFC 6238 §5.2 / §6: the window, and afterStep so that a code is accepted once.
  const sha1 = v.valid.filter((r) => r.algorithm === 'SHA1');
  const at = assert.defined(sha1.find((r) => r.time === 1111111109), 'step 37037036');
  const next = assert.defined(sha1.find((r) => r.time === 1111111111), 'step 37037037');
  const S = secretOf('SHA1');
  /** @param {Omit<Parameters<typeof otp.verifyTOTP>[0], 'secret'>} options */
  const verify = (options) => otp.verifyTOTP({ secret: S, digits: 8, ...options });
  add('verifyTOTP accepts the current step and reports { step, delta: 0 }', async () => {
    assert.deepEqual(await verify({ token: at.code, time: at.time * 1000 }), {
      step: at.step,
      delta: 0,
    });
    assert.deepEqual(await verify({ token: next.code, time: next.time * 1000 }), {
      step: next.step,
      delta: 0,
    });
  });
  add(
    'verifyTOTP window 1 (the default) accepts the previous step with delta -1; window 0 does not',
    async () => {
      const time = next.time * 1000;
      assert.deepEqual(await verify({ token: at.code, time }), { step: at.step, delta: -1 });
      assert.equal(await verify({ token: at.code, time, window: 0 }), null);
    },
  );
  add(
    'verifyTOTP accepts a code from a fast clock: window 1 (the default) and { future: 1 }, not { future: 0 }',
    async () => {
      const time = at.time * 1000;
      assert.deepEqual(
        await verify({ token: next.code, time }),
        { step: next.step, delta: 1 },
        'default window',
      );
      assert.deepEqual(await verify({ token: next.code, time, window: { past: 0, future: 1 } }), {
        step: next.step,
        delta: 1,
      });
      assert.equal(await verify({ token: next.code, time, window: { past: 1, future: 0 } }), null);
    },
  );
  add('verifyTOTP window 2 reaches two steps back, window 1 does not', async () => {
    const time = (next.step + 1) * 30_000 + 5_000;
    assert.deepEqual(await verify({ token: at.code, time, window: 2 }), {
      step: at.step,
      delta: -2,
    });
    assert.equal(await verify({ token: at.code, time, window: 1 }), null);
  });
  add(
    'verifyTOTP with afterStep refuses a replay of the same step and accepts a later one',
    async () => {
      const time = next.time * 1000;
      assert.equal(
        await verify({ token: at.code, time, afterStep: at.step }),
        null,
        'replay of the matched step',
      );
      assert.equal(
        await verify({ token: at.code, time, afterStep: next.step }),
        null,
        'an older step than the last accepted',
      );
      assert.deepEqual(await verify({ token: next.code, time, afterStep: at.step }), {
        step: next.step,
        delta: 0,
      });
      assert.deepEqual(await verify({ token: at.code, time, afterStep: at.step - 1 }), {
        step: at.step,
        delta: -1,
      });
    },
  );
  add('verifyTOTP honours period and epoch', async () => {
    const row = assert.defined(sha1[0], 'the first SHA1 row'); // step 1 at 59 s with X = 30
    assert.deepEqual(await verify({ token: row.code, time: 119_000, period: 60 }), {
      step: 1,
      delta: 0,
    }, 'X = 60 at 119 s is step 1');
    assert.deepEqual(
      await verify({ token: row.code, time: 59_000 + 1_000_000, epoch: 1_000_000 }),
      { step: 1, delta: 0 },
      'T0 shifted',
    );
  });

  const good = at.code;
  const tokens = {
    'a leading space': ` ${good}`,
    'a trailing newline': `${good}\n`,
    'a space inside': `${good.slice(0, 4)} ${good.slice(4)}`,
    'a plus sign': `+${good}`,
    'fullwidth digits': Array.from(good, (d) => String.fromCharCode(0xff10 + Number(d))).join(''),
    '6 of the 8 digits': good.slice(2),
    'no digits at all': '',
  };
  for (const [what, token] of Object.entries(tokens)) {
    add(`verifyTOTP returns null for a token with ${what}`, async () => {
      assert.equal(await verify({ token, time: at.time * 1000 }), null);
    });
  }

  for (const bad of v.invalid) {
    add(`generateTOTP refuses ${bad.description} with ${bad.code}`, async () => {
      await assert.rejectsOTPError(
        otp,
        () => otp.generateTOTP(assert.wrongType({ secret: S, time: 59_000, ...bad.options })),
        bad.code,
      );
    });
  }
  /** @type {[string, Record<string, unknown>][]} */
  const verifyErrors = [
    ['a token that is a number', { token: 94287082 }],
    ['window 11', { window: 11 }],
    ['window -1', { window: -1 }],
    ['window { past } without future', { window: { past: 1 } }],
    ['window as a string', { window: '1' }],
    ['afterStep 1.5', { afterStep: 1.5 }],
    ['afterStep as a string', { afterStep: '1' }],
    ['time NaN', { time: Number.NaN }],
    ['an invalid Date', { time: new Date(Number.NaN) }],
  ];
  for (const [what, options] of verifyErrors) {
    add(`verifyTOTP refuses ${what} with ERR_INVALID_OPTION`, async () => {
      await assert.rejectsOTPError(
        otp,
        () => verify(assert.wrongType({ token: good, time: 59_000, ...options })),
        'ERR_INVALID_OPTION',
      );
    });
  }
  add('totpStep refuses a period of 0 synchronously with ERR_INVALID_OPTION', () => {
    assert.throwsOTPError(otp, () => otp.totpStep({ period: 0 }), 'ERR_INVALID_OPTION');
  });

  // Steam Guard codes: the same truncated value in Steam's alphabet (vectors/steam.json, pyotp's values).
  const steam = vectors.steam;
  for (const row of steam.valid) {
    add(
      `Steam: ${row.secret} at ${row.time} s gives ${row.code} (generateTOTP and verifyTOTP, any letter case)`,
      async () => {
        const time = row.time * 1000;
        assert.equal(
          await otp.generateTOTP({ secret: row.secret, time, encoder: 'steam' }),
          row.code,
        );
        assert.equal(
          await ref.referenceSteam(ref.fromBase32(row.secret), row.time / 30),
          row.code,
          'the independent reference (RFC 4226 §5.3 truncation, then base 26)',
        );
        assert.deepEqual(
          await otp.verifyTOTP({
            secret: row.secret,
            time,
            encoder: 'steam',
            token: row.code,
            window: 0,
          }),
          { step: row.time / 30, delta: 0 },
          'upper case',
        );
        assert.deepEqual(
          await otp.verifyTOTP({
            secret: row.secret,
            time,
            encoder: 'steam',
            token: row.code.toLowerCase(),
            window: 0,
          }),
          { step: row.time / 30, delta: 0 },
          'lower case',
        );
      },
    );
  }
  for (const row of steam.uris) {
    add(`Steam: parseKeyURI reads ${row.name}, and its key gives the published code`, async () => {
      // Every Steam key is totp (the vectors say so): the cast is for the type checker only.
      const key = /** @type {import('../index.js').TOTPKeyURI} */ (otp.parseKeyURI(row.uri));
      assert.deepEqual(key, row.key);
      const published = assert.defined(
        steam.valid.find((v) => v.secret === row.key.secret && v.time === 30),
        'the published code at 30 s',
      );
      assert.equal(
        await otp.generateTOTP({ ...key, time: 30_000 }),
        published.code,
        'generateTOTP(parseKeyURI(uri))',
      );
      assert.deepEqual(otp.parseKeyURI(otp.buildKeyURI(key)), row.key, 'round trip');
    });
  }
  add('Steam: buildKeyURI writes encoder=steam and no digits', () => {
    assert.equal(
      otp.buildKeyURI({
        secret: 'BASE32SECRET3232',
        issuer: 'Steam',
        account: 'alice',
        encoder: 'steam',
      }),
      'otpauth://totp/Steam:alice?secret=BASE32SECRET3232&issuer=Steam&encoder=steam',
    );
  });
  for (const row of steam.invalidURIs) {
    add(`Steam: parseKeyURI refuses ${row.name} with ${row.code}`, () => {
      assert.throwsOTPError(otp, () => otp.parseKeyURI(row.uri), row.code);
    });
  }
  add(
    'Steam: tokens are 5 characters of the alphabet; anything else is no match, never a throw',
    async () => {
      const row = assert.defined(steam.valid[0], 'the first Steam row');
      for (
        const token of [
          'C5V5',
          'C5V566',
          'C5V5O',
          'C5V5A',
          'C5V5 ',
          '12345',
          'ＣＣＣＣＣ',
          'C5V5\u0000',
        ]
      ) {
        assert.equal(
          await otp.verifyTOTP({ secret: row.secret, time: 0, encoder: 'steam', token }),
          null,
          JSON.stringify(token),
        );
      }
    },
  );
  add(
    'Steam: digits other than 5, an algorithm other than SHA1 or an unknown encoder is ERR_INVALID_OPTION; migration refuses Steam keys',
    async () => {
      const first = assert.defined(steam.valid[0], 'the first Steam row');
      const secret = first.secret;
      await assert.rejectsOTPError(
        otp,
        () => otp.generateTOTP({ secret, encoder: 'steam', digits: 6 }),
        'ERR_INVALID_OPTION',
        'digits 6',
      );
      await assert.rejectsOTPError(
        otp,
        () => otp.generateTOTP({ secret, encoder: 'steam', algorithm: 'SHA256' }),
        'ERR_INVALID_OPTION',
        'SHA256',
      );
      await assert.rejectsOTPError(
        otp,
        () => otp.verifyTOTP({ secret, encoder: assert.wrongType('yandex'), token: 'C5V56' }),
        'ERR_INVALID_OPTION',
        'another encoder',
      );
      assert.equal(
        await otp.generateTOTP({ secret, encoder: 'steam', digits: 5, time: 0 }),
        first.code,
        'digits 5 is allowed',
      );
      assert.throwsOTPError(
        otp,
        () => otp.buildKeyURI({ type: 'hotp', secret, account: 'a', counter: 1, encoder: 'steam' }),
        'ERR_INVALID_OPTION',
        'a Steam hotp key',
      );
      assert.throwsOTPError(
        otp,
        () =>
          otp.buildMigrationURIs([
            otp.parseKeyURI(assert.defined(steam.uris[0], 'the first Steam URI').uri),
          ]),
        'ERR_INVALID_OPTION',
        'migration',
      );
    },
  );

  return cases;
}
