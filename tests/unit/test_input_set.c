/* test_input_set.c - files, archives and nested archives read as leaves
 * (io/input_set.h). Fixtures are built at run time in a temp directory
 * with libarchive's writer (zip, tar, tgz, tar.zst, nesting). */
#include "core/buf.h"
#include "io/archive.h"
#include "io/input_set.h"
#include "test.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

/* F_STREAM: a file whose size the writer is not told (a zip entry then
 * has no sizes in its local header, only in a data descriptor after it) */
enum { F_FILE, F_DIR, F_LINK, F_STREAM };

typedef struct ent {
    const char *path;
    const char *data; /* file content, or a link's target */
    size_t len;       /* 0: strlen(data) */
    int type;
} ent;

static la_ssize_t write_cb(struct archive *a, void *client, const void *buf, size_t n)
{
    (void)a;
    return af_buf_append(client, buf, n) ? -1 : (la_ssize_t)n;
}

/* An archive in memory: fmt "zip" or "tar", filter NULL/"gzip"/"zstd",
 * options for archive_write_set_options (NULL for none). */
static void build(const char *fmt, const char *filter, const char *options, const ent *e, size_t n,
                  af_buf *out)
{
    af_buf_init(out);
    struct archive *a = archive_write_new();
    CHECK_INT(strcmp(fmt, "zip") == 0 ? archive_write_set_format_zip(a)
                                      : archive_write_set_format_pax_restricted(a),
              ARCHIVE_OK);
    if (filter && strcmp(filter, "gzip") == 0)
        CHECK_INT(archive_write_add_filter_gzip(a), ARCHIVE_OK);
    if (filter && strcmp(filter, "zstd") == 0)
        CHECK_INT(archive_write_add_filter_zstd(a), ARCHIVE_OK);
    if (options)
        CHECK_INT(archive_write_set_options(a, options), ARCHIVE_OK);
    /* no zero padding after a compressed stream or a zip, as a file gets
     * (libarchive pads writes to callbacks to 10240-byte blocks); a plain
     * tar keeps its padding */
    if (filter || strcmp(fmt, "zip") == 0)
        archive_write_set_bytes_in_last_block(a, 1);
    CHECK_INT(archive_write_open(a, out, NULL, write_cb, NULL), ARCHIVE_OK);
    for (size_t i = 0; i < n; i++) {
        struct archive_entry *en = archive_entry_new();
        archive_entry_set_pathname(en, e[i].path);
        archive_entry_set_mtime(en, 1700000000, 0);
        size_t len = e[i].len ? e[i].len : (e[i].data ? strlen(e[i].data) : 0);
        if (e[i].type == F_DIR) {
            archive_entry_set_filetype(en, AE_IFDIR);
            archive_entry_set_perm(en, 0755);
        } else if (e[i].type == F_LINK) {
            archive_entry_set_filetype(en, AE_IFLNK);
            archive_entry_set_perm(en, 0777);
            archive_entry_set_symlink(en, e[i].data);
        } else {
            archive_entry_set_filetype(en, AE_IFREG);
            archive_entry_set_perm(en, 0644);
            if (e[i].type == F_FILE)
                archive_entry_set_size(en, (la_int64_t)len);
        }
        CHECK_INT(archive_write_header(a, en), ARCHIVE_OK);
        if ((e[i].type == F_FILE || e[i].type == F_STREAM) && len)
            CHECK_INT(archive_write_data(a, e[i].data, len), (long long)len);
        archive_entry_free(en);
    }
    CHECK_INT(archive_write_close(a), ARCHIVE_OK);
    archive_write_free(a);
}

static char root[256];
static char cwd[4096];

static void enter_tmp(void)
{
    snprintf(root, sizeof root, "/tmp/af_inputs_XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(root) == 0);
    CHECK(mkdir("dir", 0755) == 0);
}

static void leave_tmp(void)
{
    CHECK(chdir(cwd) == 0);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(fwrite(data, 1, len, f), len);
        fclose(f);
    }
}

/* Every leaf as "name [member] size codec: content|", errors as
 * "ERROR code msg|" (next() is called again after an error, as a caller
 * that skips bad inputs does). */
