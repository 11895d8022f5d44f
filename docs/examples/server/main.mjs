// npm run example:server: builds otpkit, then starts the reference server on http://127.0.0.1:$PORT.
//   PORT                 default 3000
//   OTPKIT_EXAMPLE_KEY   the 32-byte sealing key, base64url (43 characters). Without it a key is made
//                        for this run. Make one with:
//                        node -e "console.log(Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url'))"
import { startServer } from './app.mjs';

const port = process.env.PORT === undefined || process.env.PORT === '' ? 3000 : Number(process.env.PORT);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error('PORT must be an integer from 0 to 65535');
  process.exit(1);
}

let sealingKey;
const keyText = process.env.OTPKIT_EXAMPLE_KEY;
if (keyText) {
  const bytes = Buffer.from(keyText, 'base64url');
  // Refuse anything but exactly 32 bytes written canonically (Buffer skips characters it does not know).
  if (bytes.length !== 32 || bytes.toString('base64url') !== keyText) {
    console.error('OTPKIT_EXAMPLE_KEY must be 32 bytes in base64url (43 characters, no padding)');
    process.exit(1);
  }
  sealingKey = new Uint8Array(bytes);
} else {
  console.log('OTPKIT_EXAMPLE_KEY is not set: sealing secrets with a random key made for this run.');
}

const server = await startServer({ port, sealingKey });
console.log(`otpkit reference server on ${server.url} (Ctrl-C to stop)`);
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => void server.close().then(() => process.exit(0)));
