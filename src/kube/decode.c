/* decode.c — the decoder, kind table, times and the readers every kind
 * shares; see decode.h.  Per-kind decoding lives in decode_pod.c,
 * decode_node.c and decode_misc.c. */
#include "kube/decode.h"

#include <stdlib.h>
#include <string.h>

#include "kube/decode_internal.h"
#include "kube/quantity.h"
#include "util/buf.h"

/* path, log name, the kind items of its list are, its apiVersion */
static const struct {
    const char *path, *name, *kind, *api;
} kinds[K_ALL_KINDS] = {
    [K_NODE] = {"/api/v1/nodes", "node", "Node", "v1"},
    [K_POD] = {"/api/v1/pods", "pod", "Pod", "v1"},
    [K_NAMESPACE] = {"/api/v1/namespaces", "namespace", "Namespace", "v1"},
    [K_PV] = {"/api/v1/persistentvolumes", "persistentvolume", "PersistentVolume", "v1"},
    [K_PVC] = {"/api/v1/persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", "v1"},
    [K_SERVICE] = {"/api/v1/services", "service", "Service", "v1"},
    [K_STORAGECLASS] = {"/apis/storage.k8s.io/v1/storageclasses", "storageclass", "StorageClass", "storage.k8s.io/v1"},
    [K_REPLICASET] = {"/apis/apps/v1/replicasets", "replicaset", "ReplicaSet", "apps/v1"},
    [K_JOB] = {"/apis/batch/v1/jobs", "job", "Job", "batch/v1"},
    [K_SERVICEACCOUNT] = {"/api/v1/serviceaccounts", "serviceaccount", "ServiceAccount", "v1"},
    [K_CONFIGMAP] = {"/api/v1/configmaps", "configmap", "ConfigMap", "v1"},
    [K_DEPLOYMENT] = {"/apis/apps/v1/deployments", "deployment", "Deployment", "apps/v1"},
    [K_STATEFULSET] = {"/apis/apps/v1/statefulsets", "statefulset", "StatefulSet", "apps/v1"},
    [K_DAEMONSET] = {"/apis/apps/v1/daemonsets", "daemonset", "DaemonSet", "apps/v1"},
    [K_CRONJOB] = {"/apis/batch/v1/cronjobs", "cronjob", "CronJob", "batch/v1"},
    [K_PDB] = {"/apis/policy/v1/poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", "policy/v1"},
    [K_HPA] = {"/apis/autoscaling/v2/horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler",
               "autoscaling/v2"},
    [K_NETWORKPOLICY] = {"/apis/networking.k8s.io/v1/networkpolicies", "networkpolicy", "NetworkPolicy",
                         "networking.k8s.io/v1"},
    [K_INGRESS] = {"/apis/networking.k8s.io/v1/ingresses", "ingress", "Ingress", "networking.k8s.io/v1"},
    [K_ROLE] = {"/apis/rbac.authorization.k8s.io/v1/roles", "role", "Role", "rbac.authorization.k8s.io/v1"},
    [K_CLUSTERROLE] = {"/apis/rbac.authorization.k8s.io/v1/clusterroles", "clusterrole", "ClusterRole",
                       "rbac.authorization.k8s.io/v1"},
    [K_ROLEBINDING] = {"/apis/rbac.authorization.k8s.io/v1/rolebindings", "rolebinding", "RoleBinding",
                       "rbac.authorization.k8s.io/v1"},
    [K_CLUSTERROLEBINDING] = {"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings", "clusterrolebinding",
                              "ClusterRoleBinding", "rbac.authorization.k8s.io/v1"},
};

const enum kt_kind kube_posture_kinds[KT_POSTURE_KINDS] = {
    K_NODE, K_NAMESPACE, K_POD, K_PV, K_PVC, K_SERVICEACCOUNT, K_CONFIGMAP, K_DEPLOYMENT, K_STATEFULSET,
    K_DAEMONSET, K_REPLICASET, K_JOB, K_CRONJOB, K_PDB, K_HPA, K_NETWORKPOLICY, K_INGRESS, K_ROLE, K_CLUSTERROLE,
    K_ROLEBINDING, K_CLUSTERROLEBINDING,
};

const char *kube_kind_path(enum kt_kind kind)
{
    return (unsigned)kind < K_ALL_KINDS ? kinds[kind].path : "";
}

const char *kube_kind_name(enum kt_kind kind)
{
    return (unsigned)kind < K_ALL_KINDS ? kinds[kind].name : "unknown";
}

