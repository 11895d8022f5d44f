// The shipped declarations' optional properties: every `name?: T` in dist/*.d.ts / *.d.cts must admit
// `undefined` (`?: T | undefined`, or a type that already holds it: `undefined`, `unknown`, `any`), so
// that a project with `exactOptionalPropertyTypes` can pass a `T | undefined` it has in hand. Read with
// the TypeScript parser (no type check): deterministic, and about 50 ms for the whole of dist/.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Whether a type node admits `undefined` as written (a union is read member by member). */
function admitsUndefined(ts, type) {
  if (type === undefined) return true; // no annotation: `any`
  switch (type.kind) {
    case ts.SyntaxKind.UndefinedKeyword:
    case ts.SyntaxKind.UnknownKeyword:
    case ts.SyntaxKind.AnyKeyword:
      return true;
    case ts.SyntaxKind.ParenthesizedType:
      return admitsUndefined(ts, type.type);
    case ts.SyntaxKind.UnionType:
      return type.types.some((member) => admitsUndefined(ts, member));
    default:
      return false;
  }
}

/**
 * Every optional property or method signature in `files` whose type does not admit `undefined`:
 * `{ file, line, text }`, and how many optional members were read in all.
 */
export function optionalWithoutUndefined(ts, files) {
  const faults = [];
  let optional = 0;
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node) => {
      const member = ts.isPropertySignature(node) || ts.isPropertyDeclaration(node) ||
        ts.isMethodSignature(node);
      if (member && node.questionToken !== undefined) {
        optional++;
        // A method `m?(): T` cannot say `| undefined`: written as a property of function type it can.
        if (ts.isMethodSignature(node) || !admitsUndefined(ts, node.type)) {
          const { line } = source.getLineAndCharacterOfPosition(node.getStart(source));
          faults.push({ file, line: line + 1, text: node.getText(source).split('\n')[0] });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return { faults, optional };
}

/** The declaration files of `dir` (dist/): *.d.ts and *.d.cts. */
export function declarationFiles(dir) {
  return readdirSync(dir).filter((name) => /\.d\.c?ts$/.test(name)).sort().map((name) =>
    join(dir, name)
  );
}
