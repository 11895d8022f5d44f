// Node profiles (.ci/types/run.mjs): keys from `node:crypto`'s webcrypto go where otpkit takes a
// WebCryptoKey, whether or not the project also has the DOM lib.
import { webcrypto } from 'node:crypto';
import { generateTOTP, hashRecoveryCode, openSecretKey, sealSecret } from 'otpkit';

export async function nodeKeys(): Promise<string> {
  const sealingKey: webcrypto.CryptoKey = await webcrypto.subtle.generateKey(
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  const pepper = await webcrypto.subtle.generateKey({ name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const sealed = await sealSecret({ secret: 'JBSWY3DPEHPK3PXP', key: sealingKey });
  const signing = await openSecretKey({ sealed, key: sealingKey });
  const hash = await hashRecoveryCode('abcd-efgh-jkmn-pqrs', { key: pepper });
  return `${hash} ${await generateTOTP({ secret: signing })}`;
}
