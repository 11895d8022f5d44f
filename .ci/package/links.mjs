// Relative links in the package's Markdown files, checked against the files the package ships: a link
// that resolves in the repository but not in node_modules/otpkit (docs/examples/ is not shipped, nor
// .ci/ or src/) is a dead link for everyone who reads the docs from an install. Anchors are checked
// against the target page's headings, slugged as GitHub and the npm registry page do.
import { posix } from 'node:path';

/**
 * GitHub's heading anchor: lower case, punctuation dropped (letters, digits, spaces, `-` and `_`
 * stay), spaces to `-`; the text of a link or code span counts, not its syntax.
 */
export function slug(heading) {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The Markdown outside fenced code blocks, with inline code spans blanked out. */
function prose(text) {
  return text
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '')
    .replace(/`[^`\n]*`/g, '``');
}

/** Every anchor a page defines: its headings (duplicates numbered, as GitHub does) and HTML ids. */
export function anchorsOf(text) {
  const anchors = new Set();
  const seen = new Map();
  const body = text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of body.matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(heading);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const [, id] of body.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(id);
  return anchors;
}

/** Link targets in a page: inline `[text](target)` and reference definitions `[name]: target`. */
export function linksOf(text) {
  const body = prose(text);
  const inline = [...body.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
  const references = [...body.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) =>
    m[1]
  );
  return [...inline, ...references];
}

/**
 * The broken relative links of every Markdown file in `pages` (package path -> text), given `files`,
 * the set of every path in the package. Returns one line per broken link, empty when all resolve.
 */
export function brokenLinks(pages, files) {
  const problems = [];
  const directories = new Set([...files].flatMap((file) => {
    const parts = file.split('/').slice(0, -1);
    return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  }));
  for (const [page, text] of pages) {
    for (const link of linksOf(text)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto: and the like
      const [rawPath = '', anchor] = link.split('#');
      const path = decodeURIComponent(rawPath);
      const target = path === '' ? page : posix.normalize(posix.join(posix.dirname(page), path));
      const where = `${page}: (${link})`;
      if (path.startsWith('/') || target.startsWith('..')) {
        problems.push(`${where} points outside the package`);
      } else if (path.endsWith('/') || directories.has(target)) {
        if (!directories.has(target.replace(/\/$/, ''))) {
          problems.push(`${where}: the package has no folder ${target}`);
        }
      } else if (!files.has(target)) {
        problems.push(`${where}: the package has no file ${target}`);
      } else if (anchor !== undefined && target.endsWith('.md')) {
        const targetText = pages.get(target);
        if (targetText === undefined) {
          problems.push(`${where}: ${target} was not given to check the anchor`);
        } else if (!anchorsOf(targetText).has(decodeURIComponent(anchor))) {
          problems.push(`${where}: ${target} has no heading with the anchor #${anchor}`);
        }
      }
    }
  }
  return problems;
}
