// @ts-check
// OTPError and isOTPError: the one error class, its stable `code`, and recognition across copies.

/** @type {import('../index.js').CaseFactory} */
export default function errorCases({ otp, assert }) {
  /** @type {import('../index.js').ConformanceCase[]} */
  const cases = [];
  /** @type {import('../index.js').AddCase} */
  const add = (name, run) => {
    cases.push({ name, run });
  };

  add('OTPError is an Error with name "OTPError", a code, a message and a cause', () => {
    const cause = new Error('inner');
    const error = new otp.OTPError('ERR_INVALID_OPTION', 'a message', { cause });
    assert.ok(error instanceof Error, 'instanceof Error');
    assert.equal(error.name, 'OTPError');
    assert.equal(error.code, 'ERR_INVALID_OPTION');
    assert.equal(error.message, 'a message');
    assert.equal(error.cause, cause);
    assert.equal(otp.isOTPError(error), true);
  });
  add('isOTPError refuses look-alikes: plain errors, objects with a code, null, strings', () => {
    const lookAlike = Object.assign(new Error('x'), {
      name: 'OTPError',
      code: 'ERR_INVALID_OPTION',
    });
    for (
      const value of [
        new Error('x'),
        new TypeError('x'),
        lookAlike,
        { name: 'OTPError', code: 'ERR_INVALID_OPTION' },
        null,
        undefined,
        'ERR_INVALID_OPTION',
        0,
      ]
    ) {
      assert.equal(otp.isOTPError(value), false, typeof value);
    }
  });
  add('errors thrown by the library are recognised by isOTPError and carry a code', async () => {
    let caught;
    try {
      await otp.generateTOTP({ secret: 'JBSWY3DP', digits: 12 });
    } catch (error) {
      caught = error;
    }
    if (!otp.isOTPError(caught)) {
      throw new assert.AssertionError(`isOTPError refused ${assert.show(caught)}`);
    }
    assert.equal(caught.code, 'ERR_INVALID_OPTION');
  });
  // No secret or token in messages (docs/errors.md: messages never echo them).
  add('error messages name the problem without echoing the secret or the token', async () => {
    const secret = 'JBSWY3DPEHPK3PXPJBSWY3DP-HPK3PXP';
    const error = await assert.rejectsOTPError(
      otp,
      () => otp.generateTOTP({ secret }),
      'ERR_BASE32_INVALID_CHARACTER',
    );
    assert.ok(!error.message.includes('JBSWY3DP'), 'message holds part of the secret');
    const tokenError = await assert.rejectsOTPError(
      otp,
      () => otp.verifyTOTP({ secret: 'JBSWY3DPEHPK3PXP', token: assert.wrongType(123456) }),
      'ERR_INVALID_OPTION',
    );
    assert.ok(!tokenError.message.includes('123456'), 'message holds the token');
  });

  return cases;
}
