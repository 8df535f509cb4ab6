#!/usr/bin/env bash
# 10-sim.sh BUILD OUT: the simulator's speed on the metro preset. Writes OUT/metro
# (the capture the later benchmarks replay) and prints packets, seconds and
# packets per second. When OUT/metro/truth.json is newer than the simulator the
# capture is kept and the figures of the run that wrote it are printed again.
set -euo pipefail
BUILD=${1:-build}
OUT=${2:-bench-out}
SIM="$BUILD/denwatch-sim"
M="$OUT/metro"
RESULT="$M/sim-bench.txt"

if [ -f "$M/truth.json" ] && [ "$M/truth.json" -nt "$SIM" ] && [ -f "$RESULT" ]; then
	echo "sim: $M is newer than $SIM; not regenerated. Figures of the run that wrote it:"
	cat "$RESULT"
	exit 0
fi
rm -rf "$M"
mkdir -p "$M"
start=$(date +%s.%N)
nice "$SIM" --preset metro --out "$M"
end=$(date +%s.%N)
packets=$(jq '.stats.ims_packets + .stats.s11_packets' "$M/truth.json")
bytes=$(($(stat -c %s "$M/ims.pcap") + $(stat -c %s "$M/s11.pcap")))
awk -v p="$packets" -v s="$start" -v e="$end" -v b="$bytes" 'BEGIN {
	t = e - s
	printf "sim: metro packets %d\n", p
	printf "sim: metro seconds %.2f\n", t
	printf "sim: metro packets per second %.0f\n", p / t
	printf "sim: metro MB per second %.0f\n", b / t / 1e6
}' | tee "$RESULT"
