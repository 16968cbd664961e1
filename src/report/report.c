/* report.c — building and sending saved reports; see report.h. */
#include "report/report.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/query.h"
#include "format/format.h"
#include "format/report_html.h"
#include "util/base64.h"
#include "util/log.h"
#include "util/time.h"

static const char *param(void *ctx, const char *name)
{
    return json_string_value(json_object_get((const json_t *)ctx, name));
}

int report_build(kt_store *s, const kt_report *r, int64_t now, const kt_engine_limits *lim, kt_report_out *out,
                 kt_err *err)
{
    assert(s && r && lim && out);
    memset(out, 0, sizeof *out);
    kt_alloc_query q;
    kt_query_holder h;
    kt_answer a;
    if (alloc_query_parse(param, r->query, now, &q, &h, err) || alloc_query_run(s, &q, &h, lim, &a, err)) {
        query_holder_free(&h);
        return kt_wrap(err, "report %s: query.", r->name);
    }
    out->window = q.window;
    format_alloc_csv(&a, &q.agg, &out->csv);
    char title[128], sub[160], ws[32], we[32];
    time_format(q.window.start, ws);
    time_format(q.window.end, we);
    snprintf(title, sizeof title, "kubetally report %s", r->name);
    snprintf(sub, sizeof sub, "%.10s to %.10s (UTC), by %s", ws, we, param(r->query, "aggregate") ?: "container");
    format_report_html(&a, &q.agg, title, sub, &out->total, &out->html);
    engine_answer_free(&a);
    query_holder_free(&h);
    return 0;
}

void report_out_free(kt_report_out *o)
{
    buf_free(&o->csv);
    buf_free(&o->html);
}

/* base64 in lines of 76, as MIME wants */
static void b64_lines(kt_buf *m, const kt_buf *b)
{
    char *e = b64_encode((const unsigned char *)(b->data ? b->data : ""), b->len);
    for (size_t i = 0, n = strlen(e); i < n; i += 76)
        buf_printf(m, "%.*s\r\n", (int)(n - i < 76 ? n - i : 76), e + i);
    free(e);
}

static char *mail_for(const kt_report *r, const kt_report_out *o, const char *from, const char *to, int64_t now)
{
    char date[64], day[32];
    time_t t = (time_t)now;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    time_format(o->window.start, day);
    kt_buf m = {0};
    buf_printf(&m, "From: kubetally <%s>\r\nTo: <%s>\r\nSubject: kubetally report %s: %.10s\r\nDate: %s\r\n"
               "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"kt-report-boundary\"\r\n\r\n"
               "--kt-report-boundary\r\nContent-Type: text/html; charset=utf-8\r\n"
               "Content-Transfer-Encoding: base64\r\n\r\n", from, to, r->name, day, date);
    b64_lines(&m, &o->html);
    buf_printf(&m, "--kt-report-boundary\r\nContent-Type: text/csv; charset=utf-8; name=\"%s-%.10s.csv\"\r\n"
               "Content-Disposition: attachment; filename=\"%s-%.10s.csv\"\r\nContent-Transfer-Encoding: base64\r\n"
               "\r\n", r->name, day, r->name, day);
    b64_lines(&m, &o->csv);
    buf_puts(&m, "--kt-report-boundary--\r\n");
    return m.data;
}

