/* Day files (store/sqlite_dayfile.h): a damaged, truncated or foreign file
 * is refused or read, never read past.  The harness takes the day and
 * generation from the input's own header, so the fuzzer gets past that
 * check into the sections; the checksum is verified only after they are
 * folded, so their bounds checks are what stands between a bad file and
 * the reader. */
#include "fuzz.h"
#include "store/sqlite_dayfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int64_t day = 0, gen = 0;
    if (size >= 24) {
        memcpy(&day, data + 8, 8);
        memcpy(&gen, data + 16, 8);
    }
    const char *path = fuzz_file(data, size, ".ktd");
    kt_dataset ds;
    dc_reader R;
    memset(&R, 0, sizeof R);
    R.ds = &ds;
    R.daily = size % 2; /* both ways of folding: kept per day, or summed */
    ds_init(&ds);
    u64map_init(&R.ns_seen);
    if (!R.daily)
        ds_sum_begin(&R.sum);
    dc_read_file(&R, path, day, gen);
    if (!R.daily)
        ds_sum_end(&ds, &R.sum);
    for (int k = 0; k < 6; k++)
        free(R.seen[k].v);
    u64map_free(&R.ns_seen);
    ds_free(&ds);
    return 0;
}
