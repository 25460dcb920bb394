/* test.h - the unit-test harness: TEST() functions register themselves,
 * CHECK macros record failures with file:line and keep going, and main()
 * prints "N passed, N failed" and exits non-zero on any failure.
 * Usage: define tests with TEST(name) { ... } and end the file with TEST_MAIN(). */
#ifndef AF_TEST_H
#define AF_TEST_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*af_test_fn)(void);
typedef struct {
    const char *name;
    af_test_fn fn;
} af_test_case;

#define AF_TEST_MAX 512
static af_test_case af_tests_[AF_TEST_MAX];
static int af_n_tests_;
static int af_current_failed_;
static long af_checks_;

#define TEST(name)                                                                                 \
    static void test_##name(void);                                                                 \
    __attribute__((constructor)) static void register_##name(void)                                 \
    {                                                                                              \
        if (af_n_tests_ < AF_TEST_MAX)                                                             \
            af_tests_[af_n_tests_++] = (af_test_case){#name, test_##name};                         \
    }                                                                                              \
    static void test_##name(void)

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        af_checks_++;                                                                              \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);               \
            af_current_failed_ = 1;                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long a_ = (long long)(a), b_ = (long long)(b);                                        \
        af_checks_++;                                                                              \
        if (a_ != b_) {                                                                            \
            fprintf(stderr, "%s:%d: CHECK_INT failed: %s == %lld, expected %lld\n", __FILE__,      \
                    __LINE__, #a, a_, b_);                                                         \
            af_current_failed_ = 1;                                                                \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *a_ = (a), *b_ = (b);                                                           \
        af_checks_++;                                                                              \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                                   \
            fprintf(stderr, "%s:%d: CHECK_STR failed: %s == \"%s\", expected \"%s\"\n", __FILE__,  \
                    __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)");                         \
            af_current_failed_ = 1;                                                                \
        }                                                                                          \
    } while (0)

/* Substring check, for error messages. */
#define CHECK_CONTAINS(hay, needle)                                                                \
    do {                                                                                           \
        const char *h_ = (hay), *n_ = (needle);                                                    \
        af_checks_++;                                                                              \
        if (!h_ || !strstr(h_, n_)) {                                                              \
            fprintf(stderr, "%s:%d: CHECK_CONTAINS failed: \"%s\" does not contain \"%s\"\n",      \
                    __FILE__, __LINE__, h_ ? h_ : "(null)", n_);                                   \
            af_current_failed_ = 1;                                                                \
        }                                                                                          \
    } while (0)

#define TEST_MAIN()                                                                                \
    int main(int argc, char **argv)                                                                \
    {                                                                                              \
        int passed = 0, failed = 0;                                                                \
        for (int i = 0; i < af_n_tests_; i++) {                                                    \
            if (argc > 1 && strcmp(argv[1], af_tests_[i].name) != 0)                               \
                continue;                                                                          \
            af_current_failed_ = 0;                                                                \
            af_tests_[i].fn();                                                                     \
            if (af_current_failed_) {                                                              \
                failed++;                                                                          \
                fprintf(stderr, "FAIL %s\n", af_tests_[i].name);                                   \
            } else {                                                                               \
                passed++;                                                                          \
            }                                                                                      \
        }                                                                                          \
        printf("%s: %ld checks\n", argv[0], af_checks_);                                           \
        printf("%d passed, %d failed\n", passed, failed);                                          \
        return failed ? 1 : (passed ? 0 : 1);                                                      \
    }

#endif
