/* log.c - the one logger and the progress line.
 *
 * Every line is built, redacted and written while holding one mutex, so
 * lines from several threads never interleave and a progress bar drawn on
 * the same terminal is erased before a line and redrawn after it. The
 * buffers used to build lines are reused under that mutex, so a log call
 * costs no allocation once they have grown.
 *
 * Redaction happens twice: on the raw message and string field values
 * (before quoting/escaping could hide a registered secret that contains a
 * quote or a backslash), and on the finished line, as the contract says.
 */
#include "core/log.h"

#include "core/buf.h"
#include "security/redact.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define PROGRESS_INTERVAL_NS (100ull * 1000 * 1000)
#define ERASE_LINE "\r\033[K"

struct af_progress {
    af_progress *next; /* list of active bars, under g_lock */
    char *label;
    uint64_t start_ns;
    _Atomic int64_t rows;
    _Atomic uint64_t bytes;
    _Atomic uint64_t total;
};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

/* Everything below is guarded by g_lock, except the atomics. */
static struct {
    af_log_format format;
    FILE *stream; /* NULL = stderr */
    FILE *file;
    int color_opt;    /* as given: -1 auto, 0, 1 */
    int progress_opt; /* as given: 0 auto, 1 always, -1 never */
    bool resolved;    /* color/progress decided for the current stream */
    bool color;
    bool progress_ok;
    char run_id[128];
    af_progress *active;
    af_progress *shown; /* the bar currently drawn, if drawn */
    bool drawn;
    af_buf msg, tmp, line, red, out; /* reused line-building buffers */
} g = {.color_opt = -1};

static _Atomic int g_min_level = AF_LOG_INFO;
static _Atomic uint64_t g_next_draw_ns;

static const char *const g_level_json[] = {"debug", "info", "warn", "error"};
static const char *const g_level_text[] = {"DEBUG", "INFO ", "WARN ", "ERROR"};
static const char *const g_level_color[] = {"\033[2m", "\033[32m", "\033[33m", "\033[1;31m"};

static uint64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static FILE *out_stream(void)
{
    return g.stream ? g.stream : stderr;
}

static bool stream_is_tty(FILE *f)
{
    int fd = fileno(f);
    return fd >= 0 && isatty(fd);
}

/* Colour and progress depend on the stream, which may be stderr before
 * af_log_init; decided once per configuration. */
static void resolve_locked(void)
{
    if (g.resolved)
        return;
    tzset();
    bool tty = stream_is_tty(out_stream());
    if (g.color_opt == -1) {
        const char *term = getenv("TERM");
        g.color = tty && !getenv("NO_COLOR") && !(term && strcmp(term, "dumb") == 0);
    } else {
        g.color = g.color_opt == 1;
    }
    g.progress_ok =
        g.format == AF_LOG_FORMAT_TEXT && (g.progress_opt == 1 || (g.progress_opt == 0 && tty));
    g.resolved = true;
}

int af_log_init(const af_log_options *opts, af_error *err)
{
    af_log_options def = {.format = AF_LOG_FORMAT_TEXT, .min_level = AF_LOG_INFO, .color = -1};
    if (!opts)
        opts = &def;
    if (opts->format != AF_LOG_FORMAT_TEXT && opts->format != AF_LOG_FORMAT_JSON)
        return af_error_set(err, AF_EINVAL, "unknown log format %d", (int)opts->format);
    if (opts->min_level < AF_LOG_DEBUG || opts->min_level > AF_LOG_ERROR)
        return af_error_set(err, AF_EINVAL, "unknown log level %d", (int)opts->min_level);
    if (opts->color < -1 || opts->color > 1)
        return af_error_set(err, AF_EINVAL, "log color must be -1 (auto), 0 or 1, not %d",
                            opts->color);

    FILE *file = NULL;
    if (opts->file && opts->file[0]) {
        file = fopen(opts->file, "ae");
        if (!file)
            return af_error_set(err, AF_EIO, "cannot open log file %s: %s", opts->file,
                                strerror(errno));
    }

    pthread_mutex_lock(&g_lock);
    if (g.drawn) {
        fputs(ERASE_LINE, out_stream());
        fflush(out_stream());
        g.drawn = false;
    }
    if (g.file)
        fclose(g.file);
    g.file = file;
    g.format = opts->format;
    g.stream = opts->stream;
    g.color_opt = opts->color;
    g.progress_opt = opts->progress;
    g.resolved = false;
    atomic_store(&g_min_level, (int)opts->min_level);
    pthread_mutex_unlock(&g_lock);
    return AF_OK;
}