static void collect_set(af_input_set *s, af_buf *out)
{
    af_input in;
    af_error err = {0};
    for (int guard = 0; guard < 100; guard++) {
        int rc = af_input_set_next(s, &in, &err);
        if (rc == 0)
            break;
        if (rc < 0) {
            af_buf_printf(out, "ERROR %d %s|", rc, err.msg);
            continue;
        }
        af_buf_printf(out, "%s [%s] %lld %s: ", in.name, in.member ? in.member : "-",
                      (long long)in.size, af_compression_name(in.compression));
        char buf[7]; /* small reads cross every buffer boundary */
        ssize_t n;
        while ((n = af_reader_read(in.reader, buf, sizeof buf, &err)) > 0)
            af_buf_append(out, buf, (size_t)n);
        if (n < 0)
            af_buf_printf(out, "READ ERROR %d %s", (int)n, err.msg);
        af_buf_append_str(out, "|");
    }
    af_buf_cstr(out);
}

static void collect(const char *pattern, const af_input_options *o, af_buf *out)
{
    af_buf_init(out);
    af_input_set *s = NULL;
    af_error err = {0};
    int rc = af_input_set_open(pattern, o, &s, &err);
    if (rc) {
        af_buf_printf(out, "OPEN ERROR %d %s", rc, err.msg);
        af_buf_cstr(out);
        return;
    }
    collect_set(s, out);
    CHECK_INT(af_input_set_bytes_read(s), af_input_set_bytes_total(s));
    af_input_set_free(s);
}

/* zip symlinks are told by the central directory only, which a stream
 * reaches last: the tar fixtures carry a link, the zip ones do not */
static const ent two_csv[] = {
    {"data/", NULL, 0, F_DIR},
    {"data/a.csv", "id,x\n1,a\n", 0, F_FILE},
    {"data/link.csv", "a.csv", 0, F_LINK},
    {"data/b.csv", "id,x\n2,b\n3,c\n", 0, F_FILE},
};
static const ent two_csv_zip[] = {
    {"data/", NULL, 0, F_DIR},
    {"data/a.csv", "id,x\n1,a\n", 0, F_FILE},
    {"data/b.csv", "id,x\n2,b\n3,c\n", 0, F_STREAM},
};

/* Offset of the local header of the zip member `name`, or 0. */
static size_t zip_local(const af_buf *z, const char *name)
{
    size_t nl = strlen(name);
    for (size_t i = 0; i + 30 + nl <= z->len; i++)
        if (memcmp(z->data + i, "PK\3\4", 4) == 0 && z->data[i + 26] == nl &&
            memcmp(z->data + i + 30, name, nl) == 0)
            return i;
    return 0;
}

TEST(plain_and_compressed_files)
{
    enter_tmp();
    write_file("dir/a.csv", "x\n1\n", 4);
    af_buf z;
    af_buf_init(&z);
    /* a gzip of "x\n2\n" made by libarchive's raw writer */
    struct archive *a = archive_write_new();
    archive_write_set_format_raw(a);
    archive_write_add_filter_gzip(a);
    archive_write_open(a, &z, NULL, write_cb, NULL);
    struct archive_entry *en = archive_entry_new();
    archive_entry_set_filetype(en, AE_IFREG);
    archive_entry_set_pathname(en, "b");
    archive_write_header(a, en);
    archive_write_data(a, "x\n2\n", 4);
    archive_entry_free(en);
    archive_write_close(a);
    archive_write_free(a);
    write_file("dir/b.csv.gz", z.data, z.len);
    af_buf out;
    collect("dir", NULL, &out);
    CHECK_STR((char *)out.data, "dir/a.csv [-] 4 none: x\n1\n|dir/b.csv.gz [-] -1 gzip: x\n2\n|");
    af_buf_free(&out);
    af_input_options o;
    af_input_options_default(&o);
    o.threaded = false;
    o.members = (const char *const[]){"nothing"};
    o.n_members = 1; /* files named directly are never filtered */
    collect("dir/*.gz", &o, &out);
    CHECK_STR((char *)out.data, "dir/b.csv.gz [-] -1 gzip: x\n2\n|");
    af_buf_free(&out);
    af_buf_free(&z);
    leave_tmp();
}

