/* archive.c - zip and tar members as af_readers, over libarchive fed by
 * an af_reader (see archive.h).
 *
 * libarchive pulls its input through feed(), which reads the inner
 * af_reader into a buffer of ours: nothing is seeked, so the inner reader
 * may be a pipe, a decompressor or another archive's member. An error of
 * the inner reader (a truncated gzip under a tar, a cancelled read) is kept
 * with its own code and message and reported instead of libarchive's
 * generic "read error", since it names the real cause.
 */
#include "io/archive.h"

#include "core/buf.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* compressed (or plain) bytes handed to libarchive per callback */
#define FEED_SIZE ((size_t)128 * 1024)

struct af_archive {
    struct archive *la;
    af_reader *inner;
    af_archive_format fmt;
    char *name;
    /* two feed buffers used in turn: libarchive needs the last one to stay
     * valid, and at the end the pair holds the zip's end record */
    uint8_t *buf[2];
    size_t buf_len[2];
    int newest;
    int64_t n_entries; /* headers libarchive returned, of every type */
    bool have_header;  /* a header was read: its data is skipped before the next */
    bool at_end;
    /* an error of the inner reader seen by feed() */
    int in_rc;
    af_error in_err;
    /* sticky: libarchive returned ARCHIVE_FATAL, nothing more can be read */
    int fail_rc;
    af_error fail_err;
    char *member; /* current (or last) member path, for messages */
    int64_t member_pos;
    int64_t member_size; /* from the header, or -1 */
    bool member_open;
};

const char *af_archive_format_name(af_archive_format f)
{
    switch (f) {
    case AF_ARCHIVE_ZIP: return "zip";
    case AF_ARCHIVE_TAR: return "tar";
    default: return "none";
    }
}

/* A v7 tar header has no magic: libarchive accepts a block whose checksum
 * field (octal, bytes 148-155) equals the sum of its bytes with that field
 * counted as spaces, and so do we (plus a non-empty name). */
static bool v7_tar_header(const uint8_t *h)
{
    if (h[0] == 0)
        return false;
    uint64_t field = 0;
    size_t i = 148;
    while (i < 156 && h[i] == ' ')
        i++;
    size_t digits = 0;
    for (; i < 156 && h[i] >= '0' && h[i] <= '7'; i++, digits++)
        field = field * 8 + (uint64_t)(h[i] - '0');
    if (digits == 0 || (i < 156 && h[i] != ' ' && h[i] != 0))
        return false;
    uint64_t usum = 0;
    int64_t ssum = 0;
    for (i = 0; i < 512; i++) {
        uint8_t c = (i >= 148 && i < 156) ? (uint8_t)' ' : h[i];
        usum += c;
        ssum += (int8_t)c;
    }
    return field == usum || (int64_t)field == ssum;
}

af_archive_format af_archive_detect(const uint8_t *head, size_t n)
{
    if (n >= 4 && head[0] == 'P' && head[1] == 'K') {
        if ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6))
            return AF_ARCHIVE_ZIP;
        if (n >= 8 && head[2] == 7 && head[3] == 8 && head[4] == 'P' && head[5] == 'K' &&
            head[6] == 3 && head[7] == 4)
            return AF_ARCHIVE_ZIP;
    }
    if (n < 512)
        return AF_ARCHIVE_NONE;
    if (memcmp(head + 257, "ustar", 5) == 0)
        return AF_ARCHIVE_TAR;
    size_t zeros = 0;
    while (zeros < 512 && head[zeros] == 0)
        zeros++;
    if (zeros == 512)
        return AF_ARCHIVE_TAR; /* the end mark of an empty tar */
    return v7_tar_header(head) ? AF_ARCHIVE_TAR : AF_ARCHIVE_NONE;
}

