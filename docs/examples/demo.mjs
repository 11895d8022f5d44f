// The 2FA story in the terminal, run against the built package (npm run demo builds it first).
import {
  buildKeyURI,
  findRecoveryCode,
  generateRecoveryCodes,
  generateSecret,
  generateTOTP,
  hashRecoveryCode,
  totpStep,
  verifyTOTP,
} from 'otpkit';
import { encodeQR, qrToTerminal } from 'otpkit/qr';

const say = (label, value = '') => console.log(`${label.padEnd(34)} ${value}`);

console.log('\notpkit demo: two-factor login with TOTP (RFC 6238)\n');

// 1. Enrolment: the server makes a secret and stores it with the user (sealed, in a real app).
const user = { name: 'alice@example.com', secret: generateSecret(), lastStep: undefined };
say('1. new secret for', user.name);
say('   secret (base32, 160 bits)', user.secret);

// The user scans the enrolment URI as a QR code with an authenticator app (drawn here without any service):
// level L, the smallest symbol (a screen is not scuffed: 23 lines, a 24-line terminal shows it whole), in
// black on white with ANSI colours, so it scans on a light or a dark terminal, as `otpkit new` draws it.
const uri = buildKeyURI({ secret: user.secret, issuer: 'Example', account: user.name });
say('   enrolment URI', uri);
console.log(`\n${qrToTerminal(encodeQR(uri, { ecc: 'L' }), { color: true })}\n`);

// 2. The authenticator app computes the current code from the same secret and the clock.
const now = Date.now();
const token = await generateTOTP({ secret: user.secret, time: now });
const { step, remainingMs } = totpStep({ time: now });
say(
  '2. code shown by the app',
  `${token}  (step ${step}, ${Math.ceil(remainingMs / 1000)} s left)`,
);

// 3. Login: the server verifies the code and remembers the step it matched.
const match = await verifyTOTP({ secret: user.secret, token, time: now, afterStep: user.lastStep });
say('3. verify the code', match ? `accepted: ${JSON.stringify(match)}` : 'REFUSED (unexpected)');
if (!match) process.exit(1);
user.lastStep = match.step;

// 4. The same code again (a replay, or a phished code used twice): refused through afterStep.
const replay = await verifyTOTP({
  secret: user.secret,
  token,
  time: now,
  afterStep: user.lastStep,
});
say(
  '4. the same code a second time',
  replay === null ? 'refused (already used)' : 'ACCEPTED (unexpected)',
);

// 5. A wrong code: refused, never thrown; malformed input too.
const wrong = String((Number(token) + 500_000) % 1_000_000).padStart(6, '0');
const bad = await verifyTOTP({
  secret: user.secret,
  token: wrong,
  time: now,
  afterStep: user.lastStep,
});
say('5. a wrong code', `${wrong} -> ${bad === null ? 'refused' : 'ACCEPTED (unexpected)'}`);
const typo = await verifyTOTP({ secret: user.secret, token: '12 34 5x', time: now });
say('   a malformed code', `"12 34 5x" -> ${typo === null ? 'refused' : 'ACCEPTED (unexpected)'}`);

if (replay !== null || bad !== null || typo !== null) process.exit(1);

// 6. Recovery codes: shown to the user once; the server keeps only their hashes, keyed with a server
// secret (the pepper, kept outside the database) and bound to the user.
const pepper = await crypto.subtle.importKey(
  'raw',
  crypto.getRandomValues(new Uint8Array(32)),
  { name: 'HMAC', hash: 'SHA-256' },
  false,
  ['sign'],
);
const codes = generateRecoveryCodes();
user.recoveryHashes = await Promise.all(
  codes.map((code) => hashRecoveryCode(code, { key: pepper, context: user.name })),
);
say(
  '6. recovery codes (shown once)',
  `${codes.slice(0, 2).join(', ')}, ... (${codes.length}; only hashes kept)`,
);

// 7. The phone is lost: log in once with a recovery code, typed sloppily; its hash is then deleted.
const typed = codes[0].toUpperCase().replace(/-/g, ' ');
const used = await findRecoveryCode({
  code: typed,
  hashes: user.recoveryHashes,
  key: pepper,
  context: user.name,
});
if (used >= 0) user.recoveryHashes.splice(used, 1);
say(
  '7. log in with a recovery code',
  used >= 0 ? `accepted ("${typed}"), ${user.recoveryHashes.length} left` : 'REFUSED (unexpected)',
);
const usedAgain = await findRecoveryCode({
  code: codes[0],
  hashes: user.recoveryHashes,
  key: pepper,
  context: user.name,
});
say(
  '   the same recovery code again',
  usedAgain === -1 ? 'refused (already used)' : 'ACCEPTED (unexpected)',
);

if (used !== 0 || usedAgain !== -1) process.exit(1);
console.log(
  '\nDone: enrol (URI and QR code), verify once, refuse the replay, refuse wrong codes, recover once with a recovery code.',
);
console.log(
  'The same from a shell: npx otpkit new --issuer Example --account alice@example.com (docs/cli.md)\n',
);