void af_log_shutdown(void)
{
    pthread_mutex_lock(&g_lock);
    if (g.drawn) {
        fputs(ERASE_LINE, out_stream());
        g.drawn = false;
    }
    fflush(out_stream());
    if (g.file)
        fclose(g.file);
    g.file = NULL;
    g.stream = NULL;
    g.format = AF_LOG_FORMAT_TEXT;
    g.color_opt = -1;
    g.progress_opt = 0;
    g.resolved = false;
    g.run_id[0] = '\0';
    af_buf_free(&g.msg);
    af_buf_free(&g.tmp);
    af_buf_free(&g.line);
    af_buf_free(&g.red);
    af_buf_free(&g.out);
    atomic_store(&g_min_level, AF_LOG_INFO);
    pthread_mutex_unlock(&g_lock);
}

void af_log_set_run_id(const char *run_id)
{
    pthread_mutex_lock(&g_lock);
    af_strlcpy(g.run_id, run_id ? run_id : "", sizeof g.run_id);
    pthread_mutex_unlock(&g_lock);
}

/* ---- line building (all under g_lock) ---- */

/* Text lines are one line each and must not move the cursor or recolour the
 * terminal: control bytes in messages are shown escaped. */
static int append_sanitized(af_buf *b, const char *s, size_t n)
{
    int rc = af_buf_reserve(b, n);
    for (size_t i = 0; i < n && !rc; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c >= 0x20 && c != 0x7f)
            rc = af_buf_append_byte(b, c);
        else if (c == '\n')
            rc = af_buf_append(b, "\\n", 2);
        else if (c == '\r')
            rc = af_buf_append(b, "\\r", 2);
        else if (c == '\t')
            rc = af_buf_append_byte(b, c);
        else
            rc = af_buf_printf(b, "\\x%02x", c);
    }
    return rc;
}

/* A text field value needs quotes when it would not read back as one token. */
static bool needs_quotes(const char *s, size_t n)
{
    if (n == 0)
        return true;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = (uint8_t)s[i];
        if (c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f)
            return true;
    }
    return false;
}

static int append_double(af_buf *b, double d, bool json)
{
    if (!isfinite(d))
        return json ? af_buf_append_str(b, "null") : af_buf_printf(b, "%g", d);
    char tmp[40];
    /* Log figures are durations and rates: a few significant digits say it
     * all, and 17-digit noise would drown the line. */
    snprintf(tmp, sizeof tmp, json ? "%.9g" : "%.4g", d);
    int rc = af_buf_append_str(b, tmp);
    /* Keep doubles doubles in JSON ("1.0", not "1"). */
    if (!rc && json && !strpbrk(tmp, ".eE"))
        rc = af_buf_append(b, ".0", 2);
    return rc;
}

static bool reserved_key(const char *k)
{
    static const char *const r[] = {"ts", "level", "event", "msg", "run_id"};
    for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
        if (strcmp(k, r[i]) == 0)
            return true;
    return false;
}

/* Redacts s[0..n) into g.tmp (reset first). */
static int redact_tmp(const char *s, size_t n)
{
    af_buf_reset(&g.tmp);
    return af_redact(s, n, &g.tmp);
}

