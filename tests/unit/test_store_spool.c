/* The agent's spool (store/spool.h): a spooled transaction written as one
 * file of the size its format says, read back into a real SQLite store
 * with every value and reference intact, a flipped byte or a truncation
 * detected and skipped, the bound kept by dropping the oldest, files a
 * newer one rewrites deleted, and what a restart finds. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "store/spool.h"
#include "store/store.h"

static char dir[256];
static const int64_t H = 1764410400; /* 2025-11-29T10:00Z, an hour start */

static long file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) ? -1 : (long)st.st_size;
}

static void nth_file(const char *d, int seq, char *buf, size_t n) { snprintf(buf, n, "%s/%016d.kts", d, seq); }

static kt_store *sqlite(const char *name)
{
    char url[400];
    kt_store *s = NULL;
    kt_err err = {0};
    snprintf(url, sizeof url, "sqlite:%s/%s.db", dir, name);
    if (store_open(url, KT_STORE_CREATE, &s, &err))
        fprintf(stderr, "%s\n", err.msg);
    return s;
}

/* One spooled transaction: the cluster "c" and meta k=v.  By hand:
 *   cluster record: op 1 + "c" (4+1+1) + "" × 3 (4+0+1 each) + "kube" (4+4+1) = 1+6+15+9 = 31
 *   meta record:    op 1 + "k" (6) + "v" (6)                                      = 13
 *   payload 44, file = 48 header + 44 + 4 checksum = 96 bytes. */
static int write_tiny(kt_spool *sp)
{
    kt_store *w = spool_store(sp);
    kt_cluster_rec c = {"c", "", "", "", "kube"};
    int64_t id = 0;
    int rc = store_begin(w, NULL) || store_put_cluster(w, &c, &id, NULL) || store_set_meta(w, "k", "v", NULL) ||
             store_commit(w, NULL);
    return rc || id != 1 ? -1 : 0;
}

/* A cluster and one fee hour at t.  By hand: cluster "f" record 31 bytes
 * (as above); fee hour: op 1 + cluster ref 8 + t 8 + hours 8 + hourly 8 +
 * "eks" (4+3+1) = 41; payload 72, file 124 bytes. */
static int write_fee(kt_spool *sp, int64_t t, double hours)
{
    kt_store *w = spool_store(sp);
    kt_cluster_rec c = {"f", "", "", "", "kube"};
    int64_t id = 0;
    if (store_begin(w, NULL) || store_put_cluster(w, &c, &id, NULL))
        return -1;
    kt_fee_hour fh = {id, t, hours, 0.10, "eks"};
    return store_put_fee_hour(w, &fh, NULL) || store_commit(w, NULL);
}

TEST(sizes_by_hand)
{
    char d[300], path[400];
    kt_spool *sp = NULL;
    snprintf(d, sizeof d, "%s/sizes", dir);
    CHECK(spool_open(d, 1 << 20, &sp, NULL) == 0);
    CHECK(write_tiny(sp) == 0);
    nth_file(d, 1, path, sizeof path);
    CHECK(file_size(path) == 96);
    CHECK(write_fee(sp, H, 1.0) == 0);
    nth_file(d, 2, path, sizeof path);
    CHECK(file_size(path) == 124);
    kt_spool_stats st;
    spool_stats(sp, &st);
    /* the tiny file has no hours: the fee file rewrites all of it (spool.h), so it went */
    CHECK(st.files == 1 && st.bytes == 124 && st.dropped == 0);
    CHECK(st.oldest > 0);
    spool_close(sp);
}

/* Everything a flush puts, spooled and replayed into SQLite: the values
 * and the references between things survive the trip. */
