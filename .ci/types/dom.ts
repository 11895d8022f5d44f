// Profiles with the DOM lib (.ci/types/run.mjs): the key openSecretKey returns is the DOM's own
// `CryptoKey` (PlatformCryptoKey), and DOM keys go in where otpkit takes a WebCryptoKey.
import { generateTOTP, openSecretKey, sealSecret } from 'otpkit';
import { createTwoFactor, memoryStore } from 'otpkit/twofactor';

export async function domKeys(sealed: string): Promise<string> {
  const sealingKey: CryptoKey = await crypto.subtle.importKey(
    'raw',
    new Uint8Array(32),
    'AES-GCM',
    false,
    ['encrypt', 'decrypt'],
  );
  const signing: CryptoKey = await openSecretKey({ sealed, key: sealingKey, algorithm: 'SHA256' });
  const keys = new Map<string, CryptoKey>([['user', signing]]);
  createTwoFactor({
    store: memoryStore(),
    sealKey: sealingKey,
    pepper: signing,
    issuer: 'Example',
  });
  await sealSecret({ secret: 'JBSWY3DPEHPK3PXP', key: sealingKey });
  return `${keys.size} ${await generateTOTP({ secret: signing, algorithm: 'SHA256' })}`;
}
