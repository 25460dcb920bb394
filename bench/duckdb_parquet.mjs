// duckdb_parquet.mjs - the DuckDB side of bench/parquet.sh, and its checks.
//
// Usage:
//   node bench/duckdb_parquet.mjs to-parquet IN.csv[.gz] OUT.parquet [THREADS]
//       COPY (SELECT * FROM read_csv('IN')) TO 'OUT' (FORMAT parquet, COMPRESSION zstd)
//   node bench/duckdb_parquet.mjs to-csv IN.parquet OUT.csv [THREADS]
//       COPY (SELECT * FROM read_parquet('IN')) TO 'OUT' (HEADER)
//   node bench/duckdb_parquet.mjs fingerprint FILE...
//       not timed: for each file (.parquet, or CSV read with read_csv), tab-separated
//       lines "FILE  *  ROWS" and, per column, "FILE  NAME  NON_NULL_COUNT  CHECKSUM  TYPE"
//       where CHECKSUM is a type-independent sum over the column (see below),
//       so that a Parquet file written by affluent (exact decimals, typed uuid)
//       and one written by DuckDB (doubles, varchar) can be compared.
//
// THREADS, when given, runs `SET threads=N` first (default: one per core).
// The COPY modes print one JSON line on stdout, as bench/duckdb_copy.mjs does:
//   {"duckdb_version", "threads", "rows", "copy_s", "in_process_s"}
// @duckdb/node-api is resolved from bench/.node (bench/lib.sh installs it).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '.node', 'package.json'));
const { DuckDBInstance } = await import(require.resolve('@duckdb/node-api'));

const usage = () => {
  console.error('usage: node duckdb_parquet.mjs to-parquet|to-csv IN OUT [THREADS] | fingerprint FILE...');
  process.exit(2);
};
const [mode, ...args] = process.argv.slice(2);
if (!['to-parquet', 'to-csv', 'fingerprint'].includes(mode)) usage();

const sqlString = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;

const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();

if (mode === 'fingerprint') {
  if (args.length === 0) usage();
  for (const file of args) {
    const src = file.endsWith('.parquet') ? `read_parquet(${sqlString(file)})` : `read_csv(${sqlString(file)})`;
    const cols = (await conn.runAndReadAll(`DESCRIBE SELECT * FROM ${src}`)).getRowObjects()
      .map((r) => [String(r.column_name), String(r.column_type)]);
    // checksum per column, independent of how each engine typed it:
    // numbers (int, decimal, double): exact sum as DECIMAL(38,3);
    // timestamps: sum of epoch microseconds; dates: sum of days since 1970;
    // everything else: sum of the length of its text form (uuid or varchar: 36)
    const sums = cols.map(([name, type]) => {
      const c = ident(name);
      if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|U\w*INT|FLOAT|DOUBLE|DECIMAL)/.test(type)) {
        return `sum(${c}::DECIMAL(38,3))::VARCHAR`;
      }
      if (/^TIMESTAMP/.test(type)) return `sum(epoch_us(${c}))::VARCHAR`;
      if (type === 'DATE') return `sum(${c} - DATE '1970-01-01')::VARCHAR`;
      return `sum(length(${c}::VARCHAR))::VARCHAR`;
    });
    const q = `SELECT count(*)::VARCHAR, ${cols.map(([n], i) => `count(${ident(n)})::VARCHAR, ${sums[i]}`).join(', ')} FROM ${src}`;
    const row = (await conn.runAndReadAll(q)).getRows()[0].map(String);
    console.log(`${file}\t*\t${row[0]}`);
    cols.forEach(([n, t], i) => console.log(`${file}\t${n}\t${row[1 + 2 * i]}\t${row[2 + 2 * i]}\t${t}`));
  }
} else {
  const [input, output, threads] = args;
  if (!input || !output) usage();
  if (threads !== undefined && !/^[1-9][0-9]*$/.test(threads)) {
    console.error(`duckdb_parquet: bad THREADS '${threads}'`);
    process.exit(2);
  }
  if (threads !== undefined) await conn.run(`SET threads=${threads}`);
  const info = (await conn.runAndReadAll(
    "SELECT version() AS v, current_setting('threads')::INTEGER AS t",
  )).getRowObjects()[0];
  const sql = mode === 'to-parquet'
    ? `COPY (SELECT * FROM read_csv(${sqlString(input)})) TO ${sqlString(output)} (FORMAT parquet, COMPRESSION zstd)`
    : `COPY (SELECT * FROM read_parquet(${sqlString(input)})) TO ${sqlString(output)} (HEADER)`;
  const t0 = performance.now();
  const copied = await conn.runAndReadAll(sql);
  const t1 = performance.now();
  const rows = Number(copied.getRows()[0][0]); // COPY returns the rows written
  console.log(JSON.stringify({
    duckdb_version: String(info.v),
    threads: Number(info.t),
    rows,
    copy_s: +((t1 - t0) / 1000).toFixed(3),
    in_process_s: +(performance.now() / 1000).toFixed(3),
  }));
}
conn.closeSync();
instance.closeSync();