static int build_json(af_log_level level, const char *event, const af_log_field *f, size_t nf,
                      const struct timespec *ts)
{
    af_buf *b = &g.line;
    struct tm tm;
    time_t sec = ts->tv_sec;
    gmtime_r(&sec, &tm);
    char when[40];
    size_t wl = strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S", &tm);
    int rc = af_buf_printf(b, "{\"ts\":\"%.*s.%03ldZ\",\"level\":\"%s\",\"event\":", (int)wl, when,
                           ts->tv_nsec / 1000000L, g_level_json[level]);
    if (!rc)
        rc = af_buf_append_json_string(b, event ? event : "", event ? strlen(event) : 0);
    if (!rc)
        rc = af_buf_append_str(b, ",\"msg\":");
    if (!rc)
        rc = redact_tmp((const char *)g.msg.data, g.msg.len);
    if (!rc)
        rc = af_buf_append_json_string(b, (const char *)g.tmp.data, g.tmp.len);
    if (!rc && g.run_id[0]) {
        rc = af_buf_append_str(b, ",\"run_id\":");
        if (!rc)
            rc = af_buf_append_json_string(b, g.run_id, strlen(g.run_id));
    }
    for (size_t i = 0; i < nf && !rc; i++) {
        const char *k = f[i].key ? f[i].key : "";
        /* A field must not shadow a standard member: readers would see two. */
        af_buf_reset(&g.tmp);
        rc = af_buf_append_byte(b, ',');
        if (!rc && reserved_key(k))
            rc = af_buf_append_byte(&g.tmp, '_');
        if (!rc)
            rc = af_buf_append_str(&g.tmp, k);
        if (!rc)
            rc = af_buf_append_json_string(b, (const char *)g.tmp.data, g.tmp.len);
        if (!rc)
            rc = af_buf_append_byte(b, ':');
        if (rc)
            break;
        switch (f[i].type) {
        case AF_LF_STR:
            if (!f[i].s) {
                rc = af_buf_append_str(b, "null");
                break;
            }
            rc = redact_tmp(f[i].s, strlen(f[i].s));
            if (!rc)
                rc = af_buf_append_json_string(b, (const char *)g.tmp.data, g.tmp.len);
            break;
        case AF_LF_INT: rc = af_buf_printf(b, "%" PRId64, f[i].i); break;
        case AF_LF_DOUBLE: rc = append_double(b, f[i].d, true); break;
        default: rc = af_buf_append_str(b, "null"); break;
        }
    }
    if (!rc)
        rc = af_buf_append_byte(b, '}');
    return rc;
}

/* The part of a text line after "HH:MM:SS.mmm LEVEL ". */
static int build_text_rest(const char *event, const af_log_field *f, size_t nf)
{
    af_buf *b = &g.line;
    int rc = AF_OK;
    if (event && event[0]) {
        rc = append_sanitized(b, event, strlen(event));
        if (!rc && g.msg.len)
            rc = af_buf_append_byte(b, ' ');
    }
    if (!rc)
        rc = redact_tmp((const char *)g.msg.data, g.msg.len);
    if (!rc)
        rc = append_sanitized(b, (const char *)g.tmp.data, g.tmp.len);
    for (size_t i = 0; i < nf && !rc; i++) {
        const char *k = f[i].key ? f[i].key : "";
        if (b->len)
            rc = af_buf_append_byte(b, ' ');
        if (!rc)
            rc = append_sanitized(b, k, strlen(k));
        if (!rc)
            rc = af_buf_append_byte(b, '=');
        if (rc)
            break;
        switch (f[i].type) {
        case AF_LF_STR:
            if (!f[i].s) {
                rc = af_buf_append_str(b, "null");
                break;
            }
            rc = redact_tmp(f[i].s, strlen(f[i].s));
            if (!rc && needs_quotes((const char *)g.tmp.data, g.tmp.len))
                rc = af_buf_append_json_string(b, (const char *)g.tmp.data, g.tmp.len);
            else if (!rc)
                rc = af_buf_append(b, g.tmp.data, g.tmp.len);
            break;
        case AF_LF_INT: rc = af_buf_printf(b, "%" PRId64, f[i].i); break;
        case AF_LF_DOUBLE: rc = append_double(b, f[i].d, false); break;
        default: rc = af_buf_append_str(b, "?"); break;
        }
    }
    return rc;
}

static void draw_locked(af_progress *p);

