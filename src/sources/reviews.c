/* reviews.c - the review corpus source: product and movie reviews in the
 * three layouts public corpora ship in, with cheap text features.
 *
 *   csv     label,title,text rows without a header (Amazon review polarity);
 *           read with the CSV tokenizer of formats/csv.h
 *   files   one review per file, the parent folder is the label and the
 *           file name carries id and rating (IMDB: train/pos/123_9.txt)
 *   blocks  SNAP `key: value` blocks separated by blank lines
 *
 * Every layout yields id, label, rating, title, text and the features of
 * the text (length in code points, word count, script guess, source
 * encoding; formats/text_features.h); blocks add their own columns. Text is
 * decoded to UTF-8, normalised to NFC and stripped of control characters
 * before it is stored. A review that cannot be used (wrong field count,
 * invalid UTF-8, a malformed block, a file name that does not match) is
 * quarantined with its file and line, so rows read = written + quarantined.
 *
 * `layout: auto` looks at the first input: a file name matching
 * file_name_pattern means files; `key: value` lines mean blocks; a CSV
 * record of 3 fields whose first is a small integer means csv; failing
 * those, several files (or archive members) mean files.
 */
#include "core/batch_fill.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/plugin.h"
#include "core/values.h"
#include "formats/csv.h"
#include "formats/review_blocks.h"
#include "formats/text_features.h"
#include "formats/text_lines.h"
#include "io/input_set.h"
#include "io/transcode.h"
#include "sources/file_common.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

enum { LAYOUT_AUTO, LAYOUT_CSV, LAYOUT_FILES, LAYOUT_BLOCKS };

typedef struct reviews_config {
    char *path;
    int layout;
    af_strlist column_names;
    bool header;
    char *file_name_pattern;
    int encoding;
    int compression;
    af_strlist members;
    int64_t max_file_size;
    bool lineage;
} reviews_config;

#define OFF(f) offsetof(reviews_config, f)
static const af_config_map reviews_options[] = {
    {"path", AF_OPT_STRING, NULL, true, OFF(path),
     "file, folder, glob or archive to read (relative to the pipeline file)", NULL},
    {"layout", AF_OPT_ENUM, "auto", false, OFF(layout),
     "csv (label,title,text rows), files (label folders of id_rating.txt files), blocks (SNAP "
     "key: value blocks); auto detects from the first input",
     "auto|csv|files|blocks"},
    {"column_names", AF_OPT_STRLIST, NULL, false, OFF(column_names),
     "csv: names of the CSV columns in order (default label, title, text); id, label, rating, "
     "title and text are used, other names are dropped",
     NULL},
    {"header", AF_OPT_BOOL, "false", false, OFF(header),
     "csv: the first record of each file is a header to skip", NULL},
    {"file_name_pattern", AF_OPT_STRING, "^(?<id>[^_]+)_(?<rating>[0-9]+)\\.txt$", false,
     OFF(file_name_pattern),
     "files: PCRE2 regex on the file name; named groups id and rating fill those columns", NULL},
    {"encoding", AF_OPT_ENUM, "auto", false, OFF(encoding),
     "text encoding; auto detects a BOM, UTF-16, UTF-8, else Windows-1252/Latin-1 (per file)",
     AF_TEXT_ENCODING_CHOICES},
    AF_FILE_OPT_COMPRESSION(OFF(compression)),
    AF_FILE_OPT_MEMBERS(OFF(members)),
    {"max_file_size", AF_OPT_SIZE, "64MB", false, OFF(max_file_size),
     "files: a review file larger than this is quarantined instead of read", NULL},
    AF_FILE_OPT_LINEAGE(OFF(lineage)),
    {NULL, 0, NULL, false, 0, NULL, NULL},
};
#undef OFF

/* Output columns, in order; the block columns exist only for blocks. */
enum {
    C_ID,
    C_LABEL,
    C_RATING,
    C_TITLE,
    C_TEXT,
    C_LENGTH,
    C_WORDS,
    C_LANGUAGE,
    C_ENCODING,
    C_PRODUCT,
    C_USER,
    C_PROFILE,
    C_HELPFUL,
    C_SCORE,
    C_TIME,
    C_EXTRA,
};
#define N_COMMON 9
#define N_BLOCK 16

