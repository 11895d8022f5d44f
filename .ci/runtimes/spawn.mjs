// Spawning: a runtime's process, with a timeout, in its own process group (killed whole on timeout).
import { spawn } from 'node:child_process';

const TIMEOUT_MS = 120_000;

/** Runs a process with a timeout, in its own process group (killed whole on timeout). */
export function exec(bin, args, { cwd, env, timeoutMs = TIMEOUT_MS }) {
  return new Promise((done) => {
    const child = spawn(bin, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c) => {
      stderr += c;
    });
    const timer = setTimeout(() => {
      stderr += `\n[killed after ${timeoutMs / 1000} s]`;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      done({ code: null, stdout, stderr: `${stderr}\n${error.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ code: code ?? (signal ? 128 : null), stdout, stderr });
    });
  });
}
