/* delta_snapshot.c - the state of a Delta table at a version: list the log,
 * start from the newest checkpoint at or before the version, replay the
 * JSON commits after it.
 *
 * Replay keeps, per data file path, only the last action that touched it:
 * the events (checkpoint state first, then each commit's removes and adds
 * in order) are sorted by (path, sequence) and the last one decides whether
 * the file is live (add) or a tombstone (remove). Sorting costs n log n over
 * the actions since the checkpoint, which checkpoints keep small.
 *
 * Tables written by other engines may use features this reader does not
 * apply (deletion vectors, column mapping...): reading them would return
 * wrong rows, so such tables are refused with the feature's name.
 */
#include "lake/delta_log.h"

#include <stdlib.h>
#include <string.h>

/* Reader features whose data this reader returns correctly. */
static const char *const readable_features[] = {
    "timestampNtz", "typeWidening", "typeWidening-preview", "vacuumProtocolCheck", NULL,
};

typedef struct log_listing {
    int64_t *commits; /* sorted */
    size_t n_commits;
    int64_t *checkpoints; /* single-file checkpoints, sorted */
    size_t n_checkpoints;
    int64_t *mtimes; /* per commit, ms */
} log_listing;

static void listing_free(log_listing *l)
{
    free(l->commits);
    free(l->checkpoints);
    free(l->mtimes);
    memset(l, 0, sizeof *l);
}

