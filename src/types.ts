/** The HMAC hash functions of RFC 4226 §5.2 and RFC 6238 §1.2, spelled as in otpauth URIs. */
export type HashAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/**
 * A WebCrypto `CryptoKey` (W3C Web Cryptography API, the CryptoKey interface), described by the four
 * attributes every key has, so that otpkit's declarations need no DOM lib: a Node project with
 * `lib: ["ES2022"]` and `@types/node` compiles, and a value that is not a key (`key: 123`) is still a
 * type error. The DOM lib's `CryptoKey`, `webcrypto.CryptoKey` of `@types/node` (`node:crypto`), and
 * the keys of Deno, Bun and Workers all satisfy it. Types only: at run time every key is checked
 * through the platform's own `CryptoKey` getters, so a plain object of this shape is refused.
 */
export interface WebCryptoKey {
  /** The algorithm the key is for, by name (`'HMAC'`, `'AES-GCM'`). */
  readonly algorithm: { readonly name: string };
  /** Whether WebCrypto may export it. */
  readonly extractable: boolean;
  /** `'secret'` for the symmetric keys otpkit takes. */
  readonly type: string;
  /** What the key may be used for (`'sign'`, `'encrypt'`, `'decrypt'`). */
  readonly usages: readonly string[];
}

/**
 * The `CryptoKey` type of the project's own declarations when they have one (the DOM lib, Deno, Bun,
 * or an `@types/node` that declares the global), else {@link WebCryptoKey}: what {@link openSecretKey}
 * returns, so that a project with the DOM lib gets its exact `CryptoKey` back.
 */
export type PlatformCryptoKey = typeof globalThis extends { CryptoKey: { prototype: infer K } } ? K
  : WebCryptoKey;

/**
 * A shared secret K (RFC 4226 §5.1). A string is always base32 text (RFC 4648 §6), decoded with
 * {@link decodeBase32}'s default rules; a `Uint8Array` is the raw key; a `CryptoKey` (typed as
 * {@link WebCryptoKey}) is an HMAC key allowing `sign` whose hash matches `algorithm` (as
 * {@link openSecretKey} returns), used as is and never cached. Functions that must write the secret
 * out (`buildKeyURI`, `sealSecret`) take text or bytes only.
 */
export type SecretInput = string | Uint8Array | WebCryptoKey;

/** A secret given as its material, for the functions that write it out: base32 text or raw bytes. */
export type SecretMaterial = string | Uint8Array;

/** The code encoders otpkit knows beyond decimal digits, by the name otpauth URIs give them (`encoder=steam`). */
export type CodeEncoder = 'steam';

/** The fields of a parsed otpauth:// key URI whatever its type: see {@link KeyURI}. */
export interface KeyURIBase {
  /** The secret as canonical base32: upper case, no padding (RFC 4648 §6). */
  secret: string;
  /** The account name from the label, percent-decoded; `''` when the URI has no label. */
  account: string;
  /** The issuer: the `issuer` parameter when present and non-empty, else the label prefix (Key Uri Format, "Issuer"). */
  issuer?: string | undefined;
  /** The label prefix as written (decoded), when the label has one; may differ from `issuer` (Apple style). */
  labelIssuer?: string | undefined;
  /** The HMAC hash; `SHA1` when absent. */
  algorithm: HashAlgorithm;
  /** Code length, 6..10; 6 when absent. */
  digits: number;
  /** Every other parameter (e.g. `image`), by name as written, value decoded. */
  params: Record<string, string>;
}

/** A parsed `otpauth://totp/` key URI (RFC 6238): a valid options object for `generateTOTP` and `verifyTOTP`. */
export interface TOTPKeyURI extends KeyURIBase {
  /** `totp` (RFC 6238). */
  type: 'totp';
  /** The time step in seconds, 1..86400; 30 when the URI has no `period`. */
  period: number;
  /** `'steam'` for a Steam Guard key (`encoder=steam`, digits 5, SHA1); absent for decimal codes. */
  encoder?: CodeEncoder | undefined;
  /** Never set on a totp key; declared so that `key.counter` reads on any {@link KeyURI}. */
  counter?: undefined;
}

