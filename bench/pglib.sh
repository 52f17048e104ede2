# pglib.sh - start and stop a throwaway PostgreSQL/PostGIS cluster.
# Sourced by compare.sh and check_pip_postgis.sh (POSIX sh).
#
#   pg_start DIR   initdb a cluster in DIR, listening only on a unix socket
#                  in DIR/sock; sets PGHOST, PGPORT, PGUSER for psql.
#   pg_stop        stop it (safe to call twice) and remove DIR.
#   pg_psql ARGS   psql with ON_ERROR_STOP, quiet, no psqlrc.
#   bench_work NAME  make the scratch folder WORK (a new one under $TMPDIR
#                  named NAME.XXXXXX unless WORK is set) and, on exit, stop
#                  the cluster and remove WORK unless KEEP=1.
#
# Run as root, the server runs as user "postgres" (initdb refuses root);
# otherwise as the calling user. PG_DURABLE=1 (the default) keeps
# PostgreSQL's durability (fsync, synchronous_commit, full_page_writes), as
# safer persists its data; PG_DURABLE=0 switches it off, which gives
# PostGIS the benefit of the doubt but no longer persists the data.

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DURABLE=${PG_DURABLE:-1}
PG_DIR=
PG_RUNAS=

pg__as() {
    if [ -n "$PG_RUNAS" ]; then
        runuser -u "$PG_RUNAS" -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    PG_DIR=$1
    mkdir -p "$PG_DIR/sock"
    if [ "$(id -u)" = 0 ]; then
        PG_RUNAS=postgres
        chown -R postgres "$PG_DIR"
    fi
    chmod 755 "$PG_DIR" "$PG_DIR/sock"
    pg_durability=
    if [ "$PG_DURABLE" = 0 ]; then
        pg_durability="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    pg__as "$PG_BIN/initdb" -D "$PG_DIR/data" -A trust -U postgres -E UTF8 \
        --no-locale >"$PG_DIR/initdb.log" 2>&1
    pg__as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w \
        -o "-k $PG_DIR/sock -c listen_addresses= -c port=${PG_PORT:-54329} $pg_durability -c shared_buffers=1GB -c work_mem=256MB -c maintenance_work_mem=1GB -c max_wal_size=8GB -c max_parallel_workers_per_gather=2 -c jit=off" \
        start >/dev/null
    PGHOST=$PG_DIR/sock
    PGPORT=${PG_PORT:-54329}
    PGUSER=postgres
    PGOPTIONS='-c client_min_messages=warning'
    export PGHOST PGPORT PGUSER PGOPTIONS
}

pg_stop() {
    if [ -n "$PG_DIR" ] && [ -d "$PG_DIR/data" ]; then
        pg__as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
        rm -rf "$PG_DIR"
    fi
    PG_DIR=
}

pg_psql() {
    psql -X -q -v ON_ERROR_STOP=1 "$@"
}

bench_work() {
    WORK=${WORK:-$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")}
    mkdir -p "$WORK"
    chmod 755 "$WORK"
    trap bench__cleanup EXIT
    trap 'exit 130' INT TERM
}

bench__cleanup() {
    pg_stop
    if [ "${KEEP:-0}" != 1 ]; then
        rm -rf "$WORK"
    fi
}
