// duckdb_copy.mjs - the DuckDB side of bench/run.sh's CSV -> CSV job.
//
// Usage: node bench/duckdb_copy.mjs IN.csv OUT.csv [THREADS]
//   THREADS  optional; when given, runs `SET threads=N` before the COPY
//            (default: DuckDB's own choice, one per core)
//
// Runs in one process, like `affluent convert`:
//   COPY (SELECT * FROM read_csv('IN.csv')) TO 'OUT.csv' (HEADER)
// and prints one JSON line on stdout:
//   {"duckdb_version", "threads", "rows", "copy_s", "in_process_s"}
// copy_s is the COPY statement alone; in_process_s runs from process start
// (performance.timeOrigin) to just before exit, so it includes loading node,
// the native module and opening the database. The whole-process wall time and
// peak RSS are measured outside, by /usr/bin/time -v in run.sh.
//
// @duckdb/node-api is resolved from bench/.node (run.sh installs it there).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '.node', 'package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

const [input, output, threads] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node duckdb_copy.mjs IN.csv OUT.csv [THREADS]');
  process.exit(2);
}
if (threads !== undefined && !/^[1-9][0-9]*$/.test(threads)) {
  console.error(`duckdb_copy: bad THREADS '${threads}'`);
  process.exit(2);
}

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
if (threads !== undefined) await conn.run(`SET threads=${threads}`);

const info = (await conn.runAndReadAll(
  "SELECT version() AS v, current_setting('threads')::INTEGER AS t",
)).getRowObjects()[0];

const t0 = performance.now();
const copied = await conn.runAndReadAll(
  `COPY (SELECT * FROM read_csv(${sqlString(input)})) TO ${sqlString(output)} (HEADER)`,
);
const t1 = performance.now();

// COPY returns the number of rows written (one row, one column)
const rows = Number(copied.getRows()[0][0]);

conn.closeSync();
instance.closeSync();

console.log(JSON.stringify({
  duckdb_version: String(info.v),
  threads: Number(info.t),
  rows,
  copy_s: +((t1 - t0) / 1000).toFixed(3),
  in_process_s: +(performance.now() / 1000).toFixed(3),
}));
