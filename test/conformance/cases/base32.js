// @ts-check
// Base32, RFC 4648 §6 and §10: the published vectors, the decode/loose tables, and the strict decoder's
// refusals with their codes.

/** @type {import('../index.js').CaseFactory} */
export default function base32Cases({ otp, vectors, assert, ref }) {
  const v = vectors['rfc4648-base32'];
  /** @type {import('../index.js').ConformanceCase[]} */
  const cases = [];
  /** @type {import('../index.js').AddCase} */
  const add = (name, run) => {
    cases.push({ name, run });
  };

  for (const row of v.valid) {
    add(`RFC 4648 §10: "${row.ascii}" encodes to "${row.base32}" and back`, () => {
      const bytes = ref.ascii(row.ascii);
      const unpadded = row.base32.replace(/=+$/, '');
      assert.equal(otp.encodeBase32(bytes, { padding: true }), row.base32, 'padded');
      assert.equal(otp.encodeBase32(bytes), unpadded, 'unpadded (the default)');
      assert.deepEqual(otp.decodeBase32(row.base32), bytes, 'decode padded');
      assert.deepEqual(otp.decodeBase32(unpadded), bytes, 'decode unpadded');
      assert.deepEqual(otp.decodeBase32(row.base32.toLowerCase()), bytes, 'decode lower case');
    });
  }
  for (const row of v.decode) {
    add(`decodeBase32 reads ${row.description}`, () => {
      assert.equal(ref.hex(otp.decodeBase32(row.text)), row.hex);
    });
  }
  for (const row of v.loose) {
    add(`decodeBase32 loose reads ${JSON.stringify(row.text)}`, () => {
      assert.equal(ref.hex(otp.decodeBase32(row.text, { loose: true })), row.hex);
    });
  }
  for (const row of v.invalid) {
    add(`decodeBase32 refuses ${row.description} with ${row.code}`, () => {
      const error = assert.throwsOTPError(
        otp,
        () => otp.decodeBase32(row.text, row.options),
        row.code,
      );
      // Messages never echo the text (docs/errors.md); a text of 3 characters or fewer may occur by chance.
      if (row.text.length > 3) {
        assert.ok(
          !error.message.includes(row.text),
          `the message repeats the text: ${error.message}`,
        );
      }
    });
  }
  add('every byte value round-trips through encode and decode', () => {
    const all = new Uint8Array(256).map((_, i) => i);
    for (let length = 1; length <= 256; length++) {
      const slice = all.subarray(256 - length);
      assert.deepEqual(otp.decodeBase32(otp.encodeBase32(slice)), slice, `length ${length}`);
    }
  });
  add('encodeBase32 and decodeBase32 refuse wrong argument types with ERR_INVALID_OPTION', () => {
    const wrong = assert.wrongType; // wrong types on purpose: hostile input
    assert.throwsOTPError(otp, () => otp.encodeBase32(wrong('foo')), 'ERR_INVALID_OPTION');
    assert.throwsOTPError(otp, () => otp.encodeBase32(wrong([1, 2, 3])), 'ERR_INVALID_OPTION');
    assert.throwsOTPError(
      otp,
      () => otp.encodeBase32(new Uint8Array(1), { padding: wrong('yes') }),
      'ERR_INVALID_OPTION',
    );
    assert.throwsOTPError(
      otp,
      () => otp.decodeBase32(wrong(new Uint8Array(1))),
      'ERR_INVALID_OPTION',
    );
    assert.throwsOTPError(
      otp,
      () => otp.decodeBase32('MY', { loose: wrong(1) }),
      'ERR_INVALID_OPTION',
    );
  });

  return cases;
}
