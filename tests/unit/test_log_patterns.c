/* test_log_patterns.c - every built-in log format, custom regex patterns
 * with typed groups, JSON lines, and the reasons of rejected lines. */
#include "core/batch.h"
#include "formats/log_patterns.h"
#include "test.h"

/* Parses lines with the options; keeps the batch and the reasons of the
 * rejected lines ("line N: reason\n"). */
typedef struct parsed {
    af_batch *b;
    af_buf reasons;
    int rc;
    char err[1024];
} parsed;

static parsed parse(const af_logpat_options *o, const char *const *lines, size_t n)
{
    parsed r = {0};
    af_buf_init(&r.reasons);
    af_error err = {0};
    af_logpat *p = NULL;
    r.rc = af_logpat_new(o, &p, &err);
    if (r.rc) {
        af_strlcpy(r.err, err.msg, sizeof r.err);
        return r;
    }
    for (size_t i = 0; i < n; i++)
        af_logpat_learn(p, lines[i], strlen(lines[i]));
    af_schema *s = af_schema_new();
    r.rc = af_logpat_add_columns(p, s, &err);
    if (!r.rc) {
        r.b = af_batch_new(s);
        af_buf reason;
        af_buf_init(&reason);
        for (size_t i = 0; i < n; i++) {
            int k = af_logpat_append(p, lines[i], strlen(lines[i]), r.b->columns, &reason, &err);
            if (k == 0)
                af_buf_printf(&r.reasons, "line %zu: %s\n", i + 1, af_buf_cstr(&reason));
            CHECK(k >= 0);
        }
        af_buf_free(&reason);
        CHECK_INT(af_batch_seal(r.b, &err), AF_OK);
    } else {
        af_strlcpy(r.err, err.msg, sizeof r.err);
    }
    af_schema_free(s);
    af_logpat_free(p);
    return r;
}

static void done(parsed *r)
{
    af_batch_release(r->b);
    af_buf_free(&r->reasons);
}

/* Value of column `name` in row `row` as CSV output shows it, or "NULL". */
static const char *cell(const parsed *r, const char *name, int64_t row)
{
    static char out[8][512];
    static int k;
    char *o = out[k++ & 7];
    long c = r->b ? af_schema_find(r->b->schema, name) : -1;
    if (c < 0 || row >= r->b->n_rows) {
        snprintf(o, 512, "<no %s>", name);
        return o;
    }
    af_buf b;
    af_buf_init(&b);
    int rc = af_array_format_value(&r->b->columns[c], row, &b);
    snprintf(o, 512, "%s", rc == 1 ? "NULL" : af_buf_cstr(&b));
    af_buf_free(&b);
    return o;
}

static const char *type_of(const parsed *r, const char *name)
{
    static char out[64];
    long c = af_schema_find(r->b->schema, name);
    if (c < 0)
        return "<none>";
    af_buf b;
    af_buf_init(&b);
    af_type_format(&r->b->schema->fields[c].type, &b);
    snprintf(out, sizeof out, "%s", af_buf_cstr(&b));
    af_buf_free(&b);
    return out;
}

static const char *reasons(parsed *r)
{
    return af_buf_cstr(&r->reasons);
}

