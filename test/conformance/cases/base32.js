// Base32, RFC 4648 §6 and §10: the published vectors, the decode/loose tables, and the strict decoder's
// refusals with their codes.

/** @param {import('../index.js').ConformanceContext} ctx */
export default function base32Cases({ otp, vectors, assert, ref }) {
  const v = vectors['rfc4648-base32'];
  const cases = [];
  const add = (name, run) => cases.push({ name, run });

  for (const row of v.valid) {
    add(`RFC 4648 §10: "${row.ascii}" encodes to "${row.base32}" and back`, () => {
      const bytes = ref.ascii(row.ascii);
      assert.equal(otp.encodeBase32(bytes, { padding: true }), row.base32, 'padded');
      assert.equal(
        otp.encodeBase32(bytes),
        row.base32.replace(/=+$/, ''),
        'unpadded (the default)',
      );
      assert.deepEqual(otp.decodeBase32(row.base32), bytes, 'decode padded');
      assert.deepEqual(otp.decodeBase32(row.base32.replace(/=+$/, '')), bytes, 'decode unpadded');
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
      assert.throwsOTPError(otp, () => otp.decodeBase32(row.text, row.options), row.code);
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
    assert.throwsOTPError(otp, () => otp.encodeBase32('foo'), 'ERR_INVALID_OPTION');
    assert.throwsOTPError(otp, () => otp.encodeBase32([1, 2, 3]), 'ERR_INVALID_OPTION');
    assert.throwsOTPError(
      otp,
      () => otp.encodeBase32(new Uint8Array(1), { padding: 'yes' }),
      'ERR_INVALID_OPTION',
    );
    assert.throwsOTPError(otp, () => otp.decodeBase32(new Uint8Array(1)), 'ERR_INVALID_OPTION');
    assert.throwsOTPError(otp, () => otp.decodeBase32('MY', { loose: 1 }), 'ERR_INVALID_OPTION');
  });

  return cases;
}
