// compare.mjs - DuckDB and affluent read the same Parquet files; every value must agree.
//
// Usage: node tests/interop/compare.mjs AFFLUENT FILE.parquet...
//
// For each FILE: DuckDB reads it (`SELECT * FROM read_parquet(FILE)`, file order)
// and affluent prints it (`AFFLUENT parquet cat FILE --format ndjson`); the row
// counts, the column names (in order) and every value of every row must be equal.
// Prints one line per file, "OK<TAB>FILE<TAB>ROWS rows x COLS columns" or
// "FAIL<TAB>FILE<TAB>what differs" (the first mismatches, with row, column and
// both values), and exits 1 if any file failed.
//
// Values are compared exactly, after a normalisation of *representation* only,
// driven by the type DuckDB reports for the column:
//   integers of any width   as exact integers (affluent's JSON number text, read
//                           without going through a double, vs DuckDB's number/bigint)
//   FLOAT / DOUBLE          as the same IEEE value: affluent's shortest text parsed and,
//                           for FLOAT, rounded to single precision, must equal DuckDB's
//                           value bit for bit (-0 differs from 0); NaN and +-infinity
//                           must appear as NaN / Infinity (JSON strings "NaN", "Infinity",
//                           "-Infinity", "inf", "-inf" are accepted as spellings; null is not)
//   DECIMAL                 as exact decimal numbers (trailing fraction zeros ignored)
//   VARCHAR / ENUM          identical strings; UUID: lower-case text
//   BLOB                    same bytes (affluent prints base64)
//   DATE                    same day (affluent "YYYY-MM-DD")
//   TIME / TIME_NS / TIMETZ same time of day in nanoseconds (TIMETZ shifted to UTC,
//                           which is what Parquet stores)
//   TIMESTAMP_S/MS/(US)/NS  same instant in nanoseconds since the epoch, and the
//                           same zone flag: TIMESTAMP WITH TIME ZONE must print with a
//                           trailing "Z", naive timestamps without
//   LIST / ARRAY            same length, element-wise
//   STRUCT                  same field names in the same order, field-wise
//   MAP                     same entries in the same order; affluent prints a map as a
//                           JSON object, so keys are compared as their text (binary
//                           keys as hex, affluent's text form of binary)
//                           (or as [{"key","value"}] entries, also accepted)
//   json fields             (affluent type json, from `parquet inspect --json`, at any
//                           depth): DuckDB
//                           shows the stored text, affluent embeds the value; both are
//                           parsed and compared as JSON values (numbers as exact
//                           decimals, key order kept). A JSON `null` value and an SQL
//                           NULL print alike in NDJSON, so they compare equal here.
import { execFileSync } from 'node:child_process';
import { connect, duckdb, sqlString } from './duckdb.mjs';

const { DuckDBTypeId: T } = duckdb;
const [affluent, ...files] = process.argv.slice(2);
if (!affluent || files.length === 0) {
  console.error('usage: node compare.mjs AFFLUENT FILE.parquet...');
  process.exit(2);
}

