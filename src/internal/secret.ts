import { decodeBase32Text } from '../base32.js';
import { fail, isBytes } from './assert.js';

/** The raw key bytes of a secret: base32 text decoded with the default (strict) rules, or a copy of the bytes. */
export function secretOption(value: unknown): Uint8Array<ArrayBuffer> {
  const text = typeof value === 'string';
  if (!(text || isBytes(value)) || !(value as string | Uint8Array).length) {
    fail('ERR_INVALID_SECRET', '"secret" must be base32 text or bytes, not empty');
  }
  // The decoder always allocates a fresh ArrayBuffer; bytes are copied so a caller's later change cannot reach us.
  return text ? decodeBase32Text(value, false) : (value as Uint8Array<ArrayBuffer>).slice();
}
