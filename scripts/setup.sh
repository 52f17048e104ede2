#!/bin/sh
# Install the Debian packages safer needs (only those missing, with apt-get),
# the npm packages of web/ (govuk-frontend, built into the program: npm ci,
# as web/package-lock.json pins it), then configure and build. Run as root
# or with sudo.
#   scripts/setup.sh                 build dependencies and a release build in build/
#   scripts/setup.sh --tests         also what the tests need: a PostgreSQL server to
#                                    start and stop; for the browser tests Debian's
#                                    chromium, Liberation Sans (the metrics the figures
#                                    are laid out with), node, npm, poppler-utils and
#                                    the npm packages of tests/browser (npm ci); nginx
#                                    and openssl for the TLS front's test; and
#                                    the sanitizer builds: build-asan/ (ASan + UBSan)
#                                    and build-tsan/ (TSan)
set -eu
cd "$(dirname "$0")/.."

PACKAGES="build-essential cmake pkg-config libsqlite3-dev libproj-dev proj-data libjansson-dev
libxxhash-dev libcmocka-dev libyajl-dev libpq-dev libsodium-dev nettle-dev libmicrohttpd-dev"
# Node.js and npm from Debian only where the machine has none: one from
# elsewhere (NodeSource's nodejs carries its own npm) conflicts with
# Debian's npm package. The build needs npm for web/'s govuk-frontend; the
# browser and HTTP tests need node.
command -v node >/dev/null 2>&1 || PACKAGES="$PACKAGES nodejs"
command -v npm >/dev/null 2>&1 || PACKAGES="$PACKAGES npm"
if [ "${1:-}" = "--tests" ]; then
    PACKAGES="$PACKAGES postgresql-15 postgresql-client-15 chromium fonts-liberation
poppler-utils curl wrk nginx-light openssl"
fi

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

# govuk-frontend's built CSS, script, fonts and images, which CMake embeds
# into the program (CMakeLists.txt refuses to configure without them).
(cd web && npm ci --no-audit --no-fund --loglevel=error)

if [ "${1:-}" = "--tests" ]; then
    # The browser tests' npm packages, as the lockfile pins them; the browser
    # itself is Debian's (playwright-core downloads none).
    (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"
if [ "${1:-}" = "--tests" ]; then
    cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DSAFER_ASAN=ON -DSAFER_BENCH=OFF >/dev/null
    cmake --build build-asan -j"$jobs"
    cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSAFER_TSAN=ON -DSAFER_BENCH=OFF \
        >/dev/null
    cmake --build build-tsan -j"$jobs"
fi
