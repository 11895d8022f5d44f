// @ts-check
// generateSecret: length, alphabet, distinctness and a coarse randomness shape (RFC 4226 §4 R6, §7.5).

/** @type {import('../index.js').CaseFactory} */
export default function secretCases({ otp, assert }) {
  /** @type {import('../index.js').ConformanceCase[]} */
  const cases = [];
  /** @type {import('../index.js').AddCase} */
  const add = (name, run) => {
    cases.push({ name, run });
  };
  const BASE32 = /^[A-Z2-7]+$/;

  for (const [bytes, length] of [[undefined, 32], [16, 26], [20, 32], [32, 52], [64, 103]]) {
    add(
      `generateSecret(${
        bytes === undefined ? '' : `{ bytes: ${bytes} }`
      }) gives ${length} base32 characters of ${bytes ?? 20} bytes`,
      () => {
        const secret = otp.generateSecret(bytes === undefined ? undefined : { bytes });
        assert.equal(typeof secret, 'string');
        assert.equal(secret.length, length, 'length');
        assert.ok(BASE32.test(secret), 'canonical base32: upper case, no padding');
        assert.equal(otp.decodeBase32(secret).length, bytes ?? 20, 'decoded length');
      },
    );
  }
  add('generateSecret gives distinct secrets that are usable as TOTP keys', async () => {
    /** @type {Set<string>} */
    const seen = new Set();
    for (let i = 0; i < 64; i++) seen.add(otp.generateSecret());
    assert.equal(seen.size, 64, 'distinct');
    const secret = assert.defined([...seen][0], 'a secret');
    const token = await otp.generateTOTP({ secret, time: 1_000_000 });
    assert.deepEqual(await otp.verifyTOTP({ secret, token, time: 1_000_000 }), {
      step: 33,
      delta: 0,
    });
  });
  // 200 secrets of 20 bytes are 32,000 bits: a fair source gives 50% ones with a standard deviation of
  // 0.28%, so 48-52% is a 7-sigma band. Every byte position must also vary. A constant or mostly-zero
  // source (a stubbed or broken getRandomValues) fails.
  add(
    'generateSecret bits look uniform: 48-52% ones over 32,000 bits, every byte position varies',
    () => {
      let ones = 0;
      /** @type {Set<number>[]} */
      const positions = Array.from({ length: 20 }, () => new Set());
      for (let i = 0; i < 200; i++) {
        const bytes = otp.decodeBase32(otp.generateSecret());
        bytes.forEach((b, j) => {
          assert.defined(positions[j], `byte position ${j}`).add(b);
          for (let k = b; k; k >>= 1) ones += k & 1;
        });
      }
      const share = ones / 32_000;
      assert.ok(share > 0.48 && share < 0.52, `share of one bits ${share}`);
      assert.ok(
        positions.every((values) => values.size > 50),
        'each byte position takes many values',
      );
    },
  );
  /** @type {[string, unknown][]} */
  const refusals = [
    ['bytes 15', { bytes: 15 }],
    ['bytes 65', { bytes: 65 }],
    ['bytes "20"', { bytes: '20' }],
    ['bytes 20.5', { bytes: 20.5 }],
    ['options null', null],
  ];
  for (const [what, options] of refusals) {
    add(`generateSecret refuses ${what} with ERR_INVALID_OPTION`, () => {
      assert.throwsOTPError(
        otp,
        () => otp.generateSecret(assert.wrongType(options)),
        'ERR_INVALID_OPTION',
      );
    });
  }

  return cases;
}
