/* test_parquet_stats.c - min/max per sort order, NaN and signed zeros,
 * merging, and shortened byte-array bounds that stay bounds. */
#include "test.h"

#include "formats/parquet/stats.h"

static void upd_i32(af_pq_stats *s, int32_t v)
{
    af_pq_stats_update(s, &v, 4);
}
static void upd_f64(af_pq_stats *s, double v)
{
    af_pq_stats_update(s, &v, 8);
}

TEST(signed_integers)
{
    af_pq_stats s;
    af_pq_stats_init(&s, AF_PQ_SORT_SIGNED);
    upd_i32(&s, 5);
    upd_i32(&s, -7);
    upd_i32(&s, 3);
    af_pq_stats_add_nulls(&s, 2);
    int32_t mn, mx;
    memcpy(&mn, s.min.data, 4);
    memcpy(&mx, s.max.data, 4);
    CHECK_INT(mn, -7);
    CHECK_INT(mx, 5);
    CHECK_INT(s.null_count, 2);
    CHECK_INT(s.value_count, 3);
    af_pq_stats_free(&s);
}

TEST(doubles_skip_nan_and_sign_zeros)
{
    af_pq_stats s;
    af_pq_stats_init(&s, AF_PQ_SORT_DOUBLE);
    upd_f64(&s, NAN);
    CHECK(!s.has_minmax);
    upd_f64(&s, 0.0);
    upd_f64(&s, NAN);
    double mn, mx;
    memcpy(&mn, s.min.data, 8);
    memcpy(&mx, s.max.data, 8);
    CHECK(mn == 0.0 && signbit(mn));
    CHECK(mx == 0.0 && !signbit(mx));
    upd_f64(&s, -2.5);
    upd_f64(&s, 1e300);
    memcpy(&mn, s.min.data, 8);
    memcpy(&mx, s.max.data, 8);
    CHECK(mn == -2.5);
    CHECK(mx == 1e300);
    af_pq_stats_free(&s);
}

TEST(bytes_orders)
{
    CHECK(af_pq_compare(AF_PQ_SORT_UNSIGNED_BYTES, "\xC3\xA9", 2, "z", 1) > 0); /* é after z */
    CHECK(af_pq_compare(AF_PQ_SORT_UNSIGNED_BYTES, "ab", 2, "abc", 3) < 0);
    CHECK(af_pq_compare(AF_PQ_SORT_UNSIGNED_BYTES, "", 0, "", 0) == 0);
    /* decimals: -1 (FF) < 1 (01); 0x00FF (255) > 0x7F (127) with different lengths */
    CHECK(af_pq_compare(AF_PQ_SORT_SIGNED_BYTES, "\xFF", 1, "\x01", 1) < 0);
    CHECK(af_pq_compare(AF_PQ_SORT_SIGNED_BYTES, "\x00\xFF", 2, "\x7F", 1) > 0);
    CHECK(af_pq_compare(AF_PQ_SORT_SIGNED_BYTES, "\xFF\xFE", 2, "\xFF", 1) < 0); /* -2 < -1 */
}

TEST(merge_and_bounds)
{
    af_pq_stats a, b;
    af_pq_stats_init(&a, AF_PQ_SORT_UNSIGNED_BYTES);
    af_pq_stats_init(&b, AF_PQ_SORT_UNSIGNED_BYTES);
    af_pq_stats_update(&a, "mango", 5);
    af_pq_stats_update(&a, "kiwi", 4);
    af_pq_stats_update(&b, "apple", 5);
    af_pq_stats_update(&b, "zzz\xFF\xFF", 5);
    af_pq_stats_add_nulls(&b, 1);
    CHECK_INT(af_pq_stats_merge(&a, &b), AF_OK);
    CHECK_INT(a.null_count, 1);
    CHECK_INT(a.value_count, 4);
    CHECK(a.min.len == 5 && memcmp(a.min.data, "apple", 5) == 0);
    af_buf mn, mx;
    af_buf_init(&mn);
    af_buf_init(&mx);
    bool mne, mxe, has_max;
    CHECK(af_pq_stats_bounds(&a, 4, &mn, &mne, &mx, &mxe, &has_max));
    CHECK(mn.len == 4 && memcmp(mn.data, "appl", 4) == 0 && !mne);
    /* "zzz\xFF\xFF" cut to 4 bytes "zzz\xFF": the FF cannot be raised, so "zz{" */
    CHECK(has_max && mx.len == 3 && memcmp(mx.data, "zz{", 3) == 0 && !mxe);
    CHECK(af_pq_compare(AF_PQ_SORT_UNSIGNED_BYTES, mx.data, mx.len, "zzz\xFF\xFF", 5) > 0);
    af_pq_stats all_ff;
    af_pq_stats_init(&all_ff, AF_PQ_SORT_UNSIGNED_BYTES);
    af_pq_stats_update(&all_ff, "\xFF\xFF\xFF", 3);
    CHECK(af_pq_stats_bounds(&all_ff, 2, &mn, &mne, &mx, &mxe, &has_max));
    CHECK(!has_max);
    af_pq_stats_free(&all_ff);
    af_buf_free(&mn);
    af_buf_free(&mx);
    af_pq_stats_free(&a);
    af_pq_stats_free(&b);
}

TEST_MAIN()