TEST(zip_tar_tgz_tzst)
{
    enter_tmp();
    static const char *const kinds[][3] = {
        {"zip", NULL, "dir/x.zip"},   {"zip", NULL, "dir/stored.zip"},  {"tar", NULL, "dir/x.tar"},
        {"tar", "gzip", "dir/x.tgz"}, {"tar", "zstd", "dir/x.tar.zst"},
    };
    for (size_t k = 0; k < 5; k++) {
        af_buf ar;
        bool zip = kinds[k][0][0] == 'z';
        build(kinds[k][0], kinds[k][1], k == 1 ? "zip:compression=store" : NULL,
              zip ? two_csv_zip : two_csv, zip ? 3 : 4, &ar);
        write_file(kinds[k][2], ar.data, ar.len);
        if (zip) {
            /* libarchive's zip writer streams: every member has a data
             * descriptor (flag 8); b.csv has no sizes in its local header */
            size_t la = zip_local(&ar, "data/a.csv"), lb = zip_local(&ar, "data/b.csv");
            CHECK(la > 0 && lb > la);
            CHECK_INT(ar.data[la + 6] & 8, 8);
            CHECK_INT(ar.data[lb + 6] & 8, 8);
            CHECK_INT(ar.data[la + 8], k == 0 ? 8 : 0); /* deflate, store */
            CHECK_INT(ar.data[lb + 8], k == 0 ? 8 : 0);
            CHECK(memcmp(ar.data + lb + 18, "\xff\xff\xff\xff\xff\xff\xff\xff", 8) == 0);
        }
        af_buf_free(&ar);
        af_buf out;
        collect(kinds[k][2], NULL, &out);
        af_buf want;
        af_buf_init(&want);
        /* b.csv in a zip: the local header does not know the size */
        long long sa = 9, sb = zip ? -1 : 13;
        af_buf_printf(&want,
                      "%s!data/a.csv [data/a.csv] %lld none: id,x\n1,a\n|"
                      "%s!data/b.csv [data/b.csv] %lld none: id,x\n2,b\n3,c\n|",
                      kinds[k][2], sa, kinds[k][2], sb);
        CHECK_STR((char *)out.data, af_buf_cstr(&want));
        af_buf_free(&want);
        af_buf_free(&out);
    }
    leave_tmp();
}

/* dir/reviews.zip holds README.txt and train.tgz, which holds two CSV
 * parts and its own README. */
static void make_reviews(const char *path, const char *inner_filter)
{
    static const ent inner[] = {
        {"train/", NULL, 0, F_DIR},
        {"train/part-1.csv", "id,review\n1,great\n", 0, F_FILE},
        {"train/README.txt", "about train\n", 0, F_FILE},
        {"train/part-2.csv", "id,review\n2,bad\n3,\"so, so\"\n", 0, F_FILE},
    };
    af_buf tgz, zip;
    build("tar", inner_filter, NULL, inner, 4, &tgz);
    ent outer[] = {
        {"README.txt", "read me\n", 0, F_FILE},
        {"train.tgz", (const char *)tgz.data, tgz.len, F_FILE},
        {"z.csv", "z\n", 0, F_FILE},
    };
    build("zip", NULL, NULL, outer, 3, &zip);
    write_file(path, zip.data, zip.len);
    af_buf_free(&tgz);
    af_buf_free(&zip);
}

