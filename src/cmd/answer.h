/* answer.h — printing a JSON answer ({"code": 200, "data": …}, the same
 * body the API gives) as indented JSON or as a table, for the subcommands
 * whose answers are built as JSON (budgets, alerts). */
#ifndef KT_CMD_ANSWER_H
#define KT_CMD_ANSWER_H

#include <stdint.h>

#include <jansson.h>

#include "cmd/cmd.h"
#include "util/buf.h"

/* -o for table-or-JSON commands; fills err naming the flag. */
int cmd_table_or_json(const char *o, enum kt_output *out, kt_err *err);
/* --at RFC3339 (NULL ⇒ the current time) into *now; err names the flag. */
int cmd_parse_at(const char *at, int64_t *now, kt_err *err);
/* Print and release answer: JSON as is, or table(data) into a buffer. */
void cmd_print_answer(json_t *answer, enum kt_output out, void (*table)(const json_t *data, kt_buf *b));

#endif
