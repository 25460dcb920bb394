// write_samples.mjs - DuckDB writes the Parquet files affluent must read.
//
// Usage: node tests/interop/write_samples.mjs OUTDIR
//
// One table of 5000 rows covering DuckDB's Parquet-writable types, with nulls
// in every column, edge values (integer extremes, NaN, +-inf, -0, subnormals,
// dates and timestamps before 1970 and far ahead, empty strings and lists,
// unicode, NUL bytes), a low-cardinality column (dictionary encoded) next to
// high-cardinality ones, written once per codec (uncompressed, snappy, gzip,
// zstd, lz4_raw, brotli) and Parquet writer version (V1: PLAIN/dictionary, v1
// data pages; V2: DELTA_*/BYTE_STREAM_SPLIT encodings, v2 data pages), with
// small row groups (2048 rows) so every file has three. Files:
// OUTDIR/duckdb_<codec>_<v1|v2>.parquet. Prints the file names.
import { connect, sqlString } from './duckdb.mjs';

const out = process.argv[2];
if (!out) {
  console.error('usage: node write_samples.mjs OUTDIR');
  process.exit(2);
}

// rows where i % 101 == k hold edge values; i % 13 == 0 is null (shifted per column)
const nul = (k, expr) => `CASE WHEN (i + ${k}) % 13 = 0 THEN NULL ELSE ${expr} END`;
const edge = (cases, otherwise) =>
  `CASE ${cases.map(([k, v]) => `WHEN i % 101 = ${k} THEN ${v}`).join(' ')} ELSE ${otherwise} END`;

