#!/bin/sh
# Fault injection: every importer (the plan's too), assess and export,
# walked through their database calls, allocations and file writes, failing
# one at a time
# (SAFER_FAULT=KIND:N, see cli/main.c): each failure must exit non-zero
# with a message, and leave the store exactly as it was (its digest). Every
# call up to CAP is failed, then one in STEP, until the command runs past
# its last call and succeeds. Small fixtures, release build only.
. "$(dirname "$0")/lib.sh"
CAP=${SAFER_FAULT_CAP:-60}
STEP=${SAFER_FAULT_STEP:-7}
P=$DATA/police
injected=0

# The store each scenario starts from.
base() {
    target=$(new_store "s$1")
    SAFER_DB=$target "$SAFER" import areas "$DATA/areas/wards.geojson" >/dev/null
    if [ "$2" = full ]; then
        SAFER_DB=$target "$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv" >/dev/null
        SAFER_DB=$target "$SAFER" import lookup "$DATA/lookup_csp.csv" >/dev/null
        SAFER_DB=$target "$SAFER" import population "$DATA/population.csv" >/dev/null
        SAFER_DB=$target "$SAFER" import police "$P/2019-01-kent-street.csv" \
            "$P/2018-01-kent-street.csv" >/dev/null
        SAFER_DB=$target "$SAFER" import plan "$DATA/plans/safer-test.json" >/dev/null
    fi
    echo "$target"
}

n_store=0
# walk NAME BASE-KIND CMD...: fail each call of each kind in turn.
walk() {
    name=$1
    kind_of_base=$2
    shift 2
    for kind in db alloc write; do
        n_store=$((n_store + 1))
        target=$(base "$n_store" "$kind_of_base")
        before=$(digest "$target")
        n=1
        failed=0
        while :; do
            set +e
            SAFER_DB=$target SAFER_FAULT=$kind:$n "$@" >"$TMP/out" 2>"$TMP/err"
            status=$?
            set -e
            [ $status -eq 0 ] && break
            injected=$((injected + 1))
            failed=$((failed + 1))
            checks=$((checks + 1))
            if [ "$kind" != alloc ] && [ $status -ne 1 ]; then
                fail "$name: $kind:$n exited $status, expected 1"
            elif ! grep -q '^safer: ' "$TMP/err"; then
                fail "$name: $kind:$n gave no message"
            elif [ "$(digest "$target")" != "$before" ]; then
                fail "$name: $kind:$n changed the store"
            fi
            if [ $n -lt "$CAP" ]; then n=$((n + 1)); else n=$((n + STEP)); fi
            [ $n -lt 100000 ] || { fail "$name: $kind never ran to its end"; break; }
        done
        calls=$(sed -n "s/^safer: fault calls: .*$kind=\([0-9]*\).*/\1/p" "$TMP/err")
        echo "$name: $kind: $failed of its ${calls:-?} calls failed, each alone, all cleanly"
    done
}

walk "import areas" empty "$SAFER" import areas "$DATA/areas/wards.geojson"
walk "import lookup" empty "$SAFER" import lookup "$DATA/lookup_lsoa_ward.csv"
walk "import population" empty "$SAFER" import population "$DATA/population.csv"
walk "import deprivation" empty "$SAFER" import deprivation "$DATA/store-v1/deprivation.csv"
walk "import plan" empty "$SAFER" import plan "$DATA/plans/safer-test.json"
walk "import plan again" full "$SAFER" import plan "$DATA/plans/safer-test.json"
walk "import police" full "$SAFER" import police "$P/2018-01-kent-street-republished.csv" \
    "$P/2019-01-btp-street-bad-rows.csv"
walk "assess" full "$SAFER" assess --out "$TMP/rep" --area E22000001
walk "export" full "$SAFER" export police --out "$TMP/export.csv"
walk "import visits" full "$SAFER" import visits "$DATA/visits/visits-uk.csv" \
    --map "$DATA/visits/map-uk.json"
walk "import venues" full "$SAFER" import venues "$DATA/visits/venues-grid.csv"
echo "$injected faults injected"
done_testing
