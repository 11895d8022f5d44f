// `npm run fmt` / `npm run fmt:check`: deno fmt over the whole tree with the settings in deno.json
// (line width 100). The Deno binary is the one the runtime stage fetches into .ci/tools (no
// devDependency). Exit status: deno's (non-zero when --check finds a file to format).
import { spawnSync } from 'node:child_process';
import { ensureTool, ROOT } from './runtimes/tools.mjs';

const check = process.argv.includes('--check');
const { bin } = await ensureTool('deno');
const result = spawnSync(bin, ['fmt', ...(check ? ['--check'] : []), '--config', 'deno.json'], {
  cwd: ROOT,
  stdio: 'inherit',
  env: { ...process.env, DENO_NO_UPDATE_CHECK: '1', NO_COLOR: '1' },
});
process.exit(result.status ?? 1);
