#!/bin/sh
# A throwaway PostgreSQL server for the tests, from Debian's packages:
# initdb into a new temporary folder as an unprivileged user (postgres when
# run as root), listening on 127.0.0.1 only, on the first free port from
# 55432. Nothing is left behind by `stop`.
#
#   eval "$(sh scripts/pg.sh start)"   # sets SAFER_TEST_PG and SAFER_TEST_PG_DIR
#   sh scripts/pg.sh stop "$SAFER_TEST_PG_DIR"
#
# SAFER_TEST_PG is the server's base URL (postgresql://postgres@127.0.0.1:PORT);
# each test creates and drops its own database on it. Exits 77 (skip) when
# PostgreSQL 15's server programs are not installed.
set -eu
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "${1:-}" in
start)
    if [ ! -x "$PG_BIN/initdb" ] || [ ! -x "$PG_BIN/pg_ctl" ]; then
        echo "pg.sh: PostgreSQL 15 is not installed ($PG_BIN/initdb)" >&2
        exit 77
    fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/safer-pg.XXXXXX")
    chmod 755 "$dir"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    as_owner "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --no-locale \
        >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
    port=55432
    while [ $port -lt 55532 ]; do
        if as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
            -o "-c listen_addresses=127.0.0.1 -c port=$port -k $dir -c fsync=off -c max_connections=200" \
            start >/dev/null 2>&1; then
            echo "SAFER_TEST_PG=postgresql://postgres@127.0.0.1:$port; export SAFER_TEST_PG"
            echo "SAFER_TEST_PG_DIR=$dir; export SAFER_TEST_PG_DIR"
            exit 0
        fi
        port=$((port + 1))
    done
    echo "pg.sh: could not start PostgreSQL; its log:" >&2
    cat "$dir/server.log" >&2
    rm -rf "$dir"
    exit 1
    ;;
stop)
    dir=${2:?usage: pg.sh stop DIR}
    case "$dir" in
    */safer-pg.*) ;;
    *) echo "pg.sh: '$dir' is not a folder pg.sh made" >&2; exit 1 ;;
    esac
    if [ -d "$dir/data" ]; then
        as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
*)
    echo "usage: pg.sh start | pg.sh stop DIR" >&2
    exit 2
    ;;
esac
