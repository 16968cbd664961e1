/* answer.c — table-or-JSON printing of JSON answers; see answer.h. */
#include "cmd/answer.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "util/time.h"

int cmd_table_or_json(const char *o, enum kt_output *out, kt_err *err)
{
    *out = KT_OUT_TABLE;
    if (o && (cmd_parse_output(o, out) || *out == KT_OUT_CSV))
        return kt_fail(err, KT_EINPUT, "-o: expected table or json, got '%s'", o);
    return 0;
}

void cmd_print_answer(json_t *answer, enum kt_output out, void (*table)(const json_t *data, kt_buf *b))
{
    kt_buf b = {0};
    if (out == KT_OUT_JSON) {
        /* full precision: the same numbers the API answers */
        char *text = json_dumps(answer, JSON_INDENT(2) | JSON_REAL_PRECISION(17));
        buf_puts(&b, text);
        buf_putc(&b, '\n');
        free(text);
    } else {
        table(json_object_get(answer, "data"), &b);
    }
    json_decref(answer);
    fwrite(b.data, 1, b.len, stdout);
    buf_free(&b);
}

int cmd_parse_at(const char *at, int64_t *now, kt_err *err)
{
    *now = (int64_t)time(NULL);
    if (at && time_parse_rfc3339(at, now))
        return kt_fail(err, KT_EINPUT, "--at: expected an RFC3339 time such as 2026-03-11T13:20:00Z, got '%.64s'",
                       at);
    return 0;
}
