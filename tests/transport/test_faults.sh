# test_faults.sh: kill -9 faults on the real pipeline (issue 4). denwatch-sim tiny ->
# two sensors -> correlator, over ZeroMQ on loopback (CURVE off):
#  1. an undisturbed run;
#  2. the correlator killed (-9) in the middle of ingest and restarted on its store;
#  3. a sensor killed (-9) mid-stream and restarted on its outbox;
#  4. the correlator killed after one sensor finished, restarted before the other
#     starts: the batch run must still end once the second finishes;
#  5. one probe starting only after the other has finished: same flags, scores and
#     flag times
#     (windows must not be scored on one probe's data alone).
# Each disturbed run must end with the stored summary count and the flagged sites
# of the undisturbed one: nothing lost, nothing twice.
. "$DW_ROOT/tests/lib.sh"
OUT="$TMP/sim"
check "simulate the tiny preset" "$SIM" --preset tiny --out "$OUT"
# Small batches and window so that ingest takes a few seconds and a kill lands in it.
SLOW=(--set transport.batch_size=5 --set transport.window=20 --set transport.ack_timeout_ms=500
	--set transport.reconnect_ms=50 --set transport.reconnect_max_ms=200)

corr_start() { # db endpoint log
	"$CORRELATOR" run --bind "$2" --expect-sensors 2 --set transport.curve=off \
		--set "sites.cells=$OUT/cells.csv" --set "store.db=$1" \
		--set transport.commit_interval_ms=50 2>>"$3" &
	CORR_PID=$!
}
sensor_start() { # name endpoint outbox log
	"$SENSOR" -r "$OUT/$1.pcap" --connect "$2" --sensor-id "$1" --set transport.curve=off \
		--set "transport.outbox_dir=$3" "${SLOW[@]}" 2>>"$4" &
}
wait_exit() { # pid seconds: status, or 124 (killed) when it does not exit in time
	for _ in $(seq $(($2 * 10))); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	if kill -0 "$1" 2>/dev/null; then
		kill -9 "$1"
		wait "$1" 2>/dev/null
		return 124
	fi
	wait "$1"
}
count() { sqlite3 "$1" 'select count(*) from summary' 2>/dev/null || echo 0; }
# The flagged sites with their scores and first and last flag times: a restart must
# resume scoring exactly where its last committed window left it.
flags() {
	"$CORRELATOR" sites --json --set "store.db=$1" --set "sites.cells=$OUT/cells.csv" |
		jq -c '[.[] | {site_id, score, last_score, first_flagged, last_flagged}] | sort_by(.site_id)'
}
wait_count_over() { # db n seconds
	for _ in $(seq $(($3 * 20))); do
		[ "$(count "$1")" -gt "$2" ] && return 0
		sleep 0.05
	done
	return 1
}

# 1. undisturbed
EP="tcp://127.0.0.1:$(free_port)"
corr_start "$TMP/ref.db" "$EP" "$TMP/ref.log"
c=$CORR_PID
sensor_start ims "$EP" "$TMP/ob-ref" "$TMP/ref.log"
a=$!
sensor_start s11 "$EP" "$TMP/ob-ref" "$TMP/ref.log"
b=$!
wait_exit "$a" 120
check_eq "undisturbed: IMS sensor exit 0" 0 $?
wait_exit "$b" 120
check_eq "undisturbed: S11 sensor exit 0" 0 $?
wait_exit "$c" 120
check_eq "undisturbed: correlator exit 0" 0 $?
REF_COUNT=$(count "$TMP/ref.db")
REF_FLAGS=$(flags "$TMP/ref.db")
check "undisturbed: summaries stored" test "$REF_COUNT" -gt 1000
check "undisturbed: dens flagged" test "$REF_FLAGS" != "[]"

# 2. correlator killed mid-ingest
EP="tcp://127.0.0.1:$(free_port)"
corr_start "$TMP/c.db" "$EP" "$TMP/c.log"
c=$CORR_PID
sensor_start ims "$EP" "$TMP/ob-c" "$TMP/c.log"
a=$!
sensor_start s11 "$EP" "$TMP/ob-c" "$TMP/c.log"
b=$!
wait_count_over "$TMP/c.db" 200 60
at_kill=$(count "$TMP/c.db")
kill -9 "$c"
wait "$c" 2>/dev/null
check "correlator killed in the middle of ingest ($at_kill of $REF_COUNT stored)" \
	test "$at_kill" -gt 0 -a "$at_kill" -lt "$REF_COUNT"
