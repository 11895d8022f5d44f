// Node and Bun, ESM: `import 'otpkit'` and `import 'otpkit/qr'` through node_modules and the package's
// exports map (dist/index.js, dist/qr.js).
import * as otp from 'otpkit';
import * as qr from 'otpkit/qr';
import { main } from './finish.js';

await main({
  otp,
  qr,
  loadedFrom: import.meta.resolve('otpkit'),
  qrLoadedFrom: import.meta.resolve('otpkit/qr'),
});
