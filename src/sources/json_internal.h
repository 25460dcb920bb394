/* json_internal.h - what the three files of the JSON source share:
 * json.c (options, layouts, the record stream), json_infer.c (inference
 * tree and schema) and json_rows.c (one record -> one batch row).
 */
#ifndef AF_SOURCES_JSON_INTERNAL_H
#define AF_SOURCES_JSON_INTERNAL_H

#include "core/buf.h"
#include "core/infer.h"
#include "core/plugin.h"
#include "core/values.h"
#include "formats/json.h"
#include "io/input_set.h"

enum { JF_AUTO, JF_NDJSON, JF_ARRAY, JF_DOCUMENT };
enum { JN_FLATTEN, JN_STRUCT, JN_JSON };
enum { JA_JSON, JA_LIST };
enum { JU_QUARANTINE, JU_IGNORE, JU_ERROR };

typedef struct json_source_config {
    char *path;
    int compression;
    int format;
    char *record_path;
    int nested;
    char *separator;
    int arrays;
    char *explode;
    char *parent_key;
    int64_t infer_rows;
    af_strmap columns;
    int unknown_fields;
    bool infer_dates;
    int64_t max_depth;
    bool lineage;
} json_source_config;

/* Kinds of JSON values seen at one path during inference. */
enum {
    K_NULL = 1,
    K_BOOL = 2,
    K_INT = 4,
    K_DOUBLE = 8,
    K_STRING = 16,
    K_OBJECT = 32,
    K_ARRAY = 64,
};

typedef struct jnode jnode;
struct jnode {
    char *name;
    unsigned kinds;
    bool bigint;
    jnode *kids; /* object members, first-seen order */
    size_t n_kids, cap_kids;
    jnode *elem; /* array elements */
    af_infer strings;
};

/* What a top-level column holds. */
enum { ROLE_DATA, ROLE_PARENT_ID, ROLE_INDEX, ROLE_FILE, ROLE_LINE, ROLE_INGESTED };

/* A converted scalar, ready to append. */
typedef struct jval {
    int kind; /* 0 null, 1 bool, 2 int, 3 double, 4 decimal, 5 bytes in doc, 6 bytes in scratch */
    int64_t i;
    double d;
    af_int128 dec;
    const char *p;
    size_t off, len;
} jval;

typedef struct jcol {
    int role;
    bool nested;   /* struct/list column: validated, then appended from the node */
    int64_t gen;   /* row generation that set `node` */
    uint32_t node; /* value node of this row */
    jval val;
} jcol;

/* Name -> entry: a column index (>= 0) or JMAP_PREFIX for a flattened object. */
#define JMAP_PREFIX (-2)
typedef struct jmap_slot {
    char *key;
    size_t len;
    uint64_t hash;
    long value;
} jmap_slot;
typedef struct jmap {
    jmap_slot *slots;
    size_t cap, n;
} jmap;

/* A record read ahead for inference, replayed afterwards. */
typedef struct jsample {
    af_json_doc doc;
    bool ok;
    char *raw;
    size_t raw_len;
    char *origin;
    char *reason; /* malformed line */
    int64_t line;
    int64_t index;
} jsample;

typedef struct jrec {
    const af_json_doc *doc;
    uint32_t root;
    const char *origin;
    int64_t line;
    int64_t index; /* 1-based record number in the input */
    const char *raw;
    size_t raw_len;
} jrec;

typedef struct json_source {
    af_source *self;
    const json_source_config *c;
    char *path;
    af_parse_options popts;
    char sep[16];
    /* input */
    af_input_set *set;
    af_input cur;
    bool have_leaf, done;
    af_json_reader *jr;
    int layout;
    bool first_elem;
    char **rp_keys; /* record_path segments */
    size_t n_rp;
    char **ex_keys; /* explode path */
    size_t n_ex;
    af_json_doc doc;
    af_buf keybuf;
    int64_t n_records; /* records read (1-based index of the last) */
    char *bad_reason;  /* last malformed NDJSON line */
    af_buf bad_raw;
    /* inference */
    jnode root;
    jnode pid; /* values of parent_key */
    int64_t infer_limit;
    /* schema */
    af_schema *schema;
    jcol *cols;
    jmap map;
    /* replay */
    jsample *sample;
    size_t n_sample, cap_sample, sample_pos;
    /* rows */
    int64_t gen;
    af_buf name;
    af_buf scratch;
    af_buf reason;
    af_buf rawtmp;
    int64_t ingested_at; /* microseconds, UTC, when the source opened */
    int64_t rows;
    size_t *size_hint; /* per column: data and offsets bytes of the last batch */
} json_source;

/* json_infer.c */
void jnode_free(jnode *n);
/* Observes one input record (the whole parent; explode is applied here). */
int json_observe_record(json_source *s, const jrec *rec);
int json_build_schema(json_source *s, af_error *err);
void jmap_free(jmap *m);
long jmap_get(const jmap *m, const char *key, size_t len);
/* Finds the node at a key path below obj; UINT32_MAX if absent. */
uint32_t json_path_node(const af_json_doc *d, uint32_t obj, char **keys, size_t n);

/* json_rows.c: appends the rows of one input record (one, or one per child
 * element). Returns AF_OK (rows appended or quarantined) or a fatal code. */
int json_append_record(json_source *s, af_batch *b, const jrec *rec, af_error *err);

#endif
