/* test_parquet_dictionary.c - dictionary indices, growth and the PLAIN
 * dictionary page layout. */
#include "test.h"

#include "formats/parquet/dictionary.h"

TEST(byte_array_indices_in_first_seen_order)
{
    af_pq_dict *d = af_pq_dict_new(0);
    uint32_t i;
    CHECK_INT(af_pq_dict_insert(d, "b", 1, &i), AF_OK);
    CHECK_INT(i, 0);
    CHECK_INT(af_pq_dict_insert(d, "a", 1, &i), AF_OK);
    CHECK_INT(i, 1);
    CHECK_INT(af_pq_dict_insert(d, "", 0, &i), AF_OK);
    CHECK_INT(i, 2);
    CHECK_INT(af_pq_dict_insert(d, "b", 1, &i), AF_OK);
    CHECK_INT(i, 0);
    CHECK_INT(af_pq_dict_insert(d, "", 0, &i), AF_OK);
    CHECK_INT(i, 2);
    CHECK_INT(af_pq_dict_count(d), 3);
    CHECK_INT(af_pq_dict_plain_size(d), 2 + 3 * 4);
    af_buf out;
    af_buf_init(&out);
    CHECK_INT(af_pq_dict_write_plain(d, &out), AF_OK);
    static const uint8_t want[] = {1, 0, 0, 0, 'b', 1, 0, 0, 0, 'a', 0, 0, 0, 0};
    CHECK_INT(out.len, sizeof want);
    CHECK(out.len == sizeof want && memcmp(out.data, want, sizeof want) == 0);
    af_buf_free(&out);
    af_pq_dict_clear(d);
    CHECK_INT(af_pq_dict_count(d), 0);
    CHECK_INT(af_pq_dict_insert(d, "a", 1, &i), AF_OK);
    CHECK_INT(i, 0);
    af_pq_dict_free(d);
}

TEST(fixed_width_values_and_growth)
{
    af_pq_dict *d = af_pq_dict_new(8);
    uint32_t idx;
    for (int64_t round = 0; round < 2; round++)
        for (int64_t v = 0; v < 100000; v++) {
            int64_t x = v * 7919;
            CHECK_INT(af_pq_dict_insert(d, &x, 8, &idx), AF_OK);
            if (idx != (uint32_t)v) {
                CHECK_INT(idx, v);
                break;
            }
        }
    CHECK_INT(af_pq_dict_count(d), 100000);
    size_t len;
    const uint8_t *p = af_pq_dict_value(d, 99999, &len);
    int64_t last;
    memcpy(&last, p, 8);
    CHECK_INT(last, 99999LL * 7919);
    CHECK_INT(af_pq_dict_insert(d, "abc", 3, &idx), AF_EINVAL);
    /* -0.0 and +0.0 are different bit patterns and stay different */
    af_pq_dict *f = af_pq_dict_new(8);
    double z = 0.0, nz = -0.0;
    uint32_t a, b;
    af_pq_dict_insert(f, &z, 8, &a);
    af_pq_dict_insert(f, &nz, 8, &b);
    CHECK(a != b);
    af_pq_dict_free(f);
    af_pq_dict_free(d);
}

TEST_MAIN()
