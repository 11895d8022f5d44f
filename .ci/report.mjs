// The report every .ci check script prints (smoke, jsr, types, and the e2e suite): one line per check,
// "ok" or "FAIL", its name, then its detail or the reason it failed (further lines indented), and at the
// end `<label>: N passed, M failed`, the line .ci/run's readers look for.

/** A report for the checks of one script, summarised as `<label>: ...`. */
export function createReport(label) {
  let passed = 0;
  let failed = 0;

  /** Records a check whose outcome is known: `detail` is the figures, or the reason when it failed. */
  function record(ok, name, detail) {
    if (ok) passed++;
    else failed++;
    const text = detail ? `: ${String(detail).trimEnd().replace(/\n/g, '\n     ')}` : '';
    console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${text}`);
  }

  /**
   * Runs one check: `fn` (sync or async) returns its detail, or throws to fail. A child process's
   * stderr (execFileSync's error) is added to the reason when the message does not hold it.
   * Resolves to what `fn` returned, or `undefined` when it failed.
   */
  async function check(name, fn) {
    try {
      const detail = await fn();
      record(true, name, detail);
      return detail ?? true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const stderr = /** @type {{ stderr?: unknown }} */ (error)?.stderr;
      const extra = typeof stderr === 'string' && stderr.trim() && !message.includes(stderr.trim())
        ? `\n${stderr.trim()}`
        : '';
      record(false, name, `${message}${extra}`);
      return undefined;
    }
  }

  /** Prints the summary line and returns the exit code: 0 only when something passed and nothing failed. */
  function finish() {
    console.log(`${label}: ${passed} passed, ${failed} failed`);
    return failed === 0 && passed > 0 ? 0 : 1;
  }

  return { record, check, finish };
}
