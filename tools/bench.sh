#!/usr/bin/env bash
# bench.sh BUILD: runs every benchmark in tools/bench/ in name order, each printing
# its own ratios measured in this one run. They share bench-out/, where the first
# one writes the simulator's metro capture that the others replay.
set -euo pipefail
BUILD=${1:-build}
OUT=${BENCH_OUT:-bench-out}
mkdir -p "$OUT"
for b in tools/bench/*.sh; do
	echo "== $(basename "$b" .sh)"
	bash "$b" "$BUILD" "$OUT"
done
