// Builds the directory every runtime runs from: the package under test installed as a user would have it
// (node_modules/otpkit = package.json + dist/, both entries: otpkit and otpkit/qr), the suite, the vectors
// as an ES module, and the entries.
//
//   <stage>/package.json                 { "type": "module" }: a consumer project
//   <stage>/node_modules/otpkit/         package.json + dist/ (the repo's, or a patched copy)
//   <stage>/suite/                       a copy of test/conformance/
//   <stage>/vectors.js                   export default JSON.parse("{ rfc4226: {...}, ... }") from vectors/*.json
//   <stage>/*.mjs, *.cjs, *.html         the runtime entries from .ci/runtimes/entries/
//
// Why vectors.js and not JSON imports: a generated ES module loads the same way everywhere. JSON import
// attributes (`with { type: 'json' }`) are not uniform across the matrix (workerd takes JSON only as a
// module declared in its config, and a browser needs the server to send the right MIME type), while a
// plain module needs nothing but `import`.
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadVectors } from '../../test/conformance/vectors.mjs';
import { ROOT } from './tools.mjs';

// The one vectors loader, shared with vitest (test/conformance/vectors.mjs).
export { loadVectors };

/** Creates `stage` afresh from `dist` (a built dist/ directory). Returns the stage's layout. */
export function buildStage({ stage, dist }) {
  for (const file of ['index.js', 'index.cjs', 'qr.js', 'qr.cjs']) {
    if (!existsSync(join(dist, file))) {
      throw new Error(`${join(dist, file)} is missing: run \`npm run build\` first`);
    }
  }
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  writeFileSync(
    join(stage, 'package.json'),
    `${
      JSON.stringify({ name: 'otpkit-conformance-stage', private: true, type: 'module' }, null, 2)
    }\n`,
  );

  const pkgDir = join(stage, 'node_modules', 'otpkit');
  mkdirSync(pkgDir, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(pkgDir, 'package.json'));
  cpSync(dist, join(pkgDir, 'dist'), { recursive: true });

  cpSync(join(ROOT, 'test', 'conformance'), join(stage, 'suite'), {
    recursive: true,
    filter: (src) => !src.endsWith('.d.ts'),
  });
  // JSON.parse of a string rather than an object literal: in a literal, a "__proto__" key (the URI corpus has one)
  // would set the prototype instead of making a property.
  writeFileSync(
    join(stage, 'vectors.js'),
    `// Generated from vectors/*.json by .ci/runtimes/stage.mjs.\nexport default JSON.parse(${
      JSON.stringify(JSON.stringify(loadVectors()))
    });\n`,
  );
  cpSync(join(ROOT, '.ci', 'runtimes', 'entries'), stage, { recursive: true });
  return { stage, pkgDir, suiteFiles: listFiles(join(stage, 'suite')).map((f) => `suite/${f}`) };
}

function listFiles(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`]
  );
}
