#define _GNU_SOURCE
#include "CSystemShims.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/xattr.h>
#if defined(__linux__)
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/fs.h>
#endif

int wprescue_renameat_noreplace(int source_directory, const char *source, int destination_directory, const char *destination) {
#if defined(__linux__) && defined(SYS_renameat2)
    return (int)syscall(SYS_renameat2, source_directory, source, destination_directory, destination, RENAME_NOREPLACE);
#elif defined(__APPLE__)
    return renameatx_np(source_directory, source, destination_directory, destination, RENAME_EXCL);
#else
    errno = EINVAL;
    return -1;
#endif
}

int wprescue_disable_core_dumps(void) {
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0) return -1;
#if defined(__linux__)
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return -1;
#endif
    return 0;
}

int wprescue_open_path_flag(void) {
#if defined(O_PATH)
    return O_PATH;
#else
    return O_RDONLY;
#endif
}

ssize_t wprescue_lgetxattr(const char *path, const char *name, void *value, size_t size) {
#if defined(__APPLE__)
    return getxattr(path, name, value, size, 0, XATTR_NOFOLLOW);
#else
    return lgetxattr(path, name, value, size);
#endif
}

int wprescue_fsetxattr(int descriptor, const char *name, const void *value, size_t size) {
#if defined(__APPLE__)
    return fsetxattr(descriptor, name, value, size, 0, 0);
#else
    return fsetxattr(descriptor, name, value, size, 0);
#endif
}