TEST(combined_apache_example)
{
    const char *lines[] = {
        "127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] \"GET /apache_pb.gif HTTP/1.0\" 200 "
        "2326 \"http://www.example.com/start.html\" \"Mozilla/4.08 [en] (Win98; I ;Nav)\"",
    };
    af_logpat_options o = {.format = AF_LOGPAT_COMBINED};
    parsed r = parse(&o, lines, 1);
    CHECK_INT(r.rc, AF_OK);
    CHECK_INT(r.b->n_rows, 1);
    CHECK_INT(r.b->schema->n_fields, 12);
    CHECK_STR(cell(&r, "host", 0), "127.0.0.1");
    CHECK_STR(cell(&r, "ident", 0), "NULL");
    CHECK_STR(cell(&r, "user", 0), "frank");
    CHECK_STR(cell(&r, "time", 0), "2000-10-10T20:55:36.000000Z");
    CHECK_STR(type_of(&r, "time"), "timestamp[us, UTC]");
    CHECK_STR(cell(&r, "request", 0), "GET /apache_pb.gif HTTP/1.0");
    CHECK_STR(cell(&r, "method", 0), "GET");
    CHECK_STR(cell(&r, "path", 0), "/apache_pb.gif");
    CHECK_STR(cell(&r, "protocol", 0), "HTTP/1.0");
    CHECK_STR(cell(&r, "status", 0), "200");
    CHECK_STR(type_of(&r, "status"), "int32");
    CHECK_STR(cell(&r, "bytes", 0), "2326");
    CHECK_STR(type_of(&r, "bytes"), "int64");
    CHECK_STR(cell(&r, "referer", 0), "http://www.example.com/start.html");
    CHECK_STR(cell(&r, "user_agent", 0), "Mozilla/4.08 [en] (Win98; I ;Nav)");
    CHECK_STR(reasons(&r), "");
    done(&r);
}

TEST(combined_ipv6_escapes_dashes_and_zones)
{
    const char *lines[] = {
        /* IPv6 host, escaped quotes in request and agent, bytes "-", +01:00 zone */
        "2001:db8::1 - - [01/Jan/2024:00:30:00 +0100] \"POST /a\\\"b?q=\\\\x HTTP/1.1\" 404 - "
        "\"-\" \"curl/8.0 \\\"quoted\\\"\"",
        /* request "-" (a client that sent nothing) and an HTTP/0.9 request */
        "::1 - - [31/Dec/1999:23:59:59 +0000] \"-\" 408 0 \"-\" \"-\"",
        "10.0.0.2 - bob [05/Mar/2021:10:00:00 -0930] \"GET /old\" 200 12 \"-\" \"-\"",
        /* a path with a raw space */
        "10.0.0.3 - - [05/Mar/2021:10:00:00 +0000] \"GET /a b HTTP/1.1\" 200 1 \"-\" \"x\"  ",
    };
    af_logpat_options o = {.format = AF_LOGPAT_COMBINED};
    parsed r = parse(&o, lines, 4);
    CHECK_INT(r.b->n_rows, 4);
    CHECK_STR(reasons(&r), "");
    CHECK_STR(cell(&r, "host", 0), "2001:db8::1");
    CHECK_STR(cell(&r, "user", 0), "NULL");
    CHECK_STR(cell(&r, "time", 0), "2023-12-31T23:30:00.000000Z");
    CHECK_STR(cell(&r, "request", 0), "POST /a\"b?q=\\x HTTP/1.1");
    CHECK_STR(cell(&r, "path", 0), "/a\"b?q=\\x");
    CHECK_STR(cell(&r, "status", 0), "404");
    CHECK_STR(cell(&r, "bytes", 0), "NULL");
    CHECK_STR(cell(&r, "referer", 0), "NULL");
    CHECK_STR(cell(&r, "user_agent", 0), "curl/8.0 \"quoted\"");
    CHECK_STR(cell(&r, "host", 1), "::1");
    CHECK_STR(cell(&r, "request", 1), "NULL");
    CHECK_STR(cell(&r, "method", 1), "NULL");
    CHECK_STR(cell(&r, "bytes", 1), "0");
    CHECK_STR(cell(&r, "user_agent", 1), "NULL");
    CHECK_STR(cell(&r, "time", 2), "2021-03-05T19:30:00.000000Z");
    CHECK_STR(cell(&r, "method", 2), "GET");
    CHECK_STR(cell(&r, "path", 2), "/old");
    CHECK_STR(cell(&r, "protocol", 2), "NULL");
    CHECK_STR(cell(&r, "path", 3), "/a b");
    CHECK_STR(cell(&r, "protocol", 3), "HTTP/1.1");
    done(&r);
}

