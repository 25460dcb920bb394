/* configmap.c - typed option tables: parsing option text into config structs.
 *
 * A config map describes a plugin's (or a pipeline section's) options; this
 * file turns text into the typed field at `offset` (af_config_set_text),
 * applies defaults, frees owned values and prints the table for humans and
 * for Markdown docs. The YAML walking lives in config.c; everything here works
 * on plain text so defaults, YAML scalars and CLI overrides share one parser.
 *
 * Units, chosen to match what people mean on the command line of most tools
 * and documented in docs/pipeline.md:
 *   SIZE      SI letters are decimal (k/KB = 1000, MB = 1000^2 ...), the "i"
 *             forms are binary (KiB = 1024, MiB = 1024^2 ...); B or no unit =
 *             bytes; case-insensitive; a fraction is allowed ("1.5GiB").
 *   DURATION  ms, s, m, h, d (also combined: "1h30m"); a plain number is
 *             seconds; stored as milliseconds.
 *   CHAR      one byte, or a name: tab, comma, semicolon, pipe, space,
 *             newline, "\t"; empty or "none" gives NUL (feature disabled).
 */
#include "core/configmap.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int af_strmap_put(af_strmap *m, const char *key, const char *value, af_src_loc loc)
{
    /* Last write wins, so CLI overrides can replace a value from the file. */
    for (size_t i = 0; i < m->len; i++) {
        if (strcmp(m->items[i].key, key) == 0) {
            char *v = af_strdup(value);
            if (!v)
                return AF_ENOMEM;
            free(m->items[i].value);
            m->items[i].value = v;
            m->items[i].loc = loc;
            return AF_OK;
        }
    }
    if (m->len == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 8;
        af_strmap_entry *items = realloc(m->items, cap * sizeof *items);
        if (!items)
            return AF_ENOMEM;
        m->items = items;
        m->cap = cap;
    }
    char *k = af_strdup(key);
    char *v = af_strdup(value);
    if (!k || !v) {
        free(k);
        free(v);
        return AF_ENOMEM;
    }
    m->items[m->len++] = (af_strmap_entry){k, v, loc};
    return AF_OK;
}

const char *af_strmap_get(const af_strmap *m, const char *key)
{
    for (size_t i = 0; i < m->len; i++)
        if (strcmp(m->items[i].key, key) == 0)
            return m->items[i].value;
    return NULL;
}

void af_strmap_free(af_strmap *m)
{
    for (size_t i = 0; i < m->len; i++) {
        free(m->items[i].key);
        free(m->items[i].value);
    }
    free(m->items);
    m->items = NULL;
    m->len = m->cap = 0;
}

const char *af_opt_type_name(af_opt_type t)
{
    switch (t) {
    case AF_OPT_STRING: return "string";
    case AF_OPT_SECRET: return "secret";
    case AF_OPT_INT: return "int";
    case AF_OPT_SIZE: return "size";
    case AF_OPT_DURATION: return "duration";
    case AF_OPT_BOOL: return "bool";
    case AF_OPT_DOUBLE: return "double";
    case AF_OPT_ENUM: return "enum";
    case AF_OPT_CHAR: return "char";
    case AF_OPT_STRLIST: return "list";
    case AF_OPT_STRMAP: return "map";
    }
    return "unknown";
}

/* What an option expects, phrased for error messages. */
static const char *type_hint(af_opt_type t)
{
    switch (t) {
    case AF_OPT_INT: return "an integer";
    case AF_OPT_SIZE: return "a size such as 65536, 512k, 64MB or 16MiB";
    case AF_OPT_DURATION: return "a duration such as 250ms, 30s, 5m, 1h or 1d";
    case AF_OPT_BOOL: return "true/false, yes/no or on/off";
    case AF_OPT_DOUBLE: return "a number";
    case AF_OPT_CHAR: return "one character or tab, comma, semicolon, pipe, space";
    default: return af_opt_type_name(t);
    }
}

