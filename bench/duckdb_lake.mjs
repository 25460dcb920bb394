// duckdb_lake.mjs - the DuckDB side of bench/lake.sh.
//
// Usage: node bench/duckdb_lake.mjs IN.csv OUT_DIR [PARTITION_COLUMNS]
//   COPY (SELECT * FROM read_csv('IN')) TO 'OUT_DIR/data.parquet'
//        (FORMAT parquet, COMPRESSION zstd)                      without columns
//   COPY (SELECT * FROM read_csv('IN')) TO 'OUT_DIR'
//        (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (COLS))  with "a,b";
//   the column `month` is derived as month(ordered_at), like affluent's
//   partition_by entry month=ordered_at:month
// then writes OUT_DIR.done (the file bench/lib.sh's bench_time waits for) and
// prints one JSON line: {"duckdb_version", "rows", "copy_s"}.
// @duckdb/node-api is resolved from bench/.node (bench/lib.sh installs it).
import { createRequire } from 'node:module';
import { writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '.node', 'package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

const [input, outDir, columns] = process.argv.slice(2);
if (!input || !outDir) {
  console.error('usage: node duckdb_lake.mjs IN.csv OUT_DIR [PARTITION_COLUMNS]');
  process.exit(2);
}
const q = (s) => `'${s.replaceAll("'", "''")}'`;
const db = await DuckDBInstance.create(':memory:');
const conn = await db.connect();
const version = (await conn.runAndReadAll('SELECT version()')).getRows()[0][0];
const t0 = performance.now();
let sql;
if (columns) {
  const cols = columns.split(',');
  const derived = cols.includes('month') ? ', month(ordered_at) AS month' : '';
  sql = `COPY (SELECT *${derived} FROM read_csv(${q(input)})) TO ${q(outDir)} ` +
    `(FORMAT parquet, COMPRESSION zstd, PARTITION_BY (${cols.map((c) => `"${c}"`).join(', ')}))`;
} else {
  mkdirSync(outDir, { recursive: true });
  sql = `COPY (SELECT * FROM read_csv(${q(input)})) TO ${q(join(outDir, 'data.parquet'))} ` +
    '(FORMAT parquet, COMPRESSION zstd)';
}
const r = await conn.runAndReadAll(sql);
const copyS = (performance.now() - t0) / 1000;
writeFileSync(`${outDir}.done`, 'ok\n');
console.log(JSON.stringify({ duckdb_version: version, rows: Number(r.getRows()[0]?.[0] ?? -1), copy_s: copyS }));