TEST(common_and_nginx)
{
    const char *common[] = {
        "192.168.1.20 - - [28/Jul/2006:10:27:10 -0300] \"GET /cgi-bin/try/ HTTP/1.0\" 200 3395",
        "192.168.1.20 - - [28/Jul/2006:10:27:10 -0300] \"GET / HTTP/1.0\" 200 1 \"ref\" \"ua\"",
    };
    af_logpat_options o = {.format = AF_LOGPAT_COMMON};
    parsed r = parse(&o, common, 2);
    CHECK_INT(r.b->n_rows, 1);
    CHECK_INT(r.b->schema->n_fields, 10);
    CHECK_STR(cell(&r, "time", 0), "2006-07-28T13:27:10.000000Z");
    CHECK_STR(cell(&r, "bytes", 0), "3395");
    CHECK_STR(reasons(&r), "line 2: line does not match the common log format\n");
    done(&r);

    o.format = AF_LOGPAT_COMBINED;
    r = parse(&o, common, 2);
    CHECK_INT(r.b->n_rows, 1);
    CHECK_STR(reasons(&r), "line 1: line does not match the combined log format\n");
    done(&r);

    const char *nginx[] = {
        "203.0.113.9 - - [17/May/2015:08:05:32 +0000] \"GET /downloads/product_1 HTTP/1.1\" 304 "
        "0 \"-\" \"Debian APT-HTTP/1.3 (0.8.16~exp12ubuntu10.21)\" \"198.51.100.7, 10.0.0.1\"",
        "203.0.113.9 - - [17/May/2015:08:05:32 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"ua\"",
    };
    o.format = AF_LOGPAT_NGINX;
    r = parse(&o, nginx, 2);
    CHECK_INT(r.b->n_rows, 2);
    CHECK_STR(cell(&r, "forwarded_for", 0), "198.51.100.7, 10.0.0.1");
    CHECK_STR(cell(&r, "forwarded_for", 1), "NULL");
    CHECK_STR(cell(&r, "status", 0), "304");
    CHECK_STR(cell(&r, "user_agent", 0), "Debian APT-HTTP/1.3 (0.8.16~exp12ubuntu10.21)");
    done(&r);
}

TEST(access_log_bad_time_and_utf8_are_rejected)
{
    const char *lines[] = {
        "1.2.3.4 - - [10/Foo/2000:13:55:36 -0700] \"GET / HTTP/1.0\" 200 1 \"-\" \"-\"",
        "1.2.3.4 - - [10/Oct/2000:13:55:36 -0700] \"GET /\xFF HTTP/1.0\" 200 1 \"-\" \"-\"",
        "",
    };
    af_logpat_options o = {.format = AF_LOGPAT_COMBINED};
    parsed r = parse(&o, lines, 3);
    CHECK_INT(r.b->n_rows, 0);
    CHECK_CONTAINS(reasons(&r), "line 1: column 'time': cannot read '10/Foo/2000:13:55:36 -0700' "
                                "as a time with format %d/%b/%Y:%H:%M:%S %z");
    CHECK_CONTAINS(reasons(&r), "line 2: column 'request': ");
    CHECK_CONTAINS(reasons(&r), "UTF-8");
    CHECK_CONTAINS(reasons(&r), "line 3: line does not match the combined log format\n");
    done(&r);
}

