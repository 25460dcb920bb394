/* tz.c - UTC offsets of time zones: fixed offsets and IANA zones read from
 * TZif files, with a process-wide cache of loaded zones (contract in tz.h).
 *
 * Time zones are read from the TZif files under /usr/share/zoneinfo (or
 * $TZDIR) by our own parser, never through TZ/tzset/localtime, which are
 * process-global and not safe in a multi-threaded engine. Loaded zones are
 * cached for the life of the process behind a mutex.
 */
#include "core/tz.h"

#include "core/values.h"
#include "core/values_internal.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

/* A POSIX TZ transition rule (the TZif footer), e.g. "M3.5.0/2". */
typedef struct tz_rule {
    char kind; /* 'J' (1..365, no Feb 29), 'N' (0..365), 'M' (month.week.weekday) */
    int a, b, c;
    int32_t time; /* seconds after local midnight; may be negative or > 24h */
} tz_rule;

typedef struct af_tz_zone {
    struct af_tz_zone *next;
    char *name;
    int64_t *trans;
    uint8_t *idx;
    size_t ntrans;
    int32_t *utoff;
    size_t ntypes;
    bool has_footer; /* footer rule applies after the last transition */
    int32_t std_off, dst_off;
    bool has_dst;
    tz_rule start, end;
} tz_zone;

