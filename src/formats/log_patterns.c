/* log_patterns.c - built-in and user log line patterns (see log_patterns.h).
 *
 * Every regex-based format is a PCRE2 pattern with named groups plus a
 * column table saying where each column comes from: a group, a piece of the
 * request line, or the syslog priority. Patterns are compiled without
 * PCRE2_UTF, so they match bytes and never fail on invalid UTF-8; string
 * values are validated when appended, which rejects such a line cleanly.
 * The quoted fields of access logs allow backslash escapes (Apache writes
 * \" and \\ inside the request and the user agent); those two are undone,
 * \xHH sequences are kept as written.
 */
#include "formats/log_patterns.h"

#include "core/values.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <jansson.h>
#include <pcre2.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef enum col_src {
    SRC_GROUP,
    SRC_METHOD,
    SRC_PATH,
    SRC_PROTOCOL,
    SRC_FACILITY,
    SRC_SEVERITY,
    SRC_JSON_KEY,
    SRC_JSON_EXTRA,
} col_src;

enum { K_INT = 1, K_REAL = 2, K_BOOL = 4, K_STR = 8, K_COMPLEX = 16 };

typedef struct logcol {
    char *name;
    af_type type;
    char tz[64];
    col_src src;
    int group;      /* PCRE2 group number (SRC_GROUP, and pri for facility/severity) */
    bool dash_null; /* "-" is NULL */
    bool unescape;  /* undo \" and \\ */
    int kinds;      /* json: kinds of values seen */
} logcol;

struct af_logpat {
    af_logpat_format format;
    pcre2_code *re;
    pcre2_match_data *md;
    logcol *cols;
    size_t n_cols, cap_cols, max_json_cols;
    bool frozen;
    int request_group; /* -1 if none */
    int pri_group;     /* -1 if none */
    af_parse_options popts;
    char *time_format;      /* effective, NULL = ISO-8601 */
    char *time_format_year; /* "%Y " + time_format when it lacks a year */
    int64_t year;
    af_buf scratch, req, tbuf;
};

static const char RE_ACCESS_HEAD[] =
    "^(?<host>\\S+) (?<ident>\\S+) (?<user>\\S+) \\[(?<time>[^\\]]*)\\] "
    "\"(?<request>(?:[^\"\\\\]|\\\\.)*)\" (?<status>[0-9]{3}|-) (?<bytes>[0-9]+|-)";
#define RE_QUOTED(name) "\"(?<" name ">(?:[^\"\\\\]|\\\\.)*)\""

static const char RE_COMMON[] = "%s\\s*$";
static const char RE_COMBINED[] = "%s " RE_QUOTED("referer") " " RE_QUOTED("user_agent") "\\s*$";
static const char RE_NGINX[] = "%s " RE_QUOTED("referer") " " RE_QUOTED(
    "user_agent") "(?: " RE_QUOTED("forwarded_for") ")?\\s*$";
static const char RE_3164[] =
    "^<(?<pri>[0-9]{1,3})>(?<time>[A-Za-z]{3} {1,2}[0-9]{1,2} [0-9]{2}:[0-9]{2}:[0-9]{2}) "
    "(?<host>\\S+) (?:(?<app>[^\\s:\\[]+)(?:\\[(?<procid>[^\\]]*)\\])?: ?)?(?<message>.*)$";
static const char RE_5424[] =
    "^<(?<pri>[0-9]{1,3})>(?<version>[1-9][0-9]{0,2}) (?<time>\\S+) (?<host>\\S+) (?<app>\\S+) "
    "(?<procid>\\S+) (?<msgid>\\S+) "
    "(?<structured_data>-|(?:\\[(?:[^\\]\"\\\\]|\\\\.|\"(?:[^\"\\\\]|\\\\.)*\")*\\])+)"
    "(?: (?<message>.*))?$";

/* A built-in column: name, type, source, group name, flags. */
typedef struct builtin_col {
    const char *name;
    af_type_id type;
    col_src src;
    const char *group;
    bool dash_null, unescape;
} builtin_col;

