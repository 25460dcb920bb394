/* tz.h - UTC offsets of time zones ("UTC", "+HH:MM" or IANA names read from
 * the system zoneinfo), used by timestamp parsing and formatting.
 */
#ifndef AF_TZ_H
#define AF_TZ_H

#include "core/error.h"

#include <stdint.h>

/* Offset in seconds east of UTC of zone tz at UTC instant `utc_seconds`.
 * tz: "UTC", "Z", "+HH:MM", "-HHMM" or an IANA name (via the system zoneinfo). */
int af_tz_offset(const char *tz, int64_t utc_seconds, int32_t *offset_seconds, af_error *err);

/* A resolved time zone: a fixed offset or a cached zone (immutable, lives
 * for the whole process). */
struct af_tz_zone;
typedef struct af_tz_handle {
    const struct af_tz_zone *zone; /* NULL = fixed */
    int32_t fixed;
} af_tz_handle;

/* Resolves tz (NULL = UTC) into h; AF_EINVAL or AF_ENOTFOUND with a message
 * for a bad or unknown zone. */
int af_tz_resolve(const char *tz, af_tz_handle *h, af_error *err);
/* Local wall-clock seconds to UTC seconds; ambiguous and skipped local times
 * take the offset in force before the transition (see tz.c). */
int64_t af_tz_local_to_utc(const af_tz_handle *h, int64_t local);

#endif
