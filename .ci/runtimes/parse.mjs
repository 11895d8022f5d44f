// Parsing: what an entry or a page printed, read into counts and the lines that prove what was loaded.

/** Reads the entry's output: `runtime:`, `otpkit:` and `otpkit/qr:` lines, FAIL lines, and the final `label: N passed, M failed`. */
export function parseOutput(text, label) {
  const lines = text.split('\n').map((l) => l.trimEnd()).filter(Boolean);
  const final = new RegExp(`^${label.replace(/[()]/g, '\\$&')}: (\\d+) passed, (\\d+) failed$`);
  const last = [...lines].reverse().find((l) => final.test(l));
  const m = last ? final.exec(last) : null;
  return {
    lines,
    passed: m ? Number(m[1]) : null,
    failed: m ? Number(m[2]) : null,
    runtime: lines.find((l) => l.startsWith('runtime: '))?.slice(9) ?? '',
    loadedFrom: lines.find((l) => l.startsWith('otpkit: '))?.slice(8) ?? '',
    qrLoadedFrom: lines.find((l) => l.startsWith('otpkit/qr: '))?.slice(11) ?? '',
  };
}
