#ifndef LETSWORK_CGIT2_LOOSE_WRITER_H
#define LETSWORK_CGIT2_LOOSE_WRITER_H

#include <git2.h>
#include <git2/sys/odb_backend.h>
#include <zlib.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/// libgit2's loose-object backend with a write of letswork's own.
///
/// Why: libgit2 deflates every object through a new zlib stream (a quarter megabyte set up and
/// cleared per object); a proposal's trees, twenty-byte ids for the most part, hardly compress,
/// and the ledger's commit, tens of kilobytes of JSON under a deep queue, took a third of a
/// millisecond per operation at level 1. Objects whose header and content fit one stored block
/// (LETSWORK_STORED_LIMIT bytes) are written as a zlib stream of that block instead: still what
/// git reads, with no deflate work. What it costs is disk for compressible ones until `git gc`
/// packs them (a ledger commit under 100 pending changes: about 36 KB instead of 8). Larger
/// objects are deflated at the backend's level as before.
///
/// The file is written as git writes one: a temporary file beside the object's place, made whole
/// (and fsynced when core.fsyncObjectFiles asks), then linked into place, so that no reader ever
/// sees part of an object. Reads, existence checks and freshening stay libgit2's.
#define LETSWORK_STORED_LIMIT 65535

typedef struct {
    git_odb_backend parent;
    git_odb_backend *loose;
    char *folder;
    int level;
    int do_fsync;
} letswork_loose_writer;

static inline letswork_loose_writer *letswork_writer(git_odb_backend *backend) {
    return (letswork_loose_writer *)backend;
}

static inline int letswork_writer_fail(const char *what, const char *path) {
    char message[4200];
    snprintf(message, sizeof message, "could not %s '%s': %s", what, path, strerror(errno));
    git_error_set_str(GIT_ERROR_OS, message);
    return -1;
}

static inline int letswork_write_all(int fd, const unsigned char *bytes, size_t count) {
    while (count > 0) {
        ssize_t done = write(fd, bytes, count);
        if (done < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        bytes += done;
        count -= (size_t)done;
    }
    return 0;
}

/// `header` then `data` as one zlib stream of a single stored block (at most LETSWORK_STORED_LIMIT bytes).
static inline int letswork_write_stored(int fd, const char *header, size_t header_length,
                                        const unsigned char *data, size_t length) {
    size_t total = header_length + length;
    unsigned char *out = (unsigned char *)malloc(2 + 5 + total + 4);
    if (out == NULL) return -1;
    unsigned char *at = out;
    *at++ = 0x78; *at++ = 0x01;  // deflate, 32 KiB window, fastest level; header check holds
    *at++ = 0x01;                // final block, stored
    *at++ = (unsigned char)(total & 0xff); *at++ = (unsigned char)(total >> 8);
    *at++ = (unsigned char)(~total & 0xff); *at++ = (unsigned char)((~total >> 8) & 0xff);
    memcpy(at, header, header_length); at += header_length;
    if (length > 0) memcpy(at, data, length);
    at += length;
    uLong check = adler32_z(adler32(0L, Z_NULL, 0), (const Bytef *)header, header_length);
    check = adler32_z(check, data, length);
    *at++ = (unsigned char)(check >> 24); *at++ = (unsigned char)(check >> 16);
    *at++ = (unsigned char)(check >> 8); *at++ = (unsigned char)check;
    int error = letswork_write_all(fd, out, (size_t)(at - out));
    free(out);
    return error;
}

/// `header` then `data` deflated at `level`, written out as it comes.
static inline int letswork_write_deflated(int fd, int level, const char *header, size_t header_length,
                                          const unsigned char *data, size_t length) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (deflateInit(&stream, level) != Z_OK) {
        errno = ENOMEM;
        return -1;
    }
    unsigned char out[65536];
    int error = 0;
    const unsigned char *parts[2] = { (const unsigned char *)header, data };
    size_t sizes[2] = { header_length, length };
    for (int part = 0; part < 2 && error == 0; part++) {
        const unsigned char *next = parts[part];
        size_t left = sizes[part];
        int last_part = part == 1;
        do {
            uInt chunk = left > 1u << 30 ? 1u << 30 : (uInt)left;
            stream.next_in = (Bytef *)next;
            stream.avail_in = chunk;
            next += chunk;
            left -= chunk;
            int flush = last_part && left == 0 ? Z_FINISH : Z_NO_FLUSH;
            int status;
            do {
                stream.next_out = out;
                stream.avail_out = sizeof out;
                status = deflate(&stream, flush);
                if (status == Z_STREAM_ERROR) { errno = EIO; error = -1; break; }
                if (letswork_write_all(fd, out, sizeof out - stream.avail_out) < 0) { error = -1; break; }
            } while (stream.avail_out == 0 || (flush == Z_FINISH && status != Z_STREAM_END));
        } while (error == 0 && left > 0);
    }
    deflateEnd(&stream);
    return error;
}

