// Deno, by path to the ESM build, as a Deno user without npm would load a copied or vendored build.
import * as otp from './node_modules/otpkit/dist/index.js';
import { main } from './finish.js';

await main({ otp, loadedFrom: import.meta.resolve('./node_modules/otpkit/dist/index.js') });
