#!/bin/sh
# The county layout of docs/deploy.md, over loopback: a PostgreSQL 15 primary
# and a streaming replica, started here in a temporary folder (as postgres
# when run as root), with scram-sha-256 passwords read from .pgpass files
# and TLS checked against a CA made here (sslmode=verify-full).
# Imports go through the primary; the replica gives the same digest, the
# same assessment and the same export; an import sent to the replica fails
# with exit status 1 and changes nothing; a base backup plus the WAL archive,
# and pg_dump -Fc plus pg_restore, both give the store back; promoting the
# replica makes it writable, and the old primary is rebuilt as its replica.
#
# The commands follow docs/deploy.md step by step. Where the test differs
# (PostgreSQL's own initdb and pg_ctl instead of Debian's service wrappers,
# 127.0.0.1 and free ports, configuration in the data folder, the
# administrator on a private Unix socket instead of Debian's peer
# authentication, fsync off) the comments say so. SAFER_TEST_VERBOSE=1
# prints the messages the failures gave.
unset SAFER_TEST_PG # this test brings its own servers
. "$(dirname "$0")/lib.sh"
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
[ -x "$PG_BIN/initdb" ] || skip "PostgreSQL 15 is not installed ($PG_BIN/initdb)"
command -v openssl >/dev/null || skip "openssl is not installed"
export PATH="$PG_BIN:$PATH"

# Nothing from the caller's environment may pick a server, a user or a
# password; nothing may ever wait for a password on a terminal.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGDATABASE PGPASSWORD PGSERVICE PGSERVICEFILE \
    PGSSLMODE PGSSLROOTCERT PGSSLCERT PGSSLKEY PGOPTIONS PGTARGETSESSIONATTRS PGAPPNAME
export PGCONNECT_TIMEOUT=10
start=$(date +%s)

# The servers' folder belongs to the user they run as.
PGD=$TMP/pg
chmod 711 "$TMP"
mkdir -m 700 "$PGD"
if [ "$(id -u)" = 0 ]; then
    chown postgres "$PGD"
    as_pg() { runuser -u postgres -- "$@"; }
else
    as_pg() { "$@"; }
fi

# The administrator's psql: the postgres role over the servers' own socket
# (Debian: sudo -u postgres psql, peer authentication).
admin() {
    port=$1
    shift
    as_pg psql -X -w -q -At -v ON_ERROR_STOP=1 -h "$PGD" -p "$port" -U postgres "$@" </dev/null
}

stop_all() {
    rc=$?
    for d in primary replica pitr; do
        if [ -f "$PGD/$d/postmaster.pid" ]; then
            as_pg pg_ctl -D "$PGD/$d" -m immediate -w stop >/dev/null 2>&1 || true
        fi
    done
    if [ $rc -ne 0 ]; then
        for log in "$PGD/primary.log" "$PGD/replica.log" "$PGD/pitr.log"; do
            [ -f "$log" ] || continue
            echo "--- $log" >&2
            tail -n 15 "$log" >&2
        done
    fi
    cleanup
}
trap stop_all EXIT
trap 'exit 1' HUP INT TERM

# start_server NAME [OFFSET]: start the data folder $PGD/NAME on the first
# free port from a base that differs between runs; prints the port.
start_server() {
    port=$((56000 + ($$ * 7 + ${2:-0}) % 900))
    tries=0
    while [ $tries -lt 40 ]; do
        if as_pg pg_ctl -D "$PGD/$1" -l "$PGD/$1.log" -w -t 30 -o "-c port=$port" start \
            >/dev/null 2>&1; then
            echo "$port"
            return 0
        fi
        grep -q 'already in use' "$PGD/$1.log" || break
        port=$((port + 1))
        tries=$((tries + 1))
    done
    echo "cannot start the $1 server" >&2
    return 1
}