/* The SNAP keys that have a column; other keys go to `extra`. */
static const char *const block_keys[] = {
    "product/productId", "review/userId", "review/profileName", "review/helpfulness",
    "review/score",      "review/time",   "review/summary",     "review/text"};
#define N_BLOCK_KEYS (sizeof block_keys / sizeof *block_keys)

typedef struct slice {
    const char *p;
    size_t n; /* p == NULL: null */
} slice;

typedef struct review_row {
    slice id, label, title, text;
    bool label_is_int;
    int64_t label_int;
    bool has_rating;
    int64_t rating;
    slice block[4]; /* product_id, user_id, profile_name, helpfulness */
    bool has_score, has_time;
    double score;
    int64_t time_us;
    slice extra;
} review_row;

typedef struct reviews_source {
    char *path;
    int layout;
    af_input_set *set;
    bool have_leaf, leaf_started, done;
    af_input leaf;
    char *origin;
    af_reader *peek; /* over a view of the set's leaf */
    af_reader *text; /* transcode layer (csv, blocks) */
    af_text_encoding leaf_encoding;
    af_csv_reader *csv;
    bool skip_header;
    af_line_reader *lines;
    af_review_block block;
    af_strlist names; /* CSV column names (option or default) */
    int csv_col[5];   /* CSV field index of id, label, rating, title, text, or -1 */
    pcre2_code *name_re;
    pcre2_match_data *name_md;
    af_schema *schema;
    size_t n_data_cols;
    af_buf title_buf, text_buf, file_buf, decoded, reason, extra;
    int64_t ingested_at;
} reviews_source;

static void close_leaf(reviews_source *s)
{
    af_csv_reader_free(s->csv);
    s->csv = NULL;
    af_line_reader_free(s->lines);
    s->lines = NULL;
    if (s->text)
        af_reader_close(s->text); /* closes peek too */
    else
        af_reader_close(s->peek);
    s->text = NULL;
    s->peek = NULL;
    s->have_leaf = false;
    s->leaf_started = false;
}

/* Next leaf of the input set, wrapped in a peek reader (the set keeps
 * ownership of its reader, hence the view under it). */
static int open_leaf(af_source *self, af_error *err)
{
    reviews_source *s = self->priv;
    close_leaf(s);
    int rc = af_input_set_next(s->set, &s->leaf, err);
    if (rc <= 0)
        return rc;
    free(s->origin);
    s->origin = af_strdup(s->leaf.name ? s->leaf.name : s->path);
    if (!s->origin)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    af_reader *view = NULL;
    rc = af_leaf_open_view(&s->leaf, s->origin, &view, err);
    if (rc)
        return rc;
    rc = af_reader_open_peek(view, 65536, &s->peek, err); /* owns view, even on failure */
    if (rc)
        return rc;
    s->have_leaf = true;
    return 1;
}

/* The parts of the leaf path: base name and parent folder name. */
static void leaf_names(const reviews_source *s, slice *base, slice *parent)
{
    const char *p = s->leaf.member ? s->leaf.member : s->leaf.path ? s->leaf.path : s->origin;
    size_t n = strlen(p);
    while (n > 0 && p[n - 1] == '/')
        n--;
    size_t b = n;
    while (b > 0 && p[b - 1] != '/')
        b--;
    *base = (slice){p + b, n - b};
    *parent = (slice){NULL, 0};
    if (b > 0) {
        size_t e = b - 1, a = e;
        while (a > 0 && p[a - 1] != '/')
            a--;
        if (e > a)
            *parent = (slice){p + a, e - a};
    }
}

static bool name_matches(reviews_source *s, slice base)
{
    return pcre2_match(s->name_re, (PCRE2_SPTR)base.p, base.n, 0, 0, s->name_md, NULL) >= 0;
}

static bool small_int(const char *p, size_t n)
{
    if (n == 0 || n > 2)
        return false;
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

static bool key_line(const char *p, size_t n)
{
    size_t i = 0;
    if (n == 0 || !((p[0] >= 'A' && p[0] <= 'Z') || (p[0] >= 'a' && p[0] <= 'z') || p[0] == '_'))
        return false;
    while (i < n && p[i] != ':') {
        char c = p[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '/' || c == '.' || c == '-'))
            return false;
        i++;
    }
    return i < n && (i + 1 == n || p[i + 1] == ' ');
}

