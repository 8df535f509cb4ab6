# test_e2e_tiny.sh: end to end with real processes and sockets: denwatch-sim tiny
# -> two sensors (IMS and S11 probes) -> ZeroMQ (CURVE off, loopback) ->
# denwatch-correlator run --expect-sensors 2 -> sites --json -> eval: every den
# flagged, no negative site flagged; then the exports and the show/verify flow.
. "$DW_ROOT/tests/lib.sh"
require_programs "$SIM" "$SENSOR" "$CORRELATOR"
OUT="$TMP/sim"
check "simulate the tiny preset" "$SIM" --preset tiny --out "$OUT"
EP="tcp://127.0.0.1:$(free_port)"
DB="$TMP/e2e.db"
COMMON=(--set transport.curve=off --set "sites.cells=$OUT/cells.csv" --set "store.db=$DB")
"$CORRELATOR" run --bind "$EP" --expect-sensors 2 "${COMMON[@]}" 2>"$TMP/corr.log" &
corr=$!
"$SENSOR" -r "$OUT/ims.pcap" --connect "$EP" --sensor-id ims --set transport.curve=off \
	--set "transport.outbox_dir=$TMP/outbox-ims" 2>"$TMP/ims.log" &
ims=$!
"$SENSOR" -r "$OUT/s11.pcap" --connect "$EP" --sensor-id s11 --set transport.curve=off \
	--set "transport.outbox_dir=$TMP/outbox-s11" 2>"$TMP/s11.log" &
s11=$!
wait "$ims"
rc_ims=$?
wait "$s11"
rc_s11=$?
check_eq "IMS sensor delivered everything and exited 0" 0 "$rc_ims"
check_eq "S11 sensor delivered everything and exited 0" 0 "$rc_s11"
[ "$rc_ims" -ne 0 ] && sed 's/^/# ims: /' "$TMP/ims.log" | tail -3
[ "$rc_s11" -ne 0 ] && sed 's/^/# s11: /' "$TMP/s11.log" | tail -3
# A failed sensor never sends end-of-stream: do not wait for the correlator then.
if [ "$rc_ims" -ne 0 ] || [ "$rc_s11" -ne 0 ]; then kill "$corr" 2>/dev/null; fi
# Both sensors done: the correlator has at most a final scoring left.
for _ in $(seq 240); do kill -0 "$corr" 2>/dev/null || break; sleep 0.5; done
if kill -0 "$corr" 2>/dev/null; then
	kill "$corr"
	not_ok "correlator finished its batch run"
	sed 's/^/# /' "$TMP/corr.log" | tail -5
else
	wait "$corr"
	rc_corr=$?
	check_eq "correlator finished its batch run with status 0" 0 "$rc_corr"
	[ "$rc_corr" -ne 0 ] && sed 's/^/# correlator: /' "$TMP/corr.log" | tail -5
fi
check_eq "both sensors recorded as finished" "2" "$(sqlite3 "$DB" 'select count(*) from sensor where done = 1')"
check "summaries stored" test "$(sqlite3 "$DB" 'select count(*) from summary')" -gt 100

"$CORRELATOR" sites --json "${COMMON[@]}" >"$TMP/sites.json"
check "sites --json is a JSON array" jq -e 'type == "array"' "$TMP/sites.json"
"$CORRELATOR" eval --json --truth "$OUT/truth.json" "${COMMON[@]}" >"$TMP/eval.json"
check_eq "every den flagged (recall 1)" "1" "$(jq '.recall' "$TMP/eval.json")"
check_eq "no negative site flagged" "0" "$(jq '.negatives_flagged' "$TMP/eval.json")"
check_eq "precision 1" "1" "$(jq '.precision' "$TMP/eval.json")"
check_eq "no unknown site in the truth" "0" "$(jq '.unknown_sites | length' "$TMP/eval.json")"
check_eq "flagged sites are the truth's dens" \
	"$(jq -c '[.dens[].site_id] | sort' "$OUT/truth.json")" "$(jq -c '[.[].site_id] | sort' "$TMP/sites.json")"
check_eq "each flagged site has evidence and coordinates" "true" \
	"$(jq '[.[] | (.evidence | length > 0) and (.lat | type == "number") and (.lon | type == "number") and .subscribers > 0] | all' "$TMP/sites.json")"

"$CORRELATOR" export --format geojson -o "$TMP/s.geojson" "${COMMON[@]}"
check_eq "GeoJSON: one Point feature per flagged site, [lon, lat]" "true" \
	"$(jq --slurpfile s "$TMP/sites.json" '.type == "FeatureCollection" and (.features | length) == ($s[0] | length) and ([.features[] | .geometry.type == "Point" and .geometry.coordinates[0] > 100 and .geometry.coordinates[1] < 90] | all)' "$TMP/s.geojson")"
"$CORRELATOR" export --format kml -o "$TMP/s.kml" "${COMMON[@]}"
check "KML well-formed" xmllint --noout "$TMP/s.kml"
"$CORRELATOR" export --format csv -o "$TMP/s.csv" "${COMMON[@]}"
check_eq "CSV: header plus one line per flagged site" "$(($(jq length "$TMP/sites.json") + 1))" "$(wc -l <"$TMP/s.csv")"

site=$(jq -r '.[0].site_id' "$TMP/sites.json")
"$CORRELATOR" show "$site" "${COMMON[@]}" >"$TMP/show.txt"
check "show explains the top site" grep -q "$site was flagged because" "$TMP/show.txt"
check "verify the top site" "$CORRELATOR" verify "$site" --outcome confirmed --note "GoIP rack found" --by e2e "${COMMON[@]}"
check_eq "status confirmed" "confirmed" "$("$CORRELATOR" sites --json --status confirmed "${COMMON[@]}" | jq -r '.[0].status')"

check_exit "bad config: unknown key refuses to start" 2 "$CORRELATOR" run --set scoring.nope=1 "${COMMON[@]}"