static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;
static tz_zone *tz_cache;

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const uint8_t *p)
{
    return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/* POSIX TZ string pieces. All readers are bounded by n. */
static bool posix_name(const char *s, size_t n, size_t *i)
{
    size_t p = *i;
    if (p < n && s[p] == '<') {
        while (p < n && s[p] != '>')
            p++;
        if (p >= n)
            return false;
        *i = p + 1;
        return true;
    }
    size_t st = p;
    while (p < n && ((s[p] >= 'a' && s[p] <= 'z') || (s[p] >= 'A' && s[p] <= 'Z')))
        p++;
    if (p - st < 3)
        return false;
    *i = p;
    return true;
}

/* [+-]h[h[h]][:mm[:ss]] in seconds. */
static bool posix_hms(const char *s, size_t n, size_t *i, int32_t *out)
{
    size_t p = *i;
    bool neg = false;
    if (p < n && (s[p] == '+' || s[p] == '-')) {
        neg = s[p] == '-';
        p++;
    }
    int h, m = 0, sec = 0;
    if (!af_var_digits(s, n, &p, 3, &h) || h > 167)
        return false;
    if (p < n && s[p] == ':') {
        p++;
        if (!af_var_digits(s, n, &p, 2, &m) || m > 59)
            return false;
        if (p < n && s[p] == ':') {
            p++;
            if (!af_var_digits(s, n, &p, 2, &sec) || sec > 59)
                return false;
        }
    }
    *out = (int32_t)(h * 3600 + m * 60 + sec) * (neg ? -1 : 1);
    *i = p;
    return true;
}

static bool posix_rule(const char *s, size_t n, size_t *i, tz_rule *r)
{
    size_t p = *i;
    if (p < n && s[p] == 'J') {
        p++;
        r->kind = 'J';
        if (!af_var_digits(s, n, &p, 3, &r->a) || r->a < 1 || r->a > 365)
            return false;
    } else if (p < n && s[p] == 'M') {
        p++;
        r->kind = 'M';
        if (!af_var_digits(s, n, &p, 2, &r->a) || r->a < 1 || r->a > 12 || p >= n || s[p] != '.')
            return false;
        p++;
        if (!af_var_digits(s, n, &p, 1, &r->b) || r->b < 1 || r->b > 5 || p >= n || s[p] != '.')
            return false;
        p++;
        if (!af_var_digits(s, n, &p, 1, &r->c) || r->c > 6)
            return false;
    } else {
        r->kind = 'N';
        if (!af_var_digits(s, n, &p, 3, &r->a) || r->a > 365)
            return false;
    }
    r->time = 7200;
    if (p < n && s[p] == '/') {
        p++;
        if (!posix_hms(s, n, &p, &r->time))
            return false;
    }
    *i = p;
    return true;
}

/* Parses "STDoff[DST[off][,start[/t],end[/t]]]". */
static bool posix_tz(const char *s, size_t n, tz_zone *z)
{
    size_t i = 0;
    int32_t off;
    if (!posix_name(s, n, &i) || !posix_hms(s, n, &i, &off))
        return false;
    z->std_off = -off; /* POSIX offsets are west-positive */
    z->has_dst = false;
    if (i == n)
        return true;
    if (!posix_name(s, n, &i))
        return false;
    z->dst_off = z->std_off + 3600;
    if (i < n && s[i] != ',') {
        if (!posix_hms(s, n, &i, &off))
            return false;
        z->dst_off = -off;
    }
    if (i == n)
        return true; /* DST name without rules: no usable rule, treat as standard */
    if (s[i] != ',')
        return false;
    i++;
    if (!posix_rule(s, n, &i, &z->start) || i >= n || s[i] != ',')
        return false;
    i++;
    if (!posix_rule(s, n, &i, &z->end) || i != n)
        return false;
    z->has_dst = true;
    return true;
}

/* Local day (days since epoch) on which rule r falls in year y. */
static int64_t rule_day(const tz_rule *r, int64_t y)
{
    int64_t jan1 = af_days_from_civil(y, 1, 1);
    if (r->kind == 'J')
        return jan1 + r->a - 1 + (af_is_leap(y) && r->a >= 60 ? 1 : 0);
    if (r->kind == 'N')
        return jan1 + r->a;
    int64_t first = af_days_from_civil(y, (unsigned)r->a, 1);
    int64_t wd = ((first + 4) % 7 + 7) % 7; /* 1970-01-01 was a Thursday (4) */
    int64_t day = first + ((r->c - wd + 7) % 7) + 7 * (r->b - 1);
    int dim = af_days_in_month(y, r->a);
    while (day >= first + dim)
        day -= 7;
    return day;
}

static int32_t rule_offset(const tz_zone *z, int64_t t)
{
    if (!z->has_dst)
        return z->std_off;
    /* Far outside any real data the year arithmetic below could overflow;
     * clamping keeps it defined (the rule is periodic anyway). */
    if (t > (int64_t)1e15)
        t = (int64_t)1e15;
    if (t < -(int64_t)1e15)
        t = -(int64_t)1e15;
    int64_t y;
    unsigned m, d;
    af_civil_from_days(floor_div(t + z->std_off, 86400), &y, &m, &d);
    int64_t start = rule_day(&z->start, y) * 86400 + z->start.time - z->std_off;
    int64_t end = rule_day(&z->end, y) * 86400 + z->end.time - z->dst_off;
    bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    return dst ? z->dst_off : z->std_off;
}

static int32_t zone_offset(const tz_zone *z, int64_t t)
{
    if (z->ntrans == 0 || t >= z->trans[z->ntrans - 1]) {
        if (z->has_footer)
            return rule_offset(z, t);
        return z->ntrans == 0 ? z->utoff[0] : z->utoff[z->idx[z->ntrans - 1]];
    }
    if (t < z->trans[0])
        return z->utoff[0];            /* RFC 8536: type 0 applies before the first transition */
    size_t lo = 0, hi = z->ntrans - 1; /* trans[lo] <= t < trans[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (z->trans[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return z->utoff[z->idx[lo]];
}

static void zone_free(tz_zone *z)
{
    if (!z)
        return;
    free(z->name);
    free(z->trans);
    free(z->idx);
    free(z->utoff);
    free(z);
}

/* Parses a TZif file (RFC 8536): the 64-bit v2+ block when present, else
 * the v1 block, plus the footer rule. Every count is bounds-checked. */
static bool tzif_parse(const uint8_t *d, size_t n, tz_zone *z)
{
    if (n < 44 || memcmp(d, "TZif", 4) != 0)
        return false;
    int version = d[4] == 0 ? 1 : d[4] - '0';
    size_t pos = 0;
    int tsize = 4;
    if (version >= 2) {
        /* Skip the v1 header + block to reach the 64-bit copy. */
        uint32_t isut = be32(d + 20), isstd = be32(d + 24), leap = be32(d + 28),
                 timecnt = be32(d + 32), typecnt = be32(d + 36), charcnt = be32(d + 40);
        uint64_t skip = (uint64_t)timecnt * 5 + (uint64_t)typecnt * 6 + charcnt +
                        (uint64_t)leap * 8 + isstd + isut;
        if (skip > n - 44)
            return false;
        pos = 44 + (size_t)skip;
        tsize = 8;
        if (n - pos < 44 || memcmp(d + pos, "TZif", 4) != 0)
            return false;
    }
    const uint8_t *h = d + pos;
    uint32_t isut = be32(h + 20), isstd = be32(h + 24), leap = be32(h + 28), timecnt = be32(h + 32),
             typecnt = be32(h + 36), charcnt = be32(h + 40);
    if (typecnt == 0 || typecnt > 256 || timecnt > 1000000 || charcnt > 1000000 || leap > 1000000 ||
        isut > 256 || isstd > 256)
        return false;
    pos += 44;
    uint64_t need = (uint64_t)timecnt * (uint64_t)(tsize + 1) + (uint64_t)typecnt * 6 + charcnt +
                    (uint64_t)leap * (uint64_t)(tsize + 4) + isstd + isut;
    if (need > n - pos)
        return false;
    z->ntrans = timecnt;
    z->ntypes = typecnt;
    z->trans = malloc(sizeof *z->trans * (timecnt ? timecnt : 1));
    z->idx = malloc(timecnt ? timecnt : 1);
    z->utoff = malloc(sizeof *z->utoff * typecnt);
    if (!z->trans || !z->idx || !z->utoff)
        return false;
    const uint8_t *p = d + pos;
    for (uint32_t k = 0; k < timecnt; k++) {
        z->trans[k] = tsize == 8 ? be64(p) : (int64_t)(int32_t)be32(p);
        p += tsize;
        if (k > 0 && z->trans[k] <= z->trans[k - 1])
            return false;
    }
    for (uint32_t k = 0; k < timecnt; k++) {
        z->idx[k] = *p++;
        if (z->idx[k] >= typecnt)
            return false;
    }
    for (uint32_t k = 0; k < typecnt; k++) {
        int32_t off = (int32_t)be32(p);
        if (off <= -89992 || off >= 93600) /* RFC 8536 bounds: within 26 hours */
            return false;
        z->utoff[k] = off;
        p += 6;
    }
    p += charcnt + (size_t)leap * (size_t)(tsize + 4) + isstd + isut;
    z->has_footer = false;
    if (version >= 2) {
        size_t rest = (size_t)(d + n - p);
        if (rest >= 2 && p[0] == '\n') {
            const uint8_t *nl = memchr(p + 1, '\n', rest - 1);
            if (nl && nl > p + 1)
                z->has_footer = posix_tz((const char *)p + 1, (size_t)(nl - p - 1), z);
        }
    }
    return true;
}

/* IANA names are path components under the zoneinfo directory: restrict the
 * alphabet and forbid "." / ".." components so a configured time zone can
 * never name an arbitrary file. */
static bool tz_name_ok(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 200 || name[0] == '/')
        return false;
    const char *comp = name;
    for (size_t k = 0; k <= len; k++) {
        char ch = name[k];
        if (ch == '/' || ch == '\0') {
            size_t cl = (size_t)(name + k - comp);
            if (cl == 0 || (cl == 1 && comp[0] == '.') ||
                (cl == 2 && comp[0] == '.' && comp[1] == '.'))
                return false;
            comp = name + k + 1;
            continue;
        }
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || af_is_digit(ch) ||
                  ch == '_' || ch == '-' || ch == '+' || ch == '.';
        if (!ok)
            return false;
    }
    return true;
}

static int zone_load(const char *name, tz_zone **out, af_error *err)
{
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir)
        dir = "/usr/share/zoneinfo";
    char path[512];
    int len = snprintf(path, sizeof path, "%s/%s", dir, name);
    if (len < 0 || (size_t)len >= sizeof path)
        return af_error_set(err, AF_EINVAL, "time zone name '%s' is too long", name);
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return af_error_set(err, AF_ENOTFOUND,
                            "unknown time zone '%s' (no tzdata file %s; is the tzdata "
                            "package installed?)",
                            name, path);
    /* Real TZif files are a few KiB; the cap bounds memory on a bad path. */
    size_t cap = 1u << 20, n = 0;
    uint8_t *data = malloc(cap);
    if (!data) {
        fclose(fp);
        return af_error_set(err, AF_ENOMEM, "out of memory loading time zone '%s'", name);
    }
    size_t got;
    while (n < cap && (got = fread(data + n, 1, cap - n, fp)) > 0)
        n += got;
    bool ioerr = ferror(fp) != 0;
    fclose(fp);
    if (ioerr) {
        free(data);
        return af_error_set(err, AF_EIO, "cannot read time zone file %s", path);
    }
    tz_zone *z = calloc(1, sizeof *z);
    if (!z) {
        free(data);
        return af_error_set(err, AF_ENOMEM, "out of memory loading time zone '%s'", name);
    }
    bool ok = tzif_parse(data, n, z);
    free(data);
    if (!ok) {
        zone_free(z);
        return af_error_set(err, AF_EPARSE, "time zone file %s is not a valid TZif file", path);
    }
    z->name = af_strdup(name);
    if (!z->name) {
        zone_free(z);
        return af_error_set(err, AF_ENOMEM, "out of memory loading time zone '%s'", name);
    }
    *out = z;
    return AF_OK;
}