/* Decides the layout from the first leaf (see the header comment). */
static int detect_layout(af_source *self, af_error *err)
{
    reviews_source *s = self->priv;
    const reviews_config *c = self->config;
    slice base, parent;
    leaf_names(s, &base, &parent);
    if (name_matches(s, base)) {
        s->layout = LAYOUT_FILES;
        return AF_OK;
    }
    size_t hn = 0;
    const uint8_t *head = af_reader_peeked(s->peek, &hn);
    af_text_encoding e = af_text_encoding_detect(head, hn, NULL);
    if ((e == AF_ENC_UTF16LE || e == AF_ENC_UTF16BE) && hn % 2)
        hn--;
    af_buf_reset(&s->decoded);
    af_error ignore;
    const char *t = (const char *)head;
    size_t tn = hn;
    if (af_text_to_utf8(e, head, hn, &s->decoded, s->origin, &ignore) == AF_OK) {
        t = (const char *)s->decoded.data;
        tn = s->decoded.len;
    }
    /* blocks: the first (up to 5) non-blank lines are all `key: value` */
    int keyed = 0, lines = 0;
    for (size_t i = 0; i < tn && lines < 5;) {
        const char *nl = memchr(t + i, '\n', tn - i);
        size_t len = nl ? (size_t)(nl - (t + i)) : tn - i;
        if (len && t[i + len - 1] == '\r')
            len--;
        if (len) {
            lines++;
            keyed += key_line(t + i, len);
        }
        i += len + 1;
        if (nl && t[i - 1] == '\r')
            i++;
    }
    if (lines > 0 && keyed == lines) {
        s->layout = LAYOUT_BLOCKS;
        return AF_OK;
    }
    af_reader *mem = NULL;
    af_csv_reader *cr = NULL;
    af_csv_dialect d;
    af_csv_dialect_default(&d);
    int rc = af_reader_open_memory(t, tn, s->origin, &mem, err);
    rc = rc ? rc : af_csv_reader_new(mem, &d, &cr, err);
    af_csv_record rec;
    bool csv = false;
    if (!rc && af_csv_reader_next(cr, &rec, &ignore) == 1 && !rec.error &&
        rec.n_fields == s->names.len) {
        int li = s->csv_col[1] >= 0 ? s->csv_col[1] : 0;
        csv = small_int(rec.fields[li].data, rec.fields[li].len) || c->header;
    }
    af_csv_reader_free(cr);
    af_reader_close(mem);
    if (rc)
        return rc;
    if (!csv && (af_input_set_file_count(s->set) > 1 || s->leaf.member)) {
        /* many files (or archive members), the first of which is neither
         * a CSV nor blocks: a folder of review files with a README first */
        s->layout = LAYOUT_FILES;
        return AF_OK;
    }
    if (!csv)
        return af_error_set(err, AF_EPARSE,
                            "%s: cannot tell the review layout: not a CSV of %zu columns starting "
                            "with a small integer label, not SNAP blocks of 'product/productId: "
                            "...' lines, and the file name does not match file_name_pattern; "
                            "set layout: csv, files or blocks",
                            s->origin, s->names.len);
    s->layout = LAYOUT_CSV;
    return AF_OK;
}

static int build_schema(af_source *self, af_error *err)
{
    reviews_source *s = self->priv;
    const reviews_config *c = self->config;
    s->schema = af_schema_new();
    if (!s->schema)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    af_type str = af_type_make(AF_TYPE_STRING);
    af_type i64 = af_type_make(AF_TYPE_INT64);
    struct {
        const char *name;
        af_type type;
    } cols[] = {
        {"id", str},
        {"label", s->layout == LAYOUT_CSV ? i64 : str},
        {"rating", af_type_make(AF_TYPE_INT32)},
        {"title", str},
        {"text", str},
        {"text_length", i64},
        {"word_count", i64},
        {"language", str},
        {"encoding", str},
        {"product_id", str},
        {"user_id", str},
        {"profile_name", str},
        {"helpfulness", str},
        {"score", af_type_make(AF_TYPE_FLOAT64)},
        {"time", af_type_timestamp(AF_UNIT_MICRO, "UTC")},
        {"extra", af_type_make(AF_TYPE_JSON)},
    };
    s->n_data_cols = s->layout == LAYOUT_BLOCKS ? N_BLOCK : N_COMMON;
    int rc = AF_OK;
    for (size_t i = 0; !rc && i < s->n_data_cols; i++)
        rc = af_schema_add_simple(s->schema, cols[i].name, cols[i].type,
                                  !(i >= C_LENGTH && i <= C_ENCODING));
    if (!rc && c->lineage)
        rc = af_lineage_add_columns(s->schema);
    return rc ? af_error_set(err, rc, "out of memory") : AF_OK;
}

