/* input_set.c - files, folders, globs and nested archive members read as
 * one sequence of leaves, in a single streaming pass (see input_set.h).
 *
 * The set keeps a stack: the current top-level file, then one level per
 * open archive (zip inside which a tgz is being read...). next() asks the
 * innermost archive for its next member and stacks decompress + peek on
 * it; a member that is an archive itself pushes a level, anything else is
 * the leaf handed out. An archive at its end pops; the file is done when
 * the stack is empty.
 *
 * Threads: the top-level file's decompressor may run in its own thread; it
 * only reads the file. Members are decompressed synchronously (threaded =
 * false) in the caller's thread: a threaded decompressor over a member
 * would call libarchive from its own thread while ours walks the same
 * archive's headers after a close, which is only correct with careful
 * joins; one thread per libarchive object keeps it obviously right.
 */
#include "io/input_set.h"

#include "core/buf.h"
#include "io/archive.h"

#include <stdlib.h>
#include <string.h>

typedef struct level {
    af_archive *arc;
    char *name; /* lineage name of the archive stream ("a.zip!inner.tgz") */
} level;

struct af_input_set {
    af_input_options opts;
    char **members; /* copies of opts.members */
    af_glob_file *files;
    size_t n_files, next_file;
    af_reader *pending; /* open_reader: the stream of files[0], until opened */
    int64_t total, done;
    /* the current top-level file: open while a level or a top leaf is */
    bool file_open;
    size_t cur;
    af_reader *top; /* its decompressing reader (not owned), for progress */
    level *levels;
    int depth, max_depth;
    af_reader *leaf;
    bool leaf_in_archive;
    char *leaf_name, *leaf_member;
};

void af_input_options_default(af_input_options *o)
{
    memset(o, 0, sizeof *o);
    o->compression = AF_COMPRESSION_AUTO;
    o->archives = true;
    o->max_depth = 8;
    o->threaded = true;
}