/* "00000000000000000012.json" -> 12; -1 when the name is something else. */
static int64_t parse_version(const char *name, const char *suffix)
{
    size_t n = strlen(name), sl = strlen(suffix);
    if (n != 20 + sl || strcmp(name + 20, suffix) != 0)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < 20; i++) {
        if (name[i] < '0' || name[i] > '9')
            return -1;
        if (v > (INT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (name[i] - '0');
    }
    return v;
}

static int list_log(af_store *st, const char *table, log_listing *out, af_error *err)
{
    memset(out, 0, sizeof *out);
    af_buf prefix;
    af_buf_init(&prefix);
    if (af_buf_printf(&prefix, "%s/_delta_log/", table)) {
        af_buf_free(&prefix);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    af_store_entry *e = NULL;
    size_t n = 0;
    int rc = af_store_list(st, af_buf_cstr(&prefix), &e, &n, err);
    size_t plen = prefix.len;
    af_buf_free(&prefix);
    if (rc)
        return rc;
    out->commits = malloc((n + 1) * sizeof *out->commits);
    out->mtimes = malloc((n + 1) * sizeof *out->mtimes);
    out->checkpoints = malloc((n + 1) * sizeof *out->checkpoints);
    if (!out->commits || !out->mtimes || !out->checkpoints) {
        af_store_entries_free(e, n);
        listing_free(out);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    /* entries come sorted by path, and 20-digit names sort as numbers */
    for (size_t i = 0; i < n; i++) {
        const char *name = e[i].path + plen;
        if (strchr(name, '/'))
            continue;
        int64_t v = parse_version(name, ".json");
        if (v >= 0) {
            out->mtimes[out->n_commits] = e[i].mtime_ms;
            out->commits[out->n_commits++] = v;
        } else if ((v = parse_version(name, ".checkpoint.parquet")) >= 0) {
            out->checkpoints[out->n_checkpoints++] = v;
        }
    }
    af_store_entries_free(e, n);
    return AF_OK;
}

/* list_log() of a table that must exist: AF_ENOTFOUND when it has no
 * commit. */
static int list_table_log(af_store *st, const char *table, log_listing *l, af_error *err)
{
    int rc = list_log(st, table, l, err);
    if (!rc && !l->n_commits) {
        listing_free(l);
        rc = af_error_set(err, AF_ENOTFOUND, "%s: not a table (no _delta_log/ commits)", table);
    }
    return rc;
}

int af_delta_latest_version(af_store *st, const char *table, int64_t *version, af_error *err)
{
    log_listing l;
    int rc = list_table_log(st, table, &l, err);
    if (rc)
        return rc;
    *version = l.commits[l.n_commits - 1];
    listing_free(&l);
    return AF_OK;
}

int af_delta_read_commit(af_store *st, const char *table, int64_t version, af_delta_actions *out,
                         af_error *err)
{
    af_buf path, text;
    af_buf_init(&path);
    af_buf_init(&text);
    int rc = af_delta_log_path(table, version, "json", &path)
                 ? af_error_set(err, AF_ENOMEM, "out of memory")
                 : af_store_read_all(st, af_buf_cstr(&path), &text, err);
    if (!rc)
        rc = af_delta_actions_decode(text.data ? (const char *)text.data : "", text.len,
                                     af_buf_cstr(&path), out, err);
    af_buf_free(&path);
    af_buf_free(&text);
    return rc;
}

void af_delta_snapshot_free(af_delta_snapshot *s)
{
    if (!s)
        return;
    af_delta_protocol_free(&s->protocol);
    af_delta_metadata_free(&s->metadata);
    af_schema_free(s->schema);
    for (size_t i = 0; i < s->n_files; i++)
        af_delta_file_free(&s->files[i]);
    free(s->files);
    for (size_t i = 0; i < s->n_tombstones; i++)
        af_delta_file_free(&s->tombstones[i]);
    free(s->tombstones);
    for (size_t i = 0; i < s->n_txns; i++)
        free(s->txns[i].app_id);
    free(s->txns);
    free(s);
}

int64_t af_delta_snapshot_txn(const af_delta_snapshot *s, const char *app_id)
{
    for (size_t i = 0; i < s->n_txns; i++)
        if (strcmp(s->txns[i].app_id, app_id) == 0)
            return s->txns[i].version;
    return -1;
}

/* ---- replay ---- */

typedef struct file_event {
    af_delta_file file; /* owned */
    bool is_add;
    size_t seq;
} file_event;

typedef struct replay {
    file_event *ev;
    size_t n, cap;
} replay;

static int push_event(replay *r, af_delta_file *f, bool is_add)
{
    if (r->n == r->cap) {
        size_t ncap = r->cap ? r->cap * 2 : 256;
        file_event *p = realloc(r->ev, ncap * sizeof *p);
        if (!p)
            return AF_ENOMEM;
        r->ev = p;
        r->cap = ncap;
    }
    r->ev[r->n] = (file_event){*f, is_add, r->n};
    r->n++;
    memset(f, 0, sizeof *f); /* moved */
    return AF_OK;
}

static int event_cmp(const void *a, const void *b)
{
    const file_event *x = a, *y = b;
    int c = strcmp(x->file.path, y->file.path);
    if (c)
        return c;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int set_txn(af_delta_snapshot *s, const af_delta_txn *t)
{
    for (size_t i = 0; i < s->n_txns; i++)
        if (strcmp(s->txns[i].app_id, t->app_id) == 0) {
            s->txns[i].version = t->version;
            s->txns[i].last_updated_ms = t->last_updated_ms;
            return AF_OK;
        }
    af_delta_txn *p = realloc(s->txns, (s->n_txns + 1) * sizeof *p);
    if (!p)
        return AF_ENOMEM;
    s->txns = p;
    p[s->n_txns] = *t;
    if (!(p[s->n_txns].app_id = af_strdup(t->app_id)))
        return AF_ENOMEM;
    s->n_txns++;
    return AF_OK;
}

/* Moves a commit's actions into the replay and the snapshot's state. */
static int apply_commit(af_delta_snapshot *s, replay *r, af_delta_actions *a)
{
    int rc = AF_OK;
    if (a->has_protocol) {
        af_delta_protocol_free(&s->protocol);
        s->protocol = a->protocol;
        memset(&a->protocol, 0, sizeof a->protocol);
        a->has_protocol = false;
    }
    if (a->has_metadata) {
        af_delta_metadata_free(&s->metadata);
        s->metadata = a->metadata;
        memset(&a->metadata, 0, sizeof a->metadata);
        a->has_metadata = false;
    }
    for (size_t i = 0; !rc && i < a->n_txns; i++)
        rc = set_txn(s, &a->txns[i]);
    /* a remove and an add of the same path in one commit: the add wins */
    for (size_t i = 0; !rc && i < a->n_removes; i++)
        rc = push_event(r, &a->removes[i], false);
    for (size_t i = 0; !rc && i < a->n_adds; i++)
        rc = push_event(r, &a->adds[i], true);
    return rc;
}

static int finish_replay(af_delta_snapshot *s, replay *r)
{
    qsort(r->ev, r->n, sizeof *r->ev, event_cmp);
    size_t live = 0, dead = 0;
    for (size_t i = 0; i < r->n; i++)
        if (i + 1 == r->n || strcmp(r->ev[i].file.path, r->ev[i + 1].file.path) != 0)
            r->ev[i].is_add ? live++ : dead++;
    s->files = calloc(live + 1, sizeof *s->files);
    s->tombstones = calloc(dead + 1, sizeof *s->tombstones);
    if (!s->files || !s->tombstones)
        return AF_ENOMEM;
    for (size_t i = 0; i < r->n; i++) {
        file_event *e = &r->ev[i];
        if (i + 1 == r->n || strcmp(e->file.path, r->ev[i + 1].file.path) != 0) {
            if (e->is_add)
                s->files[s->n_files++] = e->file;
            else
                s->tombstones[s->n_tombstones++] = e->file;
            memset(&e->file, 0, sizeof e->file);
        }
    }
    return AF_OK;
}

static void replay_free(replay *r)
{
    for (size_t i = 0; i < r->n; i++)
        af_delta_file_free(&r->ev[i].file);
    free(r->ev);
}

static int check_readable(const char *table, const af_delta_protocol *p, af_error *err)
{
    if (p->min_reader <= 1)
        return AF_OK;
    if (p->min_reader == 2)
        return af_error_set(err, AF_EUNSUPPORTED,
                            "%s: the table uses Delta column mapping (reader version 2), which "
                            "affluent does not read",
                            table);
    if (p->min_reader > 3)
        return af_error_set(err, AF_EUNSUPPORTED,
                            "%s: Delta reader version %d is newer than affluent reads (3)", table,
                            p->min_reader);
    for (size_t i = 0; i < p->reader_features.len; i++) {
        const char *f = p->reader_features.items[i];
        bool ok = false;
        for (const char *const *k = readable_features; *k && !ok; k++)
            ok = strcmp(*k, f) == 0;
        if (!ok)
            return af_error_set(err, AF_EUNSUPPORTED,
                                "%s: the table uses the Delta reader feature '%s', which affluent "
                                "does not read",
                                table, f);
    }
    return AF_OK;
}

/* Index of the largest listed value <= v, or -1. */
static long last_at_or_before(const int64_t *v, size_t n, int64_t x)
{
    long best = -1;
    for (size_t i = 0; i < n; i++)
        if (v[i] <= x)
            best = (long)i;
    return best;
}

static int load_at(af_store *st, const char *table, const log_listing *l, int64_t version,
                   af_delta_snapshot **out, af_error *err)
{
    *out = NULL;
    long ci = last_at_or_before(l->commits, l->n_commits, version);
    if (ci < 0 || l->commits[ci] != version)
        return af_error_set(err, AF_ENOTFOUND, "%s: version %lld does not exist (latest: %lld)",
                            table, (long long)version,
                            l->n_commits ? (long long)l->commits[l->n_commits - 1] : -1LL);
    af_delta_snapshot *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    s->version = version;
    s->timestamp_ms = l->mtimes[ci];
    replay r = {0};
    int rc = AF_OK;
    int64_t from = 0;
    long k = last_at_or_before(l->checkpoints, l->n_checkpoints, version);
    if (k >= 0) {
        rc = af_delta_checkpoint_read(st, table, l->checkpoints[k], s, err);
        if (!rc) {
            /* the checkpoint's state enters the replay as its first events */
            for (size_t i = 0; !rc && i < s->n_files; i++)
                rc = push_event(&r, &s->files[i], true);
            for (size_t i = 0; !rc && i < s->n_tombstones; i++)
                rc = push_event(&r, &s->tombstones[i], false);
            free(s->files);
            free(s->tombstones);
            s->files = s->tombstones = NULL;
            s->n_files = s->n_tombstones = 0;
            from = l->checkpoints[k] + 1;
            if (rc)
                af_error_set(err, AF_ENOMEM, "out of memory");
        }
    }
    /* the commits from..version must all be there */
    long first = last_at_or_before(l->commits, l->n_commits, from - 1) + 1;
    if (!rc && (size_t)first < l->n_commits && l->commits[first] != from)
        rc = af_error_set(err, AF_EPARSE, "%s: the Delta log misses version %lld", table,
                          (long long)from);
    if (!rc && from == 0 && (l->n_commits == 0 || l->commits[0] != 0))
        rc = af_error_set(err, AF_EPARSE,
                          "%s: the Delta log misses version 0 and has no checkpoint", table);
    for (long i = first; !rc && i <= ci; i++) {
        if (l->commits[i] != from + (i - first))
            rc = af_error_set(err, AF_EPARSE, "%s: the Delta log misses version %lld", table,
                              (long long)(from + (i - first)));
        af_delta_actions a;
        if (!rc)
            rc = af_delta_read_commit(st, table, l->commits[i], &a, err);
        if (rc)
            break;
        if (i == ci && a.has_commit_info && a.commit_info.timestamp_ms > 0)
            s->timestamp_ms = a.commit_info.timestamp_ms;
        rc = apply_commit(s, &r, &a);
        af_delta_actions_free(&a);
        if (rc)
            af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (!rc && first > ci) {
        /* the version is the checkpoint itself: its commit gives the time */
        af_delta_actions a;
        if (af_delta_read_commit(st, table, version, &a, NULL) == AF_OK) {
            if (a.has_commit_info && a.commit_info.timestamp_ms > 0)
                s->timestamp_ms = a.commit_info.timestamp_ms;
            af_delta_actions_free(&a);
        }
    }
    if (!rc && finish_replay(s, &r))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    replay_free(&r);
    if (!rc && !s->metadata.schema_string)
        rc = af_error_set(err, AF_EPARSE, "%s: the Delta log has no metaData up to version %lld",
                          table, (long long)version);
    if (!rc && s->protocol.min_reader == 0)
        rc = af_error_set(err, AF_EPARSE, "%s: the Delta log has no protocol up to version %lld",
                          table, (long long)version);
    if (!rc)
        rc = check_readable(table, &s->protocol, err);
    if (!rc) {
        rc = af_delta_schema_decode(s->metadata.schema_string, &s->schema, err);
        if (rc)
            af_error_wrap(err, "%s: schema of version %lld", table, (long long)version);
    }
    if (rc) {
        af_delta_snapshot_free(s);
        return rc;
    }
    *out = s;
    return AF_OK;
}

int af_delta_snapshot_load(af_store *st, const char *table, int64_t version,
                           af_delta_snapshot **out, af_error *err)
{
    *out = NULL;
    log_listing l;
    int rc = list_table_log(st, table, &l, err);
    if (rc)
        return rc;
    rc = load_at(st, table, &l, version < 0 ? l.commits[l.n_commits - 1] : version, out, err);
    listing_free(&l);
    return rc;
}

/* The commit time of a version: commitInfo's timestamp, else the file's. */
static int commit_time(af_store *st, const char *table, int64_t version, int64_t mtime,
                       int64_t *out, af_error *err)
{
    af_delta_actions a;
    int rc = af_delta_read_commit(st, table, version, &a, err);
    if (rc)
        return rc;
    *out = a.has_commit_info && a.commit_info.timestamp_ms > 0 ? a.commit_info.timestamp_ms : mtime;
    af_delta_actions_free(&a);
    return AF_OK;
}

int af_delta_snapshot_as_of(af_store *st, const char *table, int64_t as_of_ms,
                            af_delta_snapshot **out, af_error *err)
{
    *out = NULL;
    log_listing l;
    int rc = list_table_log(st, table, &l, err);
    if (rc)
        return rc;
    /* commit times only grow with versions in tables we write, but other
     * writers' clocks may step back: scan every version, newest first */
    int64_t found = -1;
    for (size_t i = l.n_commits; !rc && i-- > 0;) {
        int64_t t;
        rc = commit_time(st, table, l.commits[i], l.mtimes[i], &t, err);
        if (!rc && t <= as_of_ms) {
            found = l.commits[i];
            break;
        }
    }
    if (!rc && found < 0)
        rc = af_error_set(err, AF_ENOTFOUND, "%s: no version was committed at or before that time",
                          table);
    if (!rc)
        rc = load_at(st, table, &l, found, out, err);
    listing_free(&l);
    return rc;
}

void af_delta_history_free(af_delta_version *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        af_delta_commit_info_free(&v[i].info);
    free(v);
}

int af_delta_history(af_store *st, const char *table, af_delta_version **out, size_t *n,
                     af_error *err)
{
    *out = NULL;
    *n = 0;
    log_listing l;
    int rc = list_table_log(st, table, &l, err);
    if (rc)
        return rc;
    af_delta_version *v = calloc(l.n_commits, sizeof *v);
    if (!v) {
        listing_free(&l);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < l.n_commits && !rc; i++) {
        af_delta_actions a;
        rc = af_delta_read_commit(st, table, l.commits[i], &a, err);
        if (rc)
            break;
        v[i].version = l.commits[i];
        v[i].info = a.commit_info;
        memset(&a.commit_info, 0, sizeof a.commit_info);
        if (v[i].info.timestamp_ms <= 0)
            v[i].info.timestamp_ms = l.mtimes[i];
        v[i].n_adds = (int64_t)a.n_adds;
        v[i].n_removes = (int64_t)a.n_removes;
        *n = i + 1;
        af_delta_actions_free(&a);
    }
    listing_free(&l);
    if (rc) {
        af_delta_history_free(v, *n);
        *n = 0;
        return rc;
    }
    *out = v;
    return AF_OK;
}