TEST(nested_zip_tgz_with_member_filter)
{
    enter_tmp();
    make_reviews("dir/reviews.zip", "gzip");
    af_input_options o;
    af_input_options_default(&o);
    o.members = (const char *const[]){"*.csv"};
    o.n_members = 1;
    af_buf out;
    collect("dir", &o, &out);
    CHECK_STR((char *)out.data,
              "dir/reviews.zip!train.tgz!train/part-1.csv [train/part-1.csv] 18 none: "
              "id,review\n1,great\n|"
              "dir/reviews.zip!train.tgz!train/part-2.csv [train/part-2.csv] 27 none: "
              "id,review\n2,bad\n3,\"so, so\"\n|"
              "dir/reviews.zip!z.csv [z.csv] 2 none: z\n|");
    af_buf_free(&out);

    /* a filter with '/' matches the full member path */
    o.members = (const char *const[]){"train/*-2.csv", "README.txt"};
    o.n_members = 2;
    collect("dir/reviews.zip", &o, &out);
    CHECK_STR((char *)out.data, "dir/reviews.zip!README.txt [README.txt] 8 none: read me\n|"
                                "dir/reviews.zip!train.tgz!train/README.txt [train/README.txt] 12 "
                                "none: about train\n|"
                                "dir/reviews.zip!train.tgz!train/part-2.csv [train/part-2.csv] 27 "
                                "none: id,review\n2,bad\n3,\"so, so\"\n|");
    af_buf_free(&out);

    /* archives off: the zip itself is the leaf */
    o.n_members = 0;
    o.archives = false;
    af_input_set *s = NULL;
    af_error err = {0};
    af_input in;
    CHECK_INT(af_input_set_open("dir/reviews.zip", &o, &s, &err), 0);
    CHECK_INT(af_input_set_next(s, &in, &err), 1);
    CHECK_STR(in.name, "dir/reviews.zip");
    CHECK(in.member == NULL);
    char head[4];
    CHECK_INT(af_reader_read_full(in.reader, head, 4, &err), 4);
    CHECK(memcmp(head, "PK\3\4", 4) == 0);
    CHECK_INT(af_input_set_next(s, &in, &err), 0);
    af_input_set_free(s);
    leave_tmp();
}

TEST(nested_depth_limit)
{
    enter_tmp();
    make_reviews("dir/reviews.zip", "zstd");
    af_input_options o;
    af_input_options_default(&o);
    o.max_depth = 1;
    af_buf out;
    collect("dir/reviews.zip", &o, &out);
    /* the too-deep archive is an error; the rest of the zip is still read */
    CHECK_STR((char *)out.data,
              "dir/reviews.zip!README.txt [README.txt] 8 none: read me\n|"
              "ERROR -11 dir/reviews.zip!train.tgz: tar archive nested 2 levels deep, deeper than "
              "the limit of 1 (max_depth)|"
              "dir/reviews.zip!z.csv [z.csv] 2 none: z\n|");
    af_buf_free(&out);
    o.max_depth = 2;
    o.members = (const char *const[]){"part-1.csv"};
    o.n_members = 1;
    collect("dir/reviews.zip", &o, &out);
    CHECK_STR((char *)out.data,
              "dir/reviews.zip!train.tgz!train/part-1.csv [train/part-1.csv] 18 none: "
              "id,review\n1,great\n|");
    af_buf_free(&out);
    leave_tmp();
}

TEST(empty_archives)
{
    enter_tmp();
    af_buf ar;
    build("zip", NULL, NULL, NULL, 0, &ar);
    CHECK_INT(ar.len, 22); /* just the end of central directory: PK\5\6 */
    write_file("dir/empty.zip", ar.data, ar.len);
    af_buf_free(&ar);
    build("tar", NULL, NULL, NULL, 0, &ar);
    CHECK_INT(ar.len, 10240); /* end mark and padding: zeros */
    write_file("dir/empty.tar", ar.data, ar.len);
    af_buf_free(&ar);
    build("tar", "gzip", NULL, two_csv, 1, &ar); /* only a directory entry */
    write_file("dir/dirs.tgz", ar.data, ar.len);
    af_buf_free(&ar);
    af_buf out;
    collect("dir", NULL, &out);
    CHECK_STR((char *)out.data, "");
    af_buf_free(&out);
    leave_tmp();
}

