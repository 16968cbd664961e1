/* spool.h — an agent's bounded on-disk spool: the flushes that could not
 * reach the database, kept in order until it returns.
 *
 * Why: an agent (collect/serve with a postgresql:// store) that cannot
 * reach its database keeps metering; the hours it cannot commit must
 * survive the agent being restarted (even kill -9) before the database is
 * back.  So each flush that fails is written instead through
 * spool_store(), a store handle whose store_commit writes ONE file holding
 * every put of the transaction (things and hourly facts and meta), and
 * spool_replay() later performs the same puts on the real store, one file
 * per transaction, oldest first, deleting each file once committed.
 * Facts REPLACE whole hours (store.h), so replaying a file twice (a crash
 * between the commit and the delete) changes nothing.
 *
 * Every file is self-contained: ids in it are its own (1, 2, … per kind of
 * thing, in the order its puts made them) and are mapped to the real
 * store's ids while replaying, so the writer must describe every thing it
 * refers to in the same transaction (the collector makes the meter forget
 * its store ids around each spooled flush).
 *
 * File (little-endian; name NNNNNNNNNNNNNNNN.kts, a sequence number, so
 * names sort in write order):
 *   0  "KTSPOOL1"     8 bytes
 *   8  u32 version    1
 *  12  u32 records    puts in the payload
 *  16  i64 first hour of the facts (INT64_MAX when none)
 *  24  i64 last hour  (INT64_MIN when none)
 *  32  i64 written    unix seconds (the spool's age on /metrics)
 *  40  u64 payload length
 *  48  payload        records: u8 op, then its fields (i64, f64 as its
 *                     IEEE bits, i32, strings as u32 length + bytes + NUL,
 *                     key/value lists as u32 count + pairs of strings)
 *  48+len  u32 CRC-32 (zlib's) of every byte before it
 * so a file is SPOOL_OVERHEAD + payload bytes.  Writes are atomic: a temp
 * file, fsync, rename, fsync of the directory; temp files left by a kill
 * are removed at open.  A file whose magic, length or checksum is wrong is
 * skipped with one warning line and deleted (counted as dropped).
 *
 * Bounded: when a new file would take the spool past max_bytes, the oldest
 * files are deleted first, each with one warning line, and counted in
 * `dropped`.  A flush bigger than the whole bound is refused (the meter
 * keeps it in memory).  Files this handle wrote whose hours a newer file of
 * this handle rewrites whole are deleted when that file is written (the
 * meter rewrites the current hour at each flush, so an outage costs one
 * file per hour, not one per flush).
 *
 * Threads: a spool belongs to its cluster's thread; spool_stats may be
 * called from it only (the collector copies the numbers out). */
#ifndef KT_STORE_SPOOL_H
#define KT_STORE_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

enum { SPOOL_HEADER = 48, SPOOL_TRAILER = 4, SPOOL_OVERHEAD = SPOOL_HEADER + SPOOL_TRAILER };

typedef struct kt_spool kt_spool;

typedef struct kt_spool_stats {
    uint64_t bytes;        /* every spooled file */
    long files;
    long dropped;          /* files deleted unreplayed: bound reached, or corrupt */
    long replayed;         /* files committed to the database */
    int64_t oldest;        /* written time of the oldest file; 0 when empty */
} kt_spool_stats;

/* Open (creating it, mode 0700) the spool folder `dir`. */
int spool_open(const char *dir, uint64_t max_bytes, kt_spool **out, kt_err *err);
void spool_close(kt_spool *sp);
const char *spool_dir(const kt_spool *sp);
/* The writing handle (owned by the spool; do not store_close it).  It
 * supports begin, commit, rollback and every put and set_meta; reads fail. */
kt_store *spool_store(kt_spool *sp);
/* Files waiting. */
long spool_pending(const kt_spool *sp);
/* Perform every file's puts on dst, oldest first, one transaction each.
 * consume: delete each file once committed (the database); else keep them
 * (a local replica to resume from).  Stops at the first store error
 * (nothing of that file kept); corrupt files are skipped and deleted. */
int spool_replay(kt_spool *sp, kt_store *dst, int consume, kt_err *err);
void spool_stats(const kt_spool *sp, kt_spool_stats *st);

#endif
