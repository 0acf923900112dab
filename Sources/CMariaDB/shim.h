#ifndef WPRESCUE_CMARIADB_SHIM_H
#define WPRESCUE_CMARIADB_SHIM_H
#include <stddef.h>
#include <mysql.h>

/* mysql_library_init is a macro; Swift cannot import macros that take arguments. */
static inline int wprescue_mysql_library_init(void) {
    return mysql_library_init(0, NULL, NULL);
}
#endif