TEST(member_compressed_and_open_reader)
{
    enter_tmp();
    af_buf gz, tar;
    build("tar", "gzip", NULL, two_csv + 1, 1, &gz); /* a tgz as a member: nested */
    ent e[] = {
        {"inner.tar.gz", (const char *)gz.data, gz.len, F_FILE},
        {"raw.bin", "\0\1\2", 3, F_FILE},
    };
    build("tar", NULL, NULL, e, 2, &tar);
    af_reader *r = NULL;
    af_error err = {0};
    CHECK_INT(af_reader_open_memory(tar.data, tar.len, "mem.tar", &r, &err), 0);
    af_input_set *s = NULL;
    CHECK_INT(af_input_set_open_reader(r, "blob://c/x.tar", NULL, &s, &err), 0);
    CHECK_INT(af_input_set_file_count(s), 1);
    CHECK_INT(af_input_set_bytes_total(s), (long long)tar.len);
    CHECK_INT(af_input_set_bytes_read(s), 0);
    af_buf out;
    af_buf_init(&out);
    collect_set(s, &out);
    CHECK_INT(af_input_set_bytes_read(s), (long long)tar.len);
    af_input_set_free(s);
    static const char want[] = "blob://c/x.tar!inner.tar.gz!data/a.csv [data/a.csv] 9 none: "
                               "id,x\n1,a\n|blob://c/x.tar!raw.bin [raw.bin] 3 none: \0\1\2|";
    CHECK_INT(out.len, sizeof want - 1);
    CHECK(memcmp(out.data, want, sizeof want - 1) == 0);
    af_buf_free(&out);

    /* a gzip member that is not an archive: decoded, size unknown */
    af_buf_free(&tar);
    ent e2[] = {{"one.csv.gz", NULL, 0, F_FILE}};
    struct archive *a = archive_write_new();
    af_buf g;
    af_buf_init(&g);
    archive_write_set_format_raw(a);
    archive_write_add_filter_gzip(a);
    archive_write_open(a, &g, NULL, write_cb, NULL);
    struct archive_entry *en = archive_entry_new();
    archive_entry_set_filetype(en, AE_IFREG);
    archive_entry_set_pathname(en, "x");
    archive_write_header(a, en);
    archive_write_data(a, "v\n42\n", 5);
    archive_entry_free(en);
    archive_write_close(a);
    archive_write_free(a);
    e2[0].data = (const char *)g.data;
    e2[0].len = g.len;
    build("zip", NULL, NULL, e2, 1, &tar);
    write_file("dir/g.zip", tar.data, tar.len);
    collect("dir/g.zip", NULL, &out);
    CHECK_STR((char *)out.data, "dir/g.zip!one.csv.gz [one.csv.gz] -1 gzip: v\n42\n|");
    af_buf_free(&out);
    af_buf_free(&g);
    af_buf_free(&tar);
    af_buf_free(&gz);
    leave_tmp();
}