TEST(syslog_3164)
{
    const char *lines[] = {
        "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick on /dev/pts/8",
        "<13>Feb  5 17:32:18 10.0.0.99 sshd[4123]: Accepted publickey for alice",
        "<0>Oct  1 00:00:00 host a message without a tag",
        "<192>Oct 11 22:14:15 mymachine su: too high",
        "Oct 11 22:14:15 mymachine su: no priority",
    };
    af_logpat_options o = {.format = AF_LOGPAT_SYSLOG3164, .year = 2003};
    parsed r = parse(&o, lines, 5);
    CHECK_INT(r.b->n_rows, 3);
    CHECK_INT(r.b->schema->n_fields, 8);
    CHECK_STR(cell(&r, "priority", 0), "34");
    CHECK_STR(cell(&r, "facility", 0), "4");
    CHECK_STR(cell(&r, "severity", 0), "2");
    CHECK_STR(cell(&r, "time", 0), "2003-10-11T22:14:15.000000Z");
    CHECK_STR(cell(&r, "host", 0), "mymachine");
    CHECK_STR(cell(&r, "app", 0), "su");
    CHECK_STR(cell(&r, "procid", 0), "NULL");
    CHECK_STR(cell(&r, "message", 0), "'su root' failed for lonvick on /dev/pts/8");
    CHECK_STR(cell(&r, "time", 1), "2003-02-05T17:32:18.000000Z");
    CHECK_STR(cell(&r, "app", 1), "sshd");
    CHECK_STR(cell(&r, "procid", 1), "4123");
    CHECK_STR(cell(&r, "facility", 1), "1");
    CHECK_STR(cell(&r, "severity", 1), "5");
    CHECK_STR(cell(&r, "app", 2), "NULL");
    CHECK_STR(cell(&r, "message", 2), "a message without a tag");
    CHECK_STR(reasons(&r), "line 4: priority <192> is out of range (0 to 191)\n"
                           "line 5: line does not match the RFC 3164 syslog format\n");
    done(&r);

    /* local times in a zone: Paris is UTC+2 in October 2003 (summer time) */
    o.timezone = "Europe/Paris";
    r = parse(&o, lines, 1);
    CHECK_STR(cell(&r, "time", 0), "2003-10-11T20:14:15.000000Z");
    done(&r);
    o.timezone = "-05:00";
    r = parse(&o, lines, 1);
    CHECK_STR(cell(&r, "time", 0), "2003-10-12T03:14:15.000000Z");
    done(&r);
}

TEST(syslog_5424)
{
    const char *lines[] = {
        "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
        "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"] "
        "\xEF\xBB\xBF"
        "An application event log entry...",
        "<34>1 2003-08-24T05:14:15.000003-07:00 192.0.2.1 myproc 8710 - - %% It's time",
        "<165>1 - host app - - [a@1 x=\"]\\\"\"][b@2]",
        "<34>1 2003-10-11T22:14:15Z host",
    };
    af_logpat_options o = {.format = AF_LOGPAT_SYSLOG5424};
    parsed r = parse(&o, lines, 4);
    CHECK_INT(r.b->n_rows, 3);
    CHECK_INT(r.b->schema->n_fields, 11);
    CHECK_STR(cell(&r, "priority", 0), "165");
    CHECK_STR(cell(&r, "facility", 0), "20");
    CHECK_STR(cell(&r, "severity", 0), "5");
    CHECK_STR(cell(&r, "version", 0), "1");
    CHECK_STR(cell(&r, "time", 0), "2003-10-11T22:14:15.003000Z");
    CHECK_STR(cell(&r, "host", 0), "mymachine.example.com");
    CHECK_STR(cell(&r, "app", 0), "evntslog");
    CHECK_STR(cell(&r, "procid", 0), "NULL");
    CHECK_STR(cell(&r, "msgid", 0), "ID47");
    CHECK_STR(cell(&r, "structured_data", 0),
              "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\" eventID=\"1011\"]");
    CHECK_STR(cell(&r, "message", 0), "An application event log entry...");
    CHECK_STR(cell(&r, "time", 1), "2003-08-24T12:14:15.000003Z");
    CHECK_STR(cell(&r, "procid", 1), "8710");
    CHECK_STR(cell(&r, "structured_data", 1), "NULL");
    CHECK_STR(cell(&r, "message", 1), "%% It's time");
    CHECK_STR(cell(&r, "time", 2), "NULL");
    CHECK_STR(cell(&r, "structured_data", 2), "[a@1 x=\"]\\\"\"][b@2]");
    CHECK_STR(cell(&r, "message", 2), "NULL");
    CHECK_STR(reasons(&r), "line 4: line does not match the RFC 5424 syslog format\n");
    done(&r);
}

