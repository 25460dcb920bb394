// lake_read.mjs - an independent reader of affluent lake tables, for tests.
//
// Usage: node tests/interop/lake_read.mjs glob|log TABLE_DIR COLUMNS [VERSION]
//
//   glob  DuckDB reads every Parquet file under TABLE_DIR with hive
//         partitioning (what a user pointing DuckDB at the folder sees);
//   log   this script replays the Delta log itself - the newest checkpoint
//         at or before VERSION (read by DuckDB, as a Parquet file) and the
//         JSON commits after it - and DuckDB reads exactly the live files.
//
// COLUMNS is "a,b,c"; rows are printed as CSV lines (values as DuckDB prints
// them, NULL as empty), sorted, so a shell test can compare them with
// `affluent lake cat` output sorted the same way. It shares no code with
// affluent: a disagreement means one of the two readers is wrong.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { connect, sqlString } from './duckdb.mjs';

const [mode, dir, columns, versionArg] = process.argv.slice(2);
if (!mode || !dir || !columns) {
  console.error('usage: lake_read.mjs glob|log TABLE_DIR COLUMNS [VERSION]');
  process.exit(2);
}
const cols = columns.split(',').map((c) => `"${c}"`).join(', ');
const { conn } = await connect();

async function rows(sql) {
  const r = await conn.runAndReadAll(sql);
  return r.getRowsJson();
}

// The live file paths (relative, decoded) at a version, from the log alone.
async function liveFiles(version) {
  const log = join(dir, '_delta_log');
  const names = readdirSync(log);
  const commits = names.filter((n) => /^\d{20}\.json$/.test(n)).map((n) => Number(n.slice(0, 20)));
  const latest = Math.max(...commits);
  const target = version === undefined ? latest : Number(version);
  const checkpoints = names
    .filter((n) => /^\d{20}\.checkpoint\.parquet$/.test(n))
    .map((n) => Number(n.slice(0, 20)))
    .filter((v) => v <= target);
  const live = new Map();
  let from = 0;
  if (checkpoints.length) {
    const cp = Math.max(...checkpoints);
    const file = join(log, `${String(cp).padStart(20, '0')}.checkpoint.parquet`);
    for (const [p] of await rows(
      `SELECT add.path FROM read_parquet(${sqlString(file)}) WHERE add IS NOT NULL`)) {
      live.set(p, true);
    }
    from = cp + 1;
  }
  for (let v = from; v <= target; v++) {
    const text = readFileSync(join(log, `${String(v).padStart(20, '0')}.json`), 'utf8');
    const actions = text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    for (const a of actions) if (a.remove) live.delete(a.remove.path);
    for (const a of actions) if (a.add) live.set(a.add.path, true);
  }
  return [...live.keys()].map((p) => decodeURIComponent(p));
}

let sql;
if (mode === 'glob') {
  sql = `SELECT ${cols} FROM read_parquet(${sqlString(join(dir, '**', '*.parquet'))}, hive_partitioning = true)`;
} else if (mode === 'log') {
  const files = (await liveFiles(versionArg)).map((p) => join(dir, p));
  if (!files.length) process.exit(0);
  const list = files.map(sqlString).join(', ');
  sql = `SELECT ${cols} FROM read_parquet([${list}], hive_partitioning = true, union_by_name = true)`;
} else {
  console.error(`unknown mode ${mode}`);
  process.exit(2);
}
if (!existsSync(dir)) {
  console.error(`no table at ${dir}`);
  process.exit(1);
}
const out = (await rows(sql)).map((r) => r.map((v) => (v === null ? '' : String(v))).join(','));
out.sort();
for (const line of out) console.log(line);
