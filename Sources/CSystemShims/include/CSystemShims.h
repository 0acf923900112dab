#ifndef WPRESCUE_CSYSTEMSHIMS_H
#define WPRESCUE_CSYSTEMSHIMS_H

#include <sys/types.h>

/// renameat(2) that fails with EEXIST instead of replacing the destination; each name is
/// relative to an open directory. Returns 0, or -1 with errno set; errno EINVAL means the
/// file system cannot refuse atomically.
int wprescue_renameat_noreplace(int source_directory, const char *source, int destination_directory, const char *destination);

/// Keeps this process from writing core dumps and from being read by ptrace of the same
/// user, while it holds passwords in memory. Returns 0, or -1 with errno set.
int wprescue_disable_core_dumps(void);

/// open(2)'s O_PATH (Linux), which Swift does not import: a descriptor that names a folder
/// for the *at() calls and needs only search permission on it.
int wprescue_open_path_flag(void);

/// A file's extended attribute without following a link at `path`, and one set by descriptor
/// (POSIX access control lists live there). Return as lgetxattr(2) and fsetxattr(2).
ssize_t wprescue_lgetxattr(const char *path, const char *name, void *value, size_t size);
int wprescue_fsetxattr(int descriptor, const char *name, const void *value, size_t size);

#endif
