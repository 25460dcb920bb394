/* fuzz_config.c - libFuzzer harness for the pipeline loader: arbitrary bytes
 * go through YAML parsing, interpolation and validation against the real
 * plugin maps; any crash, leak or sanitizer report is a bug. Secrets the
 * input registers are forgotten after each run so memory stays flat. */
#include "core/config.h"
#include "security/redact.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    af_pipeline *p = NULL;
    af_error err;
    if (af_pipeline_load_string((const char *)data, size, "fuzz.yml", &p, &err) == AF_OK)
        af_pipeline_free(p);
    af_redact_clear();
    return 0;
}
