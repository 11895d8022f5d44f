// Node and Bun, ESM: `import 'otpkit'` through node_modules and the package's exports map (dist/index.js).
import * as otp from 'otpkit';
import { main } from './finish.js';

await main({ otp, loadedFrom: import.meta.resolve('otpkit') });
