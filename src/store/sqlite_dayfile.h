/* sqlite_dayfile.h — inside the day-file cache (store-internal): one
 * file's format, writer and reader (sqlite_daycache.c), used by the
 * multi-day blocks and window reads (sqlite_dayblocks.c).
 *
 * A file holds a dataset's things and facts for [day, day + span) with the
 * generation it was built from; dc_read_file folds it into a dc_reader's
 * dataset, deduplicating things by database id, and fails (changing
 * nothing the caller keeps: the caller discards the dataset) when the file
 * is missing, stale, foreign or damaged. */
#ifndef KT_SQLITE_DAYFILE_H
#define KT_SQLITE_DAYFILE_H

#include "store/sqlite_internal.h"
#include "util/buf.h"

/* Database id -> dataset index as a plain array: ids are dense (SQLite
 * rowids), and a hash probe per thing per day was most of the read time. */
typedef struct dc_idmap {
    uint32_t *v;
    size_t cap;
} dc_idmap;

/* Kinds of things deduplicated by database id, in the files' id order. */
enum { K_CLUSTER, K_NODE, K_POD, K_CONTAINER, K_VOLUME, K_LB };

/* Files being folded into one dataset. */
typedef struct dc_reader {
    kt_dataset *ds;
    int daily; /* keep each day's facts (a stepped question), don't sum them */
    ds_sum_state sum;
    dc_idmap seen[6];  /* database id -> dataset index, per kind of thing */
    kt_u64map ns_seen; /* (cluster, name) -> namespace */
} dc_reader;

/* Element counts from a file's header (for reserving room), checked
 * against its size. */
typedef struct dc_counts {
    uint64_t cfacts, pods, containers, kvs, svcs;
} dc_counts;

/* PATH.days/DAY.ktd */
void dc_file_of(const kt_store *s, int64_t day, char *buf, size_t n);
/* The file image of ds (its things' database ids in `ids`) for `day`, `gen`;
 * -1 (the image is not to be written) when an id is past what readers take. */
int dc_serialize(const kt_dataset *ds, const sq_ids *ids, int64_t day, int64_t gen, kt_buf *b);
/* Written to a temporary name, renamed into place; -1 on any failure. */
int dc_write_file(const char *path, const kt_buf *b);
/* Fold the file into R->ds; -1 when it cannot be used. */
int dc_read_file(dc_reader *R, const char *path, int64_t day, int64_t gen);
/* The file exists with this day and generation (its header only). */
int dc_file_valid(const char *path, int64_t day, int64_t gen);
int dc_file_counts(const char *path, dc_counts *c);

/* Container facts packed (sqlite_daypack.c): appended to b as 8-byte
 * words, only the fields that are neither zero nor the previous fact's,
 * t and dur only when they differ from t0 and dur0. */
#define DCF_FIELDS 23 /* the 8-byte fields of ds_container_fact */
void dcf_pack(const ds_container_fact *f, size_t n, int64_t t0, int32_t dur0, kt_buf *b);
/* The fact at word *pos of w[0, nw), *pos moved past it; prev: the previous
 * fact's fields (DCF_FIELDS words, zero before a file's first fact),
 * updated.  -1 when the words are not a packed fact (unknown bits, running
 * past nw, a bad span). */
int dcf_unpack(const uint64_t *w, size_t nw, size_t *pos, int64_t t0, int32_t dur0, uint64_t *prev,
               ds_container_fact *f);

/* A string table front-coded onto b; returns the bytes it decodes to (each
 * string and its NUL). */
uint64_t dc_pack_strs(const kt_strtab *t, kt_buf *b);
/* The nstr strings of s[0, n), decoding to `bytes`, into *out (NUL-ended,
 * string i at (*off)[i], (*off)[nstr] = bytes), both malloc'd; -1 (nothing
 * allocated) when s is not such a table. */
int dc_unpack_strs(const unsigned char *s, size_t n, uint64_t nstr, uint64_t bytes, char **out, uint32_t **off);

/* Database ids as varint deltas onto b; decoded into *out (malloc'd),
 * each under max, or -1 (nothing allocated). */
void dc_pack_ids(const uint32_t *ids, size_t n, kt_buf *b);
int dc_unpack_ids(const unsigned char *s, size_t n, uint64_t count, uint32_t max, uint32_t **out);

/* Records of up to 64 32-bit fields (pods, node facts), packed like
 * container facts: a field that is zero or the previous record's costs no
 * word. */
void dc_pack_u32(const void *recs, size_t n, size_t rec_size, kt_buf *b);
/* The record at word *pos of w[0, nw) into rec, *pos moved past it; prev:
 * the previous record (64 words, zero before the first), updated.  -1 when
 * the words are not a packed record. */
int dc_unpack_u32(const uint32_t *w, size_t nw, size_t *pos, uint32_t *prev, void *rec, size_t rec_size);

/* A dataset's pods and namespaces with their label, annotation and service
 * lists shared (sqlite_daypack.c): each distinct list once in kvs / svcs. */
typedef struct dc_lists {
    ds_pod *pods;
    ds_namespace *namespaces;
    kt_buf kvs, svcs; /* ds_kv, uint32_t */
} dc_lists;
void dc_share_lists(const kt_dataset *ds, dc_lists *L);
void dc_lists_free(dc_lists *L);

#endif