static const builtin_col ACCESS_COLS[] = {
    {"host", AF_TYPE_STRING, SRC_GROUP, "host", false, false},
    {"ident", AF_TYPE_STRING, SRC_GROUP, "ident", true, false},
    {"user", AF_TYPE_STRING, SRC_GROUP, "user", true, false},
    {"time", AF_TYPE_TIMESTAMP, SRC_GROUP, "time", true, false},
    {"request", AF_TYPE_STRING, SRC_GROUP, "request", true, true},
    {"method", AF_TYPE_STRING, SRC_METHOD, NULL, false, false},
    {"path", AF_TYPE_STRING, SRC_PATH, NULL, false, false},
    {"protocol", AF_TYPE_STRING, SRC_PROTOCOL, NULL, false, false},
    {"status", AF_TYPE_INT32, SRC_GROUP, "status", true, false},
    {"bytes", AF_TYPE_INT64, SRC_GROUP, "bytes", true, false},
    {"referer", AF_TYPE_STRING, SRC_GROUP, "referer", true, true},
    {"user_agent", AF_TYPE_STRING, SRC_GROUP, "user_agent", true, true},
    {"forwarded_for", AF_TYPE_STRING, SRC_GROUP, "forwarded_for", true, true},
};

static const builtin_col SYSLOG_COLS[] = {
    {"priority", AF_TYPE_INT32, SRC_GROUP, "pri", false, false},
    {"facility", AF_TYPE_INT32, SRC_FACILITY, "pri", false, false},
    {"severity", AF_TYPE_INT32, SRC_SEVERITY, "pri", false, false},
    {"version", AF_TYPE_INT32, SRC_GROUP, "version", false, false},
    {"time", AF_TYPE_TIMESTAMP, SRC_GROUP, "time", true, false},
    {"host", AF_TYPE_STRING, SRC_GROUP, "host", true, false},
    {"app", AF_TYPE_STRING, SRC_GROUP, "app", true, false},
    {"procid", AF_TYPE_STRING, SRC_GROUP, "procid", true, false},
    {"msgid", AF_TYPE_STRING, SRC_GROUP, "msgid", true, false},
    {"structured_data", AF_TYPE_STRING, SRC_GROUP, "structured_data", true, false},
    {"message", AF_TYPE_STRING, SRC_GROUP, "message", false, false},
};

static const char *const format_names[] = {"combined",   "common", "nginx", "syslog3164",
                                           "syslog5424", "json",   "regex"};

const char *af_logpat_format_name(af_logpat_format f)
{
    return (unsigned)f < sizeof format_names / sizeof *format_names ? format_names[f] : "?";
}

static const char *format_title(af_logpat_format f)
{
    switch (f) {
    case AF_LOGPAT_COMBINED: return "the combined log format";
    case AF_LOGPAT_COMMON: return "the common log format";
    case AF_LOGPAT_NGINX: return "the nginx log format";
    case AF_LOGPAT_SYSLOG3164: return "the RFC 3164 syslog format";
    case AF_LOGPAT_SYSLOG5424: return "the RFC 5424 syslog format";
    default: return "the pattern";
    }
}

static logcol *add_col(af_logpat *p, const char *name, size_t len)
{
    if (p->n_cols == p->cap_cols) {
        size_t cap = p->cap_cols ? 2 * p->cap_cols : 16;
        logcol *c = realloc(p->cols, cap * sizeof *c);
        if (!c)
            return NULL;
        p->cols = c;
        p->cap_cols = cap;
    }
    logcol *c = &p->cols[p->n_cols];
    memset(c, 0, sizeof *c);
    c->name = af_strndup(name, len);
    if (!c->name)
        return NULL;
    c->group = -1;
    c->type = af_type_make(AF_TYPE_STRING);
    p->n_cols++;
    return c;
}

/* Column structs move when the table grows, so a timestamp's zone lives in
 * c->tz and type.timezone is only pointed at it when the schema is built. */
static void set_utc_timestamp(logcol *c)
{
    c->type = af_type_timestamp(AF_UNIT_MICRO, NULL);
    af_strlcpy(c->tz, "UTC", sizeof c->tz);
}

