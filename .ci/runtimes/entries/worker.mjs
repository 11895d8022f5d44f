// Cloudflare workerd: a test worker (`workerd test`), with otpkit's ESM builds embedded in the capnp config
// as the modules "otpkit" and "otpkit/qr". A failing case makes the test handler throw, and `workerd test` exit 1.
import * as otp from 'otpkit';
import * as qr from 'otpkit/qr';
import vectors from './vectors.js';
import { runConformance } from './suite/index.js';

export default {
  async test() {
    console.log(`runtime: workerd (${navigator.userAgent})`);
    console.log('otpkit: the "otpkit" module embedded from node_modules/otpkit/dist/index.js');
    console.log('otpkit/qr: the "otpkit/qr" module embedded from node_modules/otpkit/dist/qr.js');
    const result = await runConformance({ otp, qr, vectors, label: 'workerd' });
    if (result.failed > 0 || result.passed === 0) {
      throw new Error(`conformance: ${result.failed} of ${result.total} cases failed`);
    }
  },
};