/** A parsed `otpauth://hotp/` key URI (RFC 4226): a valid options object for `generateHOTP` and `verifyHOTP`. */
export interface HOTPKeyURI extends KeyURIBase {
  /** `hotp` (RFC 4226). */
  type: 'hotp';
  /** The counter, 0..2^64-1: a number up to 2^53-1, a bigint above. */
  counter: number | bigint;
  /** Never set on an hotp key; declared so that `key.period` reads on any {@link KeyURI}. */
  period?: undefined;
  /** Never set on an hotp key (Steam Guard keys are totp); declared so that `key.encoder` reads on any {@link KeyURI}. */
  encoder?: undefined;
}

/**
 * A parsed otpauth:// key URI, told apart by `type`. Once narrowed it is a valid options object for
 * the functions of its type, and only for those: after `if (key.type === 'hotp')`, `generateHOTP(key)`
 * type-checks, while `generateTOTP(key)` on an HOTP key does not compile (its counter would be ignored).
 *
 * @example
 * ```ts
 * const key = parseKeyURI(uri)
 * const code = key.type === 'hotp' ? await generateHOTP(key) : await generateTOTP(key)
 * ```
 */
export type KeyURI = TOTPKeyURI | HOTPKeyURI;

/** Options for {@link buildKeyURI}. A {@link KeyURI} is one, so `buildKeyURI(parseKeyURI(uri))` works. */
export interface BuildKeyURIOptions {
  /** `totp` (default) or `hotp`. */
  type?: 'totp' | 'hotp' | undefined;
  /** The shared secret: base32 text or raw bytes (core rules). Written as canonical base32. */
  secret: SecretMaterial;
  /**
   * The account name (user name or email). No control or invisible formatting character; a `:` (written
   * `%3A`) and a leading space only when a label prefix is written.
   */
  account: string;
  /** The issuer (service name), written as label prefix and `issuer` parameter. No `:`, control or invisible formatting character. */
  issuer?: string | undefined;
  /** A different label prefix (display name) than `issuer` (matching identifier), as Apple and the andesco draft allow. */
  labelIssuer?: string | undefined;
  /** Default `SHA1` (not written). */
  algorithm?: HashAlgorithm | undefined;
  /** Default 6 (not written). */
  digits?: number | undefined;
  /** totp only; default 30 (not written). */
  period?: number | undefined;
  /** hotp only, required there. */
  counter?: number | bigint | undefined;
  /** `'steam'` writes a Steam Guard key (`encoder=steam`): totp, SHA1, `digits` absent or 5. */
  encoder?: CodeEncoder | undefined;
  /** Extra parameters (e.g. `image`): names of letters, digits, `-` and `_`, not one of the known names. */
  params?: Record<string, string> | undefined;
}

/**
 * A successful HOTP verification. `counter` has the type of the counter given (number or bigint).
 */
export interface HOTPMatch<C extends number | bigint = number | bigint> {
  /** The counter whose code matched. */
  counter: C;
  /** `counter + 1`: what the application stores as the next expected counter (RFC 4226 §7.2). */
  nextCounter: C;
  /** `counter` minus the counter given: how far the token had run ahead. */
  delta: C;
}

/** The options every function that computes a code shares: the key and the shape of its codes. */
export interface OTPKeyOptions {
  /**
   * The shared secret K (RFC 4226 §5.1): base32 text, raw bytes, or an HMAC `CryptoKey` (e.g. from
   * `openSecretKey`) whose hash matches `algorithm`.
   */
  secret: SecretInput;
  /** The HMAC hash (RFC 4226 §5.2, RFC 6238 §1.2). Default `'SHA1'`. */
  algorithm?: HashAlgorithm | undefined;
  /** Code length, 6..10 (RFC 4226 §5.3). Default 6. */
  digits?: number | undefined;
}