/* Applies a declared type ("int32", "timestamp", ...) to a column. A
 * timestamp without a zone is made UTC: log times are converted, not kept
 * as wall clock. */
static int declare_type(logcol *c, const char *text, const af_src_loc *loc, af_error *err)
{
    af_type t;
    int rc = af_type_parse(text, &t, c->tz, sizeof c->tz, err);
    if (rc == AF_OK && af_type_is_nested(t.id))
        rc = af_error_set(err, AF_ECONFIG, "log columns cannot be %s", af_type_name(t.id));
    if (rc) {
        af_error_wrap(err, "%s:%d:%d: option types, column '%s'",
                      loc && loc->file ? loc->file : "pipeline", loc ? loc->line : 0,
                      loc ? loc->column : 0, c->name);
        return rc == AF_ENOMEM ? rc : AF_ECONFIG;
    }
    if (t.id == AF_TYPE_TIMESTAMP && (!t.timezone || t.timezone != c->tz))
        af_strlcpy(c->tz, t.timezone ? t.timezone : "UTC", sizeof c->tz);
    t.timezone = NULL;
    c->type = t;
    return AF_OK;
}

static int compile(af_logpat *p, const char *pattern, af_error *err)
{
    int ec = 0;
    PCRE2_SIZE off = 0;
    p->re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
    if (!p->re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return af_error_set(err, AF_ECONFIG, "the log pattern does not compile at offset %zu: %s",
                            (size_t)off, (const char *)msg);
    }
    (void)pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE); /* faster when available */
    p->md = pcre2_match_data_create_from_pattern(p->re, NULL);
    return p->md ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
}

static int group_number(af_logpat *p, const char *name)
{
    int g = pcre2_substring_number_from_name(p->re, (PCRE2_SPTR)name);
    return g > 0 ? g : -1;
}

static int add_builtin(af_logpat *p, const builtin_col *cols, size_t n, af_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const builtin_col *b = &cols[i];
        int g = b->group ? group_number(p, b->group) : -1;
        if (b->group && g < 0)
            continue; /* the column belongs to a sibling format */
        logcol *c = add_col(p, b->name, strlen(b->name));
        if (!c)
            return af_error_set(err, AF_ENOMEM, "out of memory");
        c->src = b->src;
        c->group = g;
        c->dash_null = b->dash_null;
        c->unescape = b->unescape;
        if (b->type == AF_TYPE_TIMESTAMP)
            set_utc_timestamp(c);
        else
            c->type = af_type_make(b->type);
        if (b->group && strcmp(b->group, "request") == 0)
            p->request_group = g;
        if (b->group && strcmp(b->group, "pri") == 0)
            p->pri_group = g;
    }
    return AF_OK;
}

/* The named groups of a user pattern, in group-number order. */
static int add_regex_columns(af_logpat *p, const af_strmap *types, af_error *err)
{
    uint32_t count = 0, entry = 0;
    PCRE2_SPTR table = NULL;
    pcre2_pattern_info(p->re, PCRE2_INFO_NAMECOUNT, &count);
    pcre2_pattern_info(p->re, PCRE2_INFO_NAMEENTRYSIZE, &entry);
    pcre2_pattern_info(p->re, PCRE2_INFO_NAMETABLE, &table);
    if (count == 0)
        return af_error_set(err, AF_ECONFIG,
                            "the log pattern has no named group: write (?<name>...) for each "
                            "column");
    /* the name table is sorted by name; columns follow the pattern's order */
    int max_group = 0;
    for (uint32_t i = 0; i < count; i++) {
        const uint8_t *e = table + (size_t)i * entry;
        int g = (e[0] << 8) | e[1];
        if (g > max_group)
            max_group = g;
    }
    for (int g = 1; g <= max_group; g++) {
        for (uint32_t i = 0; i < count; i++) {
            const uint8_t *e = table + (size_t)i * entry;
            if (((e[0] << 8) | e[1]) != g)
                continue;
            const char *name = (const char *)e + 2;
            logcol *c = add_col(p, name, strlen(name));
            if (!c)
                return af_error_set(err, AF_ENOMEM, "out of memory");
            c->src = SRC_GROUP;
            c->group = g;
            break; /* duplicate names (?J) map to one column */
        }
    }
    for (size_t k = 0; types && k < types->len; k++) {
        const af_strmap_entry *t = &types->items[k];
        logcol *c = NULL;
        for (size_t i = 0; i < p->n_cols && !c; i++)
            if (strcmp(p->cols[i].name, t->key) == 0)
                c = &p->cols[i];
        if (!c) {
            af_buf names;
            af_buf_init(&names);
            for (size_t i = 0; i < p->n_cols; i++)
                af_buf_printf(&names, "%s%s", i ? ", " : "", p->cols[i].name);
            af_error_set(err, AF_ECONFIG,
                         "%s:%d:%d: option types names '%s', which is not a named group of the "
                         "pattern (groups: %s)",
                         t->loc.file ? t->loc.file : "pipeline", t->loc.line, t->loc.column, t->key,
                         af_buf_cstr(&names));
            af_buf_free(&names);
            return AF_ECONFIG;
        }
        int rc = declare_type(c, t->value, &t->loc, err);
        if (rc)
            return rc;
    }
    return AF_OK;
}

