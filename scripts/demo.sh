#!/bin/sh
# Set up, build and run the demo: a synthetic partnership's assessment in demo/.
set -eu
cd "$(dirname "$0")/.."
sh scripts/setup.sh
./build/safer demo --out "${1:-demo}"