TEST(read_back)
{
    char d[300];
    kt_spool *sp = NULL;
    snprintf(d, sizeof d, "%s/readback", dir);
    CHECK(spool_open(d, 1 << 20, &sp, NULL) == 0);
    kt_store *w = spool_store(sp);
    int64_t cid, nid, pid, kid, vid;
    kt_cluster_rec c = {"prod", "aws", "us-east-1", "", "kube"};
    kt_node_rec n = {0, "n1", "aws", "us-east-1", "us-east-1a", "m5.xlarge", "pool", "aws:///i-1", "", "amd64",
                     "linux", 0, 4, 16.0 * (1 << 30), 0};
    kt_kv labels[] = {{"app", "web"}, {"team", "pay"}};
    const char *svcs[] = {"web-svc"};
    CHECK(store_begin(w, NULL) == 0);
    CHECK(store_put_cluster(w, &c, &cid, NULL) == 0);
    n.cluster_id = cid;
    CHECK(store_put_node(w, &n, &nid, NULL) == 0);
    kt_pod_rec p = {cid, nid, "default", "web-1", "uid-1", "Deployment", "web", labels, 2, NULL, 0, svcs, 1};
    CHECK(store_put_pod(w, &p, &pid, NULL) == 0);
    CHECK(store_put_container(w, pid, "app", &kid, NULL) == 0);
    CHECK(store_put_namespace(w, cid, "default", labels, 1, NULL, 0, NULL) == 0);
    kt_volume_rec v = {cid, "pv-1", "gp3", "default", "data", "aws://vol-1", "gp3"};
    CHECK(store_put_volume(w, &v, &vid, NULL) == 0);
    /* 1800 s of a 500m container: 0.25 core-hours requested */
    kt_container_hour ch = {kid, H, 1800, 0.25, 0.1, 0.25, 0.5 * (1 << 30), 0.4 * (1 << 30), 0.5 * (1 << 30),
                            0, 0.3, 0.45 * (1 << 30), 1};
    kt_node_hour nh = {nid, H, 0.5, 0.031611, 0.004237, 0.95, 0.192, "catalog"};
    kt_volume_hour vh = {vid, H, 0.5, 10.0 * (1 << 30), 0.000109589, "default"};
    kt_pod_volume_hour pvh = {pid, vid, H, 0.5};
    CHECK(store_put_container_hour(w, &ch, NULL) == 0 && store_put_node_hour(w, &nh, NULL) == 0 &&
          store_put_volume_hour(w, &vh, NULL) == 0 && store_put_pod_volume_hour(w, &pvh, NULL) == 0);
    CHECK(store_set_meta(w, "live_flush:prod", "1764412200", NULL) == 0);
    CHECK(store_commit(w, NULL) == 0);
    CHECK(cid == 1 && nid == 1 && pid == 1 && kid == 1 && vid == 1); /* the file's own ids */

    kt_store *db = sqlite("readback");
    kt_err err = {0};
    CHECK(db && spool_replay(sp, db, 1, &err) == 0);
    kt_spool_stats st;
    spool_stats(sp, &st);
    CHECK(st.files == 0 && st.bytes == 0 && st.replayed == 1 && st.oldest == 0);
    char val[64];
    CHECK(store_get_meta(db, "live_flush:prod", val, sizeof val, NULL) == 1);
    CHECK_STR(val, "1764412200");
    kt_dataset ds;
    CHECK(store_load_raw(db, H, &ds, &err) == 0);
    CHECK(ds.n_cfacts == 1 && ds.n_nfacts == 1 && ds.n_vfacts == 1);
    if (ds.n_cfacts == 1) {
        CHECK_NEAR(ds.cfacts[0].seconds, 1800, 1e-12);
        CHECK_NEAR(ds.cfacts[0].cpu_req, 0.25, 1e-12);
        CHECK_NEAR(ds.cfacts[0].cpu_peak, 0.3, 1e-12);
        const ds_pod *pp = &ds.pods[ds.containers[ds.cfacts[0].container].pod];
        CHECK_STR(strtab_get(&ds.strs, pp->name), "web-1");
        CHECK_STR(strtab_get(&ds.strs, pp->controller), "web");
        CHECK(pp->n_labels == 2 && pp->n_svcs == 1);
        CHECK_STR(strtab_get(&ds.strs, ds.nodes[pp->node].instance_type), "m5.xlarge");
    }
    if (ds.n_nfacts == 1)
        CHECK_NEAR(ds.nfacts[0].hours, 0.5, 1e-12);
    ds_free(&ds);
    /* replaying the same flush twice changes nothing (facts replace hours) */
    CHECK(write_fee(sp, H, 1.0) == 0 && write_fee(sp, H + 3600, 1.0) == 0);
    CHECK(spool_replay(sp, db, 1, &err) == 0);
    store_close(db);
    spool_close(sp);
}

/* Flip one payload byte of one file and truncate another: both are found
 * out by the checksum/length, skipped with a line, deleted and counted;
 * the good file between them is replayed. */
