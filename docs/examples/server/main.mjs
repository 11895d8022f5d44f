// npm run example:server: builds otpkit, then starts the reference server on http://127.0.0.1:$PORT.
//   PORT                    default 3000
//   OTPKIT_EXAMPLE_KEY      the 32-byte sealing key for TOTP secrets, base64url (43 characters)
//   OTPKIT_EXAMPLE_PEPPER   the 32-byte key of the recovery-code hashes, base64url (43 characters)
// Without them, keys are made for this run. Make one with:
//   node -e "console.log(Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url'))"
import { startServer } from './app.mjs';

const port = process.env.PORT === undefined || process.env.PORT === ''
  ? 3000
  : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error('PORT must be an integer from 0 to 65535');
  process.exit(1);
}

/** The 32 key bytes in environment variable `name`, or undefined (a key is then made for this run). */
function keyFromEnvironment(name, purpose) {
  const text = process.env[name];
  if (!text) {
    console.log(`${name} is not set: ${purpose} with a random key made for this run.`);
    return undefined;
  }
  const bytes = Buffer.from(text, 'base64url');
  // Refuse anything but exactly 32 bytes written canonically (Buffer skips characters it does not know).
  if (bytes.length !== 32 || bytes.toString('base64url') !== text) {
    console.error(`${name} must be 32 bytes in base64url (43 characters, no padding)`);
    process.exit(1);
  }
  return new Uint8Array(bytes);
}

const sealingKey = keyFromEnvironment('OTPKIT_EXAMPLE_KEY', 'sealing secrets');
const pepper = keyFromEnvironment('OTPKIT_EXAMPLE_PEPPER', 'hashing recovery codes');
const server = await startServer({ port, sealingKey, pepper });
console.log(`otpkit reference server on ${server.url} (Ctrl-C to stop)`);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => void server.close().then(() => process.exit(0)));
}