static int compile_name_pattern(reviews_source *s, const char *pattern, af_error *err)
{
    int ec = 0;
    PCRE2_SIZE off = 0;
    s->name_re = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, 0, &ec, &off, NULL);
    if (!s->name_re) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(ec, msg, sizeof msg);
        return af_error_set(err, AF_ECONFIG,
                            "option file_name_pattern does not compile at offset %zu: %s",
                            (size_t)off, (const char *)msg);
    }
    s->name_md = pcre2_match_data_create_from_pattern(s->name_re, NULL);
    return s->name_md ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
}

static int reviews_open(af_source *self, af_schema **schema_out, af_error *err)
{
    const reviews_config *c = self->config;
    reviews_source *s = calloc(1, sizeof *s);
    if (!s)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    self->priv = s;
    af_review_block_init(&s->block);
    af_buf_init(&s->title_buf);
    af_buf_init(&s->text_buf);
    af_buf_init(&s->file_buf);
    af_buf_init(&s->decoded);
    af_buf_init(&s->reason);
    af_buf_init(&s->extra);
    s->ingested_at = af_clock_now_us();
    s->layout = c->layout;
    s->path = af_stream_resolve_path(self->ctx, c->path);
    if (!s->path)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    static const char *const roles[5] = {"id", "label", "rating", "title", "text"};
    static const char *const default_names[3] = {"label", "title", "text"};
    for (size_t i = 0; i < (c->column_names.len ? c->column_names.len : 3); i++)
        if (af_strlist_push(&s->names,
                            c->column_names.len ? c->column_names.items[i] : default_names[i]))
            return af_error_set(err, AF_ENOMEM, "out of memory");
    for (int r = 0; r < 5; r++)
        s->csv_col[r] = (int)af_strlist_find(&s->names, roles[r]);
    if (s->csv_col[4] < 0 && c->layout == LAYOUT_CSV)
        return af_error_set(err, AF_ECONFIG,
                            "option column_names must name a 'text' column (got %zu names)",
                            s->names.len);
    int rc = compile_name_pattern(s, c->file_name_pattern, err);
    if (rc)
        return rc;
    rc = af_file_open_inputs(self, s->path, c->compression, (const char *const *)c->members.items,
                             c->members.len, &s->set, err);
    if (rc)
        return rc;
    atomic_store(&self->ctx->bytes_total, (long long)af_input_set_bytes_total(s->set));
    rc = open_leaf(self, err);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        s->done = true;
        if (s->layout == LAYOUT_AUTO)
            return af_error_set(err, AF_ENOTFOUND,
                                "%s: no input to detect the review layout from; set layout",
                                s->path);
    } else if (s->layout == LAYOUT_AUTO) {
        rc = detect_layout(self, err);
        if (rc)
            return rc;
    }
    rc = build_schema(self, err);
    if (rc)
        return rc;
    *schema_out = af_schema_copy(s->schema);
    return *schema_out ? AF_OK : af_error_set(err, AF_ENOMEM, "out of memory");
}

/* Layers for the streamed layouts: transcode, then the tokenizer. */
static int start_leaf(af_source *self, af_error *err)
{
    reviews_source *s = self->priv;
    const reviews_config *c = self->config;
    s->leaf_started = true;
    if (s->layout == LAYOUT_FILES)
        return AF_OK;
    int rc = af_reader_open_transcode(s->peek, (af_text_encoding)c->encoding, &s->text,
                                      &s->leaf_encoding, err);
    s->peek = NULL; /* owned by the transcode layer from here, even on failure */
    if (rc)
        return rc;
    if (s->layout == LAYOUT_CSV) {
        af_csv_dialect d;
        af_csv_dialect_default(&d);
        s->skip_header = c->header;
        return af_csv_reader_new(s->text, &d, &s->csv, err);
    }
    return af_line_reader_new(s->text, 0, &s->lines, err);
}