/* Writes one finished line to the stream and the mirror file. */
static void write_locked(const char *color_on, size_t prefix_len)
{
    FILE *out = out_stream();
    if (g.drawn) {
        fputs(ERASE_LINE, out);
        g.drawn = false;
    }
    const char *s = (const char *)g.out.data;
    if (color_on && g.color) {
        /* Colour only the level word, which sits just before the prefix end. */
        size_t lvl = prefix_len - 6;
        fwrite(s, 1, lvl, out);
        fputs(color_on, out);
        fwrite(s + lvl, 1, 5, out);
        fputs("\033[0m", out);
        fwrite(s + lvl + 5, 1, g.out.len - lvl - 5, out);
    } else {
        fwrite(s, 1, g.out.len, out);
    }
    if (g.file) {
        fwrite(s, 1, g.out.len, g.file);
        fflush(g.file);
    }
    if (g.shown)
        draw_locked(g.shown);
    fflush(out);
}

static void log_v(af_log_level level, const char *event, const af_log_field *f, size_t nf,
                  const char *fmt, va_list ap)
{
    if ((int)level < AF_LOG_DEBUG || (int)level > AF_LOG_ERROR)
        level = AF_LOG_ERROR;
    if ((int)level < atomic_load(&g_min_level))
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);

    pthread_mutex_lock(&g_lock);
    resolve_locked();
    af_buf_reset(&g.msg);
    af_buf_reset(&g.line);
    af_buf_reset(&g.out);
    int rc = fmt ? af_buf_vprintf(&g.msg, fmt, ap) : AF_OK;
    size_t prefix_len = 0;
    const char *color_on = NULL;
    if (!rc && g.format == AF_LOG_FORMAT_JSON) {
        rc = build_json(level, event, f, nf, &ts);
        if (!rc)
            rc = af_redact((const char *)g.line.data, g.line.len, &g.out);
    } else if (!rc) {
        struct tm tm;
        time_t sec = ts.tv_sec;
        localtime_r(&sec, &tm);
        rc = af_buf_printf(&g.out, "%02d:%02d:%02d.%03ld %s ", tm.tm_hour, tm.tm_min, tm.tm_sec,
                           ts.tv_nsec / 1000000L, g_level_text[level]);
        prefix_len = g.out.len;
        color_on = g_level_color[level];
        if (!rc)
            rc = build_text_rest(event, f, nf);
        if (!rc)
            rc = af_redact((const char *)g.line.data, g.line.len, &g.out);
    }
    if (!rc)
        rc = af_buf_append_byte(&g.out, '\n');
    if (!rc)
        write_locked(color_on, prefix_len);
    else
        fputs("affluent: out of memory while formatting a log line\n", out_stream());
    pthread_mutex_unlock(&g_lock);
}

void af_log(af_log_level level, const char *event, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_v(level, event, NULL, 0, fmt, ap);
    va_end(ap);
}

void af_log_fields(af_log_level level, const char *event, const af_log_field *fields, size_t n,
                   const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_v(level, event, fields, fields ? n : 0, fmt, ap);
    va_end(ap);
}

/* ---- progress ---- */

static int human_count(char *b, size_t sz, int64_t v)
{
    double d = (double)v;
    if (v < 1000)
        return snprintf(b, sz, "%" PRId64, v);
    if (d < 1e6)
        return snprintf(b, sz, "%.1fk", d / 1e3);
    if (d < 1e9)
        return snprintf(b, sz, "%.1fM", d / 1e6);
    return snprintf(b, sz, "%.1fG", d / 1e9);
}

