/* failpoint.c - see failpoint.h. */
#include "core/failpoint.h"

#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_llong calls;
static long long crash_at = -2; /* -2 = not read yet, -1 = off */
static int trace;

void af_failpoint(const char *site)
{
    if (crash_at == -2) {
        const char *v = getenv("AFFLUENT_CRASH_AT");
        const char *t = getenv("AFFLUENT_CRASH_TRACE");
        trace = t && *t == '1';
        crash_at = v && *v ? atoll(v) : -1;
    }
    if (crash_at < 0 && !trace)
        return;
    long long n = atomic_fetch_add(&calls, 1) + 1;
    if (trace)
        fprintf(stderr, "failpoint %lld %s\n", n, site);
    if (n == crash_at)
        raise(SIGKILL);
}
