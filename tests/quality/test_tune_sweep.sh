# test_tune_sweep.sh: tune --sweep KEY=FROM:TO:STEP on a real store (tiny
# preset, sensor dump, import, score): one row per value, precision and recall
# against a truth file and the verify outcomes change along the sweep, the live
# flags are untouched; an empty or malformed range is a usage error (exit 2);
# truth files and recorded outcomes naming unknown sites are reported.
. "$DW_ROOT/tests/lib.sh"
if [ ! -x "$SIM" ] || [ ! -x "$SENSOR" ]; then
	not_ok "tune --sweep: denwatch-sim or denwatch-sensor not built"
	exit 0
fi
OUT="$TMP/sim"
"$SIM" --preset tiny --out "$OUT" >/dev/null 2>&1
S=(--set "store.db=$TMP/d.db" --set "sites.cells=$OUT/cells.csv")
for p in ims s11; do
	"$SENSOR" -r "$OUT/$p.pcap" --dump summaries >"$TMP/$p.jsonl"
	"$CORRELATOR" import --sensor-id "$p" "$TMP/$p.jsonl" "${S[@]}" >/dev/null
done
check "score" "$CORRELATOR" score "${S[@]}"
"$CORRELATOR" sites --json "${S[@]}" >"$TMP/before.json"
DEN=$(jq -r '.dens[0].site_id' "$OUT/truth.json")
check "the den $DEN is flagged" jq -e --arg d "$DEN" 'any(.[]; .site_id == $d)' "$TMP/before.json"
check "verify the den as confirmed" "$CORRELATOR" verify "$DEN" --outcome confirmed --note found "${S[@]}"

"$CORRELATOR" tune --sweep scoring.flag_threshold=0:100:50 --truth "$OUT/truth.json" --json \
	"${S[@]}" >"$TMP/sweep.json" 2>"$TMP/sweep.err"
check_eq "sweep exits 0" "0" "$?"
check_eq "three rows, values 0, 50, 100" "0,50,100" "$(jq -r '[.rows[].value] | join(",")' "$TMP/sweep.json")"
check_eq "truth recall along the sweep" "1,0,0" "$(jq -r '[.rows[].truth.recall] | join(",")' "$TMP/sweep.json")"
check_eq "outcome recall along the sweep" "1,0,0" "$(jq -r '[.rows[].outcomes.recall] | join(",")' "$TMP/sweep.json")"
check_eq "nothing flagged at 100, all lost" "0 $(jq length "$TMP/before.json")" \
	"$(jq -r '.rows[2] | "\(.flagged) \(.no_longer_flagged)"' "$TMP/sweep.json")"
check_eq "no unknown sites" "0 0" "$(jq -r '"\(.unknown_truth_sites | length) \(.unknown_outcome_sites | length)"' "$TMP/sweep.json")"
"$CORRELATOR" sites --json "${S[@]}" | jq 'map(del(.status))' >"$TMP/after.json"
jq 'map(del(.status))' "$TMP/before.json" >"$TMP/before2.json"
check "the live flags are untouched" cmp -s "$TMP/before2.json" "$TMP/after.json"

"$CORRELATOR" tune --sweep scoring.min_activity=5:9:2 --truth "$OUT/truth.json" "${S[@]}" >"$TMP/sweep.txt"
check_eq "text table: a header and three rows" "3" "$(grep -cE '^ +[579] ' "$TMP/sweep.txt")"
check "text table has the precision/recall columns" grep -q 'TRUTH_P TRUTH_R' "$TMP/sweep.txt"

check_exit "FROM > TO is an empty range: exit 2" 2 "$CORRELATOR" tune --sweep scoring.flag_threshold=6:3:1 "${S[@]}"
check "and says so" grep -q 'empty range' "$TMP/last.err"
check_exit "STEP 0 is an empty range: exit 2" 2 "$CORRELATOR" tune --sweep scoring.flag_threshold=3:6:0 "${S[@]}"
check_exit "a negative STEP: exit 2" 2 "$CORRELATOR" tune --sweep scoring.flag_threshold=3:6:-1 "${S[@]}"
check_exit "malformed spec: exit 2" 2 "$CORRELATOR" tune --sweep scoring.flag_threshold=3:6 "${S[@]}"
check_exit "unknown key: exit 2" 2 "$CORRELATOR" tune --sweep scoring.no_such_key=1:2:1 "${S[@]}"
check_exit "a value out of the key's range: exit 2" 2 "$CORRELATOR" tune --sweep scoring.flag_threshold=900:1100:100 "${S[@]}"
check_exit "too many values: exit 2" 2 "$CORRELATOR" tune --sweep scoring.flag_threshold=0:100:0.01 "${S[@]}"
check_exit "neither --set nor --sweep: exit 2" 2 "$CORRELATOR" tune --db "$TMP/d.db"

# A truth file naming a site the store never saw: reported, not ignored.
jq '.dens += [{site_id: "S9999", start: .start, end: .end}] | .negatives += [{site_id: "S8888", kind: "m2m"}]' \
	"$OUT/truth.json" >"$TMP/bad-truth.json"
"$CORRELATOR" tune --sweep scoring.flag_threshold=5:5:1 --truth "$TMP/bad-truth.json" "${S[@]}" \
	>"$TMP/u.txt" 2>"$TMP/u.err"
check "unknown den site reported on stderr" grep -q 'S9999, unknown to the store' "$TMP/u.err"
check "unknown negative site reported on stderr" grep -q 'S8888, unknown to the store' "$TMP/u.err"
check "and in the table" grep -q 'unknown site in truth file: S9999' "$TMP/u.txt"
check_eq "the unknown den counts as missed: recall 2/3" "0.667" \
	"$("$CORRELATOR" tune --sweep scoring.flag_threshold=5:5:1 --truth "$TMP/bad-truth.json" --json "${S[@]}" 2>/dev/null | jq -r '.rows[0].truth.recall')"
# A recorded outcome whose site is no longer known (e.g. the cell table changed).
sqlite3 "$TMP/d.db" "INSERT INTO verification (site_id, outcome, note, who, at_wall) VALUES ('S7777', 'dismissed', '', 'test', 0)"
"$CORRELATOR" tune --sweep scoring.flag_threshold=5:5:1 --json "${S[@]}" >"$TMP/o.json" 2>"$TMP/o.err"
check "an outcome naming an unknown site is reported" grep -q 'outcome names site S7777' "$TMP/o.err"
check_eq "and listed in the JSON" '["S7777"]' "$(jq -c '.unknown_outcome_sites' "$TMP/o.json")"
"$CORRELATOR" tune --set scoring.flag_threshold=6 --truth "$TMP/bad-truth.json" "${S[@]}" >"$TMP/t.txt" 2>"$TMP/t.err"
check "tune --set reports the unknown truth site on stderr" grep -q 'S9999, unknown to the store' "$TMP/t.err"
check "and in its output" grep -q 'unknown site in truth file: S9999' "$TMP/t.txt"
"$CORRELATOR" tune --set scoring.flag_threshold=6 --json "${S[@]}" >"$TMP/t2.json" 2>"$TMP/t2.err"
check "tune --set reports the unknown outcome site on stderr" grep -q 'outcome names site S7777' "$TMP/t2.err"
check_eq "and in its JSON" '["S7777"]' "$(jq -c '.unknown_outcome_sites' "$TMP/t2.json")"