static int human_bytes(char *b, size_t sz, double v)
{
    static const char *const units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
    size_t u = 0;
    while (v >= 1024 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1024;
        u++;
    }
    if (u == 0)
        return snprintf(b, sz, "%.0f B", v);
    return snprintf(b, sz, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
}

static int human_duration(char *b, size_t sz, double secs)
{
    if (!(secs >= 0) || secs > 359999)
        return snprintf(b, sz, "--:--");
    unsigned long s = (unsigned long)(secs + 0.5);
    if (s >= 3600)
        return snprintf(b, sz, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
    return snprintf(b, sz, "%lu:%02lu", s / 60, s % 60);
}

/* Renders p into g.line (no escapes). */
static int render_progress(af_progress *p, uint64_t now)
{
    af_buf *b = &g.line;
    int64_t rows = atomic_load(&p->rows);
    uint64_t bytes = atomic_load(&p->bytes);
    uint64_t total = atomic_load(&p->total);
    double elapsed = (double)(now - p->start_ns) / 1e9;
    double rate = elapsed > 0 ? (double)bytes / elapsed : 0;
    char rs[32], bs[32], ps[32], ds[32];
    human_count(rs, sizeof rs, rows < 0 ? 0 : rows);
    human_bytes(bs, sizeof bs, (double)bytes);
    human_bytes(ps, sizeof ps, rate);

    int rc = af_buf_append_str(b, p->label);
    if (!rc && total > 0) {
        double frac = bytes >= total ? 1.0 : (double)bytes / (double)total;
        int cells = 20, full = (int)(frac * cells);
        char bar[24];
        for (int i = 0; i < cells; i++)
            bar[i] = i < full ? '#' : '.';
        bar[cells] = '\0';
        if (bytes >= total)
            snprintf(ds, sizeof ds, "0:00");
        else if (rate > 0)
            human_duration(ds, sizeof ds, (double)(total - bytes) / rate);
        else
            snprintf(ds, sizeof ds, "--:--");
        rc = af_buf_printf(b, " [%s] %d%% %s rows %s %s/s ETA %s", bar, (int)(frac * 100), rs, bs,
                           ps, ds);
    } else if (!rc) {
        human_duration(ds, sizeof ds, elapsed);
        rc = af_buf_printf(b, " %s rows %s %s/s elapsed %s", rs, bs, ps, ds);
    }
    return rc;
}

static void draw_locked(af_progress *p)
{
    FILE *out = out_stream();
    af_buf_reset(&g.line);
    af_buf_reset(&g.out);
    if (render_progress(p, mono_ns()) || af_redact((const char *)g.line.data, g.line.len, &g.out))
        return;
    size_t n = g.out.len;
    /* A line wider than the terminal wraps, and \r could no longer erase it. */
    struct winsize ws;
    int fd = fileno(out);
    if (fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1 && n >= ws.ws_col) {
        n = ws.ws_col - 1;
        while (n > 0 && (g.out.data[n] & 0xC0) == 0x80) /* not inside a UTF-8 char */
            n--;
    }
    fputs(ERASE_LINE, out);
    fwrite(g.out.data, 1, n, out);
    fflush(out);
    g.drawn = true;
}

af_progress *af_progress_start(const char *label, uint64_t bytes_total)
{
    pthread_mutex_lock(&g_lock);
    resolve_locked();
    bool ok = g.progress_ok && g.format == AF_LOG_FORMAT_TEXT;
    pthread_mutex_unlock(&g_lock);
    if (!ok)
        return NULL;

    af_progress *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->label = af_strdup(label ? label : "");
    if (!p->label) {
        free(p);
        return NULL;
    }
    p->start_ns = mono_ns();
    atomic_store(&p->total, bytes_total);
    pthread_mutex_lock(&g_lock);
    p->next = g.active;
    g.active = p;
    pthread_mutex_unlock(&g_lock);
    return p;
}

void af_progress_update(af_progress *p, int64_t rows, uint64_t bytes, uint64_t bytes_total)
{
    if (!p)
        return;
    atomic_store(&p->rows, rows);
    atomic_store(&p->bytes, bytes);
    if (bytes_total)
        atomic_store(&p->total, bytes_total);
    /* Cheap path for per-batch calls: one clock read and one atomic load; only
     * the caller that wins the compare-exchange draws. */
    uint64_t now = mono_ns();
    uint64_t due = atomic_load(&g_next_draw_ns);
    if (now < due ||
        !atomic_compare_exchange_strong(&g_next_draw_ns, &due, now + PROGRESS_INTERVAL_NS))
        return;
    pthread_mutex_lock(&g_lock);
    g.shown = p;
    draw_locked(p);
    pthread_mutex_unlock(&g_lock);
}

void af_progress_finish(af_progress *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&g_lock);
    for (af_progress **pp = &g.active; *pp; pp = &(*pp)->next) {
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    }
    if (g.shown == p) {
        if (g.drawn) {
            FILE *out = out_stream();
            fputs(ERASE_LINE, out);
            fflush(out);
            g.drawn = false;
        }
        /* Another bar still running takes over at its next update. */
        g.shown = NULL;
    }
    pthread_mutex_unlock(&g_lock);
    free(p->label);
    free(p);
}
