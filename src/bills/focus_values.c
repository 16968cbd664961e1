/* focus_values.c — reading FOCUS values: decimals, date/times, Tags,
 * provider names, and the resource key bills and assets are matched on.
 * See focus.h for the forms accepted. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bills/focus.h"
#include "util/buf.h"

const char *const focus_problem_names[FOCUS_P_COUNT] = {
    "a mandatory dimension is null", "ChargeCategory is not a FOCUS value",
    "negative cost on a Usage or Purchase row that is not a Correction", "Tags is not a JSON object",
    "ChargePeriodEnd is before ChargePeriodStart",
};

int focus_parse_decimal(const char *s, double *v)
{
    assert(s && v);
    /* FOCUS decimals are plain numbers; hex floats, "nan" and "inf" that
     * strtod would take are refused by the first-character check. */
    const char *p = s + (*s == '-' || *s == '+');
    if ((!isdigit((unsigned char)*p) && !(*p == '.' && isdigit((unsigned char)p[1]))) || strpbrk(p, "xXpP"))
        return -1;
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (*end || errno == ERANGE || !isfinite(d))
        return -1;
    *v = d;
    return 0;
}

/* n digits at *p into *out; advances. */
static int digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (!isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
    }
    *out = v;
    return 0;
}

int focus_parse_time(const char *s, int64_t *t)
{
    assert(s && t);
    const char *p = s;
    struct tm tm = {0};
    int y, mo, d, h = 0, mi = 0, sec = 0, off = 0;
    if (digits(&p, 4, &y) || *p++ != '-' || digits(&p, 2, &mo) || *p++ != '-' || digits(&p, 2, &d))
        return -1;
    if (*p == 'T' || *p == ' ') {
        if (p[1] == 'U') { /* "2024-09-01 UTC" */
        } else {
            p++;
            if (digits(&p, 2, &h) || *p++ != ':' || digits(&p, 2, &mi))
                return -1;
            if (*p == ':' && (p++, digits(&p, 2, &sec)))
                return -1;
            if (*p == '.')
                for (p++; isdigit((unsigned char)*p); p++) {}
        }
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p++ == '-' ? -1 : 1, oh, om = 0;
        if (digits(&p, 2, &oh))
            return -1;
        if (*p == ':')
            p++;
        if (*p && digits(&p, 2, &om))
            return -1;
        off = sign * (oh * 3600 + om * 60);
    } else if (!strcmp(p, " UTC")) {
        p += 4;
    }
    if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60)
        return -1;
    tm.tm_year = y - 1900, tm.tm_mon = mo - 1, tm.tm_mday = d, tm.tm_hour = h, tm.tm_min = mi, tm.tm_sec = sec;
    *t = (int64_t)timegm(&tm) - off;
    return 0;
}

/* A scalar JSON value as tag text; NULL for objects and arrays. */
static char *scalar_text(json_t *v)
{
    char tmp[64];
    switch (json_typeof(v)) {
    case JSON_STRING: return xstrdup(json_string_value(v));
    case JSON_INTEGER: snprintf(tmp, sizeof tmp, "%lld", (long long)json_integer_value(v)); return xstrdup(tmp);
    case JSON_REAL: snprintf(tmp, sizeof tmp, "%.17g", json_real_value(v)); return xstrdup(tmp);
    case JSON_TRUE: return xstrdup("true");
    case JSON_FALSE: return xstrdup("false");
    case JSON_NULL: return xstrdup("");
    default: return NULL;
    }
}

/* GCP's [{"key": k, "value": v}, …] → {k: v}; NULL when not that shape. */
static json_t *from_pairs(json_t *arr)
{
    json_t *obj = json_object(), *item;
    size_t i;
    json_array_foreach(arr, i, item) {
        json_t *k = json_object_get(item, "key"), *v = json_object_get(item, "value");
        if (!json_is_string(k) || !v) {
            json_decref(obj);
            return NULL;
        }
        json_object_set(obj, json_string_value(k), v);
    }
    return obj;
}

int focus_tags_canonical(const char *s, kt_buf *out)
{
    assert(s && out);
    json_t *j = json_loads(s, JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
    if (!j && *s != '{' && *s != '[') { /* Azure: "k": "v", "k2": "v2" */
        kt_buf w = {0};
        buf_printf(&w, "{%s}", s);
        j = json_loads(w.data, JSON_REJECT_DUPLICATES, NULL);
        buf_free(&w);
    }
    if (j && json_is_array(j)) {
        json_t *o = from_pairs(j);
        json_decref(j);
        j = o;
    }
    json_t *canon = j && json_is_object(j) ? json_object() : NULL;
    const char *k;
    json_t *v;
    if (canon)
        json_object_foreach(j, k, v) {
            char *text = scalar_text(v);
            if (!text) {
                json_decref(canon);
                canon = NULL;
                break;
            }
            json_object_set_new(canon, k, json_string(text));
            free(text);
        }
    json_decref(j);
    if (!canon) {
        buf_puts(out, "{}");
        return -1;
    }
    char *text = json_dumps(canon, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII);
    buf_puts(out, text ? text : "{}");
    free(text);
    json_decref(canon);
    return 0;
}

void focus_provider(const char *name, char *buf, size_t n)
{
    assert(name && buf && n);
    static const struct { const char *prefix, *to; } known[] = {
        {"aws", "aws"}, {"amazon", "aws"}, {"google", "gcp"}, {"gcp", "gcp"}, {"microsoft", "azure"},
        {"azure", "azure"}, {"oracle", "oracle"}, {"oci", "oracle"}, {"alibaba", "alibaba"},
    };
    for (size_t i = 0; i < sizeof known / sizeof *known; i++)
        if (!strncasecmp(name, known[i].prefix, strlen(known[i].prefix))) {
            snprintf(buf, n, "%s", known[i].to);
            return;
        }
    size_t k = 0;
    for (const char *p = name; *p && k + 1 < n; p++)
        buf[k++] = *p == ' ' ? '-' : (char)tolower((unsigned char)*p);
    buf[k] = 0;
}

static void lower_copy(const char *s, size_t len, char *buf, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < len && k + 1 < n; i++)
        buf[k++] = (char)tolower((unsigned char)s[i]);
    buf[k] = 0;
}

void focus_resource_key(const char *id, char *buf, size_t n)
{
    assert(id && buf && n);
    buf[0] = 0;
    size_t len = strlen(id);
    while (len && id[len - 1] == '/')
        len--;
    /* Azure: the resource id is the identity; its last segment (a VMSS
     * instance number) is not. */
    const char *sub = strcasestr(id, "subscriptions/");
    if (sub && (size_t)(sub - id) < len) {
        lower_copy(sub, len - (size_t)(sub - id), buf, n);
        return;
    }
    /* AWS load balancer ARN …:loadbalancer/app/NAME/ID → NAME (what the
     * Service's hostname starts with). */
    const char *lb = strstr(id, ":loadbalancer/");
    if (lb) {
        const char *p = lb + 14;
        if (!strncmp(p, "app/", 4) || !strncmp(p, "net/", 4))
            p += 4;
        lower_copy(p, strcspn(p, "/"), buf, n);
        return;
    }
    /* Everything else: the last path segment (i-…, vol-…, GCP instance
     * and disk names, self links), or after the last ':' in an ARN
     * without '/'. */
    const char *last = id;
    for (size_t i = 0; i < len; i++)
        if (id[i] == '/' || (id[i] == ':' && !memchr(id + i, '/', len - i)))
            last = id + i + 1;
    lower_copy(last, len - (size_t)(last - id), buf, n);
}
