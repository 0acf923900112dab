#define _GNU_SOURCE
#include "CSystemShims.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/fs.h>
#endif

int wprescue_rename_noreplace(const char *source, const char *destination) {
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, AT_FDCWD, source, AT_FDCWD, destination, RENAME_NOREPLACE);
#elif defined(__APPLE__)
    return renamex_np(source, destination, RENAME_EXCL);
#else
    errno = EINVAL;
    return -1;
#endif
}
