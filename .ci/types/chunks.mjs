// The shared chunk's names: tsup writes the types two entries share into dist/types-<hash>.d.ts, which
// no "exports" path reaches. Every name an entry's declarations import from a chunk is part of that
// entry's public types (the bundler keeps no unused import), so the entry must export it too: otherwise
// a consumer's declaration emit cannot name it (TS2742 under node16/nodenext, an
// `import("otpkit/dist/types-<hash>")` under node10; declarations.ts shows both). Read with the
// TypeScript parser, no type check.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * For each entry file in `files` (a chunk's own name starts with `types-`): the names it imports from
 * a relative module and does not export, as `{ file, names }`, entries with none left out.
 */
export function chunkNamesNotExported(ts, files) {
  const faults = [];
  for (const file of files.filter((f) => !basename(f).startsWith('types-'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
    const imported = [];
    const exported = new Set();
    for (const statement of source.statements) {
      if (ts.isImportDeclaration(statement) && statement.moduleSpecifier.text.startsWith('.')) {
        const bindings = statement.importClause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) {
          imported.push(...bindings.elements.map((element) => element.name.text));
        }
      }
      // `export { A, type B }` names local bindings; `export { x as Y } from './types-...'` re-exports.
      if (
        ts.isExportDeclaration(statement) && statement.moduleSpecifier === undefined &&
        statement.exportClause && ts.isNamedExports(statement.exportClause)
      ) {
        for (const element of statement.exportClause.elements) {
          exported.add((element.propertyName ?? element.name).text);
        }
      }
    }
    const names = imported.filter((name) => !exported.has(name));
    if (names.length > 0) faults.push({ file, names });
  }
  return faults;
}
