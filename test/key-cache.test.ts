// The internal LRU behind both key caches (src/internal/key-cache.ts): order, bounds, the mark that
// keeps a cleared cache clear, and `dispose`, which must see every entry the cache drops (the secret
// cache zeroes its copies of byte secrets there).
import { describe, expect, it } from 'vitest';
import { configureKeyCache } from '../src/index.js';
import { clearKeyCaches, createKeyCache } from '../src/internal/key-cache.js';
import { useFreshKeyCaches } from './helpers/cache.js';

useFreshKeyCaches();

interface Entry {
  readonly name: string;
}

function tracked(): { cache: ReturnType<typeof createKeyCache<Entry>>; dropped: string[] } {
  const dropped: string[] = [];
  return { cache: createKeyCache<Entry>((entry) => dropped.push(entry.name)), dropped };
}

describe('internal key cache', () => {
  it('drops the least recently used entry beyond the size, and tells dispose', () => {
    configureKeyCache({ maxEntries: 2 });
    const { cache, dropped } = tracked();
    expect(cache.set('a', { name: 'a' }, cache.mark())).toBe(true);
    expect(cache.set(1, { name: 'one' }, cache.mark())).toBe(true);
    expect(cache.get('a')?.name).toBe('a'); // now the most recently used
    cache.set('b', { name: 'b' }, cache.mark());
    expect(dropped).toEqual(['one']);
    expect(cache.get(1)).toBeUndefined();
    expect(cache.get('a')?.name).toBe('a');
    expect(cache.get('b')?.name).toBe('b');
  });

  it('tells dispose of an entry replaced under the same id, not of the one that replaces it', () => {
    const { cache, dropped } = tracked();
    const first = { name: 'first' };
    cache.set(7, first, cache.mark());
    cache.set(7, first, cache.mark());
    expect(dropped).toEqual([]);
    cache.set(7, { name: 'second' }, cache.mark());
    expect(dropped).toEqual(['first']);
    expect(cache.get(7)?.name).toBe('second');
  });

  it('clearing drops every entry through dispose, and refuses a set marked before the clear', () => {
    const { cache, dropped } = tracked();
    cache.set('a', { name: 'a' }, cache.mark());
    cache.set(2, { name: 'two' }, cache.mark());
    const before = cache.mark();
    clearKeyCaches();
    expect(dropped.sort()).toEqual(['a', 'two']);
    expect(cache.set('late', { name: 'late' }, before)).toBe(false);
    expect(cache.get('late')).toBeUndefined();
    expect(cache.set('late', { name: 'late' }, cache.mark())).toBe(true);
  });

  it('keeps a string id and a number id apart', () => {
    const { cache } = tracked();
    cache.set('1', { name: 'text' }, cache.mark());
    cache.set(1, { name: 'number' }, cache.mark());
    expect(cache.get('1')?.name).toBe('text');
    expect(cache.get(1)?.name).toBe('number');
  });

  it('stores nothing while caching is off (maxEntries 0)', () => {
    const { cache, dropped } = tracked();
    cache.set('a', { name: 'a' }, cache.mark());
    configureKeyCache({ maxEntries: 0 });
    expect(dropped).toEqual(['a']);
    expect(cache.set('b', { name: 'b' }, cache.mark())).toBe(false);
    expect(cache.get('b')).toBeUndefined();
  });
});
