// What a worker (or an in-process client of the memory backend) does when the barrier opens: every
// token verified at once, and a tally of the answers. A throw is counted apart: it is never a success,
// and the suite fails a phase that has any.

export const fromHex = (hex) => Uint8Array.from(hex.match(/../g) ?? [], (b) => parseInt(b, 16));
export const toHex = (bytes) => [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');

/** Starts one verify per token, all before the first is awaited, and tallies the answers. */
export function runCalls(twoFactor, userId, tokens) {
  const started = Date.now();
  return Promise.allSettled(tokens.map((token) => twoFactor.verify({ userId, token }))).then(
    (settled) => tally(settled, Date.now() - started),
  );
}

function tally(settled, ms) {
  const result = {
    calls: settled.length,
    ok: 0,
    methods: {},
    reasons: {},
    errors: 0,
    error: null,
    ms,
  };
  for (const s of settled) {
    if (s.status === 'rejected') {
      result.errors++;
      result.error ??= String(s.reason?.stack ?? s.reason);
    } else if (s.value?.ok === true) {
      result.ok++;
      result.methods[s.value.method] = (result.methods[s.value.method] ?? 0) + 1;
    } else {
      const reason = s.value?.reason ?? 'no answer';
      result.reasons[reason] = (result.reasons[reason] ?? 0) + 1;
    }
  }
  return result;
}
