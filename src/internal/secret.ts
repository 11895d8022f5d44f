import { decodeBase32 } from '../base32.js';
import { describe, fail, isBytes } from './assert.js';

/** The raw key bytes of a secret: base32 text decoded with the default (strict) rules, or a copy of the bytes. */
export function secretOption(value: unknown): Uint8Array<ArrayBuffer> {
  if (typeof value === 'string') {
    if (value.length === 0) fail('ERR_INVALID_SECRET', '"secret" must not be empty');
    // decodeBase32 always allocates a fresh ArrayBuffer.
    return decodeBase32(value) as Uint8Array<ArrayBuffer>;
  }
  if (isBytes(value)) {
    if (value.length === 0) fail('ERR_INVALID_SECRET', '"secret" must not be empty');
    return value.slice();
  }
  return fail('ERR_INVALID_SECRET', `"secret" must be a base32 string or a Uint8Array, got ${describe(value)}`);
}

