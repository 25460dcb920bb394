/* redact.h - the one place that knows what a secret looks like.
 *
 * af_redact() copies text and masks, with "***":
 *   - passwords in URLs           scheme://user:SECRET@host
 *   - SAS signatures and keys     sig=SECRET, AccountKey=SECRET, SharedAccessSignature=...
 *   - query/assignment secrets    password=, passwd=, pwd=, secret=, token=, access_token=,
 *                                 api_key=, apikey=, key= (also "key": "..." in JSON and
 *                                 key: value forms), X-Amz-Signature=, X-Amz-Credential=
 *   - HTTP authorization          Authorization: Bearer|Basic|SharedKey ... (to end of value)
 *   - literal registered secrets  any value passed to af_redact_register (>= 4 bytes)
 * The logger calls it on every line; nothing else needs to remember to.
 */
#ifndef AF_REDACT_H
#define AF_REDACT_H

#include "core/buf.h"

#include <stddef.h>

/* Remembers a secret value (copied) so it is masked wherever it appears. Thread-safe.
 * Its percent-encoded and JSON-escaped spellings are masked too. Values shorter
 * than 4 bytes are ignored (returns 0): masking them would mangle ordinary text.
 * AF_EINVAL for NULL, AF_ENOMEM. */
int af_redact_register(const char *secret);
/* Forgets all registered secrets (tests). */
void af_redact_clear(void);
/* Appends the redacted form of in[0..n) to out. */
int af_redact(const char *in, size_t n, af_buf *out);
/* Convenience: redacted copy as a new string (caller frees); NULL on ENOMEM. */
char *af_redact_str(const char *in);

#endif