TEST(regex_with_typed_groups)
{
    const char *lines[] = {
        "2024-03-01 12:00:00.250 WARN 42ms cache miss (key=a)",
        "2024-03-01 12:00:01 INFO 99999999999ms too slow",
        "not a log line",
        "2024-13-01 12:00:00 INFO 1ms bad month",
    };
    af_strmap types = {0};
    af_src_loc loc = {"p.yml", 7, 12};
    af_strmap_put(&types, "time", "timestamp", loc);
    af_strmap_put(&types, "ms", "int32", loc);
    af_logpat_options o = {
        .format = AF_LOGPAT_REGEX,
        .pattern = "^(?<time>\\S+ \\S+) (?<level>[A-Z]+) (?<ms>[0-9]+)ms (?<msg>.*)$",
        .types = &types,
        .timezone = "+01:00",
    };
    parsed r = parse(&o, lines, 4);
    CHECK_INT(r.rc, AF_OK);
    CHECK_INT(r.b->n_rows, 1);
    CHECK_INT(r.b->schema->n_fields, 4);
    CHECK_STR(r.b->schema->fields[0].name, "time");
    CHECK_STR(r.b->schema->fields[3].name, "msg");
    CHECK_STR(type_of(&r, "time"), "timestamp[us, UTC]");
    CHECK_STR(type_of(&r, "ms"), "int32");
    CHECK_STR(type_of(&r, "level"), "string");
    CHECK_STR(cell(&r, "time", 0), "2024-03-01T11:00:00.250000Z");
    CHECK_STR(cell(&r, "level", 0), "WARN");
    CHECK_STR(cell(&r, "ms", 0), "42");
    CHECK_STR(cell(&r, "msg", 0), "cache miss (key=a)");
    CHECK_CONTAINS(reasons(&r), "line 2: column 'ms': ");
    CHECK_CONTAINS(reasons(&r), "out of range for int32");
    CHECK_CONTAINS(reasons(&r), "line 3: line does not match the pattern\n");
    CHECK_CONTAINS(reasons(&r), "line 4: column 'time': cannot read '2024-13-01 12:00:00' as a "
                                "time");
    done(&r);

    /* with a time_format without a year, the year option is used */
    const char *l2[] = {"03/01 12:00:00 x"};
    af_strmap t2 = {0};
    af_strmap_put(&t2, "t", "timestamp", loc);
    af_logpat_options o2 = {.format = AF_LOGPAT_REGEX,
                            .pattern = "^(?<t>\\S+ \\S+) (?<rest>.*)$",
                            .types = &t2,
                            .time_format = "%m/%d %H:%M:%S",
                            .year = 1999};
    r = parse(&o2, l2, 1);
    CHECK_STR(cell(&r, "t", 0), "1999-03-01T12:00:00.000000Z");
    done(&r);
    af_strmap_free(&t2);

    /* configuration errors */
    af_strmap_put(&types, "nope", "int32", loc);
    r = parse(&o, lines, 0);
    CHECK_INT(r.rc, AF_ECONFIG);
    CHECK_STR(r.err, "p.yml:7:12: option types names 'nope', which is not a named group of the "
                     "pattern (groups: time, level, ms, msg)");
    done(&r);
    af_strmap_free(&types);
    o.types = NULL;
    o.pattern = "^(?<a>[0-9]+";
    r = parse(&o, lines, 0);
    CHECK_INT(r.rc, AF_ECONFIG);
    CHECK_CONTAINS(r.err, "the log pattern does not compile at offset 12: ");
    o.pattern = "^([0-9]+)$";
    r = parse(&o, lines, 0);
    CHECK_INT(r.rc, AF_ECONFIG);
    CHECK_CONTAINS(r.err, "the log pattern has no named group");
    o.pattern = NULL;
    r = parse(&o, lines, 0);
    CHECK_STR(r.err, "format regex needs the option pattern (a PCRE2 regex with named groups)");
}

