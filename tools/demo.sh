#!/usr/bin/env bash
# demo.sh BUILD: the whole pipeline on a simulated city (make demo). Simulates the
# `city` preset into demo-out/, starts the correlator in batch mode on a free
# loopback port with a fresh database, runs the IMS and S11 probes' sensors as two
# separate processes sending to it over ZeroMQ (CURVE off: loopback demo only),
# waits for the final scoring, then prints the ranked flagged sites and the
# evaluation against the simulator's truth, and writes demo-out/sites.geojson.
# DEMO_PRESET=tiny and DEMO_OUT=DIR change the preset and the output folder.
set -euo pipefail
BUILD=${1:-build}
OUT=${DEMO_OUT:-demo-out}
PRESET=${DEMO_PRESET:-city}
TIMEOUT=${DEMO_TIMEOUT:-600}
SIM="$BUILD/denwatch-sim"
SENSOR="$BUILD/denwatch-sensor"
CORR="$BUILD/denwatch-correlator"
for p in "$SIM" "$SENSOR" "$CORR"; do
	[ -x "$p" ] || { echo "demo: $p is missing: run make first" >&2; exit 1; }
done

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + RANDOM % 20000))
}

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

rm -rf "$OUT"
mkdir -p "$OUT"
echo "== simulating the '$PRESET' preset into $OUT/"
"$SIM" --preset "$PRESET" --out "$OUT"

EP="tcp://127.0.0.1:$(free_port)"
DB="$OUT/denwatch.db"
COMMON=(--set transport.curve=off --set "sites.cells=$OUT/cells.csv" --set "store.db=$DB")
echo "== correlator on $EP, store $DB; two sensors (ims, s11)"
"$CORR" run --bind "$EP" --expect-sensors 2 "${COMMON[@]}" 2>"$OUT/correlator.log" &
corr=$!
pids+=("$corr")
for probe in ims s11; do
	"$SENSOR" -r "$OUT/$probe.pcap" --connect "$EP" --sensor-id "$probe" \
		--set transport.curve=off --set "transport.outbox_dir=$OUT/outbox-$probe" \
		2>"$OUT/sensor-$probe.log" &
	pids+=("$!")
done
status=0
for p in "${pids[@]:1}"; do
	wait "$p" || status=$?
done
if [ "$status" -ne 0 ]; then
	echo "demo: a sensor failed (status $status); see $OUT/sensor-*.log" >&2
	exit 1
fi
# The sensors exit once the correlator acknowledged everything; it then scores.
for _ in $(seq "$TIMEOUT"); do
	kill -0 "$corr" 2>/dev/null || break
	sleep 1
done
if kill -0 "$corr" 2>/dev/null; then
	echo "demo: the correlator did not finish within ${TIMEOUT}s; see $OUT/correlator.log" >&2
	exit 1
fi
wait "$corr" || { echo "demo: the correlator failed; see $OUT/correlator.log" >&2; exit 1; }
pids=()

echo
echo "== flagged sites, ranked"
"$CORR" sites "${COMMON[@]}"
echo
echo "== evaluation against $OUT/truth.json"
"$CORR" eval --truth "$OUT/truth.json" "${COMMON[@]}"
"$CORR" export --format geojson -o "$OUT/sites.geojson" "${COMMON[@]}"
echo
echo "Map of the flagged sites: $OUT/sites.geojson (QGIS, geojson.io)."
echo "Inspect one: $CORR show SITE --set store.db=$DB"
