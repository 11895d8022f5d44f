// The e2e run's own PostgreSQL database, made fresh for each run and dropped after it, through Bun's
// built-in SQL client (the runner's host Node has no PostgreSQL client and needs none):
//
//   bun --no-install test/e2e/database-admin.mjs create|drop <server url> <name>
//
// Databases of earlier runs that were killed before their teardown (named otpkit_e2e_<start time in
// base 36>...) are dropped by `create` once they are an hour old.
import { SQL } from 'bun';

const PREFIX = 'otpkit_e2e_';
const [command, url, name] = process.argv.slice(2);
if (!['create', 'drop'].includes(command) || !url || !/^otpkit_e2e_[a-z0-9_]{1,40}$/.test(name)) {
  console.error(
    'usage: bun test/e2e/database-admin.mjs create|drop <postgres url> otpkit_e2e_<id>',
  );
  process.exit(2);
}

const admin = new SQL({ url, max: 1 });
try {
  if (command === 'create') {
    const stale = await admin.unsafe(
      `SELECT datname FROM pg_database WHERE datname LIKE '${PREFIX}%'`,
    );
    for (const { datname } of stale) {
      const startedAt = parseInt(datname.slice(PREFIX.length, PREFIX.length + 8), 36);
      if (Number.isFinite(startedAt) && startedAt < Date.now() - 3_600_000) {
        await admin.unsafe(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
      }
    }
    await admin.unsafe(`CREATE DATABASE ${name}`);
    const [{ server_version: version }] = await admin.unsafe('SHOW server_version');
    console.log(`PostgreSQL ${version.split(' ')[0]}`);
  } else {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
} finally {
  await admin.close();
}
