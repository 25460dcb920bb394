/* test_blob.c - random-access reads: exact ranges, and reads past the end
 * rejected with the file's name rather than returning short data. */
#include "test.h"

#include "io/blob.h"

#include <unistd.h>

TEST(file_blob_reads_ranges)
{
    char path[] = "/tmp/af-test-blob-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    const char text[] = "0123456789abcdefPAR1";
    CHECK_INT(write(fd, text, sizeof text - 1), (long)(sizeof text - 1));
    close(fd);
    af_blob *b = NULL;
    af_error err = {0};
    CHECK_INT(af_blob_open_file(path, &b, &err), AF_OK);
    CHECK_INT(b->size, 20);
    char buf[8] = {0};
    CHECK_INT(af_blob_read_at(b, 16, buf, 4, &err), AF_OK);
    CHECK(memcmp(buf, "PAR1", 4) == 0);
    CHECK_INT(af_blob_read_at(b, 0, buf, 0, &err), AF_OK);
    CHECK_INT(af_blob_read_at(b, 18, buf, 4, &err), AF_EPARSE);
    CHECK_CONTAINS(err.msg, path);
    CHECK_CONTAINS(err.msg, "past the end");
    CHECK_INT(af_blob_read_at(b, UINT64_MAX, buf, 2, &err), AF_EPARSE);
    CHECK_INT(b->bytes_read, 4);
    af_blob_close(b);
    unlink(path);
    CHECK_INT(af_blob_open_file(path, &b, &err), AF_ENOTFOUND);
    CHECK_INT(af_blob_open_file("/tmp", &b, &err), AF_EINVAL);
}

TEST(memory_blob)
{
    af_blob *b = NULL;
    af_error err = {0};
    CHECK_INT(af_blob_open_memory("hello", 5, "mem", &b, &err), AF_OK);
    char buf[5];
    CHECK_INT(af_blob_read_at(b, 1, buf, 4, &err), AF_OK);
    CHECK(memcmp(buf, "ello", 4) == 0);
    CHECK_INT(af_blob_read_at(b, 5, buf, 1, &err), AF_EPARSE);
    af_blob_close(b);
}

TEST_MAIN()
