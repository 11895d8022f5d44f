// Helpers shared by the case files, web-standard only. `referenceHOTP` is an independent RFC 4226 §5.3
// implementation for values no published vector covers (64-bit counters, 9- and 10-digit SHA-256/512
// codes): it calls WebCrypto's HMAC directly and does the counter encoding and the dynamic truncation
// with BigInt, sharing no code with otpkit. The suite checks it against the published vectors first
// (case "reference: ..."), so a wrong reference fails loudly instead of blessing a wrong otpkit.

export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function fromHex(text) {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

export function ascii(text) {
  return new TextEncoder().encode(text);
}

const WEBCRYPTO_HASH = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' };

/** HOTP(K, C) per RFC 4226 §5.3 with a bigint counter and BigInt truncation; `digits` 1..10. */
export async function referenceHOTP(keyBytes, counter, digits, algorithm) {
  const message = new Uint8Array(8);
  let c = BigInt(counter);
  for (let i = 7; i >= 0; i--) {
    message[i] = Number(c & 0xffn);
    c >>= 8n;
  }
  const key = await crypto.subtle.importKey(
    'raw',
    keyBytes,
    { name: 'HMAC', hash: WEBCRYPTO_HASH[algorithm] },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
  const offset = mac[mac.length - 1] % 16;
  let snum = 0n;
  for (let i = 0; i < 4; i++) snum = snum * 256n + BigInt(mac[offset + i]);
  snum %= 2n ** 31n;
  return (snum % 10n ** BigInt(digits)).toString().padStart(digits, '0');
}
