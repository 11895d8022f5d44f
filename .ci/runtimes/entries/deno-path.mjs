// Deno, by path to the ESM builds, as a Deno user without npm would load a copied or vendored build.
import * as otp from './node_modules/otpkit/dist/index.js';
import * as qr from './node_modules/otpkit/dist/qr.js';
import { main } from './finish.js';

await main({
  otp,
  qr,
  loadedFrom: import.meta.resolve('./node_modules/otpkit/dist/index.js'),
  qrLoadedFrom: import.meta.resolve('./node_modules/otpkit/dist/qr.js'),
});