static bool has_year(const char *fmt)
{
    return strstr(fmt, "%Y") != NULL;
}

int af_logpat_new(const af_logpat_options *o, af_logpat **out, af_error *err)
{
    *out = NULL;
    af_logpat *p = calloc(1, sizeof *p);
    if (!p)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    p->format = o->format;
    p->request_group = -1;
    p->pri_group = -1;
    p->max_json_cols = o->max_json_columns ? o->max_json_columns : 1000;
    af_buf_init(&p->scratch);
    af_buf_init(&p->req);
    af_buf_init(&p->tbuf);
    af_parse_options_default(&p->popts);
    p->popts.default_timezone = o->timezone;
    if (o->timezone) {
        af_tz_handle h;
        int rc = af_tz_resolve(o->timezone, &h, err);
        if (rc) {
            af_logpat_free(p);
            return af_error_wrap(err, "option timezone");
        }
    }
    p->year = o->year;
    if (p->year == 0) {
        time_t now = time(NULL);
        struct tm tm;
        gmtime_r(&now, &tm);
        p->year = tm.tm_year + 1900;
    }
    if (p->year < 1 || p->year > 9999) {
        af_logpat_free(p);
        return af_error_set(err, AF_ECONFIG, "option year: %lld is not a year between 1 and 9999",
                            (long long)o->year);
    }
    const char *tf = o->time_format;
    if (!tf && (o->format <= AF_LOGPAT_NGINX))
        tf = "%d/%b/%Y:%H:%M:%S %z";
    if (!tf && o->format == AF_LOGPAT_SYSLOG3164)
        tf = "%b %d %H:%M:%S";
    int rc = AF_OK;
    if (tf) {
        p->time_format = af_strdup(tf);
        af_buf fy;
        af_buf_init(&fy);
        if (!has_year(tf))
            af_buf_printf(&fy, "%%Y %s", tf);
        p->time_format_year = fy.len ? af_strdup(af_buf_cstr(&fy)) : NULL;
        af_buf_free(&fy);
        if (!p->time_format || (!has_year(tf) && !p->time_format_year))
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
        else {
            p->popts.timestamp_formats[0] = p->time_format_year ? p->time_format_year : tf;
            p->popts.n_timestamp_formats = 1;
        }
    }
    char re[1024];
    switch (o->format) {
    case AF_LOGPAT_COMBINED:
    case AF_LOGPAT_COMMON:
    case AF_LOGPAT_NGINX:
        snprintf(re, sizeof re,
                 o->format == AF_LOGPAT_COMBINED ? RE_COMBINED
                 : o->format == AF_LOGPAT_COMMON ? RE_COMMON
                                                 : RE_NGINX,
                 RE_ACCESS_HEAD);
        rc = rc ? rc : compile(p, re, err);
        rc = rc ? rc : add_builtin(p, ACCESS_COLS, sizeof ACCESS_COLS / sizeof *ACCESS_COLS, err);
        break;
    case AF_LOGPAT_SYSLOG3164:
    case AF_LOGPAT_SYSLOG5424:
        rc = rc ? rc : compile(p, o->format == AF_LOGPAT_SYSLOG3164 ? RE_3164 : RE_5424, err);
        rc = rc ? rc : add_builtin(p, SYSLOG_COLS, sizeof SYSLOG_COLS / sizeof *SYSLOG_COLS, err);
        break;
    case AF_LOGPAT_REGEX:
        if (!o->pattern || !o->pattern[0])
            rc = rc ? rc
                    : af_error_set(err, AF_ECONFIG,
                                   "format regex needs the option pattern (a PCRE2 regex with "
                                   "named groups)");
        rc = rc ? rc : compile(p, o->pattern, err);
        rc = rc ? rc : add_regex_columns(p, o->types, err);
        break;
    case AF_LOGPAT_JSON:
        /* columns come from learn(); declared types are applied then */
        for (size_t k = 0; !rc && o->types && k < o->types->len; k++) {
            logcol *c = add_col(p, o->types->items[k].key, strlen(o->types->items[k].key));
            if (!c) {
                rc = af_error_set(err, AF_ENOMEM, "out of memory");
                break;
            }
            c->src = SRC_JSON_KEY;
            c->kinds = -1; /* declared: never re-typed */
            rc = declare_type(c, o->types->items[k].value, &o->types->items[k].loc, err);
        }
        break;
    default: rc = af_error_set(err, AF_EINVAL, "unknown log format %d", (int)o->format);
    }
    if (rc) {
        af_logpat_free(p);
        return rc;
    }
    *out = p;
    return AF_OK;
}

