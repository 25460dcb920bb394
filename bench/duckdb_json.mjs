// duckdb_json.mjs - the DuckDB side of bench/json.sh.
//
// Usage:
//   node bench/duckdb_json.mjs to-parquet IN.ndjson OUT.parquet [THREADS]
//       COPY (SELECT * FROM read_json('IN', format = 'newline_delimited'))
//         TO 'OUT' (FORMAT parquet, COMPRESSION zstd)
//   node bench/duckdb_json.mjs count FILE.parquet
//       not timed: prints "ROWS<TAB>SUM(id)<TAB>SUM(qty)<TAB>COUNT(tags)" to check outputs.
// The COPY mode prints {"duckdb_version", "threads", "rows", "copy_s"} on stdout.
// @duckdb/node-api is resolved from bench/.node (bench/lib.sh installs it).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '.node', 'package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const [mode, input, output, threads] = process.argv.slice(2);
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
if (mode === 'count') {
  const r = (await conn.runAndReadAll(
    `SELECT count(*)::VARCHAR, sum(id)::VARCHAR, sum(qty)::VARCHAR, sum(len(tags))::VARCHAR FROM read_parquet(${q(input)})`,
  )).getRows()[0].map(String);
  console.log(r.join('\t'));
} else if (mode === 'to-parquet') {
  if (threads !== undefined) await conn.run(`SET threads=${Number(threads)}`);
  const info = (await conn.runAndReadAll(
    "SELECT version() AS v, current_setting('threads')::INTEGER AS t")).getRowObjects()[0];
  const t0 = performance.now();
  const res = await conn.runAndReadAll(
    `COPY (SELECT * FROM read_json(${q(input)}, format = 'newline_delimited')) TO ${q(output)} (FORMAT parquet, COMPRESSION zstd)`);
  const t1 = performance.now();
  console.log(JSON.stringify({
    duckdb_version: String(info.v), threads: Number(info.t),
    rows: Number(res.getRows()[0][0]), copy_s: +((t1 - t0) / 1000).toFixed(3),
  }));
} else {
  console.error('usage: node duckdb_json.mjs to-parquet IN OUT [THREADS] | count FILE.parquet');
  process.exit(2);
}
conn.closeSync();
instance.closeSync();
