// Node-only profiles without the DOM lib (.ci/types/run.mjs): the profile is what it claims (no DOM
// global), and otpkit's declarations compile there with `CryptoKey` typed as otpkit's WebCryptoKey.
import { openSecretKey } from 'otpkit';
import type { PlatformCryptoKey, WebCryptoKey } from 'otpkit';

// @ts-expect-error no DOM lib here: CryptoKey is not a global type
export type DomCryptoKey = CryptoKey;

export async function withoutDom(sealed: string, key: Uint8Array): Promise<WebCryptoKey> {
  const opened: PlatformCryptoKey = await openSecretKey({ sealed, key });
  const structural: WebCryptoKey = opened;
  return structural;
}