static int set_new(const af_input_options *o, af_input_set **out, af_error *err)
{
    af_input_set *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    if (o)
        s->opts = *o;
    else
        af_input_options_default(&s->opts);
    s->max_depth = s->opts.max_depth > 0 ? s->opts.max_depth : 8;
    s->levels = calloc((size_t)s->max_depth, sizeof *s->levels);
    if (!s->levels) {
        free(s);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    /* the caller's filter array need not outlive open() */
    if (s->opts.n_members) {
        s->members = calloc(s->opts.n_members, sizeof *s->members);
        for (size_t i = 0; s->members && i < s->opts.n_members; i++)
            if (!(s->members[i] = af_strdup(s->opts.members[i] ? s->opts.members[i] : ""))) {
                s->opts.n_members = i;
                af_input_set_free(s);
                return af_error_set(err, AF_ENOMEM, "out of memory");
            }
        if (!s->members) {
            s->opts.n_members = 0;
            af_input_set_free(s);
            return af_error_set(err, AF_ENOMEM, "out of memory");
        }
    }
    s->opts.members = (const char *const *)s->members;
    *out = s;
    return AF_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Leaves out the files the caller asked to skip, keeping the others in
 * order; the caller's array is not kept past open(). The list is sorted
 * once (a folder of thousands of files skips thousands). */
static int drop_excluded(af_input_set *s, af_error *err)
{
    size_t n = s->opts.n_exclude;
    const char *const *ex = s->opts.exclude;
    s->opts.exclude = NULL;
    s->opts.n_exclude = 0;
    if (!n)
        return AF_OK;
    const char **sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (ex[i])
            sorted[m++] = ex[i];
    qsort(sorted, m, sizeof *sorted, cmp_str);
    size_t k = 0;
    for (size_t i = 0; i < s->n_files; i++) {
        const char *key = s->files[i].path;
        if (m && bsearch(&key, sorted, m, sizeof *sorted, cmp_str)) {
            free(s->files[i].path);
            continue;
        }
        s->files[k++] = s->files[i];
    }
    s->n_files = k;
    free(sorted);
    return AF_OK;
}

int af_input_set_open(const char *pattern, const af_input_options *o, af_input_set **out,
                      af_error *err)
{
    *out = NULL;
    af_input_set *s = NULL;
    int rc = set_new(o, &s, err);
    if (rc)
        return rc;
    rc = af_glob_expand(pattern, &s->files, &s->n_files, err);
    if (rc) {
        af_input_set_free(s);
        return rc;
    }
    rc = drop_excluded(s, err);
    if (rc) {
        af_input_set_free(s);
        return rc;
    }
    for (size_t i = 0; i < s->n_files; i++)
        if (s->files[i].size > 0)
            s->total += s->files[i].size;
    *out = s;
    return AF_OK;
}

int af_input_set_open_reader(af_reader *r, const char *name, const af_input_options *o,
                             af_input_set **out, af_error *err)
{
    *out = NULL;
    af_input_set *s = NULL;
    int rc = set_new(o, &s, err);
    if (!rc && !(s->files = calloc(1, sizeof *s->files)))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    if (!rc && !(s->files[0].path = af_strdup(name ? name : r->name)))
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    if (rc) {
        af_input_set_free(s);
        af_reader_close(r);
        return rc;
    }
    s->n_files = 1;
    s->files[0].size = r->size;
    s->total = r->size > 0 ? r->size : 0;
    s->pending = r;
    *out = s;
    return AF_OK;
}

/* The top-level file is fully read (or given up): count it as progress. */
static void file_done(af_input_set *s)
{
    if (!s->file_open)
        return;
    s->file_open = false;
    s->top = NULL;
    if (s->files[s->cur].size > 0)
        s->done += s->files[s->cur].size;
}

static void pop_level(af_input_set *s)
{
    level *l = &s->levels[--s->depth];
    af_archive_close(l->arc); /* closes the member (or file) it read from */
    free(l->name);
    l->arc = NULL;
    l->name = NULL;
    if (s->depth == 0)
        file_done(s);
}

/* Pops the innermost levels whose archive can no longer be read. */
static void pop_failed(af_input_set *s)
{
    while (s->depth > 0 && af_archive_failed(s->levels[s->depth - 1].arc))
        pop_level(s);
}

static void close_leaf(af_input_set *s)
{
    if (!s->leaf)
        return;
    af_reader_close(s->leaf);
    s->leaf = NULL;
    free(s->leaf_name);
    free(s->leaf_member);
    s->leaf_name = s->leaf_member = NULL;
    if (!s->leaf_in_archive)
        file_done(s);
    else
        pop_failed(s); /* the caller saw that error from the leaf's reader */
}

static bool member_selected(const af_input_set *s, const char *member)
{
    if (s->opts.n_members == 0)
        return true;
    for (size_t i = 0; i < s->opts.n_members; i++)
        if (af_glob_match(s->members[i], member))
            return true;
    return false;
}

/* Stacks decompression and a peek on `raw` (owned) and decides what it is:
 * an archive (a level is pushed: returns 0), a leaf (returns 1 with *in
 * filled), a member the filter leaves out (closed: returns 0), or an
 * error. `name` (owned) is the stream's lineage name; `member` is NULL for
 * a top-level file. */
static int open_stream(af_input_set *s, af_reader *raw, char *name, const char *member,
                       int64_t member_size, af_input *in, af_error *err)
{
    bool top = member == NULL;
    af_decompress_options d;
    af_decompress_options_default(&d);
    d.compression = top ? s->opts.compression : AF_COMPRESSION_AUTO;
    d.threaded = top && s->opts.threaded;
    d.cancel = s->opts.cancel;
    af_reader *dec = NULL, *pk = NULL;
    int rc = af_reader_open_decompress(raw, &d, &dec, err);
    if (rc) {
        free(name);
        return rc;
    }
    if (top)
        s->top = dec;
    af_compression codec = af_reader_compression(dec);
    rc = af_reader_open_peek(dec, AF_ARCHIVE_SNIFF_BYTES, &pk, err);
    if (rc) {
        if (top)
            s->top = NULL;
        free(name);
        return rc;
    }
    af_archive_format f = AF_ARCHIVE_NONE;
    if (s->opts.archives) {
        size_t hl = 0;
        const uint8_t *head = af_reader_peeked(pk, &hl);
        f = af_archive_detect(head, hl);
    }
    if (f != AF_ARCHIVE_NONE) {
        if (s->depth >= s->max_depth) {
            rc = af_error_set(err, AF_ELIMIT,
                              "%s: %s archive nested %d levels deep, deeper than the limit of %d "
                              "(max_depth)",
                              name, af_archive_format_name(f), s->depth + 1, s->max_depth);
            af_reader_close(pk);
            if (top)
                s->top = NULL;
            free(name);
            return rc;
        }
        af_archive *a = NULL;
        rc = af_archive_open(pk, f, name, &a, err);
        if (rc) {
            if (top)
                s->top = NULL;
            free(name);
            return rc;
        }
        s->levels[s->depth].arc = a;
        s->levels[s->depth].name = name;
        s->depth++;
        return 0;
    }
    if (!top && !member_selected(s, member)) {
        af_reader_close(pk);
        free(name);
        return 0;
    }
    char *mem = NULL;
    if (!top && !(mem = af_strdup(member))) {
        af_reader_close(pk);
        free(name);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    s->leaf = pk;
    s->leaf_in_archive = !top;
    s->leaf_name = name;
    s->leaf_member = mem;
    in->reader = pk;
    in->name = name;
    in->path = s->files[s->cur].path;
    in->member = mem;
    in->compression = codec;
    if (codec != AF_COMPRESSION_NONE)
        in->size = -1;
    else
        in->size = top ? s->files[s->cur].size : member_size;
    return 1;
}

static char *join_name(const char *outer, const char *member)
{
    af_buf b;
    af_buf_init(&b);
    if (af_buf_printf(&b, "%s!%s", outer, member)) {
        af_buf_free(&b);
        return NULL;
    }
    return (char *)b.data;
}

/* The next member of the innermost archive: 1 leaf, 0 go on, <0 error. */
static int next_member(af_input_set *s, af_input *in, af_error *err)
{
    level *l = &s->levels[s->depth - 1];
    af_archive_entry e;
    int rc = af_archive_next(l->arc, &e, err);
    if (rc < 0) {
        pop_failed(s);
        return rc;
    }
    if (rc == 0) {
        pop_level(s);
        return 0;
    }
    char *name = join_name(l->name, e.path);
    if (!name)
        return af_error_set(err, AF_ENOMEM, "%s: out of memory", l->name);
    af_reader *raw = NULL;
    rc = af_archive_open_member(l->arc, name, &raw, err);
    if (rc) {
        free(name);
        return rc;
    }
    rc = open_stream(s, raw, name, e.path, e.size, in, err);
    if (rc < 0)
        pop_failed(s);
    return rc;
}

/* Opens the next top-level file: 1 leaf, 0 go on (an archive), <0 error. */
static int next_file(af_input_set *s, af_input *in, af_error *err)
{
    s->cur = s->next_file++;
    const char *path = s->files[s->cur].path;
    af_reader *raw = s->pending;
    s->pending = NULL;
    s->file_open = true; /* from here on, a failure counts the file as done */
    int rc = raw ? AF_OK : af_reader_open_file(path, &raw, err);
    char *name = NULL;
    if (!rc && !(name = af_strdup(path))) {
        af_reader_close(raw);
        rc = af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (rc) {
        file_done(s);
        return rc;
    }
    rc = open_stream(s, raw, name, NULL, -1, in, err);
    if (rc < 0)
        file_done(s);
    return rc;
}

int af_input_set_next(af_input_set *s, af_input *in, af_error *err)
{
    memset(in, 0, sizeof *in);
    close_leaf(s);
    for (;;) {
        if (s->opts.cancel && atomic_load(s->opts.cancel)) {
            const char *where = s->next_file > 0 ? s->files[s->cur].path : "input";
            return af_error_set(err, AF_ECANCELED, "%s: stopped by a cancel request", where);
        }
        int rc;
        if (s->depth > 0)
            rc = next_member(s, in, err);
        else if (s->next_file < s->n_files)
            rc = next_file(s, in, err);
        else
            return 0;
        if (rc)
            return rc;
    }
}

size_t af_input_set_file_count(const af_input_set *s)
{
    return s->n_files;
}

const char *af_input_set_file_path(const af_input_set *s, size_t i)
{
    return i < s->n_files ? s->files[i].path : NULL;
}

int64_t af_input_set_bytes_total(const af_input_set *s)
{
    return s->total;
}

int64_t af_input_set_bytes_read(const af_input_set *s)
{
    int64_t n = s->done;
    if (s->file_open && s->top) {
        int64_t cur = af_reader_input_offset(s->top);
        int64_t size = s->files[s->cur].size;
        if (size >= 0 && cur > size)
            cur = size; /* a file that grew while read */
        n += cur > 0 ? cur : 0;
    }
    return n;
}

void af_input_set_free(af_input_set *s)
{
    if (!s)
        return;
    af_reader_close(s->leaf);
    free(s->leaf_name);
    free(s->leaf_member);
    while (s->depth > 0)
        pop_level(s);
    af_reader_close(s->pending);
    af_glob_files_free(s->files, s->n_files);
    for (size_t i = 0; s->members && i < s->opts.n_members; i++)
        free(s->members[i]);
    free(s->members);
    free(s->levels);
    free(s);
}
