// `npm run bench:runtimes` in workerd: a test worker (bench.capnp, written by .ci/runtimes/bench.mjs)
// that runs the portable comparisons against the embedded "otpkit" module and prints "bench: {json}".
import * as otp from 'otpkit';
import { runBench } from './bench/portable.mjs';

export default {
  async test() {
    console.log(`runtime: workerd (${navigator.userAgent})`);
    console.log(`bench: ${JSON.stringify(await runBench({ otp }))}`);
  },
};
