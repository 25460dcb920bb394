/* did_you_mean.c - "did you mean ...?" hints: the closest known name to a
 * mistyped one (af_did_you_mean).
 */
#include "core/config.h"

#include <ctype.h>
#include <stdint.h>
#include <string.h>

#define DYM_MAX 64

/* Optimal string alignment distance (Levenshtein plus adjacent swaps, so
 * "cvs" is one edit from "csv"), ignoring case. */
static size_t edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t rows[3][DYM_MAX + 1];
    size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
            size_t cost = ca == cb ? 0 : 1;
            size_t v = prev[j] + 1;
            if (cur[j - 1] + 1 < v)
                v = cur[j - 1] + 1;
            if (prev[j - 1] + cost < v)
                v = prev[j - 1] + cost;
            if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
                tolower((unsigned char)a[i - 2]) == cb && pp[j - 2] + 1 < v)
                v = pp[j - 2] + 1;
            cur[j] = v;
        }
        size_t *t = pp;
        pp = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

const char *af_did_you_mean(const char *word, const char *const *candidates, size_t n)
{
    if (!word)
        return NULL;
    size_t lw = strlen(word);
    if (lw == 0 || lw > DYM_MAX)
        return NULL;
    const char *best = NULL;
    size_t best_d = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (!candidates[i])
            continue;
        size_t lc = strlen(candidates[i]);
        if (lc > DYM_MAX)
            continue;
        size_t d = edit_distance(word, lw, candidates[i], lc);
        size_t longer = lw > lc ? lw : lc;
        /* Close enough to be a typo, not a different word. */
        if (d <= 3 && 2 * d < longer && d < best_d) {
            best = candidates[i];
            best_d = d;
        }
    }
    return best;
}