static int reject(af_source *self, const char *origin, int64_t line, const char *raw,
                  size_t raw_len, af_error *err)
{
    reviews_source *s = self->priv;
    int rc = af_quarantine_row(self->ctx, origin, line, raw, raw_len, af_buf_cstr(&s->reason), err);
    return rc;
}

static bool valid_utf8(const slice *v, const char *col, af_buf *reason)
{
    if (!v->p)
        return true;
    size_t ok = af_utf8_valid_prefix((const uint8_t *)v->p, v->n);
    if (ok == v->n)
        return true;
    af_buf_printf(reason, "column '%s': invalid UTF-8 at byte %zu", col, ok);
    return false;
}

static int append_slice(af_array *a, const slice *v)
{
    return v->p ? af_array_append_bytes(a, v->p, v->n) : af_array_append_null(a);
}

/* Normalises, computes the features and appends one review. Returns 0
 * (appended or quarantined) or <0. */
static int append_review(af_source *self, af_batch *b, review_row *r, const char *origin,
                         int64_t line, const char *raw, size_t raw_len, af_error *err)
{
    reviews_source *s = self->priv;
    const reviews_config *c = self->config;
    af_buf_reset(&s->reason);
    af_buf_reset(&s->title_buf);
    af_buf_reset(&s->text_buf);
    af_error nerr = {0};
    int rc;
    if (r->title.p && (rc = af_text_normalize(r->title.p, r->title.n, &s->title_buf, &nerr))) {
        if (rc != AF_EPARSE)
            return af_error_set(err, rc, "%s", nerr.msg);
        af_buf_printf(&s->reason, "column 'title': %s", nerr.msg);
    }
    if (!s->reason.len && r->text.p &&
        (rc = af_text_normalize(r->text.p, r->text.n, &s->text_buf, &nerr))) {
        if (rc != AF_EPARSE)
            return af_error_set(err, rc, "%s", nerr.msg);
        af_buf_printf(&s->reason, "column 'text': %s", nerr.msg);
    }
    static const char *const bnames[4] = {"product_id", "user_id", "profile_name", "helpfulness"};
    if (!s->reason.len && valid_utf8(&r->id, "id", &s->reason) &&
        (r->label_is_int || valid_utf8(&r->label, "label", &s->reason)))
        for (int i = 0; i < 4 && !s->reason.len; i++)
            valid_utf8(&r->block[i], bnames[i], &s->reason);
    if (s->reason.len)
        return reject(self, origin, line, raw, raw_len, err);

    af_text_features f;
    af_text_features_compute((const char *)s->text_buf.data, s->text_buf.len, &f);
    af_array *a = b->columns;
    const char *enc = af_text_encoding_name(s->leaf_encoding);
    rc = append_slice(&a[C_ID], &r->id);
    if (!rc)
        rc = r->label_is_int ? af_array_append_int(&a[C_LABEL], r->label_int)
                             : append_slice(&a[C_LABEL], &r->label);
    if (!rc)
        rc = r->has_rating ? af_array_append_int(&a[C_RATING], r->rating)
                           : af_array_append_null(&a[C_RATING]);
    if (!rc)
        rc = r->title.p ? af_array_append_bytes(&a[C_TITLE], s->title_buf.data, s->title_buf.len)
                        : af_array_append_null(&a[C_TITLE]);
    if (!rc)
        rc = r->text.p ? af_array_append_bytes(&a[C_TEXT], s->text_buf.data, s->text_buf.len)
                       : af_array_append_null(&a[C_TEXT]);
    rc = rc ? rc : af_array_append_int(&a[C_LENGTH], f.length);
    rc = rc ? rc : af_array_append_int(&a[C_WORDS], f.word_count);
    rc = rc ? rc : af_array_append_bytes(&a[C_LANGUAGE], f.language, strlen(f.language));
    rc = rc ? rc : af_array_append_bytes(&a[C_ENCODING], enc, strlen(enc));
    if (s->layout == LAYOUT_BLOCKS) {
        for (int i = 0; !rc && i < 4; i++)
            rc = append_slice(&a[C_PRODUCT + i], &r->block[i]);
        if (!rc)
            rc = r->has_score ? af_array_append_double(&a[C_SCORE], r->score)
                              : af_array_append_null(&a[C_SCORE]);
        if (!rc)
            rc = r->has_time ? af_array_append_int(&a[C_TIME], r->time_us)
                             : af_array_append_null(&a[C_TIME]);
        rc = rc ? rc : append_slice(&a[C_EXTRA], &r->extra);
    }
    if (!rc && c->lineage)
        rc = af_lineage_append(&a[s->n_data_cols], origin, line, s->ingested_at);
    if (rc)
        return af_error_set(err, rc, "%s:%lld: cannot append a review", origin, (long long)line);
    return AF_OK;
}

