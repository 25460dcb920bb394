/* where.c - the expression language of where.h: tokenizer, recursive-descent
 * parser into a small tree (AND/OR nodes hold any number of children so a
 * long chain of terms does not make the tree deep), binding of columns and
 * literals to a schema, and three-valued evaluation over a batch.
 */
#include "core/where.h"

#include "core/config.h"
#include "core/values.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Longest part of the expression quoted in messages. */
#define QUOTE_MAX 160

/* Evaluation results per row. */
enum { V_FALSE = 0, V_TRUE = 1, V_UNKNOWN = 2 };

typedef enum nkind { N_AND, N_OR, N_NOT, N_CMP, N_BETWEEN, N_NULL } nkind;

typedef struct lit {
    char *text; /* unescaped, NUL-terminated */
    size_t len;
    size_t pos; /* byte offset in the expression */
} lit;

typedef struct node node;
struct node {
    nkind kind;
    af_where_op op; /* N_CMP: EQ..GE; N_NULL: IS_NULL or IS_NOT_NULL */
    bool negated;   /* NOT BETWEEN */
    size_t col;     /* index in af_where.cols */
    size_t col_pos;
    lit v[2];
    af_where_value bv[2]; /* bound literals */
    node **kids;          /* N_AND, N_OR, N_NOT */
    size_t n_kids, cap_kids;
};

struct af_where {
    char *text;
    node *root;
    char **cols;
    size_t n_cols, cap_cols;
    af_type *types; /* per column, after binding (timezone not kept) */
    bool bound;
    size_t n_terms;
};

/* ---- messages ---- */