/* Zones are immutable once cached, so callers use them without the lock. */
static int zone_get(const char *name, const tz_zone **out, af_error *err)
{
    if (!tz_name_ok(name)) {
        af_quoted q;
        return af_error_set(err, AF_EINVAL,
                            "'%s' is not a time zone (expected UTC, +HH:MM or an IANA name "
                            "like Europe/Paris)",
                            af_quote(&q, name, strlen(name)));
    }
    pthread_mutex_lock(&tz_lock);
    for (tz_zone *z = tz_cache; z; z = z->next) {
        if (strcmp(z->name, name) == 0) {
            pthread_mutex_unlock(&tz_lock);
            *out = z;
            return AF_OK;
        }
    }
    tz_zone *z = NULL;
    int rc = zone_load(name, &z, err);
    if (rc == AF_OK) {
        z->next = tz_cache;
        tz_cache = z;
        *out = z;
    }
    pthread_mutex_unlock(&tz_lock);
    return rc;
}

int af_tz_resolve(const char *tz, af_tz_handle *h, af_error *err)
{
    h->zone = NULL;
    h->fixed = 0;
    if (!tz)
        return AF_OK;
    size_t len = strlen(tz);
    if (af_slice_ieq(tz, len, "UTC") || af_slice_ieq(tz, len, "Z") || af_slice_ieq(tz, len, "GMT"))
        return AF_OK;
    if (tz[0] == '+' || tz[0] == '-') {
        size_t i = 0;
        if (af_parse_utc_offset(tz, len, &i, &h->fixed) && i == len)
            return AF_OK;
        af_quoted q;
        return af_error_set(err, AF_EINVAL,
                            "'%s' is not a valid UTC offset (expected +HH:MM, +HHMM or +HH)",
                            af_quote(&q, tz, len));
    }
    return zone_get(tz, &h->zone, err);
}

