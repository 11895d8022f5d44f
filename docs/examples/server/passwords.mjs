// Password hashing with PBKDF2-HMAC-SHA256 through WebCrypto: a per-user random salt and 600,000
// iterations (OWASP's figure for PBKDF2-SHA256). Stored as 'pbkdf2-sha256$<iterations>$<salt>$<hash>'.
// A hash is checked with the iterations it was stored with, and made again at the next login when
// that is fewer than PBKDF2_ITERATIONS: raising the figure locks nobody out.
// Passwords are normalised to Unicode NFC first (NIST SP 800-63B §5.1.1.2): 'é' typed as one code
// point on one keyboard and as 'e' + combining accent on another is the same password.
import { timingSafeEqual } from 'node:crypto';

/** The iterations of every new hash. */
export const PBKDF2_ITERATIONS = 600_000;
/**
 * The fewest iterations a stored hash may have, fixed (not PBKDF2_ITERATIONS, which may grow):
 * OWASP's figure of 2021. A hash with fewer is refused rather than checked cheaply.
 */
export const MIN_ITERATIONS = 310_000;
const SALT_BYTES = 16;
const HASH_BITS = 256;

const toB64 = (bytes) => Buffer.from(bytes).toString('base64url');
const fromB64 = (text) => new Uint8Array(Buffer.from(text, 'base64url'));

/** The password as it is hashed: NFC, so every way of typing the same text gives the same bytes. */
export const normalisePassword = (password) => password.normalize('NFC');

async function derive(password, salt, iterations) {
  const material = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(normalisePassword(password)),
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  return new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
      material,
      HASH_BITS,
    ),
  );
}

/** Hashes a new password with a fresh salt. */
export async function hashPassword(password) {
  const salt = crypto.getRandomValues(new Uint8Array(SALT_BYTES));
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `pbkdf2-sha256$${PBKDF2_ITERATIONS}$${toB64(salt)}$${toB64(hash)}`;
}

// A real stored hash to check against when the user does not exist, so that an unknown name takes as
// long as a wrong password and the login form does not reveal which names are registered.
const dummy = hashPassword('not the password of anyone');

/** The parts of a stored hash, or null when it is not one this module accepts. */
function parse(stored) {
  const [scheme, count, salt, hash] = stored.split('$');
  const iterations = Number(count);
  const valid = scheme === 'pbkdf2-sha256' && Number.isSafeInteger(iterations) &&
    iterations >= MIN_ITERATIONS && salt !== undefined && hash !== undefined;
  return valid ? { iterations, salt: fromB64(salt), hash: fromB64(hash) } : null;
}

/**
 * True when `password` matches `stored`; `stored` null means "no such user" (still costs one PBKDF2).
 * The comparison is constant-time.
 */
export async function verifyPassword(password, stored) {
  const parts = parse(stored ?? (await dummy));
  if (parts === null) return false;
  const actual = await derive(password, parts.salt, parts.iterations);
  return stored !== null && parts.hash.length === actual.length &&
    timingSafeEqual(parts.hash, actual);
}

/** Whether a stored hash has fewer iterations than new ones get: then hash the password again. */
export const needsRehash = (stored) => (parse(stored)?.iterations ?? 0) < PBKDF2_ITERATIONS;
