#!/bin/sh
# Set up, build and run every test: once on the normal build, once built
# with AddressSanitizer and UndefinedBehaviorSanitizer.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh --asan
jobs=$(nproc 2>/dev/null || echo 2)
echo "== tests (release build)"
(cd build && ctest --output-on-failure -j"$jobs")
echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j"$jobs")
