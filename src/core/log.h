/* log.h - the one logger.
 *
 * Text on a terminal (colours when stderr is a tty), JSON lines with
 * --log-format json, optionally mirrored to --log-file (same format). Every
 * line passes through af_redact() before it is written, so a secret that
 * slipped into a message still never reaches a terminal or a file.
 * Thread-safe: lines from several threads never interleave.
 *
 * Progress bars are drawn only when stderr is a terminal and the format is
 * text; they are erased before a log line is printed and redrawn after.
 */
#ifndef AF_LOG_H
#define AF_LOG_H

#include "core/error.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

typedef enum af_log_level {
    AF_LOG_DEBUG = 0,
    AF_LOG_INFO,
    AF_LOG_WARN,
    AF_LOG_ERROR,
} af_log_level;

typedef enum af_log_format {
    AF_LOG_FORMAT_TEXT = 0,
    AF_LOG_FORMAT_JSON,
} af_log_format;

typedef struct af_log_options {
    af_log_format format;
    af_log_level min_level;
    const char *file; /* NULL = none */
    FILE *stream;     /* NULL = stderr; tests pass a memstream */
    int color;        /* -1 auto (tty), 0 off, 1 on */
    int progress;     /* 0 auto (stream is a tty and format is text), 1 draw even
                         when not a tty (tests), -1 never; JSON never draws */
} af_log_options;

int af_log_init(const af_log_options *opts, af_error *err);
void af_log_shutdown(void);
/* Added to every line as run_id once set (NULL clears). */
void af_log_set_run_id(const char *run_id);

typedef enum { AF_LF_STR, AF_LF_INT, AF_LF_DOUBLE } af_log_field_type;
typedef struct af_log_field {
    const char *key;
    af_log_field_type type;
    const char *s;
    int64_t i;
    double d;
} af_log_field;

#define AF_LF_S(k, v) ((af_log_field){.key = (k), .type = AF_LF_STR, .s = (v)})
#define AF_LF_I(k, v) ((af_log_field){.key = (k), .type = AF_LF_INT, .i = (int64_t)(v)})
#define AF_LF_D(k, v) ((af_log_field){.key = (k), .type = AF_LF_DOUBLE, .d = (double)(v)})

/* A message line. `event` is a short machine name ("stream.start"). */
void af_log(af_log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A line with structured fields: text shows "msg key=value ...", JSON puts
 * them as members. */
void af_log_fields(af_log_level level, const char *event, const af_log_field *fields, size_t n,
                   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- progress ---- */
typedef struct af_progress af_progress;
/* bytes_total 0 = unknown (no ETA). Returns NULL when progress is not shown
 * (not a tty, JSON format); all functions accept NULL. */
af_progress *af_progress_start(const char *label, uint64_t bytes_total);
/* Absolute figures; redraws at most every 100 ms. Thread-safe. */
void af_progress_update(af_progress *p, int64_t rows, uint64_t bytes, uint64_t bytes_total);
void af_progress_finish(af_progress *p);

#endif