TEST(corrupt_and_truncated)
{
    enter_tmp();
    /* deflate data of the first member broken: its read fails, naming
     * the member; the archive cannot be read past it */
    af_buf ar;
    static const ent big[] = {
        {"a.csv", "id,x\n1,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n", 0, F_FILE},
        {"b.csv", "id,x\n2,b\n", 0, F_FILE},
    };
    build("zip", NULL, NULL, big, 2, &ar);
    size_t data_at = 30 + 5 + (ar.data[28] | ar.data[29] << 8); /* header, name, extra */
    for (size_t i = 0; i < 6; i++)
        ar.data[data_at + i] = 0xff;
    write_file("dir/bad.zip", ar.data, ar.len);
    af_buf_free(&ar);
    af_buf out;
    collect("dir/bad.zip", NULL, &out);
    CHECK_STR((char *)out.data,
              "ERROR -4 dir/bad.zip!a.csv: cannot read zip member data after 0 bytes (member "
              "header at archive byte 0): ZIP decompression failed (-3)|");
    af_buf_free(&out);

    /* garbage where the second local header should be */
    build("zip", NULL, NULL, big, 2, &ar);
    size_t second = 0;
    for (size_t i = 4; i + 4 <= ar.len; i++)
        if (memcmp(ar.data + i, "PK\3\4", 4) == 0) {
            second = i;
            break;
        }
    CHECK(second > 0);
    memcpy(ar.data + second, "JUNKJUNK", 8);
    write_file("dir/bad2.zip", ar.data, ar.len);
    af_buf_free(&ar);
    collect("dir/bad2.zip", NULL, &out);
    CHECK_STR((char *)out.data,
              "dir/bad2.zip!a.csv [a.csv] 54 none: "
              "id,x\n1,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n|"
              "ERROR -4 dir/bad2.zip: corrupt zip archive: its central directory lists 2 entries "
              "but only 1 were found in the stream (a damaged local header was skipped)|");
    af_buf_free(&out);

    /* a tgz cut in the middle */
    af_buf tgz;
    static char blob[100000];
    uint32_t x = 12345; /* letters that do not compress away */
    for (size_t i = 0; i < sizeof blob; i++) {
        x = x * 1103515245u + 12345u;
        blob[i] = (char)('a' + (x >> 16) % 26);
    }
    ent e[] = {{"big.txt", blob, sizeof blob, F_FILE}, {"after.txt", "x", 1, F_FILE}};
    build("tar", "gzip", NULL, e, 2, &tgz);
    write_file("dir/cut.tgz", tgz.data, tgz.len / 2);
    collect("dir/cut.tgz", NULL, &out);
    /* what came before the cut is big.txt's start; then the gzip layer's
     * error, with the member libarchive was in */
    const char *head = "dir/cut.tgz!big.txt [big.txt] 100000 none: ";
    CHECK(strncmp((char *)out.data, head, strlen(head)) == 0);
    const char *got = (char *)out.data + strlen(head);
    const char *rerr = strstr(got, "READ ERROR");
    CHECK(rerr && rerr > got && memcmp(got, blob, (size_t)(rerr - got)) == 0);
    char want[300];
    snprintf(want, sizeof want,
             "READ ERROR -4 dir/cut.tgz: gzip data is truncated: the input ends at compressed "
             "byte %zu inside the member starting at byte 0 (after ",
             tgz.len / 2);
    CHECK_CONTAINS((char *)out.data, want);
    CHECK_CONTAINS((char *)out.data, " decompressed bytes) (in member 'big.txt')|");
    /* nothing after: the tar below the cut cannot be read on */
    const char *tail_want = " decompressed bytes) (in member 'big.txt')|";
    CHECK(out.len > strlen(tail_want) &&
          strcmp((char *)out.data + out.len - strlen(tail_want), tail_want) == 0);
    af_buf_free(&tgz);
    af_buf_free(&out);

    /* a damaged tar header after the first member */
    build("tar", NULL, NULL, two_csv + 1, 1, &ar);
    memcpy(ar.data + 1024, "not a tar header", 16);
    ar.data[1024 + 257] = 'u'; /* no ustar magic any more */
    write_file("dir/damaged.tar", ar.data, ar.len);
    af_buf_free(&ar);
    collect("dir/damaged.tar", NULL, &out);
    CHECK_STR((char *)out.data, "dir/damaged.tar!data/a.csv [data/a.csv] 9 none: id,x\n1,a\n|"
                                "ERROR -4 dir/damaged.tar: corrupt tar archive at byte 1024 (after "
                                "member 'data/a.csv'): Damaged tar archive|");
    af_buf_free(&out);

    /* a zip member in a method libarchive does not decode (97: WavPack) */
    build("zip", NULL, "zip:compression=store", big + 1, 1, &ar);
    ar.data[8] = 97;
    write_file("dir/wavpack.zip", ar.data, ar.len);
    af_buf_free(&ar);
    collect("dir/wavpack.zip", NULL, &out);
    CHECK_STR((char *)out.data,
              "ERROR -9 dir/wavpack.zip!b.csv: cannot read zip member data after 0 bytes (member "
              "header at archive byte 0): Unsupported ZIP compression method (97: wav-pack)|");
    af_buf_free(&out);

    /* unreadable top-level file: error, then the next file is read */
    char cmd[] = "rm dir/*";
    CHECK(system(cmd) == 0);
    write_file("dir/zz.csv", "ok\n", 3);
    write_file("dir/bad3.zip", "PK\3\4garbage", 11);
    write_file("dir/gone.csv", "x", 1);
    af_input_set *s = NULL;
    af_error err = {0};
    CHECK_INT(af_input_set_open("dir", NULL, &s, &err), 0);
    CHECK_INT(unlink("dir/gone.csv"), 0); /* listed, then removed before it is read */
    af_buf_init(&out);
    collect_set(s, &out);
    CHECK_STR((char *)out.data,
              "ERROR -4 dir/bad3.zip: corrupt zip archive at byte 0: Truncated ZIP file header|"
              "ERROR -8 dir/gone.csv: cannot open: No such file or directory|"
              "dir/zz.csv [-] 3 none: ok\n|");
    CHECK_INT(af_input_set_bytes_read(s), 15); /* failed files count as done */
    CHECK_INT(af_input_set_bytes_total(s), 15);
    af_input_set_free(s);
    af_buf_free(&out);
    leave_tmp();
}

