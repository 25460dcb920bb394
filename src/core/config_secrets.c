/* config_secrets.c - secret option values ({env: VAR}, {file: PATH}, URL
 * passwords) and their registration with the redactor.
 *
 * Secrets: every SECRET value, and the password part of every connection URL,
 * is registered with the redactor before anything else can print it; error
 * messages never quote a secret value.
 */
#include "core/config_internal.h"

#include "security/redact.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Registers the password of "scheme://user:PASS@host/..." with the redactor. */
int af_config_register_url_password(const char *url)
{
    const char *p = strstr(url, "://");
    if (!p)
        return AF_OK;
    p += 3;
    size_t auth_len = strcspn(p, "/?#");
    const char *at = NULL;
    for (size_t i = 0; i < auth_len; i++)
        if (p[i] == '@')
            at = p + i;
    if (!at)
        return AF_OK;
    const char *colon = memchr(p, ':', (size_t)(at - p));
    if (!colon || colon + 1 >= at)
        return AF_OK;
    char *pw = af_strndup(colon + 1, (size_t)(at - colon - 1));
    if (!pw)
        return AF_ENOMEM;
    int rc = af_redact_register(pw);
    /* Drivers may log the decoded form; mask that too. */
    char *dec = af_strdup(pw);
    if (dec) {
        size_t o = 0;
        for (size_t i = 0; pw[i]; i++) {
            if (pw[i] == '%' && isxdigit((unsigned char)pw[i + 1]) &&
                isxdigit((unsigned char)pw[i + 2])) {
                char hex[3] = {pw[i + 1], pw[i + 2], 0};
                dec[o++] = (char)strtol(hex, NULL, 16);
                i += 2;
            } else {
                dec[o++] = pw[i];
            }
        }
        dec[o] = '\0';
        if (strcmp(dec, pw) != 0 && dec[0])
            rc = rc ? rc : af_redact_register(dec);
        free(dec);
    }
    free(pw);
    return rc;
}

int af_config_register_secret(af_config_loader *L, af_src_loc loc, const char *value)
{
    if (!value || !*value)
        return AF_OK;
    int rc = af_redact_register(value);
    if (rc)
        return af_config_fail_at(L, loc, rc, "cannot register a secret with the redactor");
    return AF_OK;
}

#define SECRET_FILE_MAX (1 << 20)

/* Reads a secret file, stripping one trailing newline (editors add one). */
static int read_secret_file(af_config_loader *L, af_src_loc loc, const char *opt, const char *path,
                            char **out)
{
    char *full = af_config_join_path(L->p->dir, path);
    if (!full)
        return af_config_fail_at(L, loc, AF_ENOMEM, "out of memory");
    FILE *f = fopen(full, "rb");
    if (!f) {
        int e = errno;
        int rc = af_config_fail_at(L, loc, AF_ECONFIG,
                                   "cannot read secret file '%s' for option '%s': %s", full, opt,
                                   strerror(e));
        free(full);
        return rc;
    }
    /* Only regular files: a FIFO or a device would block or never end. */
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        int rc =
            af_config_fail_at(L, loc, AF_ECONFIG,
                              "secret file '%s' for option '%s' is not a regular file", full, opt);
        free(full);
        return rc;
    }
    af_buf b;
    af_buf_init(&b);
    char chunk[4096];
    size_t got;
    int rc = AF_OK;
    while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (b.len + got > SECRET_FILE_MAX) {
            rc = af_config_fail_at(L, loc, AF_ECONFIG,
                                   "secret file '%s' for option '%s' is larger than 1 MiB", full,
                                   opt);
            break;
        }
        if (af_buf_append(&b, chunk, got)) {
            rc = af_config_fail_at(L, loc, AF_ENOMEM, "out of memory");
            break;
        }
    }
    if (!rc && ferror(f))
        rc = af_config_fail_at(L, loc, AF_ECONFIG, "cannot read secret file '%s' for option '%s'",
                               full, opt);
    fclose(f);
    if (!rc && memchr(b.data ? (const char *)b.data : "", '\0', b.len))
        rc = af_config_fail_at(L, loc, AF_ECONFIG,
                               "secret file '%s' for option '%s' contains a NUL byte", full, opt);
    free(full);
    if (rc) {
        af_buf_free(&b);
        return rc;
    }
    if (b.len && b.data[b.len - 1] == '\n') {
        b.len--;
        if (b.len && b.data[b.len - 1] == '\r')
            b.len--;
    }
    if (!af_buf_cstr(&b)) {
        af_buf_free(&b);
        return af_config_fail_at(L, loc, AF_ENOMEM, "out of memory");
    }
    *out = (char *)b.data;
    return AF_OK;
}

/* {env: VAR} or {file: PATH}. */
int af_config_secret_from_mapping(af_config_loader *L, struct fy_node *n, af_src_loc ctx,
                                  const char *opt, char **out)
{
    *out = NULL;
    af_src_loc loc = af_yaml_node_loc(L, n, ctx);
    if (fy_node_mapping_item_count(n) != 1)
        return af_config_fail_at(L, loc, AF_ECONFIG,
                                 "secret option '%s' must be a string, {env: VAR} or {file: PATH}",
                                 opt);
    void *it = NULL;
    struct fy_node_pair *pair = fy_node_mapping_iterate(n, &it);
    char *key = NULL;
    af_src_loc kloc;
    int rc = af_yaml_key_text(L, pair, ctx, &key, &kloc);
    if (rc)
        return rc;
    char what[300];
    snprintf(what, sizeof what, "'%s' of option '%s'", key, opt);
    char *arg = NULL;
    if (strcmp(key, "env") != 0 && strcmp(key, "file") != 0) {
        static const char *const kinds[] = {"env", "file"};
        const char *hint = af_did_you_mean(key, kinds, 2);
        rc = af_config_fail_at(L, kloc, AF_ECONFIG,
                               "unknown secret source '%s' for option '%s' (use env or file)%s%s%s",
                               key, opt, hint ? "; did you mean '" : "", hint ? hint : "",
                               hint ? "'?" : "");
        goto done;
    }
    rc = af_yaml_scalar_text(L, fy_node_pair_value(pair), kloc, what, &arg);
    if (rc)
        goto done;
    if (!arg || !*arg) {
        rc = af_config_fail_at(L, kloc, AF_ECONFIG, "%s needs a value", what);
        goto done;
    }
    if (strcmp(key, "env") == 0) {
        const char *v = getenv(arg);
        if (!v) {
            rc =
                af_config_fail_at(L, kloc, AF_ECONFIG,
                                  "environment variable '%s' for option '%s' is not set", arg, opt);
            goto done;
        }
        *out = af_strdup(v);
        if (!*out)
            rc = af_config_fail_at(L, kloc, AF_ENOMEM, "out of memory");
    } else {
        rc = read_secret_file(L, kloc, opt, arg, out);
    }
done:
    free(arg);
    free(key);
    return rc;
}
