// Hostile material shared by the fuzz tests: pieces to splice into URIs, and arrays whose methods throw.

/** Pieces that hurt URI parsers: separators, broken escapes, a lone surrogate, a NUL, spaces, emoji. */
export const URI_PIECES: readonly string[] = [
  '%',
  '%3A',
  '%3a',
  ':',
  '&',
  '=',
  '?',
  '#',
  '/',
  '+',
  '%2',
  '%ZZ',
  '%C3',
  '%ED%A0%80',
  '\ud800',
  '\0',
  ' ',
  '\u{1F600}',
  'secret=',
  'digits=9',
  'counter=1',
  '@',
  'totp',
  'hotp',
];

/** The array methods (and the iterator) an Untouchable refuses: otpkit must read arrays by index only. */
export const THROWING_METHODS: readonly PropertyKey[] = [
  'map',
  'slice',
  'forEach',
  'every',
  'some',
  'filter',
  'reduce',
  'indexOf',
  'includes',
  'concat',
  'join',
  'at',
  'entries',
  'keys',
  'values',
  'find',
  'findIndex',
  'flatMap',
  'splice',
  Symbol.iterator,
];

/** An Array subclass whose iteration and copying methods throw, and whose species cannot be read. */
class Untouchable<T> extends Array<T> {}
for (const name of THROWING_METHODS) {
  Object.defineProperty(Untouchable.prototype, name, {
    value() {
      throw new Error(`${String(name)} was called`);
    },
  });
}
Object.defineProperty(Untouchable, Symbol.species, {
  get() {
    throw new Error('Symbol.species was read');
  },
});

/** The items in an Untouchable, or (own) a plain array with those methods as throwing own properties. */
export function untouchable<T>(items: readonly T[], own = false): T[] {
  const out: T[] = own ? [] : new Untouchable<T>();
  for (let i = 0; i < items.length; i++) out[i] = items[i] as T;
  if (own) {
    for (const name of THROWING_METHODS) {
      Object.defineProperty(out, name, {
        value() {
          throw new Error(`own ${String(name)} was called`);
        },
      });
    }
  }
  return out;
}
