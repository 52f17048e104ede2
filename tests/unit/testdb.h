/*
 * testdb.h - stores for unit tests, on the engine the run asks for: a new
 * SQLite file in a temporary folder, or with SAFER_TEST_PG set (the base URL
 * of a throwaway server, see scripts/pg.sh) a new PostgreSQL database on it.
 * Include once per test program.
 */
#ifndef SAFER_TESTDB_H
#define SAFER_TESTDB_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libpq-fe.h>

/* Run one statement on the server's postgres database; 0 on success. */
static int testdb_admin(const char *base, const char *sql)
{
    char url[512];
    snprintf(url, sizeof(url), "%s/postgres", base);
    PGconn *c = PQconnectdb(url);
    int rc = -1;
    if (PQstatus(c) == CONNECTION_OK) {
        PQclear(PQexec(c, "SET client_min_messages = warning"));
        PGresult *r = PQexec(c, sql);
        rc = PQresultStatus(r) == PGRES_COMMAND_OK ? 0 : -1;
        if (rc < 0)
            fprintf(stderr, "testdb: %s: %s", sql, PQerrorMessage(c));
        PQclear(r);
    } else {
        fprintf(stderr, "testdb: cannot connect to %s: %s", url, PQerrorMessage(c));
    }
    PQfinish(c);
    return rc;
}

/* Make a new, empty store named `name` and write its target into out. */
static void testdb_new(const char *name, char *out, size_t cap)
{
    const char *pg = getenv("SAFER_TEST_PG");
    if (pg && *pg) {
        char sql[300];
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS t_%ld_%s WITH (FORCE)", (long)getpid(),
                 name);
        testdb_admin(pg, sql);
        snprintf(sql, sizeof(sql), "CREATE DATABASE t_%ld_%s", (long)getpid(), name);
        if (testdb_admin(pg, sql) != 0)
            abort();
        snprintf(out, cap, "%s/t_%ld_%s", pg, (long)getpid(), name);
        return;
    }
    const char *tmp = getenv("TMPDIR");
    snprintf(out, cap, "%s/safer-unit-%ld-%s.db", tmp && *tmp ? tmp : "/tmp", (long)getpid(),
             name);
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    for (int i = 0; i < 4; i++) {
        char p[600];
        snprintf(p, sizeof(p), "%s%s", out, sfx[i]);
        unlink(p);
    }
}

/* Remove a store testdb_new made. */
static void testdb_drop(const char *target)
{
    const char *pg = getenv("SAFER_TEST_PG");
    if (pg && *pg && strncmp(target, pg, strlen(pg)) == 0) {
        char sql[600];
        snprintf(sql, sizeof(sql), "DROP DATABASE IF EXISTS %s WITH (FORCE)",
                 target + strlen(pg) + 1);
        testdb_admin(pg, sql);
        return;
    }
    static const char *const sfx[] = {"", "-wal", "-shm", "-journal"};
    for (int i = 0; i < 4; i++) {
        char p[600];
        snprintf(p, sizeof(p), "%s%s", target, sfx[i]);
        unlink(p);
    }
}

#endif
