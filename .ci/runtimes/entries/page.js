// The browser page: ?mode=suite runs the conformance suite; ?mode=insecure (served from a non-secure
// origin) and ?mode=nosubtle (crypto.subtle deleted before otpkit is imported) run the no-WebCrypto
// cases; ?mode=bench runs the cross-runtime bench (test/bench/portable.mjs) instead of any case; ?label=
// names the row in the final line. Results go back to the runner's server with
// POST /report?mode=...; nothing else leaves the page.
const query = new URLSearchParams(location.search);
const mode = query.get('mode') ?? 'suite';
const label = query.get('label') ?? 'chromium';
const lines = [];
const out = document.getElementById('out');
const log = (line) => {
  lines.push(line);
  out.textContent = lines.join('\n');
};
let reported = false;
const report = async (body) => {
  if (reported) return;
  reported = true;
  await fetch(`/report?mode=${encodeURIComponent(mode)}`, {
    method: 'POST',
    body: JSON.stringify({ mode, lines, ...body }),
  });
};
addEventListener('error', (event) => report({ error: `uncaught: ${event.message}` }));
addEventListener(
  'unhandledrejection',
  (event) => report({ error: `unhandled rejection: ${event.reason?.stack ?? event.reason}` }),
);

try {
  log(`runtime: ${navigator.userAgent}`);
  log(`origin: ${location.origin} (isSecureContext ${isSecureContext})`);
  if (mode === 'nosubtle') {
    // As if the platform had no WebCrypto: remove the accessor before otpkit is even imported.
    delete Crypto.prototype.subtle;
  }
  const otp = await import('otpkit');
  log(`otpkit: ${import.meta.resolve('otpkit')}`);
  if (mode === 'bench') {
    const { runBench } = await import('/bench/portable.mjs');
    await report({ bench: await runBench({ otp }) });
  } else {
    await report({ result: await runSuite(otp) });
  }
} catch (error) {
  await report({ error: `the page failed: ${error?.stack ?? error}` });
}

/** The conformance suite (?mode=suite) or the no-WebCrypto cases (the other modes): the result. */
async function runSuite(otp) {
  const { runConformance, runCases, unavailableCases } = await import('/suite/index.js');
  if (mode === 'suite') {
    const qr = await import('otpkit/qr');
    log(`otpkit/qr: ${import.meta.resolve('otpkit/qr')}`);
    const { default: vectors } = await import('/vectors.js');
    return runConformance({ otp, qr, vectors, label, log, verbose: false });
  }
  const cases = unavailableCases({ otp });
  if (mode === 'insecure') {
    cases.unshift({
      name: 'no-webcrypto: the page is on a non-secure origin',
      run: () => {
        if (isSecureContext !== false) throw new Error(`isSecureContext is ${isSecureContext}`);
      },
    });
  }
  return runCases(cases, { label: `${label}-${mode}`, log });
}
