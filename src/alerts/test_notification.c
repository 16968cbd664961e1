/* test_notification.c — the body `kubetally alerts --test RECEIVER` sends:
 * shaped like a real notification of the receiver's kind, so routing and
 * signature checks are exercised, but named KubetallyTest so no route for
 * budget alerts takes it for one.  See alert.h. */
#include <assert.h>

#include "alerts/alert.h"
#include "util/buf.h"
#include "util/time.h"

char *alerts_test_body(enum kt_receiver_kind kind, const char *receiver, int64_t now)
{
    assert(receiver);
    char starts[32], ends[32];
    time_format(now, starts);
    time_format(now + 300, ends); /* gone from Alertmanager five minutes later */
    if (kind == KT_RECV_EMAIL) {
        kt_buf m = {0};
        buf_printf(&m, "Subject: kubetally test notification\r\nMIME-Version: 1.0\r\n"
                   "Content-Type: text/plain; charset=utf-8\r\n\r\nA test from kubetally to %s at %s.\r\n",
                   receiver, starts);
        return buf_steal(&m);
    }
    json_t *labels = json_pack("{s:s, s:s, s:s}", "alertname", "KubetallyTest", "severity", "info", "receiver",
                               receiver);
    json_t *j = kind == KT_RECV_ALERTMANAGER
                    ? json_pack("[{s:o, s:{s:s}, s:s, s:s}]", "labels", labels, "annotations", "summary",
                                "kubetally test notification", "startsAt", starts, "endsAt", ends)
                    : json_pack("{s:s, s:{s:o}, s:s, s:s}", "event", "test", "alert", "labels", labels, "startsAt",
                                starts, "endsAt", ends);
    char *s = json_dumps(j, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(j);
    return s;
}