TEST(encrypted_member)
{
    enter_tmp();
    af_buf ar;
    af_buf_init(&ar);
    struct archive *a = archive_write_new();
    archive_write_set_format_zip(a);
    int ok = archive_write_set_options(a, "zip:encryption=zipcrypt") == ARCHIVE_OK &&
             archive_write_set_passphrase(a, "secret") == ARCHIVE_OK;
    if (ok) {
        archive_write_open(a, &ar, NULL, write_cb, NULL);
        for (int i = 0; i < 2; i++) {
            struct archive_entry *en = archive_entry_new();
            archive_entry_set_pathname(en, i ? "b.csv" : "a.csv");
            archive_entry_set_filetype(en, AE_IFREG);
            archive_entry_set_size(en, 4);
            archive_write_header(a, en);
            archive_write_data(a, "x\n1\n", 4);
            archive_entry_free(en);
        }
        archive_write_close(a);
    }
    archive_write_free(a);
    if (ok) {
        write_file("dir/enc.zip", ar.data, ar.len);
        af_buf out;
        collect("dir/enc.zip", NULL, &out);
        CHECK_STR((char *)out.data,
                  "ERROR -9 dir/enc.zip!a.csv: encrypted zip member cannot be read (no password "
                  "support); the members after it are not read|");
        af_buf_free(&out);
    } else {
        fprintf(stderr, "encrypted_member: this libarchive cannot write zipcrypt, skipped\n");
    }
    af_buf_free(&ar);
    leave_tmp();
}

TEST(archive_detect)
{
    uint8_t b[512] = {0};
    CHECK_INT(af_archive_detect((const uint8_t *)"PK\3\4", 4), AF_ARCHIVE_ZIP);
    CHECK_INT(af_archive_detect((const uint8_t *)"PK\5\6", 4), AF_ARCHIVE_ZIP);
    CHECK_INT(af_archive_detect((const uint8_t *)"PK\7\10PK\3\4", 8), AF_ARCHIVE_ZIP);
    CHECK_INT(af_archive_detect((const uint8_t *)"PK\1\2", 4), AF_ARCHIVE_NONE);
    CHECK_INT(af_archive_detect(b, 511), AF_ARCHIVE_NONE);
    CHECK_INT(af_archive_detect(b, 512), AF_ARCHIVE_TAR); /* empty tar end mark */
    memcpy(b + 257, "ustar", 5);
    CHECK_INT(af_archive_detect(b, 512), AF_ARCHIVE_TAR);
    /* a v7 header: name, then a checksum of the block with the field as spaces */
    memset(b, 0, sizeof b);
    memcpy(b, "old.txt", 7);
    memcpy(b + 100, "0000644", 7);
    memcpy(b + 124, "00000000003", 11);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += (i >= 148 && i < 156) ? ' ' : b[i];
    snprintf((char *)b + 148, 8, "%06o", sum);
    CHECK_INT(af_archive_detect(b, 512), AF_ARCHIVE_TAR);
    b[0] = 'O'; /* checksum no longer adds up */
    CHECK_INT(af_archive_detect(b, 512), AF_ARCHIVE_NONE);
    const char *csv = "id,name\n1,x\n";
    CHECK_INT(af_archive_detect((const uint8_t *)csv, strlen(csv)), AF_ARCHIVE_NONE);
}

