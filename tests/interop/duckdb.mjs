// duckdb.mjs - loads @duckdb/node-api for the interop helpers.
//
// The package lives in tests/.node (scripts/setup-test-tools.sh installs it
// there, pinned to bench/'s version); AF_DUCKDB_NODE_DIR=DIR points elsewhere
// (a directory whose node_modules holds @duckdb/node-api, e.g. bench/.node).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dir = process.env.AF_DUCKDB_NODE_DIR || join(here, '..', '.node');
const require = createRequire(join(dir, 'package.json'));

let api;
try {
  api = await import(require.resolve('@duckdb/node-api'));
} catch (e) {
  console.error(`interop: cannot load @duckdb/node-api from ${dir}: ${e.message}\n` +
    'install it with: bash scripts/setup-test-tools.sh');
  process.exit(3);
}
export const duckdb = api;

export async function connect() {
  const instance = await api.DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  return { instance, conn };
}

export const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;
