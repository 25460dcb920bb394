/* clock.h - wall-clock stamps and monotonic durations used across the engine. */
#ifndef AF_CLOCK_H
#define AF_CLOCK_H

#include <stddef.h>
#include <stdint.h>

#define AF_ISO_NOW_LEN 32

/* "Now" honours AFFLUENT_NOW (ISO-8601 UTC or epoch seconds) when set,
 * so retention and time travel can be tested with a fixed clock. */
/* Writes the current UTC time as "YYYY-MM-DDTHH:MM:SS.mmmZ". */
void af_clock_iso_now(char out[AF_ISO_NOW_LEN]);
/* The current UTC time in microseconds since the epoch (lineage stamps). */
int64_t af_clock_now_us(void);
/* Seconds from an arbitrary fixed point, for durations. */
double af_clock_monotonic(void);

#endif