sleep 0.5
corr_start "$TMP/c.db" "$EP" "$TMP/c.log"
c=$CORR_PID
wait_exit "$a" 120
check_eq "correlator restart: IMS sensor exit 0" 0 $?
wait_exit "$b" 120
check_eq "correlator restart: S11 sensor exit 0" 0 $?
wait_exit "$c" 120
check_eq "correlator restart: correlator exit 0" 0 $?
check_eq "correlator restart: stored summaries equal the undisturbed run's" "$REF_COUNT" "$(count "$TMP/c.db")"
check_eq "correlator restart: flagged sites, scores and flag times equal the undisturbed run's" "$REF_FLAGS" "$(flags "$TMP/c.db")"
check_eq "correlator restart: every (sensor, seq) once" "0" \
	"$(sqlite3 "$TMP/c.db" 'select count(*) from (select sensor_id, seq from summary group by 1, 2 having count(*) > 1)')"

# 3. sensor killed mid-stream, restarted on its outbox
EP="tcp://127.0.0.1:$(free_port)"
corr_start "$TMP/s.db" "$EP" "$TMP/s.log"
c=$CORR_PID
sensor_start ims "$EP" "$TMP/ob-s" "$TMP/s.log"
a=$!
sensor_start s11 "$EP" "$TMP/ob-s" "$TMP/s.log"
b=$!
wait_count_over "$TMP/s.db" 200 60
kill -9 "$a"
wait "$a" 2>/dev/null
at_kill=$(count "$TMP/s.db")
check "IMS sensor killed in the middle of its stream ($at_kill of $REF_COUNT stored)" \
	test "$at_kill" -lt "$REF_COUNT"
sensor_start ims "$EP" "$TMP/ob-s" "$TMP/s.log"
a=$!
wait_exit "$a" 120
check_eq "sensor restart: IMS sensor exit 0" 0 $?
wait_exit "$b" 120
check_eq "sensor restart: S11 sensor exit 0" 0 $?
wait_exit "$c" 120
check_eq "sensor restart: correlator exit 0" 0 $?
check_eq "sensor restart: stored summaries equal the undisturbed run's" "$REF_COUNT" "$(count "$TMP/s.db")"
check_eq "sensor restart: flagged sites, scores and flag times equal the undisturbed run's" "$REF_FLAGS" "$(flags "$TMP/s.db")"
grep -q "resuming an unfinished replay" "$TMP/s.log" && echo "# the restarted sensor resumed its replay"

# 4. correlator killed after the IMS sensor finished: its end-of-stream is in the
# store, and the restarted batch correlator must count it.
EP="tcp://127.0.0.1:$(free_port)"
corr_start "$TMP/f.db" "$EP" "$TMP/f.log"
c=$CORR_PID
sensor_start ims "$EP" "$TMP/ob-f" "$TMP/f.log"
a=$!
wait_exit "$a" 120
check_eq "finished sensor: IMS sensor exit 0 before the kill" 0 $?
kill -9 "$c"
wait "$c" 2>/dev/null
corr_start "$TMP/f.db" "$EP" "$TMP/f.log"
c=$CORR_PID
sensor_start s11 "$EP" "$TMP/ob-f" "$TMP/f.log"
b=$!
wait_exit "$b" 120
check_eq "finished sensor: S11 sensor exit 0" 0 $?
wait_exit "$c" 60
check_eq "finished sensor: restarted correlator ends its batch run (exit 0)" 0 $?
check_eq "finished sensor: stored summaries equal the undisturbed run's" "$REF_COUNT" "$(count "$TMP/f.db")"
check_eq "finished sensor: flagged sites, scores and flag times equal the undisturbed run's" "$REF_FLAGS" "$(flags "$TMP/f.db")"

# 5. the S11 probe starts only once the IMS probe has finished.
EP="tcp://127.0.0.1:$(free_port)"
corr_start "$TMP/l.db" "$EP" "$TMP/l.log"
c=$CORR_PID
sensor_start ims "$EP" "$TMP/ob-l" "$TMP/l.log"
a=$!
wait_exit "$a" 120
check_eq "late probe: IMS sensor exit 0" 0 $?
sleep 1.5 # more than the live scoring interval: give it the chance to score early
sensor_start s11 "$EP" "$TMP/ob-l" "$TMP/l.log"
b=$!
wait_exit "$b" 120
check_eq "late probe: S11 sensor exit 0" 0 $?
wait_exit "$c" 60
check_eq "late probe: correlator exit 0" 0 $?
check_eq "late probe: flagged sites, scores and flag times equal the undisturbed run's" "$REF_FLAGS" "$(flags "$TMP/l.db")"
