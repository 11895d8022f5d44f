// Bounded caches of imported keys, least recently used dropped first (docs/performance.md). A Map keeps
// insertion order, so a hit is moved to the end and the first entry is the oldest: every step is O(1).
// Two caches share one size: imported secrets (src/internal/secret.ts) and keys opened from sealed
// secrets (src/seal.ts). Neither holds anything until first used.

/**
 * What names an entry: a string, or a number when the entry itself holds what it stands for and the
 * caller compares that on a hit (a hash picks the entry, the comparison makes the hit exact).
 */
export type CacheId = string | number;

/** One cache. `set` stores only if no `clear` happened since `mark()` was taken before the import. */
export interface KeyCache<V> {
  /** The entry, made the most recently used; undefined on a miss or when caching is off. */
  get(id: CacheId): V | undefined;
  /** A token to pass to `set` after an asynchronous import. */
  mark(): number;
  /**
   * Stores an entry, evicting the oldest beyond the size, unless cleared since `mark` or turned off;
   * whether it stored it.
   */
  set(id: CacheId, value: V, mark: number): boolean;
}

interface CacheState<V> {
  entries: Map<CacheId, V>;
  generation: number;
  /** Called with each entry dropped (evicted or cleared), for example to zero what it holds. */
  dispose: ((value: V) => void) | undefined;
}

const DEFAULT_MAX_ENTRIES = 256;
let maxEntries = DEFAULT_MAX_ENTRIES;
const caches: CacheState<unknown>[] = [];

function evict(state: CacheState<unknown>): void {
  const { entries, dispose } = state;
  while (entries.size > maxEntries) {
    const oldest = entries.keys().next().value as CacheId;
    const value = entries.get(oldest);
    entries.delete(oldest);
    dispose?.(value);
  }
}

/** A new cache, sized and cleared with all the others; `dispose` sees every entry it drops. */
export function createKeyCache<V>(dispose?: (value: V) => void): KeyCache<V> {
  let state: CacheState<V> | undefined;
  const ensure = (): CacheState<V> => {
    if (state === undefined) {
      state = { entries: new Map(), generation: 0, dispose };
      caches.push(state as CacheState<unknown>);
    }
    return state;
  };
  return {
    get(id) {
      const entries = state?.entries;
      const value = entries?.get(id);
      if (value !== undefined) {
        entries?.delete(id);
        entries?.set(id, value);
      }
      return value;
    },
    mark: () => ensure().generation,
    set(id, value, mark) {
      const current = ensure();
      if (maxEntries === 0 || mark !== current.generation) return false;
      const replaced = current.entries.get(id);
      current.entries.delete(id);
      current.entries.set(id, value);
      if (replaced !== undefined && replaced !== value) current.dispose?.(replaced);
      evict(current as CacheState<unknown>);
      return true;
    },
  };
}

/** Empties every cache; imports under way when this is called store nothing. */
export function clearKeyCaches(): void {
  for (const state of caches) {
    const dropped = state.entries;
    state.entries = new Map();
    state.generation++;
    if (state.dispose !== undefined) { for (const value of dropped.values()) state.dispose(value); }
  }
}

/** Sets the most entries each cache keeps, evicting the oldest beyond it; 0 empties them and turns them off. */
export function setMaxEntries(entries: number): void {
  maxEntries = entries;
  if (entries === 0) clearKeyCaches();
  else for (const state of caches) evict(state);
}

/** Whether caching is on: an id need not be made when it is off. */
export function cachingEnabled(): boolean {
  return maxEntries > 0;
}