size_t af_config_map_count(const af_config_map *map)
{
    size_t n = 0;
    while (map && map[n].name)
        n++;
    return n;
}

static void *field(const af_config_map *e, void *config)
{
    return (char *)config + e->offset;
}

static void free_field(const af_config_map *e, void *config)
{
    void *f = field(e, config);
    switch (e->type) {
    case AF_OPT_STRING:
    case AF_OPT_SECRET: {
        char **s = f;
        free(*s);
        *s = NULL;
        break;
    }
    case AF_OPT_STRLIST: af_strlist_free(f); break;
    case AF_OPT_STRMAP: af_strmap_free(f); break;
    default: break;
    }
}

void af_config_struct_free(const af_config_map *map, void *config)
{
    if (!map || !config)
        return;
    for (size_t i = 0; map[i].name; i++)
        free_field(&map[i], config);
}

int af_config_struct_defaults(const af_config_map *map, void *config, af_error *err)
{
    for (size_t i = 0; map && map[i].name; i++) {
        if (!map[i].default_value)
            continue;
        af_error derr;
        af_error_clear(&derr);
        int rc = af_config_set_text(&map[i], config, map[i].default_value, &derr);
        if (rc) /* a bug in the plugin's table, not in the user's file */
            return af_error_set(err, AF_EINTERNAL, "bad default for option '%s': %s", map[i].name,
                                derr.msg);
    }
    return AF_OK;
}

static int bad_value(const af_config_map *e, const char *text, af_error *err)
{
    return af_error_set(err, AF_ECONFIG, "invalid value '%s' for option '%s': expected %s", text,
                        e->name, type_hint(e->type));
}

/* Strict decimal integer: optional sign, digits, nothing else. */
static int parse_int(const char *s, int64_t *out)
{
    const char *p = s;
    if (*p == '+' || *p == '-')
        p++;
    if (!isdigit((unsigned char)*p))
        return AF_EPARSE;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (*end)
        return AF_EPARSE;
    if (errno == ERANGE)
        return AF_EOVERFLOW;
    *out = v;
    return AF_OK;
}

/* Parses "DIGITS[.DIGITS]" at *pp into an integer part and a fraction. */
static int parse_number(const char **pp, uint64_t *ip, double *frac)
{
    const char *p = *pp;
    if (!isdigit((unsigned char)*p))
        return AF_EPARSE;
    uint64_t v = 0;
    while (isdigit((unsigned char)*p)) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return AF_EOVERFLOW;
        v = v * 10 + d;
        p++;
    }
    double f = 0;
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p))
            return AF_EPARSE;
        double scale = 0.1;
        while (isdigit((unsigned char)*p)) {
            f += (*p - '0') * scale;
            scale /= 10;
            p++;
        }
    }
    *ip = v;
    *frac = f;
    *pp = p;
    return AF_OK;
}

/* v * mult + frac * mult, within int64. */
static int scale_value(uint64_t v, double frac, uint64_t mult, int64_t *out)
{
    if (mult && v > (uint64_t)INT64_MAX / mult)
        return AF_EOVERFLOW;
    uint64_t r = v * mult;
    double extra = frac * (double)mult;
    uint64_t e = (uint64_t)llround(extra);
    if (r > (uint64_t)INT64_MAX - e)
        return AF_EOVERFLOW;
    *out = (int64_t)(r + e);
    return AF_OK;
}

