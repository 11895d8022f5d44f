// Types for links.mjs, which test/package.test.ts imports.

/** GitHub's anchor for a heading's text. */
export function slug(heading: string): string;
/** Every anchor a Markdown page defines: its headings' slugs and its HTML ids. */
export function anchorsOf(text: string): Set<string>;
/** The link targets of a Markdown page, outside code. */
export function linksOf(text: string): string[];
/** One line per relative link of `pages` (path -> text) that does not resolve among `files`. */
export function brokenLinks(pages: Map<string, string>, files: Set<string>): string[];
