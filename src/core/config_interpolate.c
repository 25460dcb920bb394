/* config_interpolate.c - ${VAR} and ${VAR:-default} references in pipeline
 * values, replaced from the environment (af_config_interpolate).
 */
#include "core/config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define INTERP_MAX_DEPTH 8

static int interp(const char *s, size_t n, af_buf *out, int depth, af_error *err)
{
    if (depth > INTERP_MAX_DEPTH)
        return af_error_set(err, AF_ECONFIG, "'${' defaults are nested too deeply");
    size_t i = 0;
    while (i < n) {
        const char *dollar = memchr(s + i, '$', n - i);
        size_t lit = dollar ? (size_t)(dollar - (s + i)) : n - i;
        if (af_buf_append(out, s + i, lit))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        i += lit;
        if (i >= n)
            break;
        /* s[i] == '$' */
        if (i + 1 < n && s[i + 1] == '$') {
            af_buf_append_byte(out, '$');
            i += 2;
            continue;
        }
        if (i + 1 >= n || s[i + 1] != '{') {
            af_buf_append_byte(out, '$');
            i++;
            continue;
        }
        size_t name_start = i + 2, j = name_start;
        while (j < n && (isalnum((unsigned char)s[j]) || s[j] == '_'))
            j++;
        size_t name_len = j - name_start;
        /* Find the matching '}', allowing ${...} inside a default. */
        size_t k = j, open = 1;
        while (k < n) {
            if (s[k] == '$' && k + 1 < n && s[k + 1] == '{') {
                open++;
                k += 2;
                continue;
            }
            if (s[k] == '}' && --open == 0)
                break;
            k++;
        }
        if (k >= n)
            return af_error_set(err, AF_ECONFIG, "unclosed '${' (write '$$' for a literal '$')");
        if (name_len == 0 || isdigit((unsigned char)s[name_start]))
            return af_error_set(err, AF_ECONFIG,
                                "invalid variable reference: '${' must be followed by a name "
                                "of letters, digits and '_'");
        bool has_default = false, colon = false;
        size_t def_start = j;
        if (s[j] == ':' && j + 1 < k && s[j + 1] == '-') {
            has_default = colon = true;
            def_start = j + 2;
        } else if (s[j] == '-') {
            has_default = true;
            def_start = j + 1;
        } else if (j != k) {
            return af_error_set(err, AF_ECONFIG,
                                "invalid variable reference '${%.*s...}': expected '}' or ':-'",
                                (int)name_len, s + name_start);
        }
        char name[256];
        if (name_len >= sizeof name)
            return af_error_set(err, AF_ECONFIG, "variable name too long");
        memcpy(name, s + name_start, name_len);
        name[name_len] = '\0';
        const char *val = getenv(name);
        bool use_default = has_default && (!val || (colon && !*val));
        if (use_default) {
            int rc = interp(s + def_start, k - def_start, out, depth + 1, err);
            if (rc)
                return rc;
        } else if (val) {
            if (af_buf_append_str(out, val))
                return af_error_set(err, AF_ENOMEM, "out of memory");
        } else {
            return af_error_set(err, AF_ECONFIG,
                                "environment variable '%s' is not set (write ${%s:-default} to "
                                "give a default)",
                                name, name);
        }
        i = k + 1;
    }
    return AF_OK;
}

int af_config_interpolate(const char *text, char **out, af_error *err)
{
    af_buf b;
    af_buf_init(&b);
    int rc = interp(text, strlen(text), &b, 0, err);
    if (rc) {
        af_buf_free(&b);
        *out = NULL;
        return rc;
    }
    if (!af_buf_cstr(&b)) {
        af_buf_free(&b);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    *out = (char *)b.data;
    return AF_OK;
}