static int parse_size(const char *s, int64_t *out)
{
    const char *p = s;
    uint64_t v;
    double frac;
    int rc = parse_number(&p, &v, &frac);
    if (rc)
        return rc;
    while (*p == ' ')
        p++;
    static const struct {
        const char *unit;
        uint64_t mult;
    } units[] = {
        {"", 1},
        {"b", 1},
        {"k", 1000ULL},
        {"kb", 1000ULL},
        {"m", 1000000ULL},
        {"mb", 1000000ULL},
        {"g", 1000000000ULL},
        {"gb", 1000000000ULL},
        {"t", 1000000000000ULL},
        {"tb", 1000000000000ULL},
        {"p", 1000000000000000ULL},
        {"pb", 1000000000000000ULL},
        {"ki", 1ULL << 10},
        {"kib", 1ULL << 10},
        {"mi", 1ULL << 20},
        {"mib", 1ULL << 20},
        {"gi", 1ULL << 30},
        {"gib", 1ULL << 30},
        {"ti", 1ULL << 40},
        {"tib", 1ULL << 40},
        {"pi", 1ULL << 50},
        {"pib", 1ULL << 50},
    };
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcasecmp(p, units[i].unit) == 0)
            return scale_value(v, frac, units[i].mult, out);
    return AF_EPARSE;
}

static int parse_duration(const char *s, int64_t *out)
{
    const char *p = s;
    int64_t total = 0;
    bool any_unit = false;
    while (*p) {
        uint64_t v;
        double frac;
        int rc = parse_number(&p, &v, &frac);
        if (rc)
            return rc;
        uint64_t mult;
        if (*p == '\0') {
            /* A bare number is seconds, but only on its own: "1h30" is a typo. */
            if (any_unit)
                return AF_EPARSE;
            mult = 1000;
        } else if (strncmp(p, "ms", 2) == 0) {
            mult = 1;
            p += 2;
        } else if (*p == 's') {
            mult = 1000;
            p++;
        } else if (*p == 'm') {
            mult = 60 * 1000;
            p++;
        } else if (*p == 'h') {
            mult = 3600 * 1000;
            p++;
        } else if (*p == 'd') {
            mult = 86400 * 1000;
            p++;
        } else {
            return AF_EPARSE;
        }
        any_unit = true;
        int64_t part;
        rc = scale_value(v, frac, mult, &part);
        if (rc)
            return rc;
        if (total > INT64_MAX - part)
            return AF_EOVERFLOW;
        total += part;
    }
    if (p == s)
        return AF_EPARSE;
    *out = total;
    return AF_OK;
}

static int parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return AF_OK;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return AF_OK;
        }
    }
    return AF_EPARSE;
}

static int parse_char(const char *s, char *out)
{
    static const struct {
        const char *name;
        char c;
    } names[] = {
        {"tab", '\t'}, {"\\t", '\t'},  {"comma", ','}, {"semicolon", ';'},
        {"pipe", '|'}, {"space", ' '}, {"\\\\", '\\'}, {"\\n", '\n'},
        {"\\r", '\r'}, {"none", '\0'}, {"\\0", '\0'},  {"newline", '\n'},
    };
    if (!s[0]) {
        /* Empty means "none": plugins read NUL as "feature disabled". */
        *out = '\0';
        return AF_OK;
    }
    if (!s[1]) {
        *out = s[0];
        return AF_OK;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(s, names[i].name) == 0) {
            *out = names[i].c;
            return AF_OK;
        }
    }
    return AF_EPARSE;
}

/* Index of `s` among "a|b|c", exact match first, then ignoring case. */
static int enum_index(const char *values, const char *s, bool fold)
{
    int idx = 0;
    size_t n = strlen(s);
    for (const char *p = values; p && *p; idx++) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && (fold ? strncasecmp(p, s, n) : strncmp(p, s, n)) == 0)
            return idx;
        if (!bar)
            break;
        p = bar + 1;
    }
    return -1;
}

static int set_enum(const af_config_map *e, int *out, const char *text, af_error *err)
{
    int idx = enum_index(e->enum_values, text, false);
    if (idx < 0)
        idx = enum_index(e->enum_values, text, true);
    if (idx >= 0) {
        *out = idx;
        return AF_OK;
    }
    af_buf allowed;
    af_buf_init(&allowed);
    for (const char *p = e->enum_values; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (allowed.len)
            af_buf_append_str(&allowed, ", ");
        af_buf_append(&allowed, p, len);
        if (!bar)
            break;
        p = bar + 1;
    }
    int rc = af_error_set(err, AF_ECONFIG, "invalid value '%s' for option '%s': expected one of %s",
                          text, e->name, allowed.len ? af_buf_cstr(&allowed) : "(none)");
    af_buf_free(&allowed);
    return rc;
}

