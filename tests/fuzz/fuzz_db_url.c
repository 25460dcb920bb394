/* fuzz_db_url.c - libFuzzer harness for connection URL parsing (db/db.h).
 *
 * URLs come from pipeline files and the environment and may hold anything.
 * Parsing must not crash; when it succeeds, the display form must not hold
 * the password (when one was given and is not trivially short), and the
 * parts must be NUL-terminated strings (read by strlen under ASan).
 */
#include "db/db.h"
#include "security/redact.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *url = malloc(size + 1);
    if (!url)
        return 0;
    memcpy(url, data, size);
    url[size] = '\0';
    af_db_url u;
    af_error err = {0};
    if (af_db_url_parse(url, NULL, NULL, &u, &err) == AF_OK) {
        size_t n = strlen(u.scheme) + strlen(u.display);
        n += u.user ? strlen(u.user) : 0;
        n += u.host ? strlen(u.host) : 0;
        n += u.database ? strlen(u.database) : 0;
        if (u.password && strlen(u.password) >= 6 && strstr(u.display, u.password))
            abort(); /* a password shown in messages */
        (void)n;
        af_db_url_free(&u);
    }
    free(url);
    af_redact_clear(); /* parsing registers passwords; keep the list from growing */
    return 0;
}
