/* test_util_json_arena.c — jansson's per-thread arena (util/json_arena.h):
 * trees parsed in the window read back whole, the window's memory is
 * reused by the next one, frees there cost nothing, and jansson outside
 * the window (other threads, or this one after it) still uses malloc. */
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "util/buf.h"
#include "util/json_arena.h"

/* A list page of n items, as the API server writes one. */
static char *page(int n)
{
    kt_buf b = {0};
    buf_puts(&b, "{\"kind\":\"PodList\",\"metadata\":{\"continue\":\"abc\"},\"items\":[");
    for (int i = 0; i < n; i++)
        buf_printf(&b, "%s{\"metadata\":{\"name\":\"p-%d\",\"labels\":{\"app\":\"a%d\"}},\"spec\":{\"n\":%d}}",
                   i ? "," : "", i, i % 7, i);
    buf_puts(&b, "]}");
    return b.data;
}

static void *other_thread(void *arg)
{
    /* another thread's jansson is plain malloc/free, whatever this one does */
    json_t *j = json_pack("{s:i}", "x", 1);
    json_t **out = arg;
    *out = j;
    return NULL;
}

TEST(window)
{
    char *text = page(5000); /* ~400 KB: several 1 MiB blocks of tree */
    json_t *kept = json_pack("{s:s}", "before", "the window"); /* malloc'd */
    for (int round = 0; round < 3; round++) {
        json_arena_begin();
        json_t *j = json_loads(text, 0, NULL);
        json_t *items = json_object_get(j, "items");
        CHECK(json_array_size(items) == 5000);
        CHECK_STR(json_string_value(json_object_get(json_object_get(json_array_get(items, 4321), "metadata"), "name")),
                  "p-4321");
        json_array_remove(items, 0); /* a free in the window: a no-op, nothing breaks */
        CHECK(json_array_size(items) == 4999);
        json_t *t = NULL;
        pthread_t th;
        pthread_create(&th, NULL, other_thread, &t);
        pthread_join(th, NULL);
        CHECK(json_integer_value(json_object_get(t, "x")) == 1);
        json_decref(t); /* freed here, allocated there: free() */
        json_arena_end();
    }
    /* after the window: malloc again; a tree made before it is intact */
    json_t *after = json_pack("{s:i}", "n", 2);
    CHECK_STR(json_string_value(json_object_get(kept, "before")), "the window");
    json_decref(after);
    json_decref(kept);
    json_arena_release();
    free(text);
}

int main(void)
{
    RUN(window);
    return check_done();
}
