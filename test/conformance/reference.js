// @ts-check
// Helpers shared by the case files, web-standard only. The reference HOTP is an independent RFC 4226
// §5.3 implementation for values no published vector covers (64-bit counters, 9- and 10-digit
// SHA-256/512 codes) and for the published tables' own arithmetic (HMAC, offset, truncated value): it
// calls WebCrypto's HMAC directly and does the counter encoding and the dynamic truncation with BigInt,
// sharing no code with otpkit. The suite checks it against the published vectors first (cases
// "reference: ..."), so a wrong reference fails loudly instead of blessing a wrong otpkit.
//
// Each export is typed by its declaration in reference.d.ts (`import('./reference.js')` resolves to it).

/** @type {typeof import('./reference.js').hex} */
export function hex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** @type {typeof import('./reference.js').fromHex} */
export function fromHex(text) {
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/** @type {typeof import('./reference.js').ascii} */
export function ascii(text) {
  return new TextEncoder().encode(text);
}

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** @type {typeof import('./reference.js').fromBase32} */
export function fromBase32(text) {
  let bits = '';
  for (const c of text) {
    const value = BASE32.indexOf(c);
    if (value < 0) throw new Error(`reference: ${JSON.stringify(c)} is not upper-case base32`);
    bits += value.toString(2).padStart(5, '0');
  }
  const out = new Uint8Array(Math.floor(bits.length / 8));
  for (let i = 0; i < out.length; i++) out[i] = parseInt(bits.slice(i * 8, i * 8 + 8), 2);
  return out;
}

const WEBCRYPTO_HASH = { SHA1: 'SHA-1', SHA256: 'SHA-256', SHA512: 'SHA-512' };

/** @type {typeof import('./reference.js').referenceHMAC} */
export async function referenceHMAC(keyBytes, counter, algorithm) {
  const message = new Uint8Array(8);
  let c = BigInt(counter);
  for (let i = 7; i >= 0; i--) {
    message[i] = Number(c & 0xffn);
    c >>= 8n;
  }
  const key = await crypto.subtle.importKey(
    'raw',
    new Uint8Array(keyBytes), // a copy on an ArrayBuffer, whatever buffer the caller's bytes are on
    { name: 'HMAC', hash: WEBCRYPTO_HASH[algorithm] },
    false,
    ['sign'],
  );
  return new Uint8Array(await crypto.subtle.sign('HMAC', key, message));
}

/** @type {typeof import('./reference.js').referenceTruncate} */
export function referenceTruncate(mac) {
  const byte = (/** @type {number} */ i) => {
    const b = mac[i];
    if (b === undefined) throw new Error(`reference: the HMAC has no byte ${i}`);
    return b;
  };
  const offset = byte(mac.length - 1) % 16;
  let snum = 0n;
  for (let i = 0; i < 4; i++) snum = snum * 256n + BigInt(byte(offset + i));
  return { offset, value: Number(snum % 2n ** 31n) };
}

/** @type {typeof import('./reference.js').referenceHOTP} */
export async function referenceHOTP(keyBytes, counter, digits, algorithm) {
  const { value } = referenceTruncate(await referenceHMAC(keyBytes, counter, algorithm));
  return (BigInt(value) % 10n ** BigInt(digits)).toString().padStart(digits, '0');
}

const STEAM = '23456789BCDFGHJKMNPQRTVWXY';

/** @type {typeof import('./reference.js').referenceSteam} */
export async function referenceSteam(keyBytes, counter) {
  let { value } = referenceTruncate(await referenceHMAC(keyBytes, counter, 'SHA1'));
  let code = '';
  for (let i = 0; i < 5; i++, value = Math.floor(value / 26)) code += STEAM[value % 26];
  return code;
}
