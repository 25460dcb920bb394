/* clock.c - wall-clock stamps and monotonic durations.
 *
 * AFFLUENT_NOW (an ISO-8601 UTC time such as 2026-01-31T12:00:00Z, or
 * seconds since the epoch) fixes the engine's "now": lineage stamps, lake
 * commit times, retention and vacuum cut-offs. Runs and tests that must be
 * reproducible (retention over days, time travel by timestamp) set it; log
 * lines keep the real time.
 */
#include "core/clock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The fixed time from AFFLUENT_NOW in microseconds, or -1 when unset or
 * unreadable (an unreadable value falls back to the real clock rather than
 * stopping a run over a test hook). */
static int64_t fixed_now_us(void)
{
    const char *v = getenv("AFFLUENT_NOW");
    if (!v || !*v)
        return -1;
    char *end;
    long long secs = strtoll(v, &end, 10);
    if (*end == '\0')
        return (int64_t)secs * 1000000;
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    int ms = 0, n = 0;
    if (sscanf(v, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
               &tm.tm_min, &tm.tm_sec, &n) != 6)
        return -1;
    if (v[n] == '.') {
        int digits = 0;
        for (n++; v[n] >= '0' && v[n] <= '9'; n++)
            if (digits++ < 3)
                ms = ms * 10 + (v[n] - '0');
        for (; digits < 3; digits++)
            ms *= 10;
    }
    if (strcmp(v + n, "Z") != 0 && v[n] != '\0')
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm) * 1000000 + (int64_t)ms * 1000;
}

void af_clock_iso_now(char out[AF_ISO_NOW_LEN])
{
    int64_t us = af_clock_now_us();
    struct timespec now = {.tv_sec = (time_t)(us / 1000000),
                           .tv_nsec = (long)(us % 1000000) * 1000};
    struct tm tm;
    gmtime_r(&now.tv_sec, &tm);
    snprintf(out, AF_ISO_NOW_LEN, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
             (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100, tm.tm_mday % 100, tm.tm_hour % 100,
             tm.tm_min % 100, tm.tm_sec % 100, (int)(now.tv_nsec / 1000000) % 1000);
}

double af_clock_monotonic(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int64_t af_clock_now_us(void)
{
    int64_t fixed = fixed_now_us();
    if (fixed >= 0)
        return fixed;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec * 1000000 + now.tv_nsec / 1000;
}
