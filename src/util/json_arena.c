/* json_arena.c — jansson's allocator with a per-thread bump arena; see
 * json_arena.h.
 *
 * Blocks of 1 MiB (or one allocation's size, when larger) are chained in
 * the order they were made; the window fills them in that order and
 * json_arena_end rewinds to the first, so a thread parsing pages of one
 * size settles on enough blocks for one page and allocates nothing more.
 * A free is a no-op when the pointer lies in one of the thread's blocks
 * (a handful: a 500-pod page takes ~6), else it goes to free(). */
#include "util/json_arena.h"

#include <assert.h>
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

#include "util/buf.h"

#define BLOCK_BYTES ((size_t)1 << 20)

typedef struct block {
    struct block *next;
    size_t used, size;
    _Alignas(16) char data[];
} block;

static __thread block *head, *cur;   /* this thread's blocks; the one being filled */
static __thread int active;

static int in_arena(const void *p)
{
    for (const block *b = head; b; b = b->next)
        if ((const char *)p >= b->data && (const char *)p < b->data + b->size)
            return 1;
    return 0;
}

/* A block after cur with room for n bytes, made when there is none. */
static block *next_block(size_t n)
{
    block *prev = cur;
    for (block *b = cur ? cur->next : head; b; prev = b, b = b->next)
        if (b->size >= n) {
            b->used = 0;
            return b;
        }
    size_t size = n > BLOCK_BYTES ? n : BLOCK_BYTES;
    block *b = xmalloc(sizeof *b + size);
    b->used = 0, b->size = size;
    b->next = prev ? prev->next : NULL; /* NULL: prev is the last block */
    if (prev)
        prev->next = b;
    else
        head = b;
    return b;
}

static void *arena_malloc(size_t n)
{
    if (!active)
        return malloc(n);
    n = (n + 15) & ~(size_t)15;
    if (!cur || cur->size - cur->used < n)
        cur = next_block(n);
    void *p = cur->data + cur->used;
    cur->used += n;
    return p;
}

static void arena_free(void *p)
{
    if (p && !in_arena(p))
        free(p);
}

__attribute__((constructor)) static void install(void)
{
    json_set_alloc_funcs(arena_malloc, arena_free);
}

void json_arena_begin(void)
{
    assert(!active);
    active = 1;
    cur = head;
    if (cur)
        cur->used = 0;
}

void json_arena_end(void)
{
    assert(active);
    active = 0;
    cur = NULL;
}

void json_arena_release(void)
{
    assert(!active);
    while (head) {
        block *b = head;
        head = b->next;
        free(b);
    }
    cur = NULL;
}