/* "k=v,k2=v2" for defaults and CLI overrides; YAML uses a real mapping. */
static int set_strmap(const af_config_map *e, af_strmap *m, const char *text, af_error *err)
{
    af_strmap_free(m);
    const char *p = text;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *eq = memchr(p, '=', len);
        if (!eq || eq == p)
            return af_error_set(err, AF_ECONFIG,
                                "invalid value '%s' for option '%s': expected key=value pairs "
                                "separated by commas",
                                text, e->name);
        char *k = af_strndup(p, (size_t)(eq - p));
        char *v = af_strndup(eq + 1, len - (size_t)(eq - p) - 1);
        int rc = (k && v) ? af_strmap_put(m, k, v, (af_src_loc){0}) : AF_ENOMEM;
        free(k);
        free(v);
        if (rc)
            return af_error_set(err, rc, "out of memory");
        if (!comma)
            break;
        p = comma + 1;
    }
    return AF_OK;
}

int af_config_set_text(const af_config_map *e, void *config, const char *text, af_error *err)
{
    void *f = field(e, config);
    int rc = AF_OK;
    switch (e->type) {
    case AF_OPT_STRING:
    case AF_OPT_SECRET: {
        char *s = af_strdup(text);
        if (!s)
            return af_error_set(err, AF_ENOMEM, "out of memory");
        free(*(char **)f);
        *(char **)f = s;
        return AF_OK;
    }
    case AF_OPT_INT: {
        int64_t v;
        rc = parse_int(text, &v);
        if (rc == AF_EOVERFLOW)
            return af_error_set(err, AF_ECONFIG, "value '%s' for option '%s' is out of range", text,
                                e->name);
        if (rc)
            return bad_value(e, text, err);
        *(int64_t *)f = v;
        return AF_OK;
    }
    case AF_OPT_SIZE:
    case AF_OPT_DURATION: {
        int64_t v;
        rc = e->type == AF_OPT_SIZE ? parse_size(text, &v) : parse_duration(text, &v);
        if (rc == AF_EOVERFLOW)
            return af_error_set(err, AF_ECONFIG, "value '%s' for option '%s' is out of range", text,
                                e->name);
        if (rc)
            return bad_value(e, text, err);
        *(int64_t *)f = v;
        return AF_OK;
    }
    case AF_OPT_BOOL:
        if (parse_bool(text, (bool *)f))
            return bad_value(e, text, err);
        return AF_OK;
    case AF_OPT_DOUBLE: {
        char *end;
        errno = 0;
        double d = strtod(text, &end);
        if (!*text || isspace((unsigned char)*text) || *end || !isfinite(d))
            return bad_value(e, text, err);
        if (errno == ERANGE && fabs(d) > 1.0)
            return af_error_set(err, AF_ECONFIG, "value '%s' for option '%s' is out of range", text,
                                e->name);
        *(double *)f = d;
        return AF_OK;
    }
    case AF_OPT_ENUM: return set_enum(e, (int *)f, text, err);
    case AF_OPT_CHAR:
        if (parse_char(text, (char *)f))
            return bad_value(e, text, err);
        return AF_OK;
    case AF_OPT_STRLIST: {
        af_strlist *l = f;
        af_strlist_free(l);
        if (af_strlist_push(l, text))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        return AF_OK;
    }
    case AF_OPT_STRMAP: return set_strmap(e, f, text, err);
    }
    return af_error_set(err, AF_EINTERNAL, "option '%s' has an unknown type", e->name);
}

