#!/bin/sh
# Install the Debian packages safer needs to build and test (only those that
# are missing), then configure and build. Run as root or with sudo.
#   scripts/setup.sh            build dependencies and a release build in build/
#   scripts/setup.sh --asan     also a sanitizer build in build-asan/
set -eu
cd "$(dirname "$0")/.."

PACKAGES="build-essential cmake pkg-config libsqlite3-dev libproj-dev proj-data libjansson-dev
libxxhash-dev libcmocka-dev libyajl-dev libpq-dev"

missing=""
for p in $PACKAGES; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
if [ -n "$missing" ]; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO=sudo
    echo "setup: installing$missing"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
if [ "${1:-}" = "--asan" ]; then
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSAFER_ASAN=ON -DSAFER_BENCH=OFF >/dev/null
    cmake --build build-asan -j"$jobs"
fi