static int json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_INTEGER: return K_INT;
    case JSON_REAL: return K_REAL;
    case JSON_TRUE:
    case JSON_FALSE: return K_BOOL;
    case JSON_STRING: return K_STR;
    case JSON_OBJECT:
    case JSON_ARRAY: return K_COMPLEX;
    default: return 0;
    }
}

void af_logpat_learn(af_logpat *p, const char *line, size_t n)
{
    if (p->format != AF_LOGPAT_JSON || p->frozen)
        return;
    json_t *obj = json_loadb(line, n, 0, NULL);
    if (!obj)
        return;
    if (json_is_object(obj)) {
        const char *key;
        json_t *v;
        json_object_foreach(obj, key, v)
        {
            logcol *c = NULL;
            for (size_t i = 0; i < p->n_cols && !c; i++)
                if (strcmp(p->cols[i].name, key) == 0)
                    c = &p->cols[i];
            if (!c) {
                if (p->n_cols >= p->max_json_cols ||
                    af_utf8_invalid_offset(key, strlen(key)) >= 0 || !key[0])
                    continue;
                c = add_col(p, key, strlen(key));
                if (!c)
                    break; /* out of memory: add_columns reports it */
                c->src = SRC_JSON_KEY;
            }
            if (c->kinds >= 0)
                c->kinds |= json_kind(v);
        }
    }
    json_decref(obj);
}

static void settle_json_types(af_logpat *p)
{
    for (size_t i = 0; i < p->n_cols; i++) {
        logcol *c = &p->cols[i];
        if (c->src != SRC_JSON_KEY || c->kinds < 0)
            continue;
        af_type_id t = AF_TYPE_STRING;
        if (c->kinds == K_INT)
            t = AF_TYPE_INT64;
        else if (c->kinds && (c->kinds & ~(K_INT | K_REAL)) == 0)
            t = AF_TYPE_FLOAT64;
        else if (c->kinds == K_BOOL)
            t = AF_TYPE_BOOL;
        else if (c->kinds == K_COMPLEX)
            t = AF_TYPE_JSON;
        c->type = af_type_make(t);
    }
}

