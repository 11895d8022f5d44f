// Docs are part of the feature: every name exported from src/index.ts and src/twofactor/index.ts has
// TSDoc where it is declared and an entry in docs/.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (path: string): string => readFileSync(new URL(path, import.meta.url), 'utf8');
/** The entry points whose exports are checked, as directories under src/. */
const ENTRIES = ['', 'twofactor/'];

/**
 * [name, module path under src/] for every `export { a, b } from './x.ts'` and `export type { ... }`
 * line of an entry's index.ts.
 */
function exportsOf(entry: string): [string, string][] {
  const source = read(`../src/${entry}index.ts`);
  const out: [string, string][] = [];
  for (const m of source.matchAll(/export (?:type )?\{([^}]+)\} from '\.\/([^']+)\.ts'/g)) {
    // A trailing comma leaves an empty piece, which is no name.
    for (const name of (m[1] as string).split(',').map((n) => n.trim()).filter(Boolean)) {
      out.push([name.replace(/^type /, ''), `${entry}${m[2]}.ts`]);
    }
  }
  return out;
}

const docs = readdirSync(new URL('../docs/', import.meta.url))
  .filter((f) => f.endsWith('.md'))
  .map((f) => read(`../docs/${f}`))
  .join('\n');

describe('documentation', () => {
  const exported = ENTRIES.flatMap(exportsOf);

  it('finds the exports of src/index.ts', () => {
    expect(exported.length).toBeGreaterThan(10);
  });

  it.each(exported)('%s has a TSDoc block where it is declared (%s)', (name, file) => {
    const source = read(`../src/${file}`);
    const declaration = new RegExp(
      `(?:^|\\n)((?:/\\*\\*[\\s\\S]*?\\*/\\n)?)export (?:async )?(?:function|class|interface|type|const) ${name}\\b`,
    ).exec(source);
    expect(declaration, `${name} is not declared in src/${file}`).not.toBeNull();
    expect(declaration?.[1], `${name} has no TSDoc`).toMatch(/^\/\*\*/);
  });

  it.each(exported)('%s is documented in docs/', (name) => {
    expect(docs).toContain(`\`${name}\``.replace(/`$/, ''));
  });

  it('gives every exported function an @example in its TSDoc', () => {
    for (const [name, file] of exported) {
      const source = read(`../src/${file}`);
      const fn = new RegExp(
        `/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\n(?:export function ${name}\\b[^\\n]*\\n)*export (?:async )?function ${name}\\b`,
      ).exec(source);
      if (fn) expect(fn[1], name).toContain('@example');
    }
  });
});

describe('examples that store state', () => {
  // Every docs page, the README and the TSDoc in src/: an accepted code is only as safe as the
  // compare-and-set that stores it, so no example may store replay state without checking the result.
  const sources = [
    ...readdirSync(new URL('../docs/', import.meta.url)).filter((f) => f.endsWith('.md')).map((f) =>
      [`docs/${f}`, read(`../docs/${f}`)] as const
    ),
    ['README.md', read('../README.md')] as const,
    ...readdirSync(new URL('../src/', import.meta.url), { recursive: true }).filter((f) =>
      f.endsWith('.ts')
    ).map((f) => [`src/${f}`, read(`../src/${f}`)] as const),
  ];
  // Storing after a match with no check: `if (match) await db.x(...)`, `if (match) user.lastStep = ...`.
  const UNCHECKED =
    /if \((?:match|i >= 0|index >= 0)\) (?:await |user\.\w+ =|\w+\.(?:lastStep|counter) =)/;

  it.each(sources)('%s stores no replay state without checking its compare-and-set', (_, text) => {
    const lines = text.split('\n').filter((line) => UNCHECKED.test(line));
    expect(lines).toEqual([]);
  });
});