static inline int letswork_writer_write(git_odb_backend *b, const git_oid *id, const void *data, size_t length,
                                        git_object_t type) {
    letswork_loose_writer *writer = letswork_writer(b);
    char hex[GIT_OID_HEXSZ + 1];
    git_oid_tostr(hex, sizeof hex, id);
    size_t folder_length = strlen(writer->folder);
    char *dir = (char *)malloc(folder_length + 4);
    char *place = (char *)malloc(folder_length + 4 + GIT_OID_HEXSZ);
    char *temporary = (char *)malloc(folder_length + 64);
    if (dir == NULL || place == NULL || temporary == NULL) {
        free(dir); free(place); free(temporary);
        git_error_set_oom();
        return -1;
    }
    snprintf(dir, folder_length + 4, "%s/%.2s", writer->folder, hex);
    snprintf(place, folder_length + 4 + GIT_OID_HEXSZ, "%s/%s", dir, hex + 2);

    int error = -1, fd = -1;
    static unsigned long counter;
    for (int attempt = 0; attempt < 100 && fd < 0; attempt++) {
        struct timespec now;
        clock_gettime(CLOCK_REALTIME, &now);
        unsigned long tag = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
        snprintf(temporary, folder_length + 64, "%s/tmp_obj_letswork_%ld_%lu_%ld", dir, (long)getpid(), tag,
                 (long)now.tv_nsec);
        fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
        if (fd < 0 && errno == ENOENT && mkdir(dir, 0777) < 0 && errno != EEXIST) break;
        if (fd < 0 && errno != ENOENT && errno != EEXIST) break;
    }
    if (fd < 0) {
        letswork_writer_fail("create a temporary object file", temporary);
        goto done;
    }

    char header[64];
    int header_length = snprintf(header, sizeof header, "%s %zu", git_object_type2string(type), length) + 1;
    int written = (size_t)header_length + length <= LETSWORK_STORED_LIMIT
        ? letswork_write_stored(fd, header, (size_t)header_length, (const unsigned char *)data, length)
        : letswork_write_deflated(fd, writer->level, header, (size_t)header_length, (const unsigned char *)data, length);
    if (written < 0 || (writer->do_fsync && fsync(fd) < 0)) {
        letswork_writer_fail("write the object file", temporary);
        close(fd);
        unlink(temporary);
        goto done;
    }
    if (close(fd) < 0) {
        letswork_writer_fail("write the object file", temporary);
        unlink(temporary);
        goto done;
    }
    // Into place by a link, as git does: an object already there (another writer's, the same
    // bytes) stays. File systems without hard links get a rename instead.
    if (link(temporary, place) < 0 && errno != EEXIST) {
        if (errno != EPERM && errno != ENOTSUP && errno != EOPNOTSUPP && errno != EXDEV && errno != EMLINK) {
            letswork_writer_fail("move the object file into place", place);
            unlink(temporary);
            goto done;
        }
        if (rename(temporary, place) < 0) {
            letswork_writer_fail("move the object file into place", place);
            unlink(temporary);
            goto done;
        }
    } else {
        unlink(temporary);
    }
    if (writer->do_fsync) {
        int folder = open(dir, O_RDONLY | O_CLOEXEC);
        if (folder < 0 || fsync(folder) < 0) {
            letswork_writer_fail("sync the object folder", dir);
            if (folder >= 0) close(folder);
            goto done;
        }
        close(folder);
    }
    error = 0;
done:
    free(dir); free(place); free(temporary);
    return error;
}

