/* staged_file.h - a local output file written under a hidden temporary name
 * in the target directory and renamed into place on commit, so readers
 * never see half a file and an aborted run leaves nothing behind. Sinks
 * that write local files share it. */
#ifndef AF_STAGED_FILE_H
#define AF_STAGED_FILE_H

#include "core/error.h"

#include <stddef.h>

typedef struct af_staged_file {
    char *path;     /* the target */
    char *tmp_path; /* ".NAME.affluent-RUN_ID.tmp" beside it; NULL once committed */
    int fd;
} af_staged_file;

/* Creates the directories and the staging file for `path`. run_id makes
 * the staging name unique per run. On error f is still safe to free. */
int af_staged_file_open(af_staged_file *f, const char *path, const char *run_id, af_error *err);
/* Writes all n bytes (retrying short writes); errors name the file. */
int af_staged_file_write(af_staged_file *f, const void *p, size_t n, af_error *err);
/* fsync, close, rename into place, fsync the directory. */
int af_staged_file_commit(af_staged_file *f, af_error *err);
/* fsync, close, then publish under the target name only if nothing is
 * there yet: AF_EEXIST (the staging file stays, for abort) when it is. */
int af_staged_file_commit_if_absent(af_staged_file *f, af_error *err);
/* Closes and removes the staging file (no-op after commit). */
void af_staged_file_abort(af_staged_file *f);
/* Aborts if still staged, then frees the names. */
void af_staged_file_free(af_staged_file *f);

#endif
