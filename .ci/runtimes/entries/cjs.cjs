// Node and Bun, CommonJS: `require('otpkit')` through the exports map's "require" condition (dist/index.cjs).
const otp = require('otpkit');

import('./finish.js').then(({ main }) => main({ otp, loadedFrom: require.resolve('otpkit') }));