/* 1-based character (not byte) position of byte offset pos. */
static size_t char_pos(const char *s, size_t pos)
{
    size_t c = 1;
    for (size_t i = 0; i < pos && s[i]; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            c++;
    return c;
}

/* "where expression 'text'" with long expressions cut short. */
static void quote_expr(const char *text, char *out, size_t cap)
{
    size_t n = strlen(text);
    if (n > QUOTE_MAX) {
        size_t k = QUOTE_MAX;
        while (k > 0 && ((unsigned char)text[k] & 0xC0) == 0x80)
            k--;
        snprintf(out, cap, "where expression '%.*s...'", (int)k, text);
    } else {
        snprintf(out, cap, "where expression '%s'", text);
    }
}

/* ---- tokens ---- */

typedef enum ttype {
    T_END,
    T_IDENT,  /* bare word, also keywords */
    T_QIDENT, /* "quoted" column name */
    T_STRING,
    T_NUMBER,
    T_LPAREN,
    T_RPAREN,
    T_OP,
} ttype;

typedef struct tok {
    ttype t;
    size_t pos, len; /* raw span in the text */
    af_where_op op;
} tok;

typedef struct parser {
    const char *s;
    size_t n, pos;
    tok cur;
    af_where *w;
    af_error *err;
    int depth;
    int rc;
} parser;

static bool ident_start(unsigned char c)
{
    return isalpha(c) || c == '_' || c >= 0x80;
}

static bool ident_char(unsigned char c)
{
    return ident_start(c) || isdigit(c) || c == '$';
}

/* Describes the current token for "found ..." in messages. */
static void describe_tok(const parser *p, char *out, size_t cap)
{
    if (p->cur.t == T_END) {
        snprintf(out, cap, "the end of the expression");
        return;
    }
    size_t len = p->cur.len > 40 ? 40 : p->cur.len;
    snprintf(out, cap, "'%.*s'", (int)len, p->s + p->cur.pos);
}

static int perr_at(parser *p, size_t pos, const char *fmt, const char *what)
{
    if (p->rc)
        return p->rc;
    char q[QUOTE_MAX + 40], found[64];
    quote_expr(p->s, q, sizeof q);
    describe_tok(p, found, sizeof found);
    char msg[400];
    snprintf(msg, sizeof msg, fmt, what);
    p->rc = af_error_set(p->err, AF_EINVAL, "%s: at position %zu: %s", q, char_pos(p->s, pos), msg);
    return p->rc;
}

/* "expected X, found Y" at the current token. */
static int expected(parser *p, const char *what)
{
    if (p->rc)
        return p->rc;
    char found[64];
    describe_tok(p, found, sizeof found);
    char msg[320];
    snprintf(msg, sizeof msg, "expected %s, found %s", what, found);
    return perr_at(p, p->cur.pos, "%s", msg);
}

static int lex_quoted(parser *p, char q, ttype t)
{
    size_t i = p->pos + 1;
    for (;;) {
        if (i >= p->n) {
            p->cur.t = T_END;
            p->cur.pos = p->n;
            p->cur.len = 0;
            return perr_at(p, p->pos,
                           q == '\'' ? "%s string is not closed (a quote inside is written '')"
                                     : "%s column name is not closed",
                           q == '\'' ? "this" : "this quoted");
        }
        if (p->s[i] == q) {
            if (i + 1 < p->n && p->s[i + 1] == q) {
                i += 2;
                continue;
            }
            break;
        }
        i++;
    }
    p->cur.t = t;
    p->cur.len = i + 1 - p->pos;
    p->pos = i + 1;
    return AF_OK;
}

static int lex_number(parser *p)
{
    size_t i = p->pos;
    if (p->s[i] == '+' || p->s[i] == '-')
        i++;
    size_t digits = 0;
    while (i < p->n && isdigit((unsigned char)p->s[i]))
        i++, digits++;
    if (i < p->n && p->s[i] == '.') {
        i++;
        while (i < p->n && isdigit((unsigned char)p->s[i]))
            i++, digits++;
    }
    if (digits && i < p->n && (p->s[i] == 'e' || p->s[i] == 'E')) {
        size_t j = i + 1;
        if (j < p->n && (p->s[j] == '+' || p->s[j] == '-'))
            j++;
        if (j < p->n && isdigit((unsigned char)p->s[j])) {
            while (j < p->n && isdigit((unsigned char)p->s[j]))
                j++;
            i = j;
        }
    }
    size_t end = i;
    while (end < p->n && (ident_char((unsigned char)p->s[end]) || p->s[end] == '.'))
        end++;
    p->cur.t = T_NUMBER;
    p->cur.len = end - p->pos;
    if (!digits || end != i) {
        p->pos = end;
        return perr_at(p, p->cur.pos, "%s (quote text values: 'text')", "this is not a number");
    }
    p->pos = end;
    return AF_OK;
}

/* Reads the next token into p->cur. */
static int next(parser *p)
{
    if (p->rc)
        return p->rc;
    while (p->pos < p->n && isspace((unsigned char)p->s[p->pos]))
        p->pos++;
    p->cur.pos = p->pos;
    p->cur.len = 0;
    if (p->pos >= p->n) {
        p->cur.t = T_END;
        return AF_OK;
    }
    unsigned char c = (unsigned char)p->s[p->pos];
    unsigned char d = p->pos + 1 < p->n ? (unsigned char)p->s[p->pos + 1] : 0;
    if (ident_start(c)) {
        size_t i = p->pos;
        while (i < p->n && ident_char((unsigned char)p->s[i]))
            i++;
        p->cur.t = T_IDENT;
        p->cur.len = i - p->pos;
        p->pos = i;
        return AF_OK;
    }
    if (isdigit(c) || c == '.' || ((c == '-' || c == '+') && (isdigit(d) || d == '.')))
        return lex_number(p);
    if (c == '\'')
        return lex_quoted(p, '\'', T_STRING);
    if (c == '"')
        return lex_quoted(p, '"', T_QIDENT);
    p->cur.len = 1;
    p->pos++;
    switch (c) {
    case '(': p->cur.t = T_LPAREN; return AF_OK;
    case ')': p->cur.t = T_RPAREN; return AF_OK;
    case '=':
        p->cur.t = T_OP;
        p->cur.op = AF_WHERE_EQ;
        if (d == '=') {
            p->cur.len = 2;
            p->pos++;
        }
        return AF_OK;
    case '!':
        if (d == '=') {
            p->cur.t = T_OP;
            p->cur.op = AF_WHERE_NE;
            p->cur.len = 2;
            p->pos++;
            return AF_OK;
        }
        break;
    case '<':
    case '>':
        p->cur.t = T_OP;
        p->cur.op = c == '<' ? AF_WHERE_LT : AF_WHERE_GT;
        if (d == '=') {
            p->cur.op = c == '<' ? AF_WHERE_LE : AF_WHERE_GE;
            p->cur.len = 2;
            p->pos++;
        } else if (c == '<' && d == '>') {
            p->cur.op = AF_WHERE_NE;
            p->cur.len = 2;
            p->pos++;
        }
        return AF_OK;
    default: break;
    }
    p->cur.t = T_OP; /* for describe_tok only */
    return perr_at(p, p->cur.pos, "%s", "unexpected character");
}

static bool is_kw(const parser *p, const char *kw)
{
    size_t n = strlen(kw);
    return p->cur.t == T_IDENT && p->cur.len == n && strncasecmp(p->s + p->cur.pos, kw, n) == 0;
}

/* ---- tree ---- */

static void node_free(node *n)
{
    if (!n)
        return;
    for (size_t i = 0; i < n->n_kids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->v[0].text);
    free(n->v[1].text);
    free(n);
}

static node *node_new(parser *p, nkind k)
{
    node *n = calloc(1, sizeof *n);
    if (!n && !p->rc)
        p->rc = af_error_set(p->err, AF_ENOMEM, "out of memory parsing a where expression");
    if (n)
        n->kind = k;
    return n;
}

static int add_kid(parser *p, node *n, node *kid)
{
    if (n->n_kids == n->cap_kids) {
        size_t cap = n->cap_kids ? 2 * n->cap_kids : 4;
        node **k = realloc(n->kids, cap * sizeof *k);
        if (!k) {
            node_free(kid);
            return p->rc = af_error_set(p->err, AF_ENOMEM, "out of memory");
        }
        n->kids = k;
        n->cap_kids = cap;
    }
    n->kids[n->n_kids++] = kid;
    return AF_OK;
}

/* Copies the current quoted or bare token, unescaping doubled quotes. */
static char *token_text(parser *p, size_t *len)
{
    const char *s = p->s + p->cur.pos;
    size_t n = p->cur.len;
    bool quoted = p->cur.t == T_STRING || p->cur.t == T_QIDENT;
    if (quoted) {
        s++;
        n -= 2;
    }
    char *out = malloc(n + 1);
    if (!out) {
        p->rc = af_error_set(p->err, AF_ENOMEM, "out of memory");
        return NULL;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        out[k++] = s[i];
        if (quoted && s[i] == s[-1] && i + 1 < n && s[i + 1] == s[-1])
            i++;
    }
    out[k] = '\0';
    *len = k;
    return out;
}

static int add_column(parser *p, const char *name, size_t *idx)
{
    af_where *w = p->w;
    for (size_t i = 0; i < w->n_cols; i++)
        if (strcmp(w->cols[i], name) == 0) {
            *idx = i;
            return AF_OK;
        }
    if (w->n_cols == w->cap_cols) {
        size_t cap = w->cap_cols ? 2 * w->cap_cols : 4;
        char **c = realloc(w->cols, cap * sizeof *c);
        if (!c)
            return p->rc = af_error_set(p->err, AF_ENOMEM, "out of memory");
        w->cols = c;
        w->cap_cols = cap;
    }
    char *copy = af_strdup(name);
    if (!copy)
        return p->rc = af_error_set(p->err, AF_ENOMEM, "out of memory");
    *idx = w->n_cols;
    w->cols[w->n_cols++] = copy;
    return AF_OK;
}

static int parse_value(parser *p, lit *out, const char *after)
{
    char what[96];
    snprintf(what, sizeof what, "a value (a number, 'text', true or false) %s", after);
    if (is_kw(p, "null"))
        return perr_at(p, p->cur.pos, "%s",
                       "NULL is not a value to compare with (nothing equals NULL): "
                       "write 'column IS NULL' or 'column IS NOT NULL'");
    if (p->cur.t != T_NUMBER && p->cur.t != T_STRING && !is_kw(p, "true") && !is_kw(p, "false"))
        return expected(p, what);
    out->pos = p->cur.pos;
    out->text = token_text(p, &out->len);
    if (!out->text)
        return p->rc;
    return next(p);
}

static node *parse_or(parser *p);

/* col op value | col [NOT] BETWEEN v AND v | col IS [NOT] NULL */
static node *parse_pred(parser *p)
{
    if (p->cur.t != T_IDENT && p->cur.t != T_QIDENT) {
        expected(p, "a column name, NOT or '('");
        return NULL;
    }
    if (p->cur.t == T_IDENT &&
        (is_kw(p, "and") || is_kw(p, "or") || is_kw(p, "between") || is_kw(p, "is"))) {
        expected(p, "a column name (quote column names that are keywords: \"and\")");
        return NULL;
    }
    if (++p->w->n_terms > AF_WHERE_MAX_TERMS) {
        perr_at(p, p->cur.pos, "%s", "too many conditions (at most 4096)");
        return NULL;
    }
    size_t len = 0, col_pos = p->cur.pos;
    char *name = token_text(p, &len);
    if (!name)
        return NULL;
    char colq[80];
    snprintf(colq, sizeof colq, "'%.40s'", name);
    if (!*name) {
        free(name);
        perr_at(p, col_pos, "%s", "a column name cannot be empty");
        return NULL;
    }
    size_t idx = 0;
    int rc = add_column(p, name, &idx);
    free(name);
    if (rc || next(p))
        return NULL;
    node *n = node_new(p, N_CMP);
    if (!n)
        return NULL;
    n->col = idx;
    n->col_pos = col_pos;
    char after[200];
    if (p->cur.t == T_OP) {
        n->op = p->cur.op;
        snprintf(after, sizeof after, "after %.*s", (int)p->cur.len, p->s + p->cur.pos);
        if (!next(p))
            parse_value(p, &n->v[0], after);
    } else if (is_kw(p, "between") || is_kw(p, "not")) {
        n->kind = N_BETWEEN;
        if (is_kw(p, "not")) {
            n->negated = true;
            if (next(p) == AF_OK && !is_kw(p, "between"))
                expected(p, "BETWEEN after NOT");
        }
        if (!p->rc && !next(p) && !parse_value(p, &n->v[0], "after BETWEEN")) {
            if (!is_kw(p, "and"))
                expected(p, "AND between the two bounds of BETWEEN");
            else if (!next(p))
                parse_value(p, &n->v[1], "after BETWEEN ... AND");
        }
    } else if (is_kw(p, "is")) {
        n->kind = N_NULL;
        n->op = AF_WHERE_IS_NULL;
        if (!next(p) && is_kw(p, "not")) {
            n->op = AF_WHERE_IS_NOT_NULL;
            next(p);
        }
        if (!p->rc && !is_kw(p, "null"))
            expected(p,
                     n->op == AF_WHERE_IS_NULL ? "NULL or NOT NULL after IS" : "NULL after IS NOT");
        else
            next(p);
    } else {
        snprintf(after, sizeof after,
                 "an operator (=, !=, <>, <, <=, >, >=), BETWEEN or IS after column %s", colq);
        expected(p, after);
    }
    if (p->rc) {
        node_free(n);
        return NULL;
    }
    return n;
}

static node *parse_not(parser *p)
{
    if (++p->depth > AF_WHERE_MAX_DEPTH) {
        perr_at(p, p->cur.pos, "%s", "the expression nests too deep (at most 64 levels)");
        return NULL;
    }
    node *n = NULL;
    if (is_kw(p, "not")) {
        if (next(p))
            return NULL;
        node *kid = parse_not(p);
        if (!kid)
            return NULL;
        n = node_new(p, N_NOT);
        if (!n || add_kid(p, n, kid)) {
            if (!n)
                node_free(kid);
            node_free(n);
            return NULL;
        }
    } else if (p->cur.t == T_LPAREN) {
        size_t open = p->cur.pos;
        if (next(p))
            return NULL;
        n = parse_or(p);
        if (!n)
            return NULL;
        if (p->cur.t != T_RPAREN) {
            char what[80];
            snprintf(what, sizeof what, "AND, OR or ')' to close the '(' at position %zu",
                     char_pos(p->s, open));
            expected(p, what);
            node_free(n);
            return NULL;
        }
        if (next(p)) {
            node_free(n);
            return NULL;
        }
    } else {
        n = parse_pred(p);
    }
    p->depth--;
    return n;
}

/* term (KW term)* into one n-ary node; `sub` parses a term. */
static node *parse_chain(parser *p, const char *kw, nkind kind, node *(*sub)(parser *))
{
    node *first = sub(p);
    if (!first || !is_kw(p, kw))
        return first;
    node *n = node_new(p, kind);
    if (!n) {
        node_free(first);
        return NULL;
    }
    if (add_kid(p, n, first)) {
        node_free(n);
        return NULL;
    }
    while (is_kw(p, kw)) {
        if (next(p))
            break;
        node *kid = sub(p);
        if (!kid || add_kid(p, n, kid))
            break;
    }
    if (p->rc) {
        node_free(n);
        return NULL;
    }
    return n;
}

static node *parse_and(parser *p)
{
    return parse_chain(p, "and", N_AND, parse_not);
}

static node *parse_or(parser *p)
{
    return parse_chain(p, "or", N_OR, parse_and);
}

void af_where_free(af_where *w)
{
    if (!w)
        return;
    node_free(w->root);
    for (size_t i = 0; i < w->n_cols; i++)
        free(w->cols[i]);
    free(w->cols);
    free(w->types);
    free(w->text);
    free(w);
}

int af_where_parse(const char *text, af_where **out, af_error *err)
{
    *out = NULL;
    af_where *w = calloc(1, sizeof *w);
    if (!w || !(w->text = af_strdup(text ? text : ""))) {
        free(w);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    parser p = {.s = w->text, .n = strlen(w->text), .w = w, .err = err};
    if (next(&p) == AF_OK) {
        if (p.cur.t == T_END) {
            perr_at(&p, 0, "%s", "the expression is empty");
        } else {
            w->root = parse_or(&p);
            if (!p.rc && p.cur.t == T_RPAREN)
                perr_at(&p, p.cur.pos, "%s", "this ')' has no matching '('");
            else if (!p.rc && p.cur.t != T_END)
                expected(&p, "AND, OR or the end of the expression");
        }
    }
    if (p.rc || !w->root) {
        int rc = p.rc ? p.rc : af_error_set(err, AF_EINTERNAL, "where: parser returned nothing");
        af_where_free(w);
        return rc;
    }
    *out = w;
    return AF_OK;
}

/* ---- binding ---- */

int af_where_value_parse(const af_field *f, const char *s, size_t n, af_where_value *out,
                         af_error *err)
{
    memset(out, 0, sizeof *out);
    out->type = f->type;
    out->type.timezone = NULL;
    af_error e;
    af_error_clear(&e);
    int rc = AF_OK;
    int32_t days = 0;
    switch (f->type.id) {
    case AF_TYPE_BOOL: rc = af_parse_bool(s, n, NULL, &out->b, &e); break;
    case AF_TYPE_INT8: rc = af_parse_int_width(s, n, 8, &out->i, &e); break;
    case AF_TYPE_INT16: rc = af_parse_int_width(s, n, 16, &out->i, &e); break;
    case AF_TYPE_INT32: rc = af_parse_int_width(s, n, 32, &out->i, &e); break;
    case AF_TYPE_INT64: rc = af_parse_int_width(s, n, 64, &out->i, &e); break;
    case AF_TYPE_FLOAT32:
    case AF_TYPE_FLOAT64:
        rc = af_parse_double(s, n, '.', &out->d, &e);
        /* compare as the column stores it: 0.1 on a float32 column is 0.1f */
        if (!rc && f->type.id == AF_TYPE_FLOAT32)
            out->d = (double)(float)out->d;
        break;
    case AF_TYPE_DECIMAL:
        rc = af_parse_decimal(s, n, f->type.precision, f->type.scale, '.', &out->dec, &e);
        break;
    case AF_TYPE_STRING:
    case AF_TYPE_JSON:
    case AF_TYPE_BINARY:
        out->bytes = (const uint8_t *)s;
        out->len = n;
        break;
    case AF_TYPE_DATE:
        rc = af_parse_date(s, n, NULL, &days, &e);
        out->i = days;
        break;
    case AF_TYPE_TIME: rc = af_parse_time(s, n, f->type.unit, &out->i, &e); break;
    case AF_TYPE_TIMESTAMP:
        rc = af_parse_timestamp(s, n, NULL, f->type.unit, f->type.timezone, &out->i, &e);
        break;
    case AF_TYPE_UUID: rc = af_parse_uuid(s, n, out->uuid, &e); break;
    case AF_TYPE_NULL:
        return af_error_set(err, AF_EINVAL,
                            "column '%s' has type null (always null): no value compares with it; "
                            "use IS NULL",
                            f->name);
    default: {
        af_buf t;
        af_buf_init(&t);
        af_field_format_type(f, &t);
        af_error_set(err, AF_EUNSUPPORTED,
                     "column '%s' is %s: comparisons on struct, list and map columns are not "
                     "supported (IS NULL and IS NOT NULL are)",
                     f->name, t.len ? af_buf_cstr(&t) : "nested");
        af_buf_free(&t);
        return AF_EUNSUPPORTED;
    }
    }
    if (rc) {
        af_buf t;
        af_buf_init(&t);
        af_type_format(&f->type, &t);
        af_error_set(err, AF_EINVAL, "'%.*s' is not a value of column '%s' of type %s (%s)",
                     (int)(n > 80 ? 80 : n), s, f->name, t.len ? af_buf_cstr(&t) : "?", e.msg);
        af_buf_free(&t);
        return AF_EINVAL;
    }
    return AF_OK;
}

/* "a, b, c" (at most 30 names) for unknown-column messages. */
static void list_fields(const af_schema *s, af_buf *out)
{
    for (size_t i = 0; i < s->n_fields; i++) {
        if (i == 30) {
            af_buf_printf(out, ", ... (%zu columns)", s->n_fields);
            return;
        }
        af_buf_printf(out, "%s%s", i ? ", " : "", s->fields[i].name);
    }
}

static int unknown_column(const af_where *w, const char *name, const af_schema *s, af_error *err)
{
    char q[QUOTE_MAX + 40];
    quote_expr(w->text, q, sizeof q);
    const char **names = calloc(s->n_fields + 1, sizeof *names);
    const char *hint = NULL;
    if (names) {
        for (size_t i = 0; i < s->n_fields; i++)
            names[i] = s->fields[i].name;
        hint = af_did_you_mean(name, names, s->n_fields);
    }
    af_buf list;
    af_buf_init(&list);
    list_fields(s, &list);
    af_error_set(err, AF_ENOTFOUND, "%s: no column '%s'%s%s%s (columns: %s)", q, name,
                 hint ? "; did you mean '" : "", hint ? hint : "", hint ? "'?" : "",
                 list.len ? af_buf_cstr(&list) : "none");
    af_buf_free(&list);
    free(names);
    return AF_ENOTFOUND;
}

static int bind_node(af_where *w, node *n, const af_schema *s, const long *idx, af_error *err)
{
    for (size_t k = 0; k < n->n_kids; k++) {
        int rc = bind_node(w, n->kids[k], s, idx, err);
        if (rc)
            return rc;
    }
    if (n->kind != N_CMP && n->kind != N_BETWEEN)
        return AF_OK;
    const af_field *f = &s->fields[idx[n->col]];
    for (int k = 0; k < (n->kind == N_BETWEEN ? 2 : 1); k++) {
        int rc = af_where_value_parse(f, n->v[k].text, n->v[k].len, &n->bv[k], err);
        if (rc) {
            char q[QUOTE_MAX + 40];
            quote_expr(w->text, q, sizeof q);
            return af_error_wrap(
                err, "%s: at position %zu", q,
                char_pos(w->text, rc == AF_EUNSUPPORTED ? n->col_pos : n->v[k].pos));
        }
    }
    return AF_OK;
}

int af_where_bind(af_where *w, const af_schema *schema, af_error *err)
{
    w->bound = false;
    long *idx = calloc(w->n_cols + 1, sizeof *idx);
    af_type *types = calloc(w->n_cols + 1, sizeof *types);
    if (!idx || !types) {
        free(idx);
        free(types);
        return af_error_set(err, AF_ENOMEM, "out of memory");
    }
    int rc = AF_OK;
    for (size_t i = 0; !rc && i < w->n_cols; i++) {
        idx[i] = af_schema_find(schema, w->cols[i]);
        if (idx[i] < 0)
            rc = unknown_column(w, w->cols[i], schema, err);
        else {
            types[i] = schema->fields[idx[i]].type;
            types[i].timezone = NULL;
        }
    }
    if (!rc)
        rc = bind_node(w, w->root, schema, idx, err);
    free(idx);
    if (rc) {
        free(types);
        return rc;
    }
    free(w->types);
    w->types = types;
    w->bound = true;
    return AF_OK;
}

size_t af_where_n_columns(const af_where *w)
{
    return w->n_cols;
}

const char *af_where_column(const af_where *w, size_t i)
{
    return i < w->n_cols ? w->cols[i] : NULL;
}

/* ---- evaluation ---- */

int af_where_value_compare(const af_array *a, int64_t i, const af_where_value *v)
{
    switch (v->type.id) {
    case AF_TYPE_BOOL: return (int)af_array_get_bool(a, i) - (int)v->b;
    case AF_TYPE_INT8:
    case AF_TYPE_INT16:
    case AF_TYPE_INT32:
    case AF_TYPE_INT64:
    case AF_TYPE_DATE:
    case AF_TYPE_TIME:
    case AF_TYPE_TIMESTAMP: {
        int64_t x = af_array_get_int(a, i);
        return x < v->i ? -1 : x > v->i;
    }
    case AF_TYPE_FLOAT32:
    case AF_TYPE_FLOAT64: {
        double x = af_array_get_double(a, i);
        if (isnan(x) || isnan(v->d))
            return 2;
        return x < v->d ? -1 : x > v->d;
    }
    case AF_TYPE_DECIMAL: {
        af_int128 x = af_array_get_decimal(a, i);
        return x < v->dec ? -1 : x > v->dec;
    }
    case AF_TYPE_STRING:
    case AF_TYPE_JSON:
    case AF_TYPE_BINARY:
    case AF_TYPE_UUID: {
        size_t n = 0;
        const uint8_t *p = af_array_get_bytes(a, i, &n);
        const uint8_t *q = v->type.id == AF_TYPE_UUID ? v->uuid : v->bytes;
        size_t m = v->type.id == AF_TYPE_UUID ? 16 : v->len;
        if (!p)
            return 2;
        size_t k = n < m ? n : m;
        int c = k ? memcmp(p, q, k) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return n < m ? -1 : n > m;
    }
    default: return 2;
    }
}

static bool op_holds(af_where_op op, int c)
{
    if (c == 2) /* NaN: only != holds */
        return op == AF_WHERE_NE;
    switch (op) {
    case AF_WHERE_EQ: return c == 0;
    case AF_WHERE_NE: return c != 0;
    case AF_WHERE_LT: return c < 0;
    case AF_WHERE_LE: return c <= 0;
    case AF_WHERE_GT: return c > 0;
    case AF_WHERE_GE: return c >= 0;
    default: return false;
    }
}

typedef struct eval_ctx {
    const af_batch *b;
    const long *idx; /* per expression column: its index in b */
    int64_t rows;
} eval_ctx;

static int eval_node(const eval_ctx *c, const node *n, uint8_t *out, af_error *err)
{
    int64_t rows = c->rows;
    if (n->kind == N_AND || n->kind == N_OR) {
        int rc = eval_node(c, n->kids[0], out, err);
        if (rc || n->n_kids < 2)
            return rc;
        uint8_t *tmp = malloc((size_t)rows + 1);
        if (!tmp)
            return af_error_set(err, AF_ENOMEM, "out of memory evaluating a where expression");
        uint8_t dominant = n->kind == N_AND ? V_FALSE : V_TRUE;
        for (size_t k = 1; !rc && k < n->n_kids; k++) {
            rc = eval_node(c, n->kids[k], tmp, err);
            for (int64_t i = 0; !rc && i < rows; i++) {
                if (out[i] == dominant || tmp[i] == dominant)
                    out[i] = dominant;
                else if (out[i] == V_UNKNOWN || tmp[i] == V_UNKNOWN)
                    out[i] = V_UNKNOWN;
            }
        }
        free(tmp);
        return rc;
    }
    if (n->kind == N_NOT) {
        int rc = eval_node(c, n->kids[0], out, err);
        for (int64_t i = 0; !rc && i < rows; i++)
            if (out[i] != V_UNKNOWN)
                out[i] = out[i] == V_TRUE ? V_FALSE : V_TRUE;
        return rc;
    }
    const af_array *a = &c->b->columns[c->idx[n->col]];
    for (int64_t i = 0; i < rows; i++) {
        bool valid = af_array_is_valid(a, i);
        if (n->kind == N_NULL) {
            out[i] = valid == (n->op == AF_WHERE_IS_NOT_NULL) ? V_TRUE : V_FALSE;
        } else if (!valid) {
            out[i] = V_UNKNOWN;
        } else if (n->kind == N_CMP) {
            out[i] = op_holds(n->op, af_where_value_compare(a, i, &n->bv[0])) ? V_TRUE : V_FALSE;
        } else {
            bool in = op_holds(AF_WHERE_GE, af_where_value_compare(a, i, &n->bv[0])) &&
                      op_holds(AF_WHERE_LE, af_where_value_compare(a, i, &n->bv[1]));
            out[i] = in != n->negated ? V_TRUE : V_FALSE;
        }
    }
    return AF_OK;
}

static bool same_type(const af_type *a, const af_type *b)
{
    if (a->id != b->id)
        return false;
    if (a->id == AF_TYPE_DECIMAL)
        return a->precision == b->precision && a->scale == b->scale;
    if (a->id == AF_TYPE_TIME || a->id == AF_TYPE_TIMESTAMP)
        return a->unit == b->unit;
    return true;
}

int af_where_eval(const af_where *w, const af_batch *b, bool *keep, af_error *err)
{
    if (!w->bound)
        return af_error_set(err, AF_EINVAL, "where expression '%.80s' is not bound to a schema",
                            w->text);
    int64_t rows = b->n_rows;
    long *idx = calloc(w->n_cols + 1, sizeof *idx);
    uint8_t *res = malloc((size_t)rows + 1);
    int rc = !idx || !res ? af_error_set(err, AF_ENOMEM, "out of memory") : AF_OK;
    for (size_t i = 0; !rc && i < w->n_cols; i++) {
        idx[i] = af_schema_find(b->schema, w->cols[i]);
        if (idx[i] < 0)
            rc = af_error_set(err, AF_EINVAL, "where: the batch has no column '%s'", w->cols[i]);
        else if (!same_type(&b->schema->fields[idx[i]].type, &w->types[i]))
            rc = af_error_set(err, AF_EINVAL,
                              "where: column '%s' does not have the type the expression was "
                              "bound to",
                              w->cols[i]);
    }
    if (!rc) {
        eval_ctx c = {b, idx, rows};
        rc = eval_node(&c, w->root, res, err);
    }
    for (int64_t i = 0; !rc && i < rows; i++)
        keep[i] = res[i] == V_TRUE;
    free(idx);
    free(res);
    return rc;
}

int af_where_filter(const af_where *w, const af_batch *b, af_batch **out, af_error *err)
{
    *out = NULL;
    bool *keep = malloc((size_t)b->n_rows + 1);
    if (!keep)
        return af_error_set(err, AF_ENOMEM, "out of memory");
    int rc = af_where_eval(w, b, keep, err);
    if (!rc) {
        *out = af_batch_filter(b, keep, err);
        if (!*out)
            rc = err && err->code ? err->code : AF_ENOMEM;
    }
    free(keep);
    return rc;
}

/* ---- pruning predicates ---- */

static size_t collect(const af_where *w, const node *n, af_where_simple *out, size_t cap, size_t k)
{
    if (n->kind == N_AND) {
        for (size_t i = 0; i < n->n_kids && k < cap; i++)
            k = collect(w, n->kids[i], out, cap, k);
        return k;
    }
    if (k >= cap)
        return k;
    af_where_simple s = {w->cols[n->col], n->op, NULL, NULL};
    if (n->kind == N_CMP && n->op != AF_WHERE_NE) {
        s.value = n->v[0].text;
    } else if (n->kind == N_BETWEEN && !n->negated) {
        s.op = AF_WHERE_BETWEEN;
        s.value = n->v[0].text;
        s.value2 = n->v[1].text;
    } else if (n->kind != N_NULL) {
        return k; /* OR, NOT, !=, NOT BETWEEN: nothing safe to prune with */
    }
    out[k] = s;
    return k + 1;
}

size_t af_where_simple_predicates(const af_where *w, af_where_simple *out, size_t cap)
{
    return w && w->root ? collect(w, w->root, out, cap, 0) : 0;
}
