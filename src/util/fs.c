/* fs.c — see fs.h. */
#include "util/fs.h"

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int fs_mkdirs(const char *dir, int mode, kt_err *err)
{
    assert(dir);
    char tmp[1200];
    if (snprintf(tmp, sizeof tmp, "%s", dir) >= (int)sizeof tmp)
        return kt_fail(err, KT_EINPUT, "folder name too long: %.80s…", dir);
    for (char *p = tmp + 1;; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = 0;
            if (mkdir(tmp, (mode_t)mode) && errno != EEXIST)
                return kt_fail(err, KT_ERUNTIME, "cannot create %s: %s", tmp, strerror(errno));
            *p = c;
            if (!c)
                return 0;
        }
    }
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w, n -= (size_t)w;
    }
    return 0;
}

int fs_write_atomic(const char *path, const void *data, size_t n, kt_err *err)
{
    assert(path && (data || !n));
    char tmp[1300], dir[1200];
    const char *slash = strrchr(path, '/');
    int dl = slash ? (int)(slash - path) : 1;
    snprintf(dir, sizeof dir, "%.*s", dl ? dl : 1, slash ? path : ".");
    if (snprintf(tmp, sizeof tmp, "%.*s.tmp-%s", slash ? dl + 1 : 0, path, slash ? slash + 1 : path) >= (int)sizeof tmp)
        return kt_fail(err, KT_EINPUT, "file name too long: %.80s…", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return kt_fail(err, KT_ERUNTIME, "cannot create %s: %s", tmp, strerror(errno));
    int bad = write_all(fd, data, n) || fsync(fd);
    int e = errno;
    if (close(fd) && !bad)
        bad = 1, e = errno;
    if (bad || rename(tmp, path)) {
        if (!bad)
            e = errno;
        unlink(tmp);
        return kt_fail(err, KT_ERUNTIME, "cannot write %s: %s", path, strerror(e));
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) { /* the rename itself durable */
        fsync(dfd);
        close(dfd);
    }
    return 0;
}
