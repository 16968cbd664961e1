/* spool_internal.h — what spool.c (files, folder, bound) and
 * spool_codec.c (puts ↔ records) share; not for use outside src/store. */
#ifndef KT_STORE_SPOOL_INTERNAL_H
#define KT_STORE_SPOOL_INTERNAL_H

#include "store/spool.h"
#include "store/store_backend.h"
#include "util/buf.h"

/* Kinds of things a record may create or refer to. */
enum { SPK_CLUSTER, SPK_NODE, SPK_POD, SPK_CONTAINER, SPK_VOLUME, SPK_LB, SPK_KINDS };

/* The writing handle: a kt_store whose puts append records. */
typedef struct sp_writer {
    const kt_store_ops *ops; /* first: store.c reads it */
    kt_spool *sp;
    kt_buf payload;
    uint32_t records;
    int64_t next_id[SPK_KINDS];
    int64_t h0, h1;          /* hours of the facts put */
    int in_txn;
} sp_writer;

void sp_writer_init(sp_writer *w, kt_spool *sp);
void sp_writer_reset(sp_writer *w);
/* spool.c: write the writer's transaction as one file. */
int sp_write_file(kt_spool *sp, const sp_writer *w, kt_err *err);
/* Perform a payload's `records` puts on dst (inside the caller's
 * transaction); an undecodable record is an error naming it. */
int sp_apply(const unsigned char *p, size_t n, uint32_t records, kt_store *dst, kt_err *err);
/* (returns -2 when the payload itself is bad, -1 when dst refused a put) */

#endif
