/* report_def.c — validating a saved report; see report_def.h. */
#include "alerts/report_def.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "alerts/budget.h"
#include "alerts/rule.h"

static int bad(const char **field, const char *key, kt_err *err, const char *msg)
{
    *field = key;
    return kt_fail(err, KT_EINPUT, "%s: %s", key, msg);
}

int report_from_json(const json_t *j, kt_report *r, const char **field, kt_err *err)
{
    static const char *const known[] = {"name", "query", "schedule", "emails", "webhook", "folder", NULL};
    static const char *const scheds[] = {"none", "daily", "weekly", "monthly"};
    assert(r && field);
    memset(r, 0, sizeof *r);
    *field = "";
    if (!json_is_object(j))
        return kt_fail(err, KT_EINPUT, "a report is a mapping with name and query");
    const char *k = json_unknown_key(j, known);
    if (k)
        return bad(field, k, err, "unknown field; a report has name, query, schedule, emails, webhook, folder");
    const char *name = json_string_value(json_object_get(j, "name"));
    if (!name || !*name || strlen(name) >= sizeof r->name ||
        strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != strlen(name) ||
        name[0] == '.')
        return bad(field, "name", err, "required, letters, digits, _ . - (up to 63)");
    snprintf(r->name, sizeof r->name, "%s", name);
    const json_t *q = json_object_get(j, "query"), *v;
    if (!json_is_object(q) || !json_object_get(q, "window"))
        return bad(field, "query", err, "required, allocation parameters with a window (window: lastmonth)");
    r->query = json_object();
    json_object_foreach((json_t *)q, k, v) { /* parameters are strings, as in a URL */
        char num[64];
        if (json_is_string(v))
            json_object_set(r->query, k, (json_t *)v);
        else if (json_is_boolean(v))
            json_object_set_new(r->query, k, json_string(json_is_true(v) ? "true" : "false"));
        else if (json_is_number(v) && snprintf(num, sizeof num, "%.17g", json_number_value(v)) > 0)
            json_object_set_new(r->query, k, json_string(num));
        else
            return bad(field, "query", err, "parameter values are strings, numbers or booleans");
    }
    const char *sc = json_string_value(json_object_get(j, "schedule"));
    int found = !sc;
    for (int i = 0; sc && i < 4; i++)
        if (!strcmp(sc, scheds[i]))
            r->schedule = (enum kt_report_schedule)i, found = 1;
    if (!found)
        return bad(field, "schedule", err, "daily, weekly, monthly or none");
    const json_t *em = json_object_get(j, "emails");
    size_t i;
    if (em && !json_is_array(em))
        return bad(field, "emails", err, "a list of addresses");
    json_array_foreach(em, i, v) if (!json_is_string(v) || !strchr(json_string_value(v), '@') ||
                                     strpbrk(json_string_value(v), "<>\r\n"))
        return bad(field, "emails", err, "a list of addresses");
    r->emails = em ? json_deep_copy(em) : json_array();
    const char *wh = json_string_value(json_object_get(j, "webhook")), *fo = json_string_value(json_object_get(j, "folder"));
    if ((json_object_get(j, "webhook") && (!wh || !*wh)) || (wh && strlen(wh) >= sizeof r->webhook))
        return bad(field, "webhook", err, "a webhook receiver's name");
    if ((json_object_get(j, "folder") && (!fo || fo[0] != '/')) || (fo && strlen(fo) >= sizeof r->folder))
        return bad(field, "folder", err, "an absolute path");
    snprintf(r->webhook, sizeof r->webhook, "%s", wh ? wh : "");
    snprintf(r->folder, sizeof r->folder, "%s", fo ? fo : "");
    return 0;
}

void report_free(kt_report *r)
{
    if (!r)
        return;
    json_decref(r->query);
    json_decref(r->emails);
    r->query = r->emails = NULL;
}

int64_t report_next_run(const kt_report *r, int64_t t)
{
    assert(r);
    static const enum kt_rule_cal cal[] = {KT_CAL_DAYS, KT_CAL_DAYS, KT_CAL_WEEKLY, KT_CAL_MONTHLY};
    if (r->schedule == KT_REPORT_NONE)
        return 0;
    kt_rule rule = {.type = KT_RULE_RECURRING, .cal = cal[r->schedule], .window_s = 86400};
    return rule_next_run(&rule, t);
}
