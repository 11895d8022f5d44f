// base64url (RFC 4648 §5) without padding, for sealed secrets, on the platform's btoa/atob (present in
// every runtime otpkit serves). Strict and canonical on decode: one spelling per byte string, so a
// changed character can never decode to the same bytes.

/** Bytes as padded standard base64 (RFC 4648 §4), as otpauth-migration payloads are written. */
export function encodeBase64(data: Uint8Array): string {
  let binary = '';
  for (const byte of data) binary += String.fromCharCode(byte);
  return btoa(binary);
}

/** Bytes as unpadded base64url (RFC 4648 §5, §3.2), pad bits zero. */
export function encodeBase64url(data: Uint8Array): string {
  // btoa writes at most two '=', only at the end, so this search is linear.
  return encodeBase64(data).replace(/=+$/, '').replaceAll('+', '-').replaceAll('/', '_');
}

/**
 * Unpadded base64url text as bytes, or `null` for anything else: a character outside `A-Za-z0-9-_`
 * (so no `=`, `+`, `/` or whitespace), a length of 1 mod 4, or non-zero pad bits (RFC 4648 §3.5).
 */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (/[^\w-]/.test(text) || text.length % 4 === 1) return null;
  const bytes = Uint8Array.from(
    atob(text.replaceAll('-', '+').replaceAll('_', '/')),
    (c) => c.charCodeAt(0),
  );
  // atob ignores set pad bits; the one canonical spelling is what encoding the bytes gives back.
  return encodeBase64url(bytes) === text ? bytes : null;
}