// ---- JSON parser keeping number literals as text (no double rounding)
class Num { constructor(text) { this.text = text; } }
function parseJson(s) {
  let i = 0;
  const ws = () => { while (i < s.length && ' \t\r\n'.includes(s[i])) i++; };
  const fail = (m) => { throw new Error(`bad JSON at ${i}: ${m}`); };
  function value() {
    ws();
    const c = s[i];
    if (c === '{') {
      i++; const o = new Map(); ws();
      if (s[i] === '}') { i++; return o; }
      for (;;) {
        ws(); if (s[i] !== '"') fail('key');
        const k = str(); ws(); if (s[i++] !== ':') fail(':');
        if (o.has(k)) fail(`duplicate key ${k}`);
        o.set(k, value()); ws();
        if (s[i] === ',') { i++; continue; }
        if (s[i] === '}') { i++; return o; }
        fail('} or ,');
      }
    }
    if (c === '[') {
      i++; const a = []; ws();
      if (s[i] === ']') { i++; return a; }
      for (;;) {
        a.push(value()); ws();
        if (s[i] === ',') { i++; continue; }
        if (s[i] === ']') { i++; return a; }
        fail('] or ,');
      }
    }
    if (c === '"') return str();
    for (const [lit, v] of [['true', true], ['false', false], ['null', null]]) {
      if (s.startsWith(lit, i)) { i += lit.length; return v; }
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(s.slice(i, i + 400));
    if (!m) fail('value');
    i += m[0].length;
    return new Num(m[0]);
  }
  function str() {
    const start = i; i++;
    while (i < s.length && s[i] !== '"') i += s[i] === '\\' ? 2 : 1;
    if (i >= s.length) fail('unterminated string');
    i++;
    return JSON.parse(s.slice(start, i));
  }
  const v = value(); ws();
  if (i !== s.length) fail('trailing text');
  return v;
}

// ---- exact numbers
// decimal text (optionally with exponent) -> canonical "[-]int[.frac]" without
// leading/trailing zeros
function canonDecimalText(text) {
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/.exec(text);
  if (!m) return `bad-number:${text}`;
  let digits = m[2] + (m[3] || '');
  let point = m[2].length + Number(m[4] || 0);
  if (point < 0) { digits = '0'.repeat(-point) + digits; point = 0; }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  let int = digits.slice(0, point).replace(/^0+/, '') || '0';
  const frac = digits.slice(point).replace(/0+$/, '');
  const neg = m[1] === '-' && (int !== '0' || frac !== '');
  return `${neg ? '-' : ''}${int}${frac ? '.' + frac : ''}`;
}
function decimalOf(value, scale) {
  const neg = value < 0n;
  let d = (neg ? -value : value).toString().padStart(scale + 1, '0');
  const t = scale ? `${d.slice(0, d.length - scale)}.${d.slice(d.length - scale)}` : d;
  return canonDecimalText((neg ? '-' : '') + t);
}
function floatText(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (Object.is(x, -0)) return '-0';
  return String(x); // shortest round-trip text of the double; Infinity / -Infinity
}

// ---- calendar (proleptic Gregorian, exact in BigInt)
function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1n : 0n;
  const era = (y >= 0n ? y : y - 399n) / 400n;
  const yoe = y - era * 400n;
  const mp = m > 2n ? m - 3n : m + 9n;
  const doy = (153n * mp + 2n) / 5n + d - 1n;
  const doe = yoe * 365n + yoe / 4n - yoe / 100n + doy;
  return era * 146097n + doe - 719468n;
}
const NS_DAY = 86400n * 1000000000n;
function fracNanos(f) { return f ? BigInt((f + '000000000').slice(0, 9)) : 0n; }
function parseTimeNs(s) {
  const m = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.([0-9]{1,9}))?$/.exec(s);
  if (!m) return null;
  return ((BigInt(m[1]) * 60n + BigInt(m[2])) * 60n + BigInt(m[3])) * 1000000000n + fracNanos(m[4]);
}
function parseDateDays(s) {
  const m = /^(-?[0-9]{4,})-([0-9]{2})-([0-9]{2})$/.exec(s);
  return m ? daysFromCivil(BigInt(m[1]), BigInt(m[2]), BigInt(m[3])) : null;
}

// ---- canonical forms: DuckDB side
const INTS = new Set([T.TINYINT, T.SMALLINT, T.INTEGER, T.BIGINT, T.UTINYINT, T.USMALLINT,
  T.UINTEGER, T.UBIGINT, T.HUGEINT, T.UHUGEINT]);
function canonDuck(type, v, af) {
  if (af && af.type === 'json') return canonJsonText(v);
  if (v === null || v === undefined) return null;
  const id = type.typeId;
  if (id === T.BOOLEAN) return v;
  if (INTS.has(id)) return `i:${BigInt(v)}`;
  if (id === T.FLOAT || id === T.DOUBLE) return `f:${floatText(v)}`;
  if (id === T.DECIMAL) return `n:${decimalOf(v.value, v.scale)}`;
  if (id === T.VARCHAR || id === T.ENUM) return `s:${String(v)}`;
  if (id === T.UUID) return `u:${v.toString().toLowerCase()}`;
  if (id === T.BLOB) return `x:${Buffer.from(v.bytes).toString('hex')}`;
  if (id === T.DATE) return `d:${v.days}`;
  if (id === T.TIME) return `t:${v.micros * 1000n}`;
  if (id === T.TIME_NS) return `t:${v.nanos}`;
  if (id === T.TIME_TZ) return `t:${((((v.micros - BigInt(v.offset) * 1000000n) * 1000n) % NS_DAY) + NS_DAY) % NS_DAY}`;
  if (id === T.TIMESTAMP) return `ts:${v.micros * 1000n}`;
  if (id === T.TIMESTAMP_S) return `ts:${v.seconds * 1000000000n}`;
  if (id === T.TIMESTAMP_MS) return `ts:${v.millis * 1000000n}`;
  if (id === T.TIMESTAMP_NS) return `ts:${v.nanos}`;
  if (id === T.TIMESTAMP_TZ) return `tsZ:${v.micros * 1000n}`;
  if (id === T.LIST || id === T.ARRAY) return v.items.map((x) => canonDuck(type.valueType, x, itemOf(af)));
  if (id === T.STRUCT) return type.entryNames.map((n, k) => [n, canonDuck(type.entryTypes[k], v.entries[n], childOf(af, n))]);
  if (id === T.MAP) return v.entries.map((e) => [canonDuck(type.keyType, e.key, keyAf(af)), canonDuck(type.valueType, e.value, valueAf(af))]);
  return `unsupported DuckDB type ${type.toString()}`;
}

