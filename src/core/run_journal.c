/* run_journal.c - see run_journal.h. */
#include "core/run_journal.h"

#include "core/log.h"
#include "lake/store.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *journal_path(af_state *st, const char *stream)
{
    af_buf p;
    af_buf_init(&p);
    if (af_buf_printf(&p, "%s/streams/%s.pending.json", af_state_dir(st), stream)) {
        af_buf_free(&p);
        return NULL;
    }
    return (char *)p.data;
}

int af_run_journal_before_commit(af_stream_ctx *ctx, const char *state_json, af_error *err)
{
    af_run_journal *j = ctx->before_commit_arg;
    if (!j || !j->state)
        return AF_OK;
    const char *manifest_path = NULL;
    af_buf manifest;
    af_buf_init(&manifest);
    int rc = af_run_raw_manifest(j->raw, &manifest_path, &manifest, err);
    json_t *doc = NULL;
    if (!rc) {
        json_t *state = state_json && *state_json ? json_loads(state_json, 0, NULL) : json_null();
        doc = json_pack("{s:s, s:o, s:o, s:o}", "run_id", j->run_id, "state",
                        state ? state : json_null(), "raw_manifest_path",
                        manifest_path ? json_string(manifest_path) : json_null(), "raw_manifest",
                        manifest_path ? json_stringn((const char *)manifest.data, manifest.len)
                                      : json_null());
        if (!doc)
            rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    char *text = doc ? json_dumps(doc, JSON_INDENT(2)) : NULL;
    char *path = journal_path(j->state, j->stream);
    if (!rc && (!text || !path))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    if (!rc)
        rc = af_write_file_atomic(path, text, strlen(text), err);
    if (!rc)
        j->written = true;
    free(path);
    free(text);
    json_decref(doc);
    af_buf_free(&manifest);
    return rc;
}

void af_run_journal_done(af_run_journal *j)
{
    if (!j || !j->written)
        return;
    char *path = journal_path(j->state, j->stream);
    if (path)
        unlink(path);
    free(path);
    j->written = false;
}

/* Asks every target that can tell whether run_id committed. */
static int ask_targets(const af_stream_config *sc, const af_stream_ctx *ctx, const char *run_id,
                       int *yes, int *no, af_error *err)
{
    *yes = *no = 0;
    for (size_t i = 0; i < sc->n_targets; i++) {
        const af_sink_plugin *p = sc->targets[i].plugin;
        if (!p || !p->committed)
            continue;
        bool c = false;
        int rc = p->committed(sc->targets[i].config, ctx, run_id, &c, err);
        if (rc)
            return af_error_wrap(err, "target %s", sc->targets[i].name);
        c ? ++*yes : ++*no;
    }
    return AF_OK;
}

static int roll_forward(af_state *st, const af_stream_config *sc, const af_stream_ctx *ctx,
                        json_t *doc, af_error *err)
{
    const char *mpath = json_string_value(json_object_get(doc, "raw_manifest_path"));
    json_t *mtext = json_object_get(doc, "raw_manifest");
    int rc = AF_OK;
    if (mpath && json_is_string(mtext)) {
        af_store *store = NULL;
        rc = af_store_open(ctx->lake_dir, &store, err);
        if (!rc)
            rc = af_store_put_if_absent(store, mpath, json_string_value(mtext),
                                        json_string_length(mtext), err);
        if (rc == AF_EEXIST) { /* saved before the crash */
            af_error_clear(err);
            rc = AF_OK;
        }
        af_store_free(store);
    }
    json_t *state = json_object_get(doc, "state");
    if (!rc && state && !json_is_null(state)) {
        char *text = json_dumps(state, JSON_COMPACT);
        rc = text ? af_state_stream_put(st, sc->name, text, err)
                  : af_error_set(err, AF_ENOMEM, "out of memory");
        free(text);
    }
    return rc;
}

int af_run_journal_recover(af_state *st, const af_stream_config *sc, const af_stream_ctx *ctx,
                           af_error *err)
{
    if (!st)
        return AF_OK;
    char *path = journal_path(st, sc->name);
    if (!path)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    json_error_t je;
    json_t *doc = json_load_file(path, 0, &je);
    if (!doc) {
        int missing = access(path, F_OK) != 0 && errno == ENOENT;
        int rc = missing ? AF_OK
                         : af_error_set(err, AF_EPARSE, "%s:%d: unreadable run journal: %s", path,
                                        je.line, je.text);
        free(path);
        return rc;
    }
    const char *run_id = json_string_value(json_object_get(doc, "run_id"));
    int yes = 0, no = 0;
    int rc = run_id ? ask_targets(sc, ctx, run_id, &yes, &no, err)
                    : af_error_set(err, AF_EPARSE, "%s: the run journal names no run", path);
    if (!rc && yes) {
        rc = roll_forward(st, sc, ctx, doc, err);
        if (!rc)
            af_log_fields(no ? AF_LOG_WARN : AF_LOG_INFO, "run.recover",
                          (af_log_field[]){AF_LF_S("stream", sc->name), AF_LF_S("run", run_id)}, 2,
                          "stream %s: run %s committed before it stopped; its raw manifest and "
                          "resume state are saved now%s",
                          sc->name, run_id,
                          no ? " (some lake targets did not commit it and miss its rows)" : "");
    } else if (!rc) {
        af_log_fields(AF_LOG_INFO, "run.recover",
                      (af_log_field[]){AF_LF_S("stream", sc->name), AF_LF_S("run", run_id)}, 2,
                      "stream %s: run %s stopped before it committed; its input is read again",
                      sc->name, run_id);
    }
    if (!rc)
        unlink(path);
    free(path);
    json_decref(doc);
    return rc;
}
