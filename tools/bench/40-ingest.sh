#!/usr/bin/env bash
# 40-ingest.sh BUILD OUT: the correlator's ingest rate. build/tools/wire-client
# blasts a metro-sized stream of summaries (BENCH_INGEST_N, default 1,000,000) over
# loopback into `denwatch-correlator run --expect-sensors 1` and prints the
# summaries per second committed to SQLite (time from the first message sent to
# the acknowledgement of the end-of-stream, which comes after the last commit).
# Aim (issue 4): over 200,000 per second on one core. The correlator's final
# scoring (a separate cost, not ingest) is not waited for: it is stopped once the
# rate is measured.
set -euo pipefail
BUILD=$1
OUT=$2
N=${BENCH_INGEST_N:-1000000}
CORR="$BUILD/denwatch-correlator"
CLIENT="$BUILD/tools/wire-client"
if [ ! -x "$CORR" ] || [ ! -x "$CLIENT" ]; then
	echo "ingest: NOT RUN: $CORR or $CLIENT is not built"
	exit 1
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
db="$OUT/ingest-bench.db"
rm -f "$db" "$db-wal" "$db-shm"
ep="tcp://127.0.0.1:$port"
nice "$CORR" run --db "$db" --bind "$ep" --expect-sensors 1 --set transport.curve=off \
	--set log.level=warn 2>"$OUT/ingest-bench.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
sleep 0.3
"$CLIENT" blast --endpoint "$ep" -n "$N" --batch 1000 --set transport.curve=off \
	--set transport.max_message_kb=4096 --sensor-id bench
kill -9 $pid 2>/dev/null || true
wait $pid 2>/dev/null || true
trap - EXIT
echo "ingest: store $(du -h "$db" | cut -f1) for $N summaries; $(grep -c . "$OUT/ingest-bench.log") log lines"

