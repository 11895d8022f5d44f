// Counts what is really computed: wraps crypto.subtle.sign before otpkit is imported (otpkit looks
// crypto.subtle up on each use, internal/crypto.ts), and tallies each HMAC by its key's hash. A TOTP
// check of window 1 signs 3 steps with the user's HMAC-SHA-1 key; the pepper (keyed hashes of recovery
// codes, sent codes and bindings) signs with HMAC-SHA-256. Import this module before otpkit.
export const counts = { sha1: 0, sha256: 0, other: 0 };

const subtle = globalThis.crypto?.subtle;
if (!subtle || typeof subtle.sign !== 'function') {
  throw new Error('count.mjs: no crypto.subtle.sign');
}
const original = subtle.sign;

function sign(algorithm, key, data) {
  const hash = key?.algorithm?.hash?.name;
  if (hash === 'SHA-1') counts.sha1++;
  else if (hash === 'SHA-256') counts.sha256++;
  else counts.other++;
  return original.call(this, algorithm, key, data);
}

subtle.sign = sign;
if (globalThis.crypto.subtle.sign !== sign) {
  // The platform object refused an own property: wrap the prototype's method instead.
  Object.defineProperty(Object.getPrototypeOf(subtle), 'sign', {
    value: sign,
    writable: true,
    configurable: true,
  });
}
if (globalThis.crypto.subtle.sign !== sign) {
  throw new Error('count.mjs: could not wrap crypto.subtle.sign, so nothing could be counted');
}

/** A copy of the counts now; `since(before)` gives what was signed after `before`. */
export const snapshot = () => ({ ...counts });
export const since = (before) => ({
  sha1: counts.sha1 - before.sha1,
  sha256: counts.sha256 - before.sha256,
  other: counts.other - before.other,
});
