# test_hostile.sh: the real correlator on a real socket. A hostile client
# (wire-client hostile) sends random bytes, oversized, truncated, wrong-version,
# multi-frame and badly filled messages; the correlator keeps serving: a good
# sensor afterwards gets every summary committed, and the drops are counted by
# reason in the correlator's closing log line, one warning per bad peer.
. "$DW_ROOT/tests/lib.sh"
CLIENT="$DW_BUILD/tools/wire-client"
EP="tcp://127.0.0.1:$(free_port)"
DB="$TMP/h.db"
OFF=(--set transport.curve=off --set transport.max_message_kb=64)
"$CORRELATOR" run --bind "$EP" --expect-sensors 1 --set "store.db=$DB" "${OFF[@]}" \
	--set sites.cells= 2>"$TMP/corr.log" &
corr=$!
sleep 0.3
check "hostile client sent its messages" "$CLIENT" hostile --endpoint "$EP" "${OFF[@]}"
sleep 0.5
check "the correlator is still running" kill -0 "$corr"
check_exit "a good sensor delivers 3000 summaries afterwards" 0 "$CLIENT" send --endpoint "$EP" \
	--sensor-id good -n 3000 "${OFF[@]}" --set "transport.outbox_dir=$TMP/ob"
for _ in $(seq 100); do kill -0 "$corr" 2>/dev/null || break; sleep 0.1; done
wait "$corr"
check_eq "correlator exit 0 after the good sensor's end-of-stream" 0 $?
check_eq "3000 summaries stored, all from the good sensor" "3000|good" \
	"$(sqlite3 "$DB" "select count(*), group_concat(distinct sensor_id) from summary")"
line=$(grep "invalid messages" "$TMP/corr.log")
echo "# $line"
for reason in garbage truncated wrong_version oversized bad_imsi; do
	check "drops counted: $reason" grep -Eq " $reason=[1-9]" <<<"$line"
done
check_eq "one warning for the bad peer" 1 "$(grep -c 'further bad messages from this peer' "$TMP/corr.log")"