/* ---- csv ---- */
static int csv_row(af_source *self, af_batch *b, const af_csv_record *rec, af_error *err)
{
    reviews_source *s = self->priv;
    review_row r;
    memset(&r, 0, sizeof r);
    af_buf_reset(&s->reason);
    if (rec->error)
        af_buf_printf(&s->reason, "malformed CSV record: %s", rec->error);
    else if (rec->n_fields != s->names.len)
        af_buf_printf(&s->reason, "expected %zu fields, found %zu", s->names.len, rec->n_fields);
    if (s->reason.len)
        return reject(self, s->origin, rec->line, rec->raw, rec->raw_len, err);
    slice *dst[5] = {&r.id, &r.label, NULL, &r.title, &r.text};
    for (int k = 0; k < 5; k++) {
        int i = s->csv_col[k];
        if (i < 0 || !dst[k])
            continue;
        const af_csv_field *f = &rec->fields[i];
        *dst[k] =
            (f->len == 0 && !f->quoted && k != 4) ? (slice){NULL, 0} : (slice){f->data, f->len};
    }
    af_error perr = {0};
    if (s->csv_col[1] >= 0) {
        const af_csv_field *f = &rec->fields[s->csv_col[1]];
        r.label_is_int = true;
        if (f->len && af_parse_int64(f->data, f->len, &r.label_int, &perr)) {
            af_buf_printf(&s->reason, "column 'label': %s", perr.msg);
            return reject(self, s->origin, rec->line, rec->raw, rec->raw_len, err);
        }
        if (!f->len)
            r.label_is_int = false, r.label = (slice){NULL, 0};
    }
    if (s->csv_col[2] >= 0 && rec->fields[s->csv_col[2]].len) {
        const af_csv_field *f = &rec->fields[s->csv_col[2]];
        if (af_parse_int_width(f->data, f->len, 32, &r.rating, &perr)) {
            af_buf_printf(&s->reason, "column 'rating': %s", perr.msg);
            return reject(self, s->origin, rec->line, rec->raw, rec->raw_len, err);
        }
        r.has_rating = true;
    }
    return append_review(self, b, &r, s->origin, rec->line, rec->raw, rec->raw_len, err);
}

