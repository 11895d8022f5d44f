// Reporting: the rows of a run (one per runtime, plus the no-WebCrypto pages) and the table it prints.

/** The row of a browser page that checks ERR_CRYPTO_UNAVAILABLE (a non-secure origin, no crypto.subtle). */
export function unavailableRow(browser, mode, report, version) {
  const what = mode === 'insecure' ? `${browser} non-secure origin` : `${browser} no crypto.subtle`;
  const row = {
    name: what,
    version,
    cases: null,
    passed: null,
    failed: null,
    ok: false,
    problems: [],
    output: report?.lines ?? [],
    seconds: null,
    extra: true,
  };
  if (!report) row.problems.push('no report');
  else if (report.error) row.problems.push(report.error);
  else {
    Object.assign(row, {
      cases: report.result.total,
      passed: report.result.passed,
      failed: report.result.failed,
    });
    row.ok = report.result.failed === 0 && report.result.passed === report.result.total &&
      report.result.total > 0;
  }
  return row;
}

/** The table a run prints: one line per row. */
export function table(rows) {
  const head = ['runtime', 'version', 'cases', 'passed', 'seconds', 'result'];
  const body = rows.map((
    r,
  ) => [
    r.name,
    r.version,
    r.cases ?? '-',
    r.passed ?? '-',
    r.seconds === null ? '' : r.seconds.toFixed(1),
    r.ok ? 'ok' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const fmt = (cells) =>
    cells.map((
      c,
      i,
    ) => (i >= 2 && i <= 4 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join(
      '  ',
    ).trimEnd();
  return [fmt(head), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(fmt)].join('\n');
}