int af_logpat_add_columns(af_logpat *p, af_schema *s, af_error *err)
{
    if (p->format == AF_LOGPAT_JSON && !p->frozen) {
        settle_json_types(p);
        logcol *c = add_col(p, "_extra", 6);
        if (!c)
            return af_error_set(err, AF_ENOMEM, "out of memory");
        c->src = SRC_JSON_EXTRA;
        c->type = af_type_make(AF_TYPE_JSON);
    }
    p->frozen = true;
    for (size_t i = 0; i < p->n_cols; i++) {
        if (af_schema_find(s, p->cols[i].name) >= 0)
            return af_error_set(err, AF_ECONFIG, "the log column '%s' is defined twice",
                                p->cols[i].name);
        af_type t = p->cols[i].type;
        if (t.id == AF_TYPE_TIMESTAMP)
            t.timezone = p->cols[i].tz;
        int rc = af_schema_add_simple(s, p->cols[i].name, t, true);
        if (rc)
            return af_error_set(err, rc, "out of memory");
    }
    return AF_OK;
}

size_t af_logpat_n_columns(const af_logpat *p)
{
    return p->n_cols;
}

static int unescape(const char *s, size_t n, af_buf *out)
{
    af_buf_reset(out);
    if (af_buf_reserve(out, n + 1))
        return AF_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '"' || s[i + 1] == '\\'))
            i++;
        out->data[out->len++] = (uint8_t)s[i];
    }
    return AF_OK;
}

/* method, path and protocol of "GET /a b HTTP/1.1" (a path may hold spaces
 * when a client sent them raw); slices into the request text. */
static void split_request(const char *r, size_t n, const char *part[3], size_t len[3])
{
    part[0] = part[1] = part[2] = NULL;
    len[0] = len[1] = len[2] = 0;
    const char *sp1 = memchr(r, ' ', n);
    if (!sp1 || sp1 == r)
        return;
    part[0] = r;
    len[0] = (size_t)(sp1 - r);
    const char *rest = sp1 + 1;
    size_t rn = n - len[0] - 1;
    const char *sp2 = NULL;
    for (size_t i = rn; i > 0; i--)
        if (rest[i - 1] == ' ') {
            sp2 = rest + i - 1;
            break;
        }
    if (sp2 && (size_t)(rest + rn - sp2) > 5 && memcmp(sp2 + 1, "HTTP/", 5) == 0) {
        part[2] = sp2 + 1;
        len[2] = (size_t)(rest + rn - sp2 - 1);
        rn = (size_t)(sp2 - rest);
    }
    if (rn > 0) {
        part[1] = rest;
        len[1] = rn;
    }
}

static int append_timestamp(af_logpat *p, af_array *a, const char *s, size_t n, af_buf *reason)
{
    af_error perr = {0};
    const char *text = s;
    size_t tn = n;
    if (p->time_format_year) {
        af_buf_reset(&p->tbuf);
        if (af_buf_printf(&p->tbuf, "%04lld ", (long long)p->year) || af_buf_append(&p->tbuf, s, n))
            return AF_ENOMEM;
        text = (const char *)p->tbuf.data;
        tn = p->tbuf.len;
    }
    int64_t v = 0;
    int rc = af_parse_timestamp(text, tn, &p->popts, a->field->type.unit, a->field->type.timezone,
                                &v, &perr);
    if (rc == AF_ENOMEM)
        return rc;
    if (rc) {
        af_buf_printf(reason, "column '%s': cannot read '%.*s' as a time%s%s: %s", a->field->name,
                      (int)(n > 64 ? 64 : n), s, p->time_format ? " with format " : "",
                      p->time_format ? p->time_format : "", perr.msg);
        return 1;
    }
    return af_array_append_int(a, v);
}

/* Appends text to a typed column; 1 = rejected (reason set). */
static int append_value(af_logpat *p, af_array *a, const char *s, size_t n, af_buf *reason)
{
    if (a->field->type.id == AF_TYPE_TIMESTAMP)
        return append_timestamp(p, a, s, n, reason);
    af_error perr = {0};
    int rc = af_array_append_text(a, s, n, &p->popts, &perr);
    if (rc == AF_EPARSE || rc == AF_EOVERFLOW || rc == AF_EINVAL) {
        af_buf_printf(reason, "column '%s': %s", a->field->name, perr.msg);
        return 1;
    }
    return rc;
}

