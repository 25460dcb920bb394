/* test_redact.c - the redaction rules: every secret pattern is masked, harmless
 * look-alikes are left alone, registered secrets are masked wherever and
 * however often they appear, and JSON lines stay valid after masking. */
#include "security/redact.h"

#include "core/error.h"
#include "test.h"

#include <jansson.h>
#include <pthread.h>

/* Redacts s and compares with the expected text. */
#define CHECK_REDACT(s, expected)                                                                  \
    do {                                                                                           \
        char *r_ = af_redact_str(s);                                                               \
        CHECK_STR(r_, expected);                                                                   \
        free(r_);                                                                                  \
    } while (0)

TEST(url_password)
{
    CHECK_REDACT("postgres://alice:hunter2@db.example.com:5432/sales",
                 "postgres://alice:***@db.example.com:5432/sales");
    CHECK_REDACT("connect to s3://:topsecret@bucket/key ok", "connect to s3://:***@bucket/key ok");
    CHECK_REDACT("https://u:p@ss@host/x", "https://u:***@host/x");
    CHECK_REDACT("url=\"https://bob:pw1@h\"", "url=\"https://bob:***@h\"");
}

TEST(url_without_password_untouched)
{
    CHECK_REDACT("https://example.com/path/file.csv", "https://example.com/path/file.csv");
    CHECK_REDACT("https://alice@example.com/x", "https://alice@example.com/x");
    CHECK_REDACT("http://host:8080/a@b", "http://host:8080/a@b");
    CHECK_REDACT("ratio 3:1 at 10:30", "ratio 3:1 at 10:30");
}

TEST(query_secrets)
{
    CHECK_REDACT("https://acct.blob.core.windows.net/c/f.csv?sv=2020&sig=AbC%2Bd&se=1",
                 "https://acct.blob.core.windows.net/c/f.csv?sv=2020&sig=***&se=1");
    CHECK_REDACT("password=hunter2", "password=***");
    CHECK_REDACT("PASSWORD=Hunter2 next", "PASSWORD=*** next");
    CHECK_REDACT("passwd=abc;x=1", "passwd=***;x=1");
    CHECK_REDACT("pwd=abc", "pwd=***");
    CHECK_REDACT("client_secret=s3cr3t&x=1", "client_secret=***&x=1");
    CHECK_REDACT("Token=t0k", "Token=***");
    CHECK_REDACT("?access_token=ya29.x&a=b", "?access_token=***&a=b");
    CHECK_REDACT("api_key=k1 apikey=k2", "api_key=*** apikey=***");
    CHECK_REDACT("X-Amz-Signature=deadbeef&X-Amz-Credential=AKIA%2F2024%2Fus&X-Amz-Date=1",
                 "X-Amz-Signature=***&X-Amz-Credential=***&X-Amz-Date=1");
    CHECK_REDACT("X-Amz-Security-Token=FQoG&b=1", "X-Amz-Security-Token=***&b=1");
    CHECK_REDACT("db password = 'a b c' end", "db password = '***' end");
}

TEST(key_whole_name_only)
{
    CHECK_REDACT("?key=abc&x=1", "?key=***&x=1");
    CHECK_REDACT("a=1&key=abc", "a=1&key=***");
    CHECK_REDACT("key=abc", "key=***");
    CHECK_REDACT("use key=abc now", "use key=*** now");
    CHECK_REDACT("monkey=1", "monkey=1");
    CHECK_REDACT("sort_key=id", "sort_key=id");
    CHECK_REDACT("keyboard=qwerty", "keyboard=qwerty");
    CHECK_REDACT("press the keyboard key", "press the keyboard key");
    CHECK_REDACT("tokens=5 passwords=3", "tokens=5 passwords=3");
}

TEST(connection_string)
{
    CHECK_REDACT("DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=ab+c/d==;"
                 "EndpointSuffix=core.windows.net",
                 "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=***;"
                 "EndpointSuffix=core.windows.net");
    CHECK_REDACT("BlobEndpoint=https://a;SharedAccessSignature=sv=2020&ss=b&sig=xyz;Q=1",
                 "BlobEndpoint=https://a;SharedAccessSignature=***;Q=1");
}

