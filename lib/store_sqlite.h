/*
 * The SQLite connection under a store, for the tests and tools that look
 * at a SQLite store with SQLite's own API.  No domain module includes
 * this header: they use the statements of db.h, which run on both
 * databases.
 */
#ifndef IPP_STORE_SQLITE_H
#define IPP_STORE_SQLITE_H

#include <sqlite3.h>

#include "store.h"

/* The connection, or NULL when the store is PostgreSQL. */
sqlite3 *ipp_store_sqlite(struct ipp_store *s);
sqlite3 *ipp_db_sqlite(struct ipp_db *db);

#endif