TEST(json_lines_learn_columns)
{
    const char *lines[] = {
        "{\"ts\":\"2024-01-01T00:00:00+02:00\",\"a\":1,\"b\":\"x\",\"c\":1.5,\"d\":true,"
        "\"e\":{\"k\":[1,2]}}",
        "{\"a\":2,\"b\":\"y\",\"c\":2,\"f\":\"new\",\"ts\":null}",
        "{\"a\":3,\"g\":\"late\",\"b\":7}",
        "[1,2]",
        "{\"a\": oops}",
        "{\"a\":\"not a number\"}",
    };
    af_strmap types = {0};
    af_src_loc loc = {"p.yml", 3, 4};
    af_strmap_put(&types, "ts", "timestamp", loc);
    af_logpat_options o = {.format = AF_LOGPAT_JSON, .types = &types};
    af_logpat *p = NULL;
    af_error err = {0};
    CHECK_INT(af_logpat_new(&o, &p, &err), AF_OK);
    for (int i = 0; i < 2; i++) /* learn from the first two lines only */
        af_logpat_learn(p, lines[i], strlen(lines[i]));
    af_schema *s = af_schema_new();
    CHECK_INT(af_logpat_add_columns(p, s, &err), AF_OK);
    CHECK_INT(s->n_fields, 8);
    af_buf names;
    af_buf_init(&names);
    for (size_t i = 0; i < s->n_fields; i++) {
        af_buf_printf(&names, "%s%s:", i ? " " : "", s->fields[i].name);
        af_type_format(&s->fields[i].type, &names);
    }
    CHECK_STR(af_buf_cstr(&names), "ts:timestamp[us, UTC] a:int64 b:string c:float64 d:bool "
                                   "e:json f:string _extra:json");
    af_buf_free(&names);
    parsed r = {0};
    af_buf_init(&r.reasons);
    r.b = af_batch_new(s);
    af_buf reason;
    af_buf_init(&reason);
    for (size_t i = 0; i < 6; i++)
        if (af_logpat_append(p, lines[i], strlen(lines[i]), r.b->columns, &reason, &err) == 0)
            af_buf_printf(&r.reasons, "line %zu: %s\n", i + 1, af_buf_cstr(&reason));
    CHECK_INT(af_batch_seal(r.b, &err), AF_OK);
    CHECK_INT(r.b->n_rows, 3);
    CHECK_STR(cell(&r, "ts", 0), "2023-12-31T22:00:00.000000Z");
    CHECK_STR(cell(&r, "e", 0), "{\"k\":[1,2]}");
    CHECK_STR(cell(&r, "d", 0), "true");
    CHECK_STR(cell(&r, "_extra", 0), "NULL");
    CHECK_STR(cell(&r, "ts", 1), "NULL");
    CHECK_STR(cell(&r, "c", 1), "2");
    CHECK_STR(cell(&r, "f", 1), "new");
    CHECK_STR(cell(&r, "b", 2), "7"); /* a number in a string column keeps its JSON text */
    CHECK_STR(cell(&r, "_extra", 2), "{\"g\":\"late\"}");
    CHECK_STR(cell(&r, "d", 2), "NULL");
    CHECK_CONTAINS(reasons(&r), "line 4: line is a JSON array, not an object\n");
    CHECK_CONTAINS(reasons(&r), "line 5: line is not valid JSON (column ");
    CHECK_CONTAINS(reasons(&r), "line 6: column 'a': 'not a number' is not an integer");
    af_buf_free(&reason);
    done(&r);
    af_schema_free(s);
    af_logpat_free(p);
    af_strmap_free(&types);
}

TEST(format_names_and_bad_timezone)
{
    CHECK_STR(af_logpat_format_name(AF_LOGPAT_COMBINED), "combined");
    CHECK_STR(af_logpat_format_name(AF_LOGPAT_SYSLOG5424), "syslog5424");
    CHECK_STR(af_logpat_format_name(AF_LOGPAT_REGEX), "regex");
    af_logpat_options o = {.format = AF_LOGPAT_SYSLOG3164, .timezone = "Mars/Olympus"};
    af_logpat *p = NULL;
    af_error err = {0};
    CHECK(af_logpat_new(&o, &p, &err) < 0);
    CHECK_CONTAINS(err.msg, "option timezone");
    CHECK(p == NULL);
}

TEST_MAIN()
