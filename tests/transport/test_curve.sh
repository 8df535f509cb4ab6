# test_curve.sh: CurveZMQ with the real programs. keygen writes key pairs (secret
# 0600); the correlator accepts only allow-listed sensor keys; a sensor with
# another key is refused and its summaries stay in its outbox; both programs
# refuse to start with CURVE on and a key missing, naming the file and the key.
. "$DW_ROOT/tests/lib.sh"
CLIENT="$DW_BUILD/tools/wire-client"
K="$TMP/keys"
check_exit "correlator keygen" 0 "$CORRELATOR" keygen --out "$K"
check_exit "sensor keygen" 0 "$SENSOR" keygen --out "$K"
check "sensor keygen prints the line for the allow-list" grep -q "<sensor name>" "$TMP/last.out"
check_eq "secret key mode 0600" 600 "$(stat -c %a "$K/sensor.secret")"
check_exit "keygen does not replace a secret" 1 "$SENSOR" keygen --out "$K"
"$SENSOR" keygen --out "$TMP/other" >/dev/null
echo "# allowed sensors" >"$K/allowed"
echo "$(grep -v '^#' "$K/sensor.pub") probe-1" >>"$K/allowed"

EP="tcp://127.0.0.1:$(free_port)"
DB="$TMP/c.db"
KEYS=(--set "transport.server_public_key=$K/correlator.pub"
	--set "transport.server_secret_key=$K/correlator.secret" --set "transport.allow_list=$K/allowed")
"$CORRELATOR" run --bind "$EP" --expect-sensors 1 --set "store.db=$DB" --set sites.cells= \
	"${KEYS[@]}" 2>"$TMP/corr.log" &
corr=$!
sleep 0.3
check_exit "a sensor with a key not in the allow-list is refused" 1 "$CLIENT" send \
	--endpoint "$EP" --sensor-id intruder -n 20 "${KEYS[@]}" \
	--set "transport.sensor_secret_key=$TMP/other/sensor.secret" \
	--set "transport.outbox_dir=$TMP/ob" --set transport.final_wait_s=2
check "the refused sensor says how many summaries remain in its outbox" \
	grep -q "20 summaries remain in the outbox" "$TMP/last.err"
check_exit "the allow-listed sensor delivers" 0 "$CLIENT" send --endpoint "$EP" --sensor-id probe-1 \
	-n 500 "${KEYS[@]}" --set "transport.sensor_secret_key=$K/sensor.secret" \
	--set "transport.outbox_dir=$TMP/ob"
for _ in $(seq 100); do kill -0 "$corr" 2>/dev/null || break; sleep 0.1; done
wait "$corr"
check_eq "correlator exit 0" 0 $?
check_eq "only the allow-listed sensor's summaries stored" "500|probe-1" \
	"$(sqlite3 "$DB" "select count(*), group_concat(distinct sensor_id) from summary")"
check "the refusal is logged with the refused key" grep -q "refused a sensor from .*not in $K/allowed" "$TMP/corr.log"
check_eq "logged once" 1 "$(grep -c 'refused a sensor from' "$TMP/corr.log")"

# Missing keys: refuse to start, naming file and config key.
check_exit "correlator without its secret key: exit 1" 1 "$CORRELATOR" run --bind "$EP" \
	--set "store.db=$TMP/x.db" --set sites.cells= --set "transport.server_secret_key=$TMP/nope.secret"
check "names the file and the config key" grep -q "$TMP/nope.secret.*transport.server_secret_key" "$TMP/last.err"
check_exit "correlator without its allow-list: exit 1" 1 "$CORRELATOR" run --bind "$EP" \
	--set "store.db=$TMP/x.db" --set sites.cells= "${KEYS[@]}" --set "transport.allow_list=$TMP/nope.list"
check "names the allow-list and its config key" grep -q "$TMP/nope.list.*transport.allow_list" "$TMP/last.err"
check_exit "sensor without its secret key: exit 1" 1 "$SENSOR" -r /dev/null --connect "$EP" \
	"${KEYS[@]}" --set "transport.sensor_secret_key=$TMP/nope2.secret" --set "transport.outbox_dir=$TMP/ob"
check "names the file and the config key" grep -q "$TMP/nope2.secret.*transport.sensor_secret_key" "$TMP/last.err"