/* Enum values as "a, b, c" for display. */
static void append_enum_values(af_buf *out, const char *values, const char *sep, bool code)
{
    bool first = true;
    for (const char *p = values; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (!first)
            af_buf_append_str(out, sep);
        first = false;
        if (code)
            af_buf_append_byte(out, '`');
        af_buf_append(out, p, len);
        if (code)
            af_buf_append_byte(out, '`');
        if (!bar)
            break;
        p = bar + 1;
    }
}

int af_config_map_print_text(const af_config_map *map, af_buf *out)
{
    size_t wname = 6, wtype = 4;
    for (size_t i = 0; map && map[i].name; i++) {
        size_t n = strlen(map[i].name);
        size_t t = strlen(af_opt_type_name(map[i].type));
        wname = n > wname ? n : wname;
        wtype = t > wtype ? t : wtype;
    }
    int rc = af_buf_printf(out, "%-*s  %-*s  %-8s  %s\n", (int)wname, "OPTION", (int)wtype, "TYPE",
                           "REQUIRED", "DEFAULT");
    for (size_t i = 0; !rc && map && map[i].name; i++) {
        const af_config_map *e = &map[i];
        rc = af_buf_printf(out, "%-*s  %-*s  %-8s  %s\n", (int)wname, e->name, (int)wtype,
                           af_opt_type_name(e->type), e->required ? "yes" : "no",
                           !e->default_value   ? "-"
                           : *e->default_value ? e->default_value
                                               : "\"\"");
        if (!rc && e->doc && *e->doc)
            rc = af_buf_printf(out, "    %s\n", e->doc);
        if (!rc && e->type == AF_OPT_ENUM && e->enum_values) {
            rc = af_buf_append_str(out, "    one of: ");
            append_enum_values(out, e->enum_values, ", ", false);
            rc = rc ? rc : af_buf_append_byte(out, '\n');
        }
    }
    return rc;
}

/* Markdown table cells must not contain raw pipes, newlines or tag-like text. */
static int append_md_cell(af_buf *out, const char *s)
{
    int rc = AF_OK;
    for (; s && *s && !rc; s++) {
        if (*s == '|')
            rc = af_buf_append_str(out, "\\|");
        else if (*s == '<') /* "<lake>" would read as an HTML tag */
            rc = af_buf_append_str(out, "&lt;");
        else if (*s == '>')
            rc = af_buf_append_str(out, "&gt;");
        else if (*s == '\n')
            rc = af_buf_append_byte(out, ' ');
        else
            rc = af_buf_append_byte(out, (uint8_t)*s);
    }
    return rc;
}

int af_config_map_print_markdown(const af_config_map *map, af_buf *out)
{
    int rc = af_buf_append_str(out, "| option | type | default | required | description |\n"
                                    "| --- | --- | --- | --- | --- |\n");
    for (size_t i = 0; !rc && map && map[i].name; i++) {
        const af_config_map *e = &map[i];
        af_buf_printf(out, "| `%s` | %s", e->name, af_opt_type_name(e->type));
        if (e->type == AF_OPT_ENUM && e->enum_values) {
            af_buf_append_str(out, " (");
            append_enum_values(out, e->enum_values, " \\| ", true);
            af_buf_append_byte(out, ')');
        }
        af_buf_append_str(out, " | ");
        if (e->default_value && !*e->default_value) {
            /* An empty default is meaningful (e.g. the empty string is null). */
            af_buf_append_str(out, "`\"\"`");
        } else if (e->default_value) {
            af_buf_append_byte(out, '`');
            append_md_cell(out, e->default_value);
            af_buf_append_byte(out, '`');
        }
        af_buf_printf(out, " | %s | ", e->required ? "yes" : "no");
        append_md_cell(out, e->doc);
        rc = af_buf_append_str(out, " |\n");
    }
    return rc;
}

int af_config_parse_size(const char *text, int64_t *out)
{
    return parse_size(text, out);
}
