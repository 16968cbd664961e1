/* usage.c — PodMetricsList into usage samples; see usage.h. */
#include "kube/usage.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "kube/decode.h"
#include "kube/quantity.h"
#include "util/buf.h"

long kube_parse_go_duration(const char *s)
{
    double total = 0;
    if (!s || !*s)
        return 0;
    while (*s) {
        char *end;
        double v = strtod(s, &end);
        if (end == s || v < 0 || !isfinite(v))
            return 0;
        s = end;
        if (!strncmp(s, "ms", 2)) total += v / 1000, s += 2;
        else if (*s == 'h') total += v * 3600, s++;
        else if (*s == 'm') total += v * 60, s++;
        else if (*s == 's') total += v, s++;
        else return 0;
    }
    long w = (long)ceil(total);
    return w < 1 ? 1 : w;
}

static void add_pod(json_t *item, kt_strtab *strs, kt_usage_batch *b)
{
    const char *ns = kube_json_str(item, "metadata", "namespace"), *name = kube_json_str(item, "metadata", "name");
    int64_t t = kube_parse_time(kube_json_str(item, "timestamp", NULL));
    long window = kube_parse_go_duration(kube_json_str(item, "window", NULL));
    json_t *ctrs = json_object_get(item, "containers");
    if (!ns || !name || !t || !json_is_array(ctrs)) {
        b->skipped++;
        return;
    }
    uint32_t ns_id = strtab_intern(strs, ns), pod_id = strtab_intern(strs, name);
    size_t i;
    json_t *c;
    json_array_foreach(ctrs, i, c) {
        const char *cn = kube_json_str(c, "name", NULL), *cpu = kube_json_str(c, "usage", "cpu"), *mem = kube_json_str(c, "usage", "memory");
        double cores, bytes;
        if (!cn || !cpu || !mem || kube_parse_quantity(cpu, &cores) || kube_parse_quantity(mem, &bytes)) {
            b->skipped++;
            continue;
        }
        grow_array((void **)&b->s, &b->cap, b->n, sizeof *b->s);
        b->s[b->n++] = (kt_usage_sample){ns_id, pod_id, strtab_intern(strs, cn), cores, bytes, t, window ? window : 30};
    }
}

int kube_usage_decode(json_t *list, kt_strtab *strs, kt_usage_batch *b)
{
    json_t *items = json_object_get(list, "items");
    if (!json_is_array(items))
        return -1;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
        add_pod(it, strs, b);
    return 0;
}

void kube_usage_free(kt_usage_batch *b)
{
    free(b->s);
    memset(b, 0, sizeof *b);
}
