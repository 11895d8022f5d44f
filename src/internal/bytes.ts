// Bytes from a caller, read through the platform's own typed-array operations. A Uint8Array subclass
// may override `length`, `slice`, `subarray` or `Symbol.toStringTag`; the %TypedArray%.prototype getters
// read the internal slots instead, so what otpkit copies is what the array really holds.

interface TypedArrayIntrinsics {
  /** The internal [[TypedArrayName]] (`'Uint8Array'`, ...), or undefined for anything that is not a typed array. */
  readonly name: (this: unknown) => string | undefined;
  /** The internal [[ArrayLength]] (0 once the buffer is detached). */
  readonly length: (this: unknown) => number;
}

// Looked up on first use, not at import: nothing runs when otpkit is imported.
let intrinsics: TypedArrayIntrinsics | undefined;

function typedArrayIntrinsics(): TypedArrayIntrinsics {
  if (intrinsics === undefined) {
    const prototype: object = Object.getPrototypeOf(Uint8Array.prototype);
    const getter = (key: PropertyKey): (this: unknown) => never =>
      Object.getOwnPropertyDescriptor(prototype, key)?.get as (this: unknown) => never;
    intrinsics = { name: getter(Symbol.toStringTag), length: getter('length') };
  }
  return intrinsics;
}

/**
 * True for a real Uint8Array: a Node Buffer, a subclass, one from another realm; false for a Proxy,
 * another typed array, or an object that only claims the Uint8Array tag.
 */
export function isBytes(value: unknown): value is Uint8Array {
  return typedArrayIntrinsics().name.call(value) === 'Uint8Array';
}

/** The bytes of a buffer as lower-case hex (the keyed and legacy hashes otpkit stores). */
export function hex(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (bytes[i] as number).toString(16).padStart(2, '0');
  return out;
}

/** A real Uint8Array's length from its internal slot (0 once its buffer is detached). */
export function bytesLength(value: Uint8Array): number {
  return typedArrayIntrinsics().length.call(value);
}

/** A private copy of a real Uint8Array's contents, made without calling anything the value defines. */
export function copyBytes(value: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = new Uint8Array(bytesLength(value));
  // set() with a typed-array source reads its internal slots; a detached buffer has length 0 and is skipped.
  if (copy.length > 0) copy.set(value);
  return copy;
}