static la_ssize_t feed(struct archive *la, void *client, const void **out)
{
    af_archive *a = client;
    int k = !a->newest;
    ssize_t n = af_reader_read(a->inner, a->buf[k], FEED_SIZE, &a->in_err);
    if (n < 0) {
        a->in_rc = (int)n;
        if (la)
            archive_set_error(la, EIO, "%s", a->in_err.msg);
        return -1;
    }
    if (n > 0) {
        a->newest = k;
        a->buf_len[k] = (size_t)n;
    }
    *out = a->buf[k];
    return n;
}

int af_archive_open(af_reader *inner, af_archive_format f, const char *name, af_archive **out,
                    af_error *err)
{
    *out = NULL;
    af_archive *a = calloc(1, sizeof *a);
    if (!a || !(a->buf[0] = malloc(FEED_SIZE)) || !(a->buf[1] = malloc(FEED_SIZE)) ||
        !(a->name = af_strdup(name)) || !(a->la = archive_read_new())) {
        if (a) {
            free(a->buf[0]);
            free(a->buf[1]);
            free(a->name);
        }
        free(a);
        af_reader_close(inner);
        return af_error_set(err, AF_ENOMEM, "%s: out of memory for an archive reader", name);
    }
    a->inner = inner;
    a->fmt = f;
    /* only the format the magic announced: libarchive must not guess
     * another one, and compression was already undone by our layer */
    int r = f == AF_ARCHIVE_ZIP ? archive_read_support_format_zip_streamable(a->la)
                                : archive_read_support_format_tar(a->la);
    /* `cat a.tar b.tar` holds both; reading past the first end mark also
     * reads the stream to its end, so a truncated .tgz is noticed */
    if (r == ARCHIVE_OK && f == AF_ARCHIVE_TAR)
        r = archive_read_set_options(a->la, "tar:read_concatenated_archives");
    if (r == ARCHIVE_OK)
        r = archive_read_open(a->la, a, NULL, feed, NULL);
    if (r != ARCHIVE_OK) {
        int rc = a->in_rc;
        if (rc)
            af_error_set(err, rc, "%s", a->in_err.msg);
        else {
            const char *m = archive_error_string(a->la);
            rc = af_error_set(err, AF_EPARSE, "%s: not a readable %s archive: %s", name,
                              af_archive_format_name(f), m ? m : "unknown error");
        }
        af_archive_close(a);
        return rc;
    }
    *out = a;
    return AF_OK;
}

static const char *la_message(af_archive *a)
{
    const char *m = archive_error_string(a->la);
    return m ? m : "unknown error";
}

