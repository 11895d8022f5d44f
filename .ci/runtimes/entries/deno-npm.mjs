// Deno, through `npm:` specifiers, resolved offline from the local node_modules (nodeModulesDir "manual").
import * as otp from 'npm:otpkit';
import * as qr from 'npm:otpkit/qr';
import { main } from './finish.js';

await main({
  otp,
  qr,
  loadedFrom: `npm:otpkit -> ${import.meta.resolve('npm:otpkit')}`,
  qrLoadedFrom: `npm:otpkit/qr -> ${import.meta.resolve('npm:otpkit/qr')}`,
});
