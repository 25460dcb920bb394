/* error.c - the error context: formatted messages with bounded buffers. */
#include "core/error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int af_error_set(af_error *err, int code, const char *fmt, ...)
{
    if (!err)
        return code;
    err->code = code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    return code;
}

int af_error_wrap(af_error *err, const char *fmt, ...)
{
    if (!err)
        return AF_EINTERNAL;
    char prefix[AF_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    /* build "prefix: old" by hand; when too long, the beginning (which names
     * the input) is what stays */
    char old[AF_ERROR_MSG_MAX];
    memcpy(old, err->msg, sizeof old);
    old[sizeof old - 1] = '\0';
    size_t cap = sizeof err->msg - 1, pos = 0;
    const char *parts[] = {prefix, ": ", old};
    for (size_t i = 0; i < 3; i++) {
        size_t n = strlen(parts[i]);
        if (n > cap - pos)
            n = cap - pos;
        memcpy(err->msg + pos, parts[i], n);
        pos += n;
    }
    err->msg[pos] = '\0';
    return err->code;
}

void af_error_clear(af_error *err)
{
    if (err) {
        err->code = AF_OK;
        err->msg[0] = '\0';
    }
}

const char *af_strerror(int code)
{
    switch (code) {
    case AF_OK: return "ok";
    case AF_EINVAL: return "invalid input";
    case AF_ENOMEM: return "out of memory";
    case AF_EIO: return "i/o error";
    case AF_EPARSE: return "parse error";
    case AF_EOVERFLOW: return "value out of range";
    case AF_ECONFIG: return "configuration error";
    case AF_ECANCELED: return "canceled";
    case AF_ENOTFOUND: return "not found";
    case AF_EUNSUPPORTED: return "unsupported";
    case AF_EINTERNAL: return "internal error";
    case AF_ELIMIT: return "limit exceeded";
    case AF_EEXIST: return "already exists";
    case AF_ECONFLICT: return "concurrent change";
    default: return "unknown error";
    }
}