const columns = [
  ['id', 'i::INTEGER'],
  ['i8', nul(1, edge([[1, '-128'], [2, '127'], [3, '0']], '((i * 37) % 256 - 128)') + '::TINYINT')],
  ['u8', nul(2, edge([[1, '0'], [2, '255']], '(i * 7) % 256') + '::UTINYINT')],
  ['i16', nul(3, edge([[1, '-32768'], [2, '32767']], '((i * 1237) % 65536 - 32768)') + '::SMALLINT')],
  ['u16', nul(4, edge([[1, '0'], [2, '65535']], '(i * 997) % 65536') + '::USMALLINT')],
  ['i32', nul(5, edge([[1, '-2147483648'], [2, '2147483647']], '((i * 7919) * (CASE WHEN i % 2 = 0 THEN 1 ELSE -1 END))') + '::INTEGER')],
  ['u32', nul(6, edge([[1, '0'], [2, '4294967295'], [3, '2147483648']], '(i * 104729)') + '::UINTEGER')],
  ['i64', nul(7, edge([[1, '(-9223372036854775807 - 1)'], [2, '9223372036854775807']], '(i::BIGINT * 1000000007 * (CASE WHEN i % 3 = 0 THEN -1 ELSE 1 END))') + '::BIGINT')],
  ['u64', nul(8, edge([[1, '0'], [2, '18446744073709551615'], [3, '9223372036854775808']], '(i::UBIGINT * 3000000019)') + '::UBIGINT')],
  ['f32', nul(9, edge([[1, "'nan'"], [2, "'inf'"], [3, "'-inf'"], [4, "'-0.0'"], [5, "'1e-45'"], [6, "'3.4028235e38'"], [7, "'-1.17549435e-38'"]],
    '(i / 7.0 - 200)') + '::FLOAT')],
  ['f64', nul(10, edge([[1, "'nan'"], [2, "'inf'"], [3, "'-inf'"], [4, "'-0.0'"], [5, "'5e-324'"], [6, "'1.7976931348623157e308'"], [7, '0.1::DOUBLE + 0.2::DOUBLE']],
    '(i / 3.0 - 500)') + '::DOUBLE')],
  ['dec4_1', nul(11, edge([[1, "'-999.9'::DECIMAL(4,1)"], [2, "'999.9'::DECIMAL(4,1)"]], '(((i % 19999) - 9999) / 10)::DECIMAL(4,1)'))],
  ['dec9_2', nul(12, edge([[1, "'-9999999.99'::DECIMAL(9,2)"], [2, "'9999999.99'::DECIMAL(9,2)"], [3, "'0.01'::DECIMAL(9,2)"]],
    '((i * 12345 - 1000000) / 100)::DECIMAL(9,2)'))],
  ['dec18_6', nul(0, edge([[1, "'-999999999999.999999'::DECIMAL(18,6)"], [2, "'999999999999.999999'::DECIMAL(18,6)"]],
    '((i * 1234567 - 99999)::DECIMAL(18,0) / 1000000)::DECIMAL(18,6)'))],
  ['dec38_10', nul(1, edge([[1, "'-9999999999999999999999999999.9999999999'::DECIMAL(38,10)"], [2, "'9999999999999999999999999999.9999999999'::DECIMAL(38,10)"]],
    "((i::VARCHAR || '98765432109876543210.0123456789')::DECIMAL(38,10) * (CASE WHEN i % 2 = 0 THEN -1 ELSE 1 END))::DECIMAL(38,10)"))],
  ['s', nul(2, edge([[1, "''"], [2, "'héllo wörld ☃ 😀 日本語'"], [3, "'quote \" backslash \\\\ tab \t newline \n cr \r end'"], [4, "chr(1) || 'ctl' || chr(31)"], [5, "repeat('long ', 2000)"]],
    "'value ' || i::VARCHAR"))],
  ['lowcard', nul(3, "(['red', 'green', 'blue', 'cyan', 'magenta'])[i % 5 + 1]")],
  ['b', nul(4, edge([[1, "''::BLOB"], [2, "'\\x00\\x00\\xFF\\x80'::BLOB"]], "('blob' || i::VARCHAR)::BLOB") + '::BLOB')],
  ['d', nul(5, edge([[1, "DATE '0001-01-01'"], [2, "DATE '9999-12-31'"], [3, "DATE '1969-12-31'"], [4, "DATE '1900-03-01'"], [5, "DATE '2000-02-29'"]],
    "DATE '1970-01-01' + (i * 37 - 20000)::INTEGER") + '::DATE')],
  ['t', nul(6, edge([[1, "TIME '00:00:00'"], [2, "TIME '23:59:59.999999'"]], "TIME '00:00:00' + to_microseconds((i::BIGINT * 28800017) % 86400000000)") + '::TIME')],
  ['ts', nul(7, edge([[1, "TIMESTAMP '1900-01-01 00:00:00.000001'"], [2, "TIMESTAMP '2262-04-11 23:47:16.854775'"], [3, "TIMESTAMP '1969-12-31 23:59:59.999999'"]],
    "TIMESTAMP '1970-01-01' + to_microseconds(i::BIGINT * 987654321987 - 1000000000000000)") + '::TIMESTAMP')],
  ['ts_s', nul(8, "make_timestamp(i::BIGINT * 1000003 * 1000000 - 1000000000000000)::TIMESTAMP_S")],
  ['ts_ms', nul(9, "make_timestamp(i::BIGINT * 1000003007 * 1000 - 100000000000000)::TIMESTAMP_MS")],
  ['ts_ns', nul(10, edge([[1, "'1677-09-22 00:00:00.000000001'::TIMESTAMP_NS"], [2, "'2262-04-11 23:47:16.854775806'::TIMESTAMP_NS"]],
    "make_timestamp_ns(i::BIGINT * 1000003007123 - 100000000000000)") + '::TIMESTAMP_NS')],
  ['tstz', nul(11, "make_timestamp(i::BIGINT * 987654321987 + 1)::TIMESTAMPTZ")],
  ['u', nul(12, edge([[1, "'00000000-0000-0000-0000-000000000000'::UUID"], [2, "'ffffffff-ffff-ffff-ffff-ffffffffffff'::UUID"]],
    "md5(i::VARCHAR)::UUID"))],
  ['bo', nul(0, 'i % 3 = 1')],
  ['l', nul(1, edge([[1, '[]::INTEGER[]'], [2, '[NULL]::INTEGER[]']], '[i, NULL, -i, i * 2][1:(i % 4 + 1)]'))],
  ['ls', nul(2, "CASE WHEN i % 5 = 0 THEN []::VARCHAR[] ELSE ['a' || i::VARCHAR, NULL, 'ü'] END")],
  ['ll', nul(3, "CASE WHEN i % 7 = 0 THEN [[]::INTEGER[], NULL, [1]] ELSE [[i], [i + 1, NULL]] END")],
  ['st', nul(4, "{'a': CASE WHEN i % 6 = 0 THEN NULL ELSE i END, 'b': CASE WHEN i % 5 = 0 THEN NULL ELSE 'x' || i::VARCHAR END}")],
  ['nested', nul(5, "{'x': CASE WHEN i % 4 = 0 THEN NULL ELSE [i, i + 1] END, 'y': {'z': i / 4.0, 'w': make_date(2000, 1, 1) + i::INTEGER}}")],
  ['ls_st', nul(6, "[{'k': i, 'v': 'a'}, {'k': NULL, 'v': NULL}][1:(i % 3)]")],
  ['m', nul(7, "CASE WHEN i % 9 = 0 THEN MAP {}::MAP(VARCHAR, INTEGER) ELSE MAP {'k' || i::VARCHAR: i, 'null': NULL} END")],
  ['m_int', nul(8, "MAP {i: 'v' || i::VARCHAR, -i - 1: NULL}")],
];

const codecs = ['uncompressed', 'snappy', 'gzip', 'zstd', 'lz4_raw', 'brotli'];
const versions = ['V1', 'V2'];
const { instance, conn } = await connect();
await conn.run(`CREATE TABLE samples AS SELECT ${columns.map(([n, e]) => `${e} AS ${n}`).join(', ')} FROM range(0, 5000) t(i) ORDER BY i`);
for (const codec of codecs) {
  for (const v of versions) {
    const file = `${out}/duckdb_${codec}_${v.toLowerCase()}.parquet`;
    await conn.run(`COPY (SELECT * FROM samples ORDER BY id) TO ${sqlString(file)} ` +
      `(FORMAT parquet, COMPRESSION ${codec}, PARQUET_VERSION ${v}, ROW_GROUP_SIZE 2048)`);
    console.log(file);
  }
}
conn.closeSync();
instance.closeSync();