const char *kube_kind_object(enum kt_kind kind)
{
    return (unsigned)kind < K_ALL_KINDS ? kinds[kind].kind : "";
}

const char *kube_kind_api_version(enum kt_kind kind)
{
    return (unsigned)kind < K_ALL_KINDS ? kinds[kind].api : "";
}

int kube_kind_namespaced(enum kt_kind kind)
{
    return kind == K_POD || kind == K_PVC || kind == K_SERVICE || kind == K_REPLICASET || kind == K_JOB ||
           (kind >= K_KIND_COUNT && kind < K_ALL_KINDS && kind != K_CLUSTERROLE && kind != K_CLUSTERROLEBINDING);
}

kt_decoder *kube_decoder_new(kt_strtab *strs)
{
    kt_decoder *d = xcalloc(1, sizeof *d);
    d->strs = strs;
    return d;
}

void kube_decoder_free(kt_decoder *d)
{
    if (!d)
        return;
    free(d->labels.v);
    free(d->annotations.v);
    free(d->selector.v);
    free(d->containers);
    free(d->claims);
    buf_free(&d->posture[0]);
    buf_free(&d->posture[1]);
    free(d);
}

int kube_decode(kt_decoder *d, enum kt_kind kind, json_t *obj, kt_object *out, kt_err *err)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    if ((unsigned)kind >= K_ALL_KINDS)
        return kt_fail(err, KT_ERUNTIME, "decode: unknown object kind %d", (int)kind);
    if (!json_is_object(obj))
        return kt_fail(err, KT_EINPUT, "%s: the API sent a %s, not a JSON object", kinds[kind].name,
                       obj ? "non-object" : "null");
    int rc;
    switch (kind) {
    case K_NODE: rc = decode_node(d, obj, &out->u.node, err); break;
    case K_POD: rc = decode_pod(d, obj, &out->u.pod, err); break;
    case K_NAMESPACE: rc = decode_namespace(d, obj, &out->u.ns, err); break;
    case K_PV: rc = decode_pv(d, obj, &out->u.pv, err); break;
    case K_PVC: rc = decode_pvc(d, obj, &out->u.pvc, err); break;
    case K_SERVICE: return decode_service(d, obj, &out->u.svc, err);
    case K_STORAGECLASS: return decode_storageclass(d, obj, &out->u.sc, err);
    case K_REPLICASET:
    case K_JOB: rc = decode_owner(d, kind, obj, &out->u.owner, err); break;
    default: rc = decode_named_kind(d, kind, obj, &out->u.named, err); break; /* posture-only kinds */
    }
    if (!rc && d->keep_posture)
        decode_posture(d, obj, out);
    return rc;
}

void kube_decoder_keep_posture(kt_decoder *d, int on)
{
    d->keep_posture = on;
}

/* ---- times ---- */

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * civil-to-days arithmetic: years start in March so Feb 29 is last). */
static int64_t days_from_civil(int y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : dm[m - 1];
}