static inline int letswork_writer_read(void **out, size_t *size, git_object_t *type, git_odb_backend *b, const git_oid *id) {
    return letswork_writer(b)->loose->read(out, size, type, letswork_writer(b)->loose, id);
}

static inline int letswork_writer_read_prefix(git_oid *full, void **out, size_t *size, git_object_t *type,
                                              git_odb_backend *b, const git_oid *prefix, size_t length) {
    return letswork_writer(b)->loose->read_prefix(full, out, size, type, letswork_writer(b)->loose, prefix, length);
}

static inline int letswork_writer_read_header(size_t *size, git_object_t *type, git_odb_backend *b, const git_oid *id) {
    return letswork_writer(b)->loose->read_header(size, type, letswork_writer(b)->loose, id);
}

static inline int letswork_writer_readstream(git_odb_stream **out, size_t *size, git_object_t *type,
                                             git_odb_backend *b, const git_oid *id) {
    return letswork_writer(b)->loose->readstream(out, size, type, letswork_writer(b)->loose, id);
}

static inline int letswork_writer_exists(git_odb_backend *b, const git_oid *id) {
    return letswork_writer(b)->loose->exists(letswork_writer(b)->loose, id);
}

static inline int letswork_writer_exists_prefix(git_oid *full, git_odb_backend *b, const git_oid *prefix, size_t length) {
    return letswork_writer(b)->loose->exists_prefix(full, letswork_writer(b)->loose, prefix, length);
}

static inline int letswork_writer_foreach(git_odb_backend *b, git_odb_foreach_cb callback, void *payload) {
    return letswork_writer(b)->loose->foreach(letswork_writer(b)->loose, callback, payload);
}

static inline int letswork_writer_freshen(git_odb_backend *b, const git_oid *id) {
    return letswork_writer(b)->loose->freshen(letswork_writer(b)->loose, id);
}

static inline void letswork_writer_free(git_odb_backend *b) {
    letswork_loose_writer *writer = letswork_writer(b);
    writer->loose->free(writer->loose);
    free(writer->folder);
    free(writer);
}

/// libgit2's loose backend of `objects_dir` for reading, with letswork's write (see
/// letswork_loose_writer). Streams of objects to write are left to libgit2, which buffers them
/// and calls the write, so every loose object takes this one path.
static inline int letswork_loose_backend(git_odb_backend **out, const char *objects_dir, int level, int do_fsync) {
    git_odb_backend *loose = NULL;
    int error = git_odb_backend_loose(&loose, objects_dir, level, do_fsync, 0, 0);
    if (error < 0) return error;
    letswork_loose_writer *writer = (letswork_loose_writer *)calloc(1, sizeof(letswork_loose_writer));
    size_t length = strlen(objects_dir);
    char *folder = (char *)malloc(length + 1);
    if (writer == NULL || folder == NULL) {
        free(writer);
        free(folder);
        loose->free(loose);
        git_error_set_oom();
        return -1;
    }
    memcpy(folder, objects_dir, length + 1);
    while (length > 1 && folder[length - 1] == '/') folder[--length] = '\0';
    git_odb_init_backend(&writer->parent, GIT_ODB_BACKEND_VERSION);
    writer->loose = loose;
    writer->folder = folder;
    writer->level = level;
    writer->do_fsync = do_fsync;
    writer->parent.read = loose->read ? letswork_writer_read : NULL;
    writer->parent.read_prefix = loose->read_prefix ? letswork_writer_read_prefix : NULL;
    writer->parent.read_header = loose->read_header ? letswork_writer_read_header : NULL;
    writer->parent.readstream = loose->readstream ? letswork_writer_readstream : NULL;
    writer->parent.exists = loose->exists ? letswork_writer_exists : NULL;
    writer->parent.exists_prefix = loose->exists_prefix ? letswork_writer_exists_prefix : NULL;
    writer->parent.foreach = loose->foreach ? letswork_writer_foreach : NULL;
    writer->parent.freshen = loose->freshen ? letswork_writer_freshen : NULL;
    writer->parent.write = letswork_writer_write;
    writer->parent.free = letswork_writer_free;
    *out = &writer->parent;
    return 0;
}

/// Tells the wrapped loose backend which database it belongs to.
static inline void letswork_writer_adopted(git_odb_backend *b) {
    letswork_writer(b)->loose->odb = b->odb;
}

#endif
