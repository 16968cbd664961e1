/* json_arena.h — a bump allocator for jansson, per thread, for parse trees
 * that live and die together: a list page parsed, decoded and dropped.
 *
 * Why: a page of 500 pods parses into ~150,000 small jansson allocations,
 * all freed together; glibc's malloc spent more CPU on them
 * (malloc_consolidate, chunk coalescing: ~40 % of the collector's CPU in a
 * first sync, measured with perf) than the decoding itself.
 *
 * Contract: between json_arena_begin() and json_arena_end() on a thread,
 * that thread's jansson allocations come from its arena and their frees
 * cost nothing; json_arena_end() makes the memory reusable at once, so
 * nothing allocated in between may be used after it (a tree parsed there
 * is simply dropped: no json_decref needed).  Other threads, and this
 * thread outside begin/end, use malloc and free as before; a free of
 * arena memory outside the window is still a no-op.  json_arena_release()
 * gives the thread's blocks back (when its list is over).  The allocator
 * functions are installed once, before main and so before any jansson
 * call, as jansson requires, when this module is linked in. */
#ifndef KT_UTIL_JSON_ARENA_H
#define KT_UTIL_JSON_ARENA_H

void json_arena_begin(void);
void json_arena_end(void);
void json_arena_release(void);

#endif