/* NAME-DATE.EXT in the folder: written whole under a temporary name, then renamed. */
static int write_file(const kt_report *r, const kt_report_out *o, const char *ext, const kt_buf *b, kt_err *err)
{
    char day[32], path[700], tmp[720];
    time_format(o->window.start, day);
    snprintf(path, sizeof path, "%s/%s-%.10s.%s", r->folder, r->name, day, ext);
    snprintf(tmp, sizeof tmp, "%s.tmp%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int ok = f && fwrite(b->data ? b->data : "", 1, b->len, f) == b->len;
    ok = f && !fclose(f) && ok;
    if (!ok || rename(tmp, path)) {
        int e = errno;
        remove(tmp);
        return kt_fail(err, KT_ERUNTIME, "report %s: folder %s: %s", r->name, r->folder, strerror(e));
    }
    return 0;
}

static const kt_receiver *receiver(const kt_alerts_config *c, const char *name, enum kt_receiver_kind kind)
{
    for (size_t i = 0; i < c->n_receivers; i++)
        if (c->receivers[i].kind == kind && (!name || !strcmp(c->receivers[i].name, name)))
            return &c->receivers[i];
    return NULL;
}

/* The notifications of one report (inside the caller's transaction). */
static int enqueue(kt_store *s, const kt_report *r, const kt_alerts_config *c, const kt_report_out *o, int64_t now,
                   kt_alert_stats *st, kt_err *err)
{
    char key[100];
    snprintf(key, sizeof key, "report:%s", r->name);
    const kt_receiver *mail = receiver(c, NULL, KT_RECV_EMAIL);
    if (json_array_size(r->emails) && !mail)
        return kt_fail(err, KT_EINPUT, "report %s: emails need an email receiver in the config file", r->name);
    size_t i;
    const json_t *to;
    json_array_foreach(r->emails, i, to) {
        char *m = mail_for(r, o, mail->from, json_string_value(to), now);
        int rc = alerts_outbox_put(s, key, "report", "email", json_pack("{s:s, s:s}", "to", json_string_value(to),
                                                                        "via", mail->name), m, now, st, err);
        free(m);
        if (rc)
            return -1;
    }
    if (!r->webhook[0])
        return 0;
    if (!receiver(c, r->webhook, KT_RECV_WEBHOOK))
        return kt_fail(err, KT_EINPUT, "report %s: webhook: no webhook receiver named '%s'", r->name, r->webhook);
    char ws[32], we[32];
    time_format(o->window.start, ws);
    time_format(o->window.end, we);
    json_t *j = json_pack("{s:s, s:s, s:{s:s, s:s}, s:f, s:s%, s:s%}", "event", "report", "report", r->name, "window",
                          "start", ws, "end", we, "totalCost", o->total, "csv", o->csv.data ? o->csv.data : "",
                          o->csv.len, "html", o->html.data ? o->html.data : "", o->html.len);
    char *body = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    int rc = alerts_outbox_put(s, key, "report", r->webhook, NULL, body, now, st, err);
    free(body);
    return rc;
}

/* Build, write the folder, queue the notifications with `also` (the
 * schedule's record, may be NULL) in one transaction. */
static int send_with(kt_store *s, const kt_report *r, const kt_alerts_config *c, int64_t now,
                     const kt_engine_limits *lim, kt_alert_stats *st, const char *also, kt_err *err)
{
    kt_report_out o;
    if (report_build(s, r, now, lim, &o, err))
        return -1;
    int rc = r->folder[0] && (write_file(r, &o, "csv", &o.csv, err) || write_file(r, &o, "html", &o.html, err));
    if (!rc && !(rc = store_begin(s, err))) {
        rc = enqueue(s, r, c, &o, now, st, err) ||
             (also && store_put_record(s, KT_REPORTRUN_KIND, r->name, also, err));
        if (rc)
            store_rollback(s);
        else
            rc = store_commit(s, err);
    }
    report_out_free(&o);
    return rc ? -1 : 0;
}

int report_send(kt_store *s, const kt_report *r, const kt_alerts_config *c, int64_t now,
                const kt_engine_limits *lim, kt_alert_stats *st, kt_err *err)
{
    assert(s && r && c && lim && st);
    return send_with(s, r, c, now, lim, st, NULL, err);
}

void reports_round(kt_store *s, const kt_alerts_config *c, int64_t now, const kt_engine_limits *lim)
{
    assert(s && c && lim);
    for (size_t i = 0; i < c->n_reports; i++) {
        const kt_report *r = &c->reports[i];
        if (r->schedule == KT_REPORT_NONE)
            continue;
        char *body = NULL;
        int64_t next = 0;
        if (store_get_record(s, KT_REPORTRUN_KIND, r->name, &body, NULL) == 1) {
            json_t *j = json_loads(body, 0, NULL);
            next = json_integer_value(json_object_get(j, "nextRun"));
            json_decref(j);
        }
        free(body);
        kt_err err = {0};
        kt_alert_stats st = {0};
        if (next && now < next)
            continue;
        json_t *j = json_pack("{s:I, s:I, s:s}", "lastRun", (json_int_t)(next ? next : 0), "nextRun",
                              (json_int_t)report_next_run(r, now), "lastError", "");
        char *text = json_dumps(j, JSON_COMPACT);
        /* first seen: scheduled only; due: sent as of its scheduled time, with the new schedule */
        int rc = next ? send_with(s, r, c, next, lim, &st, text, &err)
                      : store_put_record(s, KT_REPORTRUN_KIND, r->name, text, &err);
        if (rc) {
            log_warn("reports: %s", err.msg);
            json_object_set_new(j, "lastError", json_string(err.msg));
            free(text);
            text = json_dumps(j, JSON_COMPACT);
            kt_err e2 = {0};
            store_put_record(s, KT_REPORTRUN_KIND, r->name, text, &e2); /* tried again at the next schedule */
        } else if (next) {
            log_info("reports: %s sent (%d notifications queued)", r->name, st.queued);
        }
        free(text);
        json_decref(j);
    }
}