static int append_regex_row(af_logpat *p, const char *line, size_t n, af_array *cols,
                            af_buf *reason)
{
    int m = pcre2_match(p->re, (PCRE2_SPTR)line, n, 0, 0, p->md, NULL);
    if (m < 0) {
        if (m == PCRE2_ERROR_NOMATCH)
            af_buf_printf(reason, "line does not match %s", format_title(p->format));
        else {
            PCRE2_UCHAR msg[256];
            pcre2_get_error_message(m, msg, sizeof msg);
            af_buf_printf(reason, "line could not be matched against %s: %s",
                          format_title(p->format), (const char *)msg);
        }
        return 1;
    }
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(p->md);
    uint32_t npairs = pcre2_get_ovector_count(p->md);
#define GROUP_SET(g) ((g) > 0 && (uint32_t)(g) < npairs && ov[2 * (g)] != PCRE2_UNSET)
    const char *req_part[3] = {NULL, NULL, NULL};
    size_t req_len[3] = {0, 0, 0};
    if (GROUP_SET(p->request_group)) {
        const char *r = line + ov[2 * p->request_group];
        size_t rn = ov[2 * p->request_group + 1] - ov[2 * p->request_group];
        if (!(rn == 1 && r[0] == '-')) {
            if (unescape(r, rn, &p->req))
                return AF_ENOMEM;
            split_request((const char *)p->req.data, p->req.len, req_part, req_len);
        }
    }
    int64_t pri = -1;
    if (GROUP_SET(p->pri_group)) {
        af_error perr;
        const char *s = line + ov[2 * p->pri_group];
        size_t sn = ov[2 * p->pri_group + 1] - ov[2 * p->pri_group];
        if (af_parse_int64(s, sn, &pri, &perr) || pri > 191) {
            af_buf_printf(reason, "priority <%.*s> is out of range (0 to 191)", (int)sn, s);
            return 1;
        }
    }
    for (size_t i = 0; i < p->n_cols; i++) {
        logcol *c = &p->cols[i];
        af_array *a = &cols[i];
        const char *s = NULL;
        size_t sn = 0;
        int rc;
        switch (c->src) {
        case SRC_GROUP:
            if (GROUP_SET(c->group)) {
                s = line + ov[2 * c->group];
                sn = ov[2 * c->group + 1] - ov[2 * c->group];
            }
            if (s && c->dash_null && sn == 1 && s[0] == '-')
                s = NULL;
            if (s && c->unescape) {
                if (unescape(s, sn, &p->scratch))
                    return AF_ENOMEM;
                s = (const char *)p->scratch.data;
                sn = p->scratch.len;
            }
            if (s && p->format == AF_LOGPAT_SYSLOG5424 && strcmp(c->name, "message") == 0 &&
                sn >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
                s += 3; /* RFC 5424 marks UTF-8 messages with a BOM */
                sn -= 3;
            }
            rc = s ? append_value(p, a, s, sn, reason) : af_array_append_null(a);
            break;
        case SRC_METHOD:
        case SRC_PATH:
        case SRC_PROTOCOL: {
            int k = c->src - SRC_METHOD;
            rc = req_part[k] ? append_value(p, a, req_part[k], req_len[k], reason)
                             : af_array_append_null(a);
            break;
        }
        case SRC_FACILITY:
        case SRC_SEVERITY:
            rc = pri < 0                  ? af_array_append_null(a)
                 : c->src == SRC_FACILITY ? af_array_append_int(a, pri / 8)
                                          : af_array_append_int(a, pri % 8);
            break;
        default: rc = af_array_append_null(a);
        }
        if (rc)
            return rc;
    }
#undef GROUP_SET
    return 0;
}

