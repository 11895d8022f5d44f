// One server process of the race suite (suite.mjs spawns 4): its own store over the shared database,
// its own createTwoFactor with the run's sealKey and pepper, and a line protocol on stdin/stdout (JSON
// a line) so that every process fires its calls at the same moment:
//
//   stdin  {config, keys, now, limits}   -> stdout {type:'ready'}     (store open, connected)
//   stdin  {type:'arm', phase, userId, tokens}  -> stdout {type:'armed'}
//   stdin  {type:'go'}    (the start barrier)   -> stdout {type:'result', ...}
//   stdin  {type:'exit'}
import { since, snapshot } from './count.mjs'; // first: wraps crypto.subtle.sign before otpkit loads
import { createInterface } from 'node:readline';
import { open } from './backends.mjs';
import { fromHex, runCalls } from './calls.mjs';

const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
let setup;
let armed;

lines.on('line', (line) => {
  handle(JSON.parse(line)).catch((error) => {
    process.stderr.write(`worker ${process.pid}: ${error?.stack ?? error}\n`);
    process.exit(1);
  });
});
lines.on('close', () => process.exit(armed === undefined ? 0 : 1));

async function handle(message) {
  if (setup === undefined) {
    const { config, keys, now, limits, dist } = message;
    const tf = await import(dist);
    const { store, close } = await open(config.kind, config, tf);
    const sealKey = await crypto.subtle.importKey('raw', fromHex(keys.seal), 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    const pepper = await crypto.subtle.importKey(
      'raw',
      fromHex(keys.pepper),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const twoFactor = tf.createTwoFactor({
      store,
      sealKey,
      pepper,
      issuer: 'otpkit stores',
      limits,
      now: () => now,
    });
    setup = { twoFactor, close };
    send({ type: 'ready' });
  } else if (message.type === 'arm') {
    armed = message;
    send({ type: 'armed' });
  } else if (message.type === 'go') {
    const job = armed;
    armed = undefined;
    const before = snapshot();
    const result = await runCalls(setup.twoFactor, job.userId, job.tokens);
    send({ type: 'result', ...result, signs: since(before) });
  } else if (message.type === 'exit') {
    await setup.close();
    lines.close();
    process.exit(0);
  }
}