int64_t kube_parse_time(const char *s)
{
    int y, mo, d, h, mi, sec;
    if (!s || strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') ||
        s[13] != ':' || s[16] != ':' || digits(s, 4, &y) || digits(s + 5, 2, &mo) || digits(s + 8, 2, &d) ||
        digits(s + 11, 2, &h) || digits(s + 14, 2, &mi) || digits(s + 17, 2, &sec))
        return 0;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60)
        return 0;
    const char *p = s + 19;
    if (*p == '.') { /* fractional seconds: whole seconds are enough for metering */
        p++;
        if (*p < '0' || *p > '9')
            return 0;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    int64_t off = 0;
    if ((*p == 'Z' || *p == 'z') && !p[1]) {
        off = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (digits(p + 1, 2, &oh) || digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return 0;
        off = (*p == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    } else {
        return 0;
    }
    return days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - off;
}

/* ---- readers shared by every kind ---- */

uint32_t decode_cstr(kt_decoder *d, const char *s)
{
    return s && *s ? strtab_intern(d->strs, s) : 0;
}

uint32_t decode_str(kt_decoder *d, json_t *v)
{
    if (!json_is_string(v))
        return 0;
    size_t n = json_string_length(v);
    return n ? strtab_intern_n(d->strs, json_string_value(v), n) : 0;
}

const char *kube_json_str(json_t *o, const char *k1, const char *k2)
{
    json_t *v = json_object_get(o, k1); /* NULL for non-objects */
    if (k2)
        v = json_object_get(v, k2);
    return json_string_value(v);        /* NULL for non-strings */
}

const char *decode_get_str(json_t *obj, const char *key) { return kube_json_str(obj, key, NULL); }

json_t *decode_get_obj(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    return json_is_object(v) ? v : NULL;
}

double decode_quantity(json_t *v)
{
    double q = 0;
    if (json_is_string(v))
        return kube_parse_quantity(json_string_value(v), &q) ? 0 : q;
    if (json_is_number(v)) /* some tools write plain numbers */
        return (q = json_number_value(v)) >= 0 && q < 1e300 ? q : 0;
    return 0;
}

int decode_is_gpu(const char *key)
{
    return !strcmp(key, "nvidia.com/gpu") || !strcmp(key, "amd.com/gpu") || !strcmp(key, "gpu.intel.com/i915");
}

int decode_meta(enum kt_kind kind, json_t *obj, int namespaced, kt_meta *m, kt_err *err)
{
    memset(m, 0, sizeof *m);
    json_t *meta = decode_get_obj(obj, "metadata");
    const char *key;
    json_t *v;
    /* one pass over metadata instead of a hash lookup per field */
    json_object_foreach(meta, key, v) {
        switch (key[0]) {
        case 'n':
            if (!strcmp(key, "name"))
                m->name = json_string_value(v);
            else if (!strcmp(key, "namespace"))
                m->namespace_ = json_string_value(v);
            break;
        case 'u':
            if (!strcmp(key, "uid"))
                m->uid = json_string_value(v);
            break;
        case 'l':
            if (!strcmp(key, "labels") && json_is_object(v))
                m->labels = v;
            break;
        case 'a':
            if (!strcmp(key, "annotations") && json_is_object(v))
                m->annotations = v;
            break;
        case 'o':
            if (!strcmp(key, "ownerReferences") && json_is_array(v))
                m->owners = v;
            break;
        case 'c':
            if (!strcmp(key, "creationTimestamp"))
                m->created = kube_parse_time(json_string_value(v));
            break;
        case 'd':
            if (!strcmp(key, "deletionTimestamp"))
                m->deleted = kube_parse_time(json_string_value(v));
            break;
        default:
            break;
        }
    }
    if (!meta)
        return kt_fail(err, KT_EINPUT, "%s: object has no metadata (metadata.name missing)", kinds[kind].name);
    if (!m->name || !*m->name)
        return kt_fail(err, KT_EINPUT, "%s: object has no metadata.name", kinds[kind].name);
    if (namespaced && (!m->namespace_ || !*m->namespace_))
        return kt_fail(err, KT_EINPUT, "%s %.200s: object has no metadata.namespace", kinds[kind].name, m->name);
    return 0;
}

int decode_named(kt_decoder *d, enum kt_kind kind, json_t *obj, kt_meta *m, uint32_t *ns, uint32_t *name,
                 kt_err *err)
{
    if (decode_meta(kind, obj, ns != NULL, m, err))
        return -1;
    if (ns)
        *ns = decode_cstr(d, m->namespace_);
    *name = decode_cstr(d, m->name);
    return 0;
}

void decode_kv(kt_decoder *d, json_t *map, kt_kv_scratch *s, kt_kv_id **out, size_t *n)
{
    s->n = 0;
    const char *key;
    json_t *v;
    json_object_foreach(map, key, v) {
        if (!json_is_string(v))
            continue;
        size_t kl = strlen(key), vl = json_string_length(v);
        if (!kl || kl > KT_DECODE_MAX_KV || vl > KT_DECODE_MAX_KV ||
            !strcmp(key, "kubectl.kubernetes.io/last-applied-configuration")) /* a whole manifest */
            continue;
        grow_array((void **)&s->v, &s->cap, s->n, sizeof *s->v);
        s->v[s->n].key = strtab_intern_n(d->strs, key, kl);
        s->v[s->n].value = vl ? strtab_intern_n(d->strs, json_string_value(v), vl) : 0;
        s->n++;
    }
    *out = s->n ? s->v : NULL;
    *n = s->n;
}

void decode_controller(kt_decoder *d, json_t *owners, uint32_t *kind, uint32_t *name)
{
    size_t i;
    json_t *ref;
    *kind = *name = 0;
    json_array_foreach(owners, i, ref) {
        if (json_is_true(json_object_get(ref, "controller"))) {
            *kind = decode_str(d, json_object_get(ref, "kind"));
            *name = decode_str(d, json_object_get(ref, "name"));
            return;
        }
    }
}