/* Records a libarchive failure (or the inner reader's error behind it). */
static int fail(af_archive *a, int la_rc, int code, af_error *err, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int fail(af_archive *a, int la_rc, int code, af_error *err, const char *fmt, ...)
{
    af_error e;
    if (a->in_rc) {
        /* the inner reader's message names the stream and its offset; say
         * which member libarchive was at */
        e.code = a->in_rc;
        size_t used = af_strlcpy(e.msg, a->in_err.msg, sizeof e.msg);
        if (a->member && used < sizeof e.msg)
            snprintf(e.msg + used, sizeof e.msg - used, " (%s member '%s')",
                     a->member_open ? "in" : "after", a->member);
    } else {
        va_list ap;
        va_start(ap, fmt);
        e.code = code;
        vsnprintf(e.msg, sizeof e.msg, fmt, ap);
        va_end(ap);
    }
    if (la_rc <= ARCHIVE_FATAL && !a->fail_rc) {
        a->fail_rc = e.code;
        a->fail_err = e;
    }
    if (err)
        *err = e;
    return e.code;
}

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

/* libarchive's streaming zip reader steps over bytes it cannot parse until
 * it finds a signature, and stops at the central directory: a damaged
 * local header would lose members without a word. The end record, in the
 * last bytes of the stream (maybe followed by zero padding), says how many
 * entries the zip has; we compare. (Skipped when the record is not within
 * the last two feed buffers, or for zip64 counts.) */
static int check_zip_count(af_archive *a, af_error *err)
{
    int older = !a->newest;
    size_t n0 = a->buf_len[older], n1 = a->buf_len[a->newest];
    uint8_t *tail = malloc(n0 + n1 + 1);
    if (!tail)
        return af_error_set(err, AF_ENOMEM, "%s: out of memory", a->name);
    if (n0)
        memcpy(tail, a->buf[older], n0);
    if (n1)
        memcpy(tail + n0, a->buf[a->newest], n1);
    size_t n = n0 + n1;
    int rc = AF_OK;
    /* writers that pad to blocks (libarchive to a pipe) leave zeros after
     * the end record */
    size_t end = n;
    while (end > 0 && tail[end - 1] == 0)
        end--;
    for (size_t i = n >= 22 ? n - 22 + 1 : 0; i-- > 0;) {
        const uint8_t *p = tail + i;
        size_t rec_end = i + 22 + le16(p + 20);
        if (memcmp(p, "PK\5\6", 4) != 0 || rec_end > n || rec_end < end)
            continue;
        uint32_t listed = le16(p + 10);
        if (listed != 0xffff && (int64_t)listed != a->n_entries)
            rc = fail(a, ARCHIVE_FATAL, AF_EPARSE, err,
                      "%s: corrupt zip archive: its central directory lists %u entries but "
                      "only %lld were found in the stream (a damaged local header was skipped)",
                      a->name, listed, (long long)a->n_entries);
        break;
    }
    free(tail);
    return rc;
}

/* The archive ended: read its stream to the end, so that an error below
 * (a truncated gzip after a tar's end mark) is not missed, then check a
 * zip's entry count. */
static int finish(af_archive *a, af_error *err)
{
    for (;;) {
        const void *unused;
        la_ssize_t n = feed(NULL, a, &unused);
        if (n < 0)
            return fail(a, ARCHIVE_FATAL, a->in_rc, err, "%s", a->in_err.msg);
        if (n == 0)
            break;
    }
    if (a->fmt == AF_ARCHIVE_ZIP)
        return check_zip_count(a, err);
    return 0;
}

int af_archive_next(af_archive *a, af_archive_entry *e, af_error *err)
{
    memset(e, 0, sizeof *e);
    if (a->fail_rc) {
        if (err)
            *err = a->fail_err;
        return a->fail_rc;
    }
    if (a->member_open)
        return af_error_set(err, AF_EINTERNAL, "%s: next member asked while one is open", a->name);
    if (a->at_end)
        return 0;
    for (;;) {
        if (a->have_header) {
            /* skipped here rather than inside next_header, so that a
             * failure names the member, and the position of the next
             * header is known even if reading it fails (libarchive
             * answers nothing once in its fatal state) */
            int r = archive_read_data_skip(a->la);
            a->have_header = false;
            if (r < ARCHIVE_WARN)
                return fail(a, r, AF_EPARSE, err,
                            "%s!%s: corrupt %s member data (member header at byte %lld): %s",
                            a->name, a->member ? a->member : "?", af_archive_format_name(a->fmt),
                            (long long)a->member_pos, la_message(a));
        }
        long long pos = (long long)archive_filter_bytes(a->la, 0);
        struct archive_entry *ent = NULL;
        int r = archive_read_next_header(a->la, &ent);
        if (r == ARCHIVE_EOF) {
            a->at_end = true;
            return finish(a, err);
        }
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            /* ARCHIVE_RETRY is a damaged header libarchive could step
             * over; stepping over it would lose what it described */
            if (r == ARCHIVE_RETRY)
                r = ARCHIVE_FATAL;
            if (a->member)
                return fail(a, r, AF_EPARSE, err,
                            "%s: corrupt %s archive at byte %lld (after member '%s'): %s", a->name,
                            af_archive_format_name(a->fmt), pos, a->member, la_message(a));
            return fail(a, r, AF_EPARSE, err, "%s: corrupt %s archive at byte %lld: %s", a->name,
                        af_archive_format_name(a->fmt), pos, la_message(a));
        }
        a->have_header = true;
        a->n_entries++;
        /* directories, symlinks, devices carry no data; a tar hard link
         * repeats a member already delivered */
        if (archive_entry_filetype(ent) != AE_IFREG || archive_entry_hardlink(ent))
            continue;
        const char *path = archive_entry_pathname(ent);
        if (!path)
            path = archive_entry_pathname_utf8(ent);
        if (!path)
            path = "?";
        char *p = af_strdup(path);
        if (!p)
            return af_error_set(err, AF_ENOMEM, "%s: out of memory", a->name);
        free(a->member);
        a->member = p;
        a->member_pos = (int64_t)archive_read_header_position(a->la);
        /* libarchive cannot even skip an encrypted member without its
         * passphrase, so the rest of the archive is out of reach too */
        if (archive_entry_is_encrypted(ent))
            return fail(a, ARCHIVE_FATAL, AF_EUNSUPPORTED, err,
                        "%s!%s: encrypted %s member cannot be read (no password support); the "
                        "members after it are not read",
                        a->name, a->member, af_archive_format_name(a->fmt));
        e->path = a->member;
        e->size = archive_entry_size_is_set(ent) ? (int64_t)archive_entry_size(ent) : -1;
        a->member_size = e->size;
        return 1;
    }
}

