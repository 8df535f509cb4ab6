# test_e2e_dump_tiny.sh: the detection model on real simulator output decoded by
# the real sensor, without the network: denwatch-sim tiny -> denwatch-sensor
# --dump summaries (both probes) -> correlator import + score -> eval: every den
# flagged, no negative flagged, each den flagged within six windows of its start.
. "$DW_ROOT/tests/lib.sh"
require_programs "$SIM" "$SENSOR" "$CORRELATOR"
OUT="$TMP/sim"
check "simulate the tiny preset" "$SIM" --preset tiny --out "$OUT"
S=(--set "store.db=$TMP/d.db" --set "sites.cells=$OUT/cells.csv")
for p in ims s11; do
	"$SENSOR" -r "$OUT/$p.pcap" --dump summaries >"$TMP/$p.jsonl"
	check "import the $p probe's summaries" "$CORRELATOR" import --sensor-id "$p" "$TMP/$p.jsonl" "${S[@]}"
done
check "score" "$CORRELATOR" score "${S[@]}"
"$CORRELATOR" eval --json --truth "$OUT/truth.json" "${S[@]}" >"$TMP/eval.json"
check_eq "every den flagged" "1" "$(jq '.recall' "$TMP/eval.json")"
check_eq "no negative flagged" "0" "$(jq '.negatives_flagged' "$TMP/eval.json")"
check_eq "precision 1" "1" "$(jq '.precision' "$TMP/eval.json")"
check_eq "dens flagged within six windows" "true" "$(jq '[.den_results[].time_to_flag_s <= 1800] | all' "$TMP/eval.json")"
check_eq "flagged dens name most of their SIMs" "true" \
	"$("$CORRELATOR" sites --json "${S[@]}" | jq --slurpfile t "$OUT/truth.json" \
		'[.[] as $s | $t[0].dens[] | select(.site_id == $s.site_id) | ($s.subscribers >= ((.imsis | length) / 2))] | all')"
