// Deno, through an `npm:` specifier, resolved offline from the local node_modules (nodeModulesDir "manual").
import * as otp from 'npm:otpkit';
import { main } from './finish.js';

await main({ otp, loadedFrom: `npm:otpkit -> ${import.meta.resolve('npm:otpkit')}` });