/* ---- the current member's data as a reader ---- */

typedef struct member_priv {
    af_archive *a;
    char *name;
    int rc; /* sticky error */
    af_error err;
} member_priv;

static ssize_t member_read(af_reader *r, void *buf, size_t n, af_error *err)
{
    member_priv *m = r->priv;
    if (m->rc) {
        if (err)
            *err = m->err;
        return m->rc;
    }
    af_archive *a = m->a;
    if (a->fail_rc) {
        m->rc = a->fail_rc;
        m->err = a->fail_err;
        if (err)
            *err = m->err;
        return m->rc;
    }
    la_ssize_t got = archive_read_data(a->la, buf, n);
    if (got >= 0) {
        r->offset += got;
        return (ssize_t)got;
    }
    const char *msg = la_message(a);
    /* libarchive has no code for "unsupported method": its messages say so */
    int code = strncmp(msg, "Unsupported", 11) == 0 ? AF_EUNSUPPORTED : AF_EPARSE;
    m->rc = fail(
        a, (int)got, code, &m->err,
        "%s: cannot read %s member data after %lld bytes (member header at archive byte %lld): %s",
        m->name, af_archive_format_name(a->fmt), (long long)r->offset, (long long)a->member_pos,
        msg);
    if (err)
        *err = m->err;
    return m->rc;
}

static void member_close(af_reader *r)
{
    member_priv *m = r->priv;
    m->a->member_open = false;
    free(m->name);
    free(m);
    free(r);
}

int af_archive_open_member(af_archive *a, const char *name, af_reader **out, af_error *err)
{
    *out = NULL;
    if (a->member_open || !a->member)
        return af_error_set(err, AF_EINTERNAL, "%s: no member to open", a->name);
    af_reader *r = calloc(1, sizeof *r);
    member_priv *m = calloc(1, sizeof *m);
    char *nm = af_strdup(name);
    if (!r || !m || !nm) {
        free(r);
        free(m);
        free(nm);
        return af_error_set(err, AF_ENOMEM, "%s: out of memory", name);
    }
    m->a = a;
    m->name = nm;
    r->read = member_read;
    r->close = member_close;
    r->name = nm;
    r->size = a->member_size;
    r->priv = m;
    a->member_open = true;
    *out = r;
    return AF_OK;
}

bool af_archive_failed(const af_archive *a)
{
    return a->fail_rc != 0;
}

void af_archive_close(af_archive *a)
{
    if (!a)
        return;
    if (a->la)
        archive_read_free(a->la);
    af_reader_close(a->inner);
    free(a->buf[0]);
    free(a->buf[1]);
    free(a->name);
    free(a->member);
    free(a);
}