TEST(v7_tar_read)
{
    enter_tmp();
    af_buf ar;
    af_buf_init(&ar);
    struct archive *a = archive_write_new();
    archive_write_set_format_v7tar(a);
    archive_write_open(a, &ar, NULL, write_cb, NULL);
    struct archive_entry *en = archive_entry_new();
    archive_entry_set_pathname(en, "old.csv");
    archive_entry_set_filetype(en, AE_IFREG);
    archive_entry_set_perm(en, 0644);
    archive_entry_set_size(en, 4);
    archive_write_header(a, en);
    archive_write_data(a, "v\n7\n", 4);
    archive_entry_free(en);
    archive_write_close(a);
    archive_write_free(a);
    CHECK(memcmp(ar.data + 257, "ustar", 5) != 0);
    write_file("dir/old.tar", ar.data, ar.len);
    af_buf_free(&ar);
    af_buf out;
    collect("dir/old.tar", NULL, &out);
    CHECK_STR((char *)out.data, "dir/old.tar!old.csv [old.csv] 4 none: v\n7\n|");
    af_buf_free(&out);
    leave_tmp();
}

TEST(progress)
{
    enter_tmp();
    make_reviews("dir/r.zip", "gzip");
    write_file("dir/s.csv", "a\n", 2);
    struct stat st;
    CHECK(stat("dir/r.zip", &st) == 0);
    af_input_set *s = NULL;
    af_error err = {0};
    af_input in;
    CHECK_INT(af_input_set_open("dir", NULL, &s, &err), 0);
    CHECK_INT(af_input_set_bytes_total(s), (long long)st.st_size + 2);
    CHECK_INT(af_input_set_bytes_read(s), 0);
    CHECK_INT(af_input_set_next(s, &in, &err), 1);
    /* the whole small zip was read ahead by libarchive's first callback */
    int64_t mid = af_input_set_bytes_read(s);
    CHECK(mid > 0 && mid <= st.st_size);
    int leaves = 1;
    while (af_input_set_next(s, &in, &err) == 1) {
        leaves++;
        if (strcmp(in.name, "dir/s.csv") == 0) /* the zip, and s.csv's 2 bytes peeked */
            CHECK_INT(af_input_set_bytes_read(s), (long long)st.st_size + 2);
    }
    CHECK_INT(leaves, 6);
    CHECK_INT(af_input_set_bytes_read(s), (long long)st.st_size + 2);
    af_input_set_free(s);
    leave_tmp();
}

TEST(concatenated_tars_and_cancel)
{
    enter_tmp();
    af_buf t1, t2;
    build("tar", NULL, NULL, two_csv + 1, 1, &t1);
    build("tar", NULL, NULL, two_csv + 3, 1, &t2);
    af_buf_append(&t1, t2.data, t2.len); /* cat a.tar b.tar */
    write_file("dir/cat.tar", t1.data, t1.len);
    af_buf out;
    collect("dir/cat.tar", NULL, &out);
    CHECK_STR((char *)out.data, "dir/cat.tar!data/a.csv [data/a.csv] 9 none: id,x\n1,a\n|"
                                "dir/cat.tar!data/b.csv [data/b.csv] 13 none: id,x\n2,b\n3,c\n|");
    af_buf_free(&out);
    af_buf_free(&t1);
    af_buf_free(&t2);

    atomic_bool stop = true;
    af_input_options o;
    af_input_options_default(&o);
    o.cancel = &stop;
    af_input_set *s = NULL;
    af_error err = {0};
    af_input in;
    CHECK_INT(af_input_set_open("dir", &o, &s, &err), 0);
    CHECK_INT(af_input_set_next(s, &in, &err), AF_ECANCELED);
    CHECK_STR(err.msg, "input: stopped by a cancel request");
    atomic_store(&stop, false);
    CHECK_INT(af_input_set_next(s, &in, &err), 1);
    CHECK_STR(in.name, "dir/cat.tar!data/a.csv");
    atomic_store(&stop, true);
    CHECK_INT(af_input_set_next(s, &in, &err), AF_ECANCELED);
    CHECK_STR(err.msg, "dir/cat.tar: stopped by a cancel request");
    af_input_set_free(s);
    leave_tmp();
}

TEST_MAIN()