TEST(json_and_yaml_forms)
{
    CHECK_REDACT("{\"password\": \"p@ss word\", \"user\": \"bob\"}",
                 "{\"password\": \"***\", \"user\": \"bob\"}");
    CHECK_REDACT("{\"key\":\"abc\"}", "{\"key\":\"***\"}");
    CHECK_REDACT("password: hunter2", "password: ***");
    CHECK_REDACT("  secret:   abc\n  user: bob", "  secret:   ***\n  user: bob");
    CHECK_REDACT("{'token': 'abc'}", "{'token': '***'}");
    /* The same message after JSON encoding (inside a JSON log line). */
    CHECK_REDACT("\"msg\":\"cfg {\\\"password\\\": \\\"x y\\\"} ok\"",
                 "\"msg\":\"cfg {\\\"password\\\": \\\"***\\\"} ok\"");
    CHECK_REDACT("\"msg\":\"password=\\\"x y\\\" ok\"", "\"msg\":\"password=\\\"***\\\" ok\"");
}

TEST(authorization)
{
    CHECK_REDACT("Authorization: Bearer eyJhbGciOi.xyz", "Authorization: Bearer ***");
    CHECK_REDACT("authorization: Basic dXNlcjpwYXNz\nnext line",
                 "authorization: Basic ***\nnext line");
    CHECK_REDACT("Authorization: SharedKey acct:c2lnbmF0dXJl", "Authorization: SharedKey ***");
    CHECK_REDACT("Authorization: AWS4-HMAC-SHA256 Credential=AKIA/x, SignedHeaders=host, "
                 "Signature=abc",
                 "Authorization: AWS4-HMAC-SHA256 ***");
    CHECK_REDACT("Proxy-Authorization: opaque123", "Proxy-Authorization: ***");
    CHECK_REDACT("{\"Authorization\": \"Bearer abc\", \"a\": 1}",
                 "{\"Authorization\": \"Bearer ***\", \"a\": 1}");
    CHECK_REDACT("authorization failed for user", "authorization failed for user");
}

TEST(registered_secrets)
{
    af_redact_clear();
    CHECK_INT(af_redact_register("s3cr3tValue"), AF_OK);
    CHECK_REDACT("a s3cr3tValue b s3cr3tValue c", "a *** b *** c");
    CHECK_REDACT("s3cr3tValues3cr3tValue", "***");
    CHECK_REDACT("nothing here", "nothing here");
    /* Too short to register safely: ignored, not an error. */
    CHECK_INT(af_redact_register("abc"), AF_OK);
    CHECK_REDACT("abc", "abc");
    CHECK_INT(af_redact_register(NULL), AF_EINVAL);
    af_redact_clear();
    CHECK_REDACT("a s3cr3tValue", "a s3cr3tValue");
}

TEST(overlapping_secrets)
{
    af_redact_clear();
    af_redact_register("abcd");
    af_redact_register("xxabcdyy");
    /* The longer secret contains the shorter: masked as a whole. */
    CHECK_REDACT("[xxabcdyy]", "[***]");
    CHECK_REDACT("[abcd]", "[***]");
    /* Two secrets that overlap without containment: one merged mask. */
    af_redact_register("1234");
    af_redact_register("3456");
    CHECK_REDACT("<123456>", "<***>");
    /* A secret that starts inside a keyword: the value is still masked. */
    af_redact_register("xpass");
    CHECK_REDACT("xpassword=zzz", "***word=***");
    af_redact_clear();
}

TEST(secret_encoded_forms)
{
    af_redact_clear();
    af_redact_register("p@ss\"w/rd");
    CHECK_REDACT("raw p@ss\"w/rd", "raw ***");
    CHECK_REDACT("url p%40ss%22w%2Frd", "url ***");
    CHECK_REDACT("json \"p@ss\\\"w/rd\"", "json \"***\"");
    af_redact_clear();
}

TEST(json_stays_valid)
{
    af_redact_clear();
    af_redact_register("n1234");
    const char *line = "{\"msg\":\"a\\n1234 b password=x\\\\y\\u00e9z c\",\"k\":1}";
    char *r = af_redact_str(line);
    json_error_t je;
    json_t *j = json_loads(r, 0, &je);
    CHECK(j != NULL);
    if (j) {
        const char *msg = json_string_value(json_object_get(j, "msg"));
        CHECK(msg && !strstr(msg, "1234"));
        CHECK(msg && !strstr(msg, "y"));
        json_decref(j);
    }
    free(r);
    af_redact_clear();
}

