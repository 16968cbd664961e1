/* eol.c — end-of-life dates of Kubernetes minor releases.
 *
 * Source: the release pages kubernetes.io/releases/1.N/ ("End Of Life
 * Date"), read 2026-11: 1.30 2025-07-15 (reached), 1.33 2026-06-28, 1.34
 * 2026-10-27, 1.35 2027-02-28, 1.36 2027-06-28, 1.37 2027-10-28.  For 1.25
 * to 1.29, 1.31 and 1.32 the dates are those of the same published schedule
 * (the 28th of the month, about 14 months after release).  Add a row when a
 * minor is released; a version the table does not know is never called
 * end of life. */
#include "posture/health.h"

#include "engine/window.h"

#include <stdlib.h>
#include <string.h>

static const struct {
    int minor;
    const char *date;   /* 00:00 UTC that day */
} eol[] = {
    {25, "2023-10-28T00:00:00Z"}, {26, "2024-02-28T00:00:00Z"}, {27, "2024-06-28T00:00:00Z"},
    {28, "2024-10-28T00:00:00Z"}, {29, "2025-02-28T00:00:00Z"}, {30, "2025-07-15T00:00:00Z"},
    {31, "2025-10-28T00:00:00Z"}, {32, "2026-02-28T00:00:00Z"}, {33, "2026-06-28T00:00:00Z"},
    {34, "2026-10-27T00:00:00Z"}, {35, "2027-02-28T00:00:00Z"}, {36, "2027-06-28T00:00:00Z"},
    {37, "2027-10-28T00:00:00Z"},
};

int64_t k8s_eol_date(int minor)
{
    int64_t t = 0;
    for (size_t i = 0; i < sizeof eol / sizeof *eol; i++)
        if (eol[i].minor == minor && !time_parse_rfc3339(eol[i].date, &t))
            return t;
    if (minor >= 0 && minor < eol[0].minor)
        return 1;   /* older than the table: long past end of life */
    return 0;
}

int k8s_minor(const char *v)
{
    if (!v)
        return -1;
    if (*v == 'v')
        v++;
    if (strncmp(v, "1.", 2) || v[2] < '0' || v[2] > '9')
        return -1;
    return atoi(v + 2);
}
