// Every secret the test saw (TOTP secrets and key URIs, codes that were right, recovery codes, emailed
// codes, passwords, session cookies, the server keys), and the search of every process's output for
// them: no log line, stdout or stderr line may hold one.

/** kind -> Set of values. */
export const secretsSeen = new Map();

/** Records a secret value (returns it, for use inline). */
export function remember(kind, value) {
  if (typeof value !== 'string' || value === '') return value;
  if (!secretsSeen.has(kind)) secretsSeen.set(kind, new Set());
  secretsSeen.get(kind).add(value);
  return value;
}

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** How each secret is looked for: short numeric codes only as whole tokens, the rest anywhere. */
function patternOf(kind, value) {
  if (/^\d{6,10}$/.test(value)) return new RegExp(`(?<![0-9A-Za-z])${value}(?![0-9A-Za-z])`);
  if (kind === 'recovery code') {
    // Also without its hyphens, and in any case.
    return new RegExp(`${escape(value)}|${escape(value.replace(/-/g, ''))}`, 'i');
  }
  return new RegExp(escape(value));
}

/**
 * The lines of `output` ({from, stream, line}) holding a secret: [{ kind, from, stream, line }], the
 * line shown with the secret masked.
 */
export function findSecrets(output) {
  const found = [];
  const patterns = [];
  for (const [kind, values] of secretsSeen) {
    for (const value of values) patterns.push({ kind, pattern: patternOf(kind, value) });
  }
  for (const entry of output) {
    for (const { kind, pattern } of patterns) {
      if (pattern.test(entry.line)) {
        found.push({ kind, ...entry, line: entry.line.replace(pattern, `<${kind}>`) });
      }
    }
  }
  return { found, searched: patterns.length, lines: output.length };
}