TEST(corrupt_detected)
{
    char d[300], path[400];
    kt_spool *sp = NULL;
    snprintf(d, sizeof d, "%s/corrupt", dir);
    CHECK(spool_open(d, 1 << 20, &sp, NULL) == 0);
    CHECK(write_fee(sp, H, 1.0) == 0 && write_fee(sp, H + 3600, 0.5) == 0 && write_fee(sp, H + 7200, 0.25) == 0);
    spool_close(sp);
    nth_file(d, 1, path, sizeof path);
    int fd = open(path, O_RDWR);
    unsigned char b;
    CHECK(pread(fd, &b, 1, 100) == 1); /* header 48 + cluster record 31 + fee op, ref, t 17: its hours */
    b ^= 0x01;
    CHECK(pwrite(fd, &b, 1, 100) == 1);
    close(fd);
    nth_file(d, 3, path, sizeof path);
    CHECK(truncate(path, 100) == 0);
    CHECK(spool_open(d, 1 << 20, &sp, NULL) == 0);
    CHECK(spool_pending(sp) == 3);
    kt_store *db = sqlite("corrupt");
    kt_err err = {0};
    CHECK(db && spool_replay(sp, db, 1, &err) == 0);
    kt_spool_stats st;
    spool_stats(sp, &st);
    CHECK(st.files == 0 && st.dropped == 2 && st.replayed == 1);
    kt_dataset ds;
    CHECK(store_load_raw(db, H, &ds, &err) == 0 && ds.n_feefacts == 0); /* the flipped file: nothing of it */
    ds_free(&ds);
    CHECK(store_load_raw(db, H + 3600, &ds, &err) == 0 && ds.n_feefacts == 1);
    if (ds.n_feefacts == 1)
        CHECK_NEAR(ds.feefacts[0].hours, 0.5, 1e-12);
    ds_free(&ds);
    CHECK(access(path, F_OK) != 0);
    store_close(db);
    spool_close(sp);
}

/* Bound 300 bytes: two 124-byte files fit (248), a third would be 372,
 * so the oldest goes (one warning line) and is counted; the same hour
 * written again by this handle replaces its file, not counted; a flush
 * larger than the whole bound is refused. */
TEST(bound_respected)
{
    char d[300], path[400];
    kt_spool *sp = NULL;
    kt_spool_stats st;
    snprintf(d, sizeof d, "%s/bound", dir);
    CHECK(spool_open(d, 300, &sp, NULL) == 0);
    CHECK(write_fee(sp, H, 1.0) == 0 && write_fee(sp, H + 3600, 1.0) == 0);
    spool_stats(sp, &st);
    CHECK(st.files == 2 && st.bytes == 248 && st.dropped == 0);
    CHECK(write_fee(sp, H + 7200, 0.5) == 0);
    spool_stats(sp, &st);
    CHECK(st.files == 2 && st.bytes == 248 && st.dropped == 1);
    nth_file(d, 1, path, sizeof path);
    CHECK(access(path, F_OK) != 0);
    CHECK(write_fee(sp, H + 7200, 0.75) == 0); /* the current hour again: file 3 is rewritten whole by 4 */
    spool_stats(sp, &st);
    CHECK(st.files == 2 && st.bytes == 248 && st.dropped == 1);
    nth_file(d, 3, path, sizeof path);
    CHECK(access(path, F_OK) != 0);
    /* 200 labels of 10-byte strings: far past 300 bytes */
    kt_store *w = spool_store(sp);
    kt_kv kv[200];
    for (int i = 0; i < 200; i++)
        kv[i] = (kt_kv){"label-key", "some-value"};
    int64_t id;
    CHECK(store_begin(w, NULL) == 0);
    CHECK(store_put_namespace(w, 0, "big", kv, 200, NULL, 0, NULL) == 0);
    kt_err err = {0};
    CHECK(store_commit(w, &err) != 0 && strstr(err.msg, "--spool-max-mb"));
    (void)id;
    spool_stats(sp, &st);
    CHECK(st.files == 2 && st.bytes == 248);
    spool_close(sp);
    /* a restart finds the two files in order, and removes a temp file a kill left */
    snprintf(path, sizeof path, "%s/.tmp-0000000000000009.kts", d);
    FILE *f = fopen(path, "w");
    if (f)
        fputs("half", f), fclose(f);
    CHECK(spool_open(d, 300, &sp, NULL) == 0);
    spool_stats(sp, &st);
    CHECK(st.files == 2 && st.bytes == 248 && st.dropped == 0);
    CHECK(access(path, F_OK) != 0);
    kt_store *db = sqlite("bound");
    CHECK(db && spool_replay(sp, db, 0, &err) == 0); /* a replica: files kept */
    CHECK(spool_pending(sp) == 2);
    kt_dataset ds;
    CHECK(store_load_raw(db, H + 7200, &ds, &err) == 0 && ds.n_feefacts == 1);
    if (ds.n_feefacts == 1)
        CHECK_NEAR(ds.feefacts[0].hours, 0.75, 1e-12);
    ds_free(&ds);
    store_close(db);
    spool_close(sp);
}

int main(void)
{
    snprintf(dir, sizeof dir, "/tmp/kt-spool-test-XXXXXX");
    if (!mkdtemp(dir))
        return 1;
    RUN(sizes_by_hand);
    RUN(read_back);
    RUN(corrupt_detected);
    RUN(bound_respected);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    return check_done();
}