/* Redacts a valid JSON document and checks the result still parses. */
static void check_json_valid(const char *doc, const char *expected)
{
    char *r = af_redact_str(doc);
    json_error_t je;
    json_t *j = json_loads(r, JSON_DECODE_ANY, &je);
    if (!j)
        fprintf(stderr, "invalid JSON after redaction: %s -> %s\n", doc, r);
    CHECK(j != NULL);
    json_decref(j);
    CHECK_STR(r, expected);
    free(r);
}

TEST(json_structure_preserved)
{
    af_redact_clear();
    /* A key word at the end of a string: the quote closes it, opens nothing. */
    check_json_valid("{\"msg\":\"missing key:\",\"x\":1}", "{\"msg\":\"missing key:\",\"x\":1}");
    check_json_valid("{\"a\":\"pwd=\",\"b\":\"c\"}", "{\"a\":\"pwd=\",\"b\":\"c\"}");
    check_json_valid("[\"token:\" , 1]", "[\"token:\" , 1]");
    check_json_valid("{\"Secret'=\":\"\"}", "{\"Secret'=\":\"\"}"); /* found by fuzzing */
    /* Bare literals become the string "***"; arrays and objects are left. */
    check_json_valid("{\"msg\":\"a\",\"token\":5}", "{\"msg\":\"a\",\"token\":\"***\"}");
    check_json_valid("{\"Authorization\": true}", "{\"Authorization\": \"***\"}");
    check_json_valid("{\"password\":[1,2]}", "{\"password\":[1,2]}");
    check_json_valid("{\"secret\" : {\"a\":1}}", "{\"secret\" : {\"a\":1}}");
    check_json_valid("{\"pwd\":\"a\\\\\"}", "{\"pwd\":\"***\"}");
    check_json_valid("{\"m\":\"Authorization: Bearer x\\ny\",\"k\":2}",
                     "{\"m\":\"Authorization: Bearer ***\\ny\",\"k\":2}");
    check_json_valid("{\"m\":\"see https://u:pw@h/x\"}", "{\"m\":\"see https://u:***@h/x\"}");
}

TEST(appends_and_edges)
{
    af_buf b;
    af_buf_init(&b);
    CHECK_INT(af_buf_append_str(&b, "pre:"), AF_OK);
    CHECK_INT(af_redact("pwd=1 tail", 5, &b), AF_OK);
    CHECK_STR(af_buf_cstr(&b), "pre:pwd=***");
    CHECK_INT(af_redact(NULL, 0, &b), AF_OK);
    CHECK_INT(af_redact("x", 1, NULL), AF_EINVAL);
    af_buf_free(&b);
    CHECK(af_redact_str(NULL) == NULL);
    CHECK_REDACT("", "");
    CHECK_REDACT("password=", "password=");
    CHECK_REDACT("password", "password");
    CHECK_REDACT("://", "://");
    CHECK_REDACT("x://:@", "x://:@");
    CHECK_REDACT("token=\\", "token=***");
    /* Embedded NUL bytes are data like any other. */
    af_buf_init(&b);
    CHECK_INT(af_redact("a\0pwd=z", 7, &b), AF_OK);
    CHECK_INT(b.len, 9);
    CHECK(memcmp(b.data, "a\0pwd=***", 9) == 0);
    af_buf_free(&b);
}

static void *register_and_redact(void *arg)
{
    char secret[32];
    snprintf(secret, sizeof secret, "thread-secret-%d", (int)(intptr_t)arg);
    af_redact_register(secret);
    char line[128];
    snprintf(line, sizeof line, "x %s y password=abc", secret);
    int bad = 0;
    for (int i = 0; i < 500; i++) {
        char *r = af_redact_str(line);
        if (!r || strstr(r, "thread-secret") || strstr(r, "abc"))
            bad++;
        free(r);
    }
    return (void *)(intptr_t)bad;
}

TEST(concurrent_register_and_redact)
{
    af_redact_clear();
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&t[i], NULL, register_and_redact, (void *)(intptr_t)i);
    int bad = 0;
    for (int i = 0; i < 4; i++) {
        void *r;
        pthread_join(t[i], &r);
        bad += (int)(intptr_t)r;
    }
    CHECK_INT(bad, 0);
    af_redact_clear();
}

TEST(long_line_performance_sanity)
{
    /* A long ordinary line is copied unchanged (and quickly). */
    size_t n = 1 << 20;
    char *big = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        big[i] = "the quick brown fox jumps over a lazy dog; "[i % 43];
    big[n] = '\0';
    char *r = af_redact_str(big);
    CHECK(r && strcmp(r, big) == 0);
    free(r);
    free(big);
}

TEST_MAIN()
