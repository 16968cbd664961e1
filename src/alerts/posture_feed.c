/* posture_feed.c — building and sharing posture feeds; see posture_feed.h. */
#include "alerts/posture_feed.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

kt_posture_feed *posture_feed_new(int64_t computed_at)
{
    kt_posture_feed *f = xcalloc(1, sizeof *f);
    f->refs = 1;
    f->computed_at = computed_at;
    return f;
}

void posture_feed_add(kt_posture_feed *f, kt_feed_source src, int severity, const char *cluster, const char *ns,
                      const char *kind, const char *name, const char *check, const char *detail)
{
    assert(f && (severity == 1 || severity == 2));
    const char *in[6] = {cluster, ns, kind, name, check, detail};
    size_t len[6], total = 0;
    for (int i = 0; i < 6; i++) {
        in[i] = in[i] ? in[i] : "";
        total += (len[i] = strlen(in[i])) + 1;
    }
    char *p = xmalloc(total), *s[6];
    for (int i = 0; i < 6; i++) {
        s[i] = p;
        memcpy(p, in[i], len[i] + 1);
        p += len[i] + 1;
    }
    grow_array((void **)&f->items, &f->cap, f->n, sizeof *f->items);
    f->items[f->n++] = (kt_feed_item){src, severity, s[0], s[1], s[2], s[3], s[4], s[5]};
}

void posture_feed_score(kt_posture_feed *f, const char *cluster, int posture, int health)
{
    assert(f && cluster);
    grow_array((void **)&f->scores, &f->cap_scores, f->n_scores, sizeof *f->scores);
    f->scores[f->n_scores++] = (kt_feed_score){xstrdup(cluster), posture, health};
}

kt_posture_feed *posture_feed_ref(kt_posture_feed *f)
{
    if (f)
        __atomic_add_fetch(&f->refs, 1, __ATOMIC_RELAXED);
    return f;
}

void posture_feed_unref(kt_posture_feed *f)
{
    if (!f || __atomic_sub_fetch(&f->refs, 1, __ATOMIC_ACQ_REL) > 0)
        return;
    for (size_t i = 0; i < f->n; i++)
        free((char *)f->items[i].cluster); /* the item's one allocation starts there */
    for (size_t i = 0; i < f->n_scores; i++)
        free(f->scores[i].cluster);
    free(f->items);
    free(f->scores);
    free(f);
}
