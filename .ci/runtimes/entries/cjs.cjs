// Node and Bun, CommonJS: `require('otpkit')` and `require('otpkit/qr')` through the exports map's
// "require" condition (dist/index.cjs, dist/qr.cjs).
const otp = require('otpkit');
const qr = require('otpkit/qr');

import('./finish.js').then(({ main }) =>
  main({
    otp,
    qr,
    loadedFrom: require.resolve('otpkit'),
    qrLoadedFrom: require.resolve('otpkit/qr'),
  })
);