// ---- canonical forms: affluent side (parsed NDJSON), same shapes
// map keys print as JSON object keys (text); these key types are numbers
const NUMERIC_KEYS = new Set([...INTS, T.FLOAT, T.DOUBLE, T.DECIMAL]);
function canonAf(type, j, af) {
  if (af && af.type === 'json') return canonJson(j);
  if (j === null) return null;
  const id = type.typeId;
  const bad = () => `unexpected ${j instanceof Num ? j.text : JSON.stringify(j instanceof Map ? Object.fromEntries(j) : j)}`;
  if (id === T.BOOLEAN) return typeof j === 'boolean' ? j : bad();
  if (INTS.has(id)) return j instanceof Num && /^-?[0-9]+$/.test(j.text) ? `i:${BigInt(j.text)}` : bad();
  if (id === T.FLOAT || id === T.DOUBLE) {
    let x;
    if (j instanceof Num) x = Number(j.text);
    else if (typeof j === 'string' && /^(NaN|[+-]?(Infinity|inf))$/.test(j)) x = Number(j.replace('inf', 'Infinity'));
    else return bad();
    return `f:${floatText(id === T.FLOAT ? Math.fround(x) : x)}`;
  }
  if (id === T.DECIMAL) return j instanceof Num ? `n:${canonDecimalText(j.text)}` : bad();
  if (id === T.VARCHAR || id === T.ENUM) return typeof j === 'string' ? `s:${j}` : bad();
  if (id === T.UUID) return typeof j === 'string' ? `u:${j.toLowerCase()}` : bad();
  if (id === T.BLOB) {
    if (typeof j !== 'string') return bad();
    const b = Buffer.from(j, 'base64');
    return b.toString('base64') === j ? `x:${b.toString('hex')}` : `bad base64 ${j}`;
  }
  if (id === T.DATE) { const d = typeof j === 'string' ? parseDateDays(j) : null; return d === null ? bad() : `d:${d}`; }
  if (id === T.TIME || id === T.TIME_NS || id === T.TIME_TZ) {
    const t = typeof j === 'string' ? parseTimeNs(j.replace(/(Z|[+-]00(:?00)?)$/, '')) : null;
    return t === null ? bad() : `t:${t}`;
  }
  if ([T.TIMESTAMP, T.TIMESTAMP_S, T.TIMESTAMP_MS, T.TIMESTAMP_NS, T.TIMESTAMP_TZ].includes(id)) {
    const m = typeof j === 'string' && /^(-?[0-9]{4,}-[0-9]{2}-[0-9]{2})[T ]([0-9:.]+)(Z?)$/.exec(j);
    const d = m && parseDateDays(m[1]), t = m && parseTimeNs(m[2]);
    if (d === null || t === null || !m) return bad();
    return `ts${m[3]}:${d * NS_DAY + t}`;
  }
  if (id === T.LIST || id === T.ARRAY) return Array.isArray(j) ? j.map((x) => canonAf(type.valueType, x, itemOf(af))) : bad();
  if (id === T.STRUCT) return j instanceof Map ? [...j].map(([n, x], k) => [n, type.entryTypes[k] ? canonAf(type.entryTypes[k], x, childOf(af, n)) : 'extra field']) : bad();
  if (id === T.MAP) {
    let entries;
    if (j instanceof Map) {
      entries = [...j].map(([k, x]) => [type.keyType.typeId === T.VARCHAR || type.keyType.typeId === T.ENUM ? k
        : (NUMERIC_KEYS.has(type.keyType.typeId) ? new Num(k) : k), x]);
    } else if (Array.isArray(j) && j.every((e) => e instanceof Map && e.has('key'))) {
      entries = j.map((e) => [e.get('key'), e.get('value') ?? null]);
    } else return bad();
    // object keys are affluent's text form, which writes binary as hex
    // (and json as its JSON text)
    const keyOf = (k) => {
      if (j instanceof Map && keyAf(af) && keyAf(af).type === 'json') return canonJsonText(k);
      if (j instanceof Map && type.keyType.typeId === T.BLOB && typeof k === 'string') return `x:${k.toLowerCase()}`;
      return canonAf(type.keyType, k, keyAf(af));
    };
    return entries.map(([k, x]) => [keyOf(k), canonAf(type.valueType, x, valueAf(af))]);
  }
  return `unsupported DuckDB type ${type.toString()}`;
}