static int32_t tz_handle_offset(const af_tz_handle *h, int64_t utc)
{
    return h->zone ? zone_offset(h->zone, utc) : h->fixed;
}

/* Local wall-clock seconds to UTC seconds.
 * Ambiguous times (a fall-back hour that happens twice) take the earlier
 * instant, i.e. the offset in force before the transition. Times in a gap
 * (a spring-forward hour that never happens, e.g. 02:30 in Europe/Paris on
 * 2024-03-31) also use the offset in force before the transition, so 02:30
 * becomes 01:30 UTC = 03:30 CEST: the clock reading is shifted forward by
 * the gap length, as PostgreSQL and Python (fold=0) do. */
int64_t af_tz_local_to_utc(const af_tz_handle *h, int64_t local)
{
    if (!h->zone)
        return local - h->fixed;
    int32_t before = zone_offset(h->zone, local - 86400 - 86400);
    int32_t after = zone_offset(h->zone, local + 86400 + 86400);
    int64_t u1 = local - before, u2 = local - after;
    bool ok1 = zone_offset(h->zone, u1) == before;
    bool ok2 = zone_offset(h->zone, u2) == after;
    if (ok1 && ok2)
        return u1 < u2 ? u1 : u2;
    if (ok1)
        return u1;
    if (ok2)
        return u2;
    return u1; /* gap: offset before the transition */
}

int af_tz_offset(const char *tz, int64_t utc_seconds, int32_t *offset_seconds, af_error *err)
{
    af_tz_handle h;
    int rc = af_tz_resolve(tz, &h, err);
    if (rc)
        return rc;
    *offset_seconds = tz_handle_offset(&h, utc_seconds);
    return AF_OK;
}