# --- TLS: a CA of our own, and the database's certificate signed by it.
# docs/deploy.md: "TLS between the nodes and the database".
(
    cd "$PGD"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=safer test database CA" \
        -keyout ca.key -out ca.crt
    openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout server.key -out server.csr
    printf 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 \
        -extfile server.ext -out server.crt
) >"$PGD/openssl.log" 2>&1 || { cat "$PGD/openssl.log" >&2; exit 1; }
chmod 600 "$PGD/server.key" "$PGD/ca.key"
[ "$(id -u)" = 0 ] && chown postgres "$PGD"/*
# The nodes' copy of the CA certificate (docs: /etc/safer/db-ca.crt).
cp "$PGD/ca.crt" "$TMP/db-ca.crt"

# --- The primary.
as_pg initdb -D "$PGD/primary" -U postgres -E UTF8 --no-locale \
    --auth-local=trust --auth-host=scram-sha-256 >"$PGD/initdb.log" 2>&1 ||
    { cat "$PGD/initdb.log" >&2; exit 1; }
mkdir "$PGD/archive"
[ "$(id -u)" = 0 ] && chown postgres "$PGD/archive"
as_pg cp -p "$PGD/server.crt" "$PGD/server.key" "$PGD/primary/"
# docs/deploy.md's conf.d/safer.conf, with this folder's paths (and the
# database network's address there); the last three lines are the test's.
cat >>"$PGD/primary/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
max_slot_wal_keep_size = '10GB'
hot_standby = on
hot_standby_feedback = on
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
ssl_min_protocol_version = 'TLSv1.2'
password_encryption = 'scram-sha-256'
archive_mode = on
archive_command = 'test ! -f $PGD/archive/%f && cp %p $PGD/archive/%f'
unix_socket_directories = '$PGD'
fsync = off
max_connections = 30
EOF
# docs/deploy.md's pg_hba.conf lines, the nodes' network being 127.0.0.1/32;
# the two local lines stand for Debian's "local all postgres peer" and
# "local replication all peer".
cat >"$PGD/primary/pg_hba.conf" <<EOF
local    all                  postgres                     trust
local    replication          postgres                     trust
hostssl  safer,safer_drill    safer       127.0.0.1/32     scram-sha-256
hostssl  replication          replicator  127.0.0.1/32     scram-sha-256
EOF
P1=$(start_server primary)

# The roles and the database. The docs use createuser --pwprompt, which
# asks on the terminal; here the same in SQL.
pw_safer=$(openssl rand -hex 24)
pw_repl=$(openssl rand -hex 24)
admin "$P1" -c "CREATE ROLE safer LOGIN PASSWORD '$pw_safer'"
as_pg createdb -w -h "$PGD" -p "$P1" -U postgres --owner=safer --encoding=UTF8 \
    --template=template0 safer </dev/null
admin "$P1" -c "CREATE ROLE replicator LOGIN REPLICATION PASSWORD '$pw_repl'"

# --- The replica: a base backup that streams its WAL and writes the
# standby's settings (-R), through a replication slot it creates (-C -S).
# The replication password is in the postgres user's .pgpass.
printf '127.0.0.1:*:replication:replicator:%s\n' "$pw_repl" >"$PGD/replicator.pgpass"
chmod 600 "$PGD/replicator.pgpass"
[ "$(id -u)" = 0 ] && chown postgres "$PGD/replicator.pgpass"
PGPASSFILE=$PGD/replicator.pgpass as_pg pg_basebackup -w \
    -d "host=127.0.0.1 port=$P1 user=replicator sslmode=verify-full sslrootcert=$PGD/ca.crt" \
    -D "$PGD/replica" -R -X stream -C -S db2 --checkpoint=fast </dev/null
P2=$(start_server replica 450)

# --- The nodes: one .pgpass for the safer role (mode 0600, never a password
# in the URL), the CA certificate, and URLs with sslmode=verify-full.
printf '127.0.0.1:%s:*:safer:%s\n127.0.0.1:%s:*:safer:%s\n' \
    "$P1" "$pw_safer" "$P2" "$pw_safer" >"$TMP/pgpass"
chmod 600 "$TMP/pgpass"
export PGPASSFILE=$TMP/pgpass
TLS="sslmode=verify-full&sslrootcert=$TMP/db-ca.crt"
PRIMARY="postgresql://safer@127.0.0.1:$P1/safer?$TLS"
REPLICA="postgresql://safer@127.0.0.1:$P2/safer?$TLS"

# Imports go to the primary; the store is made there once.
expect_status 0 "$SAFER" --db "$PRIMARY" store init
expect_grep '^engine: postgresql$' "$TMP/out"
expect_grep '^schema version: 8$' "$TMP/out"
checks=$((checks + 1))
grep -q "$pw_safer" "$TMP/out" "$TMP/err" && fail "a password was printed"
expect_status 0 "$SAFER" --db "$PRIMARY" import areas "$DATA/areas/wards.geojson"
expect_status 0 "$SAFER" --db "$PRIMARY" import lookup "$DATA/lookup_lsoa_ward.csv"
expect_status 0 "$SAFER" --db "$PRIMARY" import lookup "$DATA/lookup_csp.csv"
expect_status 0 "$SAFER" --db "$PRIMARY" import population "$DATA/population.csv"

# A base backup for the restore drill, taken before the police records
# arrive: they come back from the WAL archive.
as_pg pg_basebackup -h "$PGD" -p "$P1" -U postgres -w -D "$PGD/base" -X stream --checkpoint=fast </dev/null

expect_status 0 "$SAFER" --db "$PRIMARY" import police \
    "$DATA/police/2019-01-kent-street.csv" "$DATA/police/2018-01-kent-street.csv" \
    "$DATA/police/2019-02-metropolitan-street-ids.csv"
expect_grep 'imported' "$TMP/out"

# The TLS really is checked: another name than the certificate's is refused,
# and so is a connection without TLS (hostssl).
expect_status 1 "$SAFER" --db "postgresql://safer@localhost:$P1/safer?$TLS" store info
expect_grep 'does not match host name' "$TMP/err"
cp "$TMP/err" wrong-name.err
expect_status 1 "$SAFER" --db "postgresql://safer@127.0.0.1:$P1/safer?sslmode=disable" store info
expect_grep 'no encryption' "$TMP/err"
cp "$TMP/err" no-tls.err

# Without the password file, with a wrong password, or with a password file
# others may read, the connection is refused at once (never a prompt).
expect_status 1 env PGPASSFILE="$TMP/no-such-file" "$SAFER" --db "$PRIMARY" store info
expect_grep 'no password supplied' "$TMP/err"
cp "$TMP/err" no-password.err
printf '127.0.0.1:%s:*:safer:wrong\n' "$P1" >wrong.pgpass
chmod 600 wrong.pgpass
expect_status 1 env PGPASSFILE=wrong.pgpass "$SAFER" --db "$PRIMARY" store info
expect_grep 'password authentication failed for user "safer"' "$TMP/err"
cp "$TMP/err" wrong-password.err
cp "$TMP/pgpass" open.pgpass
chmod 644 open.pgpass
expect_status 1 env PGPASSFILE=open.pgpass "$SAFER" --db "$PRIMARY" store info
expect_grep 'has group or world access' "$TMP/err"
cp "$TMP/err" open-pgpass.err

# --- Replication lag: wait until the replica has replayed everything the
# primary has written (docs: pg_stat_replication, pg_last_wal_replay_lsn()).
wait_replayed() { # PRIMARY_PORT STANDBY_PORT
    lsn=$(admin "$1" -c "SELECT pg_current_wal_lsn()")
    n=0
    until [ "$(admin "$2" -c "SELECT pg_last_wal_replay_lsn() >= '$lsn'")" = t ]; do
        n=$((n + 1))
        [ $n -lt 300 ] || { fail "the replica did not catch up with $lsn in 30 s"; return 1; }
        sleep 0.1
    done
}
wait_replayed "$P1" "$P2"
checks=$((checks + 1))
# docs/deploy.md's monitoring queries, word for word.
lag=$(admin "$P1" -c "SELECT client_addr, state, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS bytes_behind, replay_lag
  FROM pg_stat_replication" | cut -d'|' -f1-3)
[ "$lag" = "127.0.0.1|streaming|0" ] || fail "pg_stat_replication says '$lag', expected 127.0.0.1|streaming|0"
checks=$((checks + 1))
slot=$(admin "$P1" -c "SELECT slot_name, active, pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn) AS bytes_kept
  FROM pg_replication_slots" | cut -d'|' -f1-2)
[ "$slot" = "db2|t" ] || fail "pg_replication_slots says '$slot'"
checks=$((checks + 1))
rec=$(admin "$P2" -c "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn(), now() - pg_last_xact_replay_timestamp() AS since_last_replay" |
    cut -d'|' -f1)
[ "$rec" = t ] || fail "the replica is not in recovery"

# --- What may read from the replica: the digest, the assessment, the export.
expect_status 0 "$SAFER" --db "$REPLICA" store info
expect_grep '^schema version: 8$' "$TMP/out"
d1=$(digest "$PRIMARY")
d2=$(digest "$REPLICA")
checks=$((checks + 1))
[ -n "$d1" ] && [ "$d1" = "$d2" ] || fail "replica digest $d2 differs from the primary's $d1"
expect_status 0 "$SAFER" --db "$PRIMARY" assess --out rep1
expect_status 0 "$SAFER" --db "$REPLICA" assess --out rep2
checks=$((checks + 1))
diff -r rep1 rep2 >"$TMP/diff" || { fail "the assessment differs on the replica:"; cat "$TMP/diff" >&2; }
expect_status 0 "$SAFER" --db "$PRIMARY" export police --out e1.csv
expect_status 0 "$SAFER" --db "$REPLICA" export police --out e2.csv
checks=$((checks + 1))
cmp -s e1.csv e2.csv || fail "the export differs on the replica"
checks=$((checks + 1))
[ "$(wc -l <e1.csv)" -gt 10 ] || fail "the export is too short"

# Readers may list both hosts and prefer the standby: libpq picks the
# replica (an import through that URL lands on it, and fails).
READERS="postgresql://safer@127.0.0.1:$P1,127.0.0.1:$P2/safer?target_session_attrs=prefer-standby&$TLS"
checks=$((checks + 1))
[ "$(digest "$READERS")" = "$d1" ] || fail "the readers' URL gives another digest"
expect_status 1 "$SAFER" --db "$READERS" import lookup "$DATA/lookup_csp.csv"
expect_grep 'the server is a read-only standby' "$TMP/err"

# An import sent to the replica fails, changes nothing, and says why.
expect_status 1 "$SAFER" --db "$REPLICA" import police "$DATA/police/2019-01-btp-street-bad-rows.csv"
expect_grep '^safer: ' "$TMP/err"
expect_grep 'the server is a read-only standby' "$TMP/err"
cp "$TMP/err" replica-import.err
expect_status 1 "$SAFER" --db "$REPLICA" import areas "$DATA/areas/wards.geojson"
expect_grep 'the server is a read-only standby' "$TMP/err"
cp "$TMP/err" replica-areas.err
checks=$((checks + 1))
[ "$(digest "$REPLICA")" = "$d1" ] || fail "a refused import changed the replica"

# A store that needs a migration cannot be opened on the replica (the
# first command of a newer safer must reach the primary): an empty
# database is the extreme case, needing every migration.
as_pg createdb -w -h "$PGD" -p "$P1" -U postgres --owner=safer safer_drill </dev/null
wait_replayed "$P1" "$P2"
expect_status 1 "$SAFER" --db "postgresql://safer@127.0.0.1:$P2/safer_drill?$TLS" import lookup "$DATA/lookup_csp.csv"
expect_grep 'the server is a read-only standby' "$TMP/err"
# A command that only reads does not make a store: it says there is none.
expect_status 1 "$SAFER" --db "postgresql://safer@127.0.0.1:$P2/safer_drill?$TLS" store info
expect_grep 'no safer store there' "$TMP/err"
cp "$TMP/err" replica-migrate.err

# --- Backups. WAL archiving: every finished segment is in the archive.
admin "$P1" -c "SELECT pg_switch_wal()" >/dev/null
n=0
until [ "$(admin "$P1" -c "SELECT last_archived_wal IS NOT NULL AND
        last_archived_wal >= pg_walfile_name(pg_current_wal_lsn() - 1)
        FROM pg_stat_archiver")" = t ]; do
    n=$((n + 1))
    [ $n -lt 100 ] || { fail "WAL archiving did not keep up"; break; }
    sleep 0.1
done
checks=$((checks + 1))
arch=$(admin "$P1" -c "SELECT archived_count, last_archived_wal, failed_count, last_failed_wal FROM pg_stat_archiver")
case "$arch" in *'|0|') ;; *) fail "pg_stat_archiver says '$arch': archive_command failed" ;; esac

# The restore drill from the base backup and the archive: recovery replays
# the archived WAL (the police import, made after the base backup), then
# opens the copy for writing.
cat >>"$PGD/base/postgresql.conf" <<EOF
restore_command = 'cp $PGD/archive/%f %p'
archive_mode = off
EOF
touch "$PGD/base/recovery.signal"
[ "$(id -u)" = 0 ] && chown postgres "$PGD/base/recovery.signal"
as_pg mv "$PGD/base" "$PGD/pitr"
P3=$(start_server pitr 300)
n=0
until [ "$(admin "$P3" -c "SELECT pg_is_in_recovery()")" = f ]; do
    n=$((n + 1))
    [ $n -lt 300 ] || { fail "the restored copy did not finish recovery"; break; }
    sleep 0.1
done
printf '127.0.0.1:%s:*:safer:%s\n' "$P3" "$pw_safer" >>"$TMP/pgpass"
checks=$((checks + 1))
d3=$(digest "postgresql://safer@127.0.0.1:$P3/safer?$TLS")
[ "$d3" = "$d1" ] || fail "the base backup + WAL archive restore gives digest $d3, not $d1"
as_pg pg_ctl -D "$PGD/pitr" -m fast -w stop >/dev/null

# The nightly pg_dump -Fc with its digest, restored into a fresh database
# (safer_drill, made above and still empty): the same digest.
(umask 077 && as_pg pg_dump -h "$PGD" -p "$P1" -U postgres -w -Fc -f "$PGD/safer.dump" safer </dev/null)
digest "$PRIMARY" >"$TMP/safer.digest"
as_pg pg_restore -h "$PGD" -p "$P1" -U postgres -w --exit-on-error --single-transaction \
    -d safer_drill "$PGD/safer.dump" </dev/null
DRILL="postgresql://safer@127.0.0.1:$P1/safer_drill?$TLS"
checks=$((checks + 1))
d4=$(digest "$DRILL")
[ "$d4" = "$(cat "$TMP/safer.digest")" ] && [ "$d4" = "$d1" ] || fail "pg_restore gives digest $d4, not $d1"
# Put the restored copy into service by swapping the names; the replica
# follows.
admin "$P1" -c 'ALTER DATABASE safer RENAME TO safer_old' -c 'ALTER DATABASE safer_drill RENAME TO safer'
wait_replayed "$P1" "$P2"
checks=$((checks + 1))
[ "$(digest "$PRIMARY")" = "$d1" ] && [ "$(digest "$REPLICA")" = "$d1" ] ||
    fail "the restored store in service gives another digest"

# Upgrades: a store newer than the program is refused, naming both versions
# (a newer safer's migration is played here by raising the version of the
# store taken out of service).
admin "$P1" -c 'ALTER DATABASE safer_old RENAME TO safer_drill'
admin "$P1" -d safer_drill -c "UPDATE meta SET value = '99' WHERE key = 'schema_version'"
expect_status 1 "$SAFER" --db "$DRILL" store info
expect_grep 'the store has schema version 99, newer than the 8 of this program' "$TMP/err"
cp "$TMP/err" newer-store.err

# --- Failover: the primary is gone; promote the replica, which becomes
# writable. Nodes that list both hosts with target_session_attrs=read-write
# find the new primary by themselves.
BOTH="postgresql://safer@127.0.0.1:$P1,127.0.0.1:$P2/safer?target_session_attrs=read-write&$TLS"
expect_status 0 "$SAFER" --db "$BOTH" import police "$DATA/police/2018-01-kent-street-republished.csv"
d5=$(digest "$PRIMARY")
as_pg pg_ctl -D "$PGD/primary" -m fast -w stop >/dev/null
checks=$((checks + 1))
[ "$(admin "$P2" -c "SELECT pg_promote()")" = t ] || fail "pg_promote() failed"
checks=$((checks + 1))
[ "$(admin "$P2" -c "SELECT pg_is_in_recovery()")" = f ] || fail "the promoted replica is still in recovery"
checks=$((checks + 1))
[ "$(digest "$REPLICA")" = "$d5" ] || fail "the promoted replica lost a committed import"
expect_status 0 "$SAFER" --db "$BOTH" import police "$DATA/police/2019-01-btp-street-bad-rows.csv"
expect_grep 'imported' "$TMP/out"
d6=$(digest "$REPLICA")
checks=$((checks + 1))
[ "$d6" != "$d5" ] || fail "the import on the promoted replica changed nothing"
# The readers' URL finds the one server left.
checks=$((checks + 1))
[ "$(digest "$READERS")" = "$d6" ] || fail "the readers' URL fails after the failover"

# The old primary never comes back as a primary: it is rebuilt as the new
# primary's replica, with its own slot.
as_pg rm -rf "$PGD/primary"
PGPASSFILE=$PGD/replicator.pgpass as_pg pg_basebackup -w \
    -d "host=127.0.0.1 port=$P2 user=replicator sslmode=verify-full sslrootcert=$PGD/ca.crt" \
    -D "$PGD/primary" -R -X stream -C -S db1 --checkpoint=fast </dev/null
P1=$(start_server primary)
printf '127.0.0.1:%s:*:safer:%s\n' "$P1" "$pw_safer" >>"$TMP/pgpass"
wait_replayed "$P2" "$P1"
checks=$((checks + 1))
[ "$(digest "postgresql://safer@127.0.0.1:$P1/safer?$TLS")" = "$d6" ] ||
    fail "the rebuilt replica differs from the new primary"
checks=$((checks + 1))
[ "$(admin "$P2" -c "SELECT slot_name, active FROM pg_replication_slots WHERE slot_name = 'db1'")" = "db1|t" ] ||
    fail "the new primary's slot for the rebuilt replica is not active"

if [ "${SAFER_TEST_VERBOSE:-}" ]; then
    cat "$PGD/replica/postgresql.auto.conf"
    for f in *.err; do echo "--- $f"; cat "$f"; done
fi
echo "took $(($(date +%s) - start)) s"
done_testing