const show = (c) => JSON.stringify(c);
const { instance, conn } = await connect();
// affluent's schema of the file: json fields (top level or inside structs)
// are compared as JSON values on both sides.
function affluentFields(file) {
  const out = execFileSync(affluent, ['parquet', 'inspect', '--json', file],
    { maxBuffer: 1 << 28, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out).schema;
}
function canonJson(j) {
  if (j === null || j === undefined) return 'null';
  if (j instanceof Num) return `n:${canonDecimalText(j.text)}`;
  if (typeof j === 'string') return JSON.stringify(j);
  if (typeof j === 'boolean') return String(j);
  if (Array.isArray(j)) return `[${j.map(canonJson).join(',')}]`;
  if (j instanceof Map) return `{${[...j].map(([k, v]) => `${JSON.stringify(k)}:${canonJson(v)}`).join(',')}}`;
  return `unexpected ${String(j)}`;
}
function canonJsonText(v) {
  if (v === null || v === undefined) return 'null';
  try { return canonJson(parseJson(String(v))); } catch (e) { return `not JSON: ${String(v)}`; }
}
const childOf = (af, name) => (af && af.children || []).find((f) => f.name === name);
const itemOf = (af) => (af && af.children ? af.children[0] : undefined);
const keyAf = (af) => childOf(itemOf(af), 'key');
const valueAf = (af) => childOf(itemOf(af), 'value');

let failures = 0;
for (const file of files) {
  const problems = [];
  let nrows = 0, ncols = 0;
  try {
    const reader = await conn.runAndReadAll(`SELECT * FROM read_parquet(${sqlString(file)})`);
    const names = reader.columnNames(), types = reader.columnTypes(), rows = reader.getRows();
    nrows = rows.length; ncols = names.length;
    let text;
    try {
      text = execFileSync(affluent, ['parquet', 'cat', file, '--format', 'ndjson'],
        { maxBuffer: 1 << 30, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (e) {
      throw new Error(`affluent parquet cat failed (exit ${e.status}): ${String(e.stderr).trim()}`);
    }
    const afSchema = affluentFields(file);
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    if (lines.length !== rows.length) problems.push(`rows: DuckDB ${rows.length}, affluent ${lines.length}`);
    const mismatch = new Map(); // column -> count
    for (let r = 0; r < Math.min(lines.length, rows.length); r++) {
      const obj = parseJson(lines[r]);
      const keys = [...obj.keys()];
      if (keys.join('\u0000') !== names.join('\u0000')) {
        problems.push(`row ${r}: columns: DuckDB [${names}], affluent [${keys}]`);
        break;
      }
      for (let c = 0; c < names.length; c++) {
        const af = afSchema.find((f) => f.name === names[c]);
        const a = show(canonDuck(types[c], rows[r][c], af));
        const b = show(canonAf(types[c], obj.get(names[c]), af));
        if (a !== b) {
          const n = (mismatch.get(names[c]) || 0) + 1;
          mismatch.set(names[c], n);
          if (n <= 2) problems.push(`row ${r} column ${names[c]} (${types[c].toString()}): DuckDB ${a.slice(0, 200)}, affluent ${b.slice(0, 200)}`);
        }
      }
    }
    if (mismatch.size) problems.unshift(`values differ in ${[...mismatch].map(([c, n]) => `${c} (${n} rows)`).join(', ')}`);
  } catch (e) {
    problems.push(e.message.split('\n')[0]);
  }
  if (problems.length) {
    failures++;
    console.log(`FAIL\t${file}\t${problems.slice(0, 12).join('; ')}`);
  } else {
    console.log(`OK\t${file}\t${nrows} rows x ${ncols} columns`);
  }
}
conn.closeSync();
instance.closeSync();
process.exit(failures ? 1 : 0);