/* A JSON value into a typed column; 1 = rejected (reason set). */
static int append_json_value(af_logpat *p, af_array *a, json_t *v, af_buf *reason)
{
    af_type_id t = a->field->type.id;
    if (!v || json_is_null(v))
        return af_array_append_null(a);
    if (json_is_string(v))
        return append_value(p, a, json_string_value(v), json_string_length(v), reason);
    if (t == AF_TYPE_BOOL && json_is_boolean(v))
        return af_array_append_bool(a, json_is_true(v));
    if ((t == AF_TYPE_FLOAT64 || t == AF_TYPE_FLOAT32) && json_is_number(v))
        return af_array_append_double(a, json_number_value(v));
    if (t >= AF_TYPE_INT8 && t <= AF_TYPE_INT64 && json_is_integer(v)) {
        int rc = af_array_append_int(a, json_integer_value(v));
        if (rc == AF_EOVERFLOW || rc == AF_EINVAL) {
            af_buf_printf(reason, "column '%s': %lld is out of range for %s", a->field->name,
                          (long long)json_integer_value(v), af_type_name(t));
            return 1;
        }
        return rc;
    }
    if (t == AF_TYPE_TIMESTAMP && json_is_number(v)) {
        /* epoch seconds */
        double sec = json_number_value(v);
        static const double per_unit[] = {1, 1e3, 1e6, 1e9};
        double x = sec * per_unit[a->field->type.unit];
        if (!(x > -9.2e18 && x < 9.2e18)) {
            af_buf_printf(reason, "column '%s': %g seconds is out of range", a->field->name, sec);
            return 1;
        }
        return af_array_append_int(a, (int64_t)x);
    }
    /* anything else: its JSON text, typed like a string would be */
    char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!text)
        return AF_ENOMEM;
    int rc = append_value(p, a, text, strlen(text), reason);
    free(text);
    return rc;
}

static int append_json_row(af_logpat *p, const char *line, size_t n, af_array *cols, af_buf *reason)
{
    json_error_t je;
    json_t *obj = json_loadb(line, n, 0, &je);
    if (!obj) {
        af_buf_printf(reason, "line is not valid JSON (column %d): %s", je.column, je.text);
        return 1;
    }
    if (!json_is_object(obj)) {
        af_buf_printf(reason, "line is a JSON %s, not an object",
                      json_is_array(obj) ? "array" : "value");
        json_decref(obj);
        return 1;
    }
    int rc = 0;
    for (size_t i = 0; !rc && i < p->n_cols; i++) {
        logcol *c = &p->cols[i];
        if (c->src == SRC_JSON_KEY) {
            rc = append_json_value(p, &cols[i], json_object_get(obj, c->name), reason);
        } else if (c->src == SRC_JSON_EXTRA) {
            json_t *extra = NULL;
            const char *key;
            json_t *v;
            json_object_foreach(obj, key, v)
            {
                bool known = false;
                for (size_t k = 0; k < p->n_cols && !known; k++)
                    known = p->cols[k].src == SRC_JSON_KEY && strcmp(p->cols[k].name, key) == 0;
                if (known)
                    continue;
                if (!extra && !(extra = json_object()))
                    break;
                json_object_set(extra, key, v);
            }
            if (!extra) {
                rc = af_array_append_null(&cols[i]);
            } else {
                char *text = json_dumps(extra, JSON_COMPACT);
                rc = text ? af_array_append_bytes(&cols[i], text, strlen(text)) : AF_ENOMEM;
                free(text);
                json_decref(extra);
            }
        } else {
            rc = af_array_append_null(&cols[i]);
        }
    }
    json_decref(obj);
    return rc;
}

int af_logpat_append(af_logpat *p, const char *line, size_t n, af_array *cols, af_buf *reason,
                     af_error *err)
{
    int64_t before = p->n_cols ? cols[0].length : 0;
    af_buf_reset(reason);
    int rc = p->format == AF_LOGPAT_JSON ? append_json_row(p, line, n, cols, reason)
                                         : append_regex_row(p, line, n, cols, reason);
    if (rc == 0)
        return 1;
    for (size_t i = 0; i < p->n_cols; i++)
        if (cols[i].length > before)
            af_array_truncate(&cols[i], before);
    if (rc == 1)
        return 0;
    if (rc == AF_ENOMEM)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    return af_error_set(err, rc, "cannot append a log value: %s", af_strerror(rc));
}

void af_logpat_free(af_logpat *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_cols; i++)
        free(p->cols[i].name);
    free(p->cols);
    pcre2_match_data_free(p->md);
    pcre2_code_free(p->re);
    free(p->time_format);
    free(p->time_format_year);
    af_buf_free(&p->scratch);
    af_buf_free(&p->req);
    af_buf_free(&p->tbuf);
    free(p);
}
