#ifndef WPRESCUE_CSYSTEMSHIMS_H
#define WPRESCUE_CSYSTEMSHIMS_H

/// rename(2) that fails with EEXIST instead of replacing the destination.
/// Returns 0, or -1 with errno set; errno EINVAL means the file system cannot do it atomically.
int wprescue_rename_noreplace(const char *source, const char *destination);

#endif
