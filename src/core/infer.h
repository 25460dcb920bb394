/* infer.h - type inference over a sample of text values.
 *
 * One af_infer per column. Each observed value narrows or widens the
 * candidate type along the lattice
 *     null -> bool
 *     null -> int32 -> int64 -> decimal(p,s) (if p <= 38) -> float64 -> string
 *     null -> date -> timestamp -> string
 * and any mix that has no common type becomes string. Nulls (as the caller
 * decides) do not change the type but make the column nullable.
 *
 * The result is widened beyond what the sample strictly needs, because a
 * sample cannot bound the rest of the input: integers are int64 (int32
 * only when declared), decimals get precision 18 (38 when the sample needs
 * more than 18 digits) with the scale seen in the sample.
 */
#ifndef AF_INFER_H
#define AF_INFER_H

#include "core/schema.h"
#include "core/values.h"

typedef struct af_infer {
    /* opaque to callers; stack-allocatable */
    int state;
    int max_int_digits;  /* digits before the decimal mark seen */
    int max_frac_digits; /* digits after it */
    bool saw_float_only; /* exponent, nan or inf forms */
    bool saw_int64;
    bool saw_null;
    bool saw_tz; /* timestamps with an offset */
    int ts_frac_digits;
    int64_t n_values;
} af_infer;

void af_infer_init(af_infer *inf);
/* Observe one value. is_null: the caller's null decision (e.g. empty field). */
void af_infer_observe(af_infer *inf, const char *s, size_t n, bool is_null,
                      const af_parse_options *opts);
/* The inferred type. A column that saw only nulls is string. Timestamps
 * are microseconds, UTC-zoned when offsets were seen. */
af_type af_infer_result(const af_infer *inf);
bool af_infer_nullable(const af_infer *inf);

#endif