/* ---- blocks ---- */
static int block_row(af_source *self, af_batch *b, af_error *err)
{
    reviews_source *s = self->priv;
    af_review_block *blk = &s->block;
    const char *raw = (const char *)blk->raw.data;
    af_buf_reset(&s->reason);
    if (blk->error) {
        af_buf_printf(&s->reason, "malformed review block: line %lld: %s",
                      (long long)blk->error_line, blk->error);
        return reject(self, s->origin, blk->line, raw, blk->raw.len, err);
    }
    review_row r;
    memset(&r, 0, sizeof r);
    slice v[N_BLOCK_KEYS];
    for (size_t k = 0; k < N_BLOCK_KEYS; k++)
        v[k].p = af_review_block_get(blk, block_keys[k], &v[k].n);
    for (int k = 0; k < 4; k++)
        r.block[k] = v[k];
    r.title = v[6];
    r.text = v[7];
    if (!r.text.p) {
        af_buf_printf(&s->reason, "malformed review block: no review/text line");
        return reject(self, s->origin, blk->line, raw, blk->raw.len, err);
    }
    af_error perr = {0};
    if (v[4].p && v[4].n) {
        if (af_parse_double(v[4].p, v[4].n, '.', &r.score, &perr)) {
            af_buf_printf(&s->reason, "review/score: %s", perr.msg);
            return reject(self, s->origin, blk->line, raw, blk->raw.len, err);
        }
        r.has_score = true;
        if (r.score == (double)(int64_t)r.score && r.score >= 0 && r.score <= 100) {
            r.has_rating = true;
            r.rating = (int64_t)r.score;
        }
    }
    if (v[5].p && v[5].n) {
        int64_t sec = 0;
        if (af_parse_int64(v[5].p, v[5].n, &sec, &perr) || sec < -9000000000000LL ||
            sec > 9000000000000LL) {
            af_buf_printf(&s->reason, "review/time: %s",
                          perr.msg[0] ? perr.msg : "out of range epoch seconds");
            return reject(self, s->origin, blk->line, raw, blk->raw.len, err);
        }
        r.has_time = true;
        r.time_us = sec * 1000000;
    }
    /* keys without a column are kept, as a JSON object of strings */
    af_buf_reset(&s->extra);
    for (size_t i = 0; i < blk->n_items; i++) {
        const af_review_kv *kv = &blk->items[i];
        bool known = false;
        for (size_t k = 0; k < N_BLOCK_KEYS && !known; k++)
            known = strlen(block_keys[k]) == kv->key_len &&
                    memcmp(block_keys[k], raw + kv->key_off, kv->key_len) == 0;
        if (known)
            continue;
        int rc = af_buf_append_byte(&s->extra, s->extra.len ? ',' : '{');
        rc = rc ? rc : af_buf_append_json_string(&s->extra, raw + kv->key_off, kv->key_len);
        rc = rc ? rc : af_buf_append_byte(&s->extra, ':');
        rc = rc ? rc : af_buf_append_json_string(&s->extra, raw + kv->val_off, kv->val_len);
        if (rc)
            return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    if (s->extra.len) {
        if (af_buf_append_byte(&s->extra, '}'))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        r.extra = (slice){(const char *)s->extra.data, s->extra.len};
    }
    return append_review(self, b, &r, s->origin, blk->line, raw, blk->raw.len, err);
}

/* ---- files ---- */
static int file_row(af_source *self, af_batch *b, af_error *err)
{
    reviews_source *s = self->priv;
    const reviews_config *c = self->config;
    slice base, parent;
    leaf_names(s, &base, &parent);
    af_buf_reset(&s->reason);
    int m = pcre2_match(s->name_re, (PCRE2_SPTR)base.p, base.n, 0, 0, s->name_md, NULL);
    if (m < 0) {
        af_buf_printf(&s->reason, "file name '%.*s' does not match file_name_pattern %s",
                      (int)base.n, base.p, c->file_name_pattern);
        return reject(self, s->origin, 0, base.p, base.n, err);
    }
    review_row r;
    memset(&r, 0, sizeof r);
    PCRE2_SIZE *ov = pcre2_get_ovector_pointer(s->name_md);
    int gi = pcre2_substring_number_from_name(s->name_re, (PCRE2_SPTR) "id");
    int gr = pcre2_substring_number_from_name(s->name_re, (PCRE2_SPTR) "rating");
    if (gi > 0 && gi < m && ov[2 * gi] != PCRE2_UNSET)
        r.id = (slice){base.p + ov[2 * gi], ov[2 * gi + 1] - ov[2 * gi]};
    if (gr > 0 && gr < m && ov[2 * gr] != PCRE2_UNSET) {
        af_error perr = {0};
        if (af_parse_int_width(base.p + ov[2 * gr], ov[2 * gr + 1] - ov[2 * gr], 32, &r.rating,
                               &perr)) {
            af_buf_printf(&s->reason, "column 'rating' (from the file name): %s", perr.msg);
            return reject(self, s->origin, 0, base.p, base.n, err);
        }
        r.has_rating = true;
    }
    r.label = parent;
    /* the whole file is the review */
    af_buf_reset(&s->file_buf);
    size_t limit = (size_t)c->max_file_size;
    for (;;) {
        if (af_buf_reserve(&s->file_buf, 65536))
            return af_error_set(err, AF_ENOMEM, "out of memory");
        ssize_t k = af_reader_read(s->peek, s->file_buf.data + s->file_buf.len, 65536, err);
        if (k < 0)
            return (int)k;
        if (k == 0)
            break;
        s->file_buf.len += (size_t)k;
        if (s->file_buf.len > limit) {
            af_buf_printf(&s->reason, "the file is larger than max_file_size (%zu bytes)", limit);
            return reject(self, s->origin, 0, base.p, base.n, err);
        }
    }
    af_buf_reset(&s->decoded);
    af_error derr = {0};
    int rc = af_text_decode(s->file_buf.data, s->file_buf.len, (af_text_encoding)c->encoding,
                            &s->decoded, &s->leaf_encoding, s->origin, &derr);
    if (rc == AF_ENOMEM)
        return af_error_set(err, rc, "out of memory");
    if (rc) {
        af_buf_printf(&s->reason, "column 'text': %s", derr.msg);
        return reject(self, s->origin, 0, (const char *)s->file_buf.data,
                      s->file_buf.len < 4096 ? s->file_buf.len : 4096, err);
    }
    r.text = (slice){(const char *)s->decoded.data, s->decoded.len};
    if (!r.text.p)
        r.text.p = "";
    return append_review(self, b, &r, s->origin, 1, (const char *)s->decoded.data,
                         s->decoded.len < 4096 ? s->decoded.len : 4096, err);
}

/* One unit (record, block, file) of input: 1 done with it, 0 end of all
 * input, <0 error. */
static int next_unit(af_source *self, af_batch *b, af_error *err)
{
    reviews_source *s = self->priv;
    for (;;) {
        if (s->done)
            return 0;
        if (!s->have_leaf) {
            int rc = open_leaf(self, err);
            if (rc < 0)
                return rc;
            if (rc == 0) {
                s->done = true;
                return 0;
            }
        }
        if (!s->leaf_started) {
            int rc = start_leaf(self, err);
            if (rc)
                return rc;
        }
        int rc;
        switch (s->layout) {
        case LAYOUT_FILES:
            rc = file_row(self, b, err);
            close_leaf(s);
            return rc < 0 ? rc : 1;
        case LAYOUT_CSV: {
            af_csv_record rec;
            rc = af_csv_reader_next(s->csv, &rec, err);
            if (rc == 1 && s->skip_header) {
                s->skip_header = false;
                continue;
            }
            if (rc == 1)
                rc = csv_row(self, b, &rec, err);
            else if (rc == 0) {
                close_leaf(s);
                continue;
            }
            return rc < 0 ? rc : 1;
        }
        default:
            rc = af_review_block_next(s->lines, &s->block, err);
            if (rc == 1)
                rc = block_row(self, b, err);
            else if (rc == 0) {
                close_leaf(s);
                continue;
            }
            return rc < 0 ? rc : 1;
        }
    }
}

static int reviews_next(af_source *self, af_batch **out, af_error *err)
{
    reviews_source *s = self->priv;
    *out = NULL;
    if (s->done)
        return AF_OK;
    af_batch *b = af_batch_new(s->schema);
    if (!b)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = AF_OK;
    int64_t seen = 0;
    while (!af_batch_full(b, &self->ctx->limits)) {
        if ((seen++ & 255) == 0 && (rc = af_file_check_cancel(self, s->path, err)) != 0)
            break;
        rc = next_unit(self, b, err);
        if (rc <= 0)
            break;
        rc = AF_OK;
        b->n_rows = b->columns[0].length;
    }
    atomic_store(&self->ctx->bytes_read, (long long)af_input_set_bytes_read(s->set));
    rc = af_batch_finish(&b, rc, s->done, err);
    *out = b;
    return rc;
}

static void reviews_close(af_source *self)
{
    reviews_source *s = self->priv;
    if (!s)
        return;
    close_leaf(s);
    af_input_set_free(s->set);
    af_review_block_free(&s->block);
    af_strlist_free(&s->names);
    pcre2_match_data_free(s->name_md);
    pcre2_code_free(s->name_re);
    af_schema_free(s->schema);
    af_buf_free(&s->title_buf);
    af_buf_free(&s->text_buf);
    af_buf_free(&s->file_buf);
    af_buf_free(&s->decoded);
    af_buf_free(&s->reason);
    af_buf_free(&s->extra);
    free(s->origin);
    free(s->path);
    free(s);
    self->priv = NULL;
}

/* The raw zone copies these files and may ask open() to skip some. */
static int reviews_list_inputs(af_source *self, af_strlist *paths, af_error *err)
{
    const reviews_config *c = self->config;
    return af_file_list_inputs(self, c->path, paths, err);
}

const af_source_plugin af_source_reviews = {
    .name = "reviews",
    .summary = "Read review corpora (label,title,text CSV; label folders of files; SNAP "
               "key: value blocks) with text features",
    .options = reviews_options,
    .config_size = sizeof(reviews_config),
    .open = reviews_open,
    .next = reviews_next,
    .close = reviews_close,
    .list_inputs = reviews_list_inputs,
};
