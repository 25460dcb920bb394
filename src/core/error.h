/* error.h - status codes and the error context every fallible call fills.
 *
 * Functions return 0 (AF_OK) on success or a negative AF_E* code, and fill an
 * af_error with one human sentence that names the input (file, line, column,
 * URL without secrets). The message is what the user sees, so it must say
 * what was wrong and where, never just "parse error".
 */
#ifndef AF_ERROR_H
#define AF_ERROR_H

#include <stddef.h>

enum {
    AF_OK = 0,
    AF_EINVAL = -1,       /* invalid argument or input value */
    AF_ENOMEM = -2,       /* allocation failed */
    AF_EIO = -3,          /* read/write/OS failure */
    AF_EPARSE = -4,       /* malformed input text */
    AF_EOVERFLOW = -5,    /* value out of range for its type */
    AF_ECONFIG = -6,      /* pipeline configuration error */
    AF_ECANCELED = -7,    /* stopped by a signal or a cancel request */
    AF_ENOTFOUND = -8,    /* file, stream, plugin... does not exist */
    AF_EUNSUPPORTED = -9, /* valid but not supported by this build */
    AF_EINTERNAL = -10,   /* a bug: an invariant did not hold */
    AF_ELIMIT = -11,      /* a configured bound was exceeded */
    AF_EEXIST = -12,      /* put-if-absent found the object already there */
    AF_ECONFLICT = -13,   /* a concurrent writer changed what this one read */
};

#define AF_ERROR_MSG_MAX 1024

typedef struct af_error {
    int code;
    char msg[AF_ERROR_MSG_MAX];
} af_error;

/* Records code and a printf-style message in err (which may be NULL) and
 * returns code, so callers can write `return af_error_set(err, AF_EINVAL, ...)`.
 * The message is not redacted here: callers must never put secrets in it;
 * the logger redacts again before anything is printed. */
int af_error_set(af_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "prefix: " to an existing message (adds context while unwinding). */
int af_error_wrap(af_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void af_error_clear(af_error *err);

/* Short name of a code, e.g. "invalid input". */
const char *af_strerror(int code);

#endif
