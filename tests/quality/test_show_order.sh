# test_show_order.sh: show SITE orders the evidence by contribution to the
# score (largest first) in JSON and text, and explains in words why the site was
# flagged: the sentence follows the same order and names the suspicious SIMs'
# behaviour; a scored but unflagged site says why it is not flagged.
. "$DW_ROOT/tests/lib.sh"
if [ ! -x "$SIM" ] || [ ! -x "$SENSOR" ]; then
	not_ok "show ordering: denwatch-sim or denwatch-sensor not built"
	exit 0
fi
OUT="$TMP/sim"
"$SIM" --preset tiny --out "$OUT" >/dev/null 2>&1
S=(--set "store.db=$TMP/d.db" --set "sites.cells=$OUT/cells.csv")
for p in ims s11; do
	"$SENSOR" -r "$OUT/$p.pcap" --dump summaries >"$TMP/$p.jsonl"
	"$CORRELATOR" import --sensor-id "$p" "$TMP/$p.jsonl" "${S[@]}" >/dev/null
done
"$CORRELATOR" score "${S[@]}"
SITE=$("$CORRELATOR" sites --json "${S[@]}" | jq -r '.[0].site_id')
check "a site is flagged" test -n "$SITE" -a "$SITE" != null
"$CORRELATOR" show "$SITE" --json "${S[@]}" >"$TMP/show.json"
check "several pieces of evidence" jq -e '.evidence | length >= 3' "$TMP/show.json"
check "JSON evidence by contribution, largest first" jq -e \
	'[.evidence[].contribution] as $c | $c == ($c | sort | reverse)' "$TMP/show.json"
check "contributions add up to the score" jq -e \
	'(([.evidence[].contribution] | add) - .score) | fabs < 0.01' "$TMP/show.json"
"$CORRELATOR" show "$SITE" "${S[@]}" >"$TMP/show.txt"
check_eq "text evidence table in the same order" \
	"$(jq -r '.evidence[].rule' "$TMP/show.json" | paste -sd,)" \
	"$(sed -n '/^Evidence/,/^$/p' "$TMP/show.txt" | awk 'NR > 2 && NF == 5 { print $1 }' | paste -sd,)"
WHY=$(jq -r '.why' "$TMP/show.json")
check "the sentence says why" grep -q "^$SITE was flagged because " <<<"$WHY"
TOP=$(jq -r '.evidence[0].rule' "$TMP/show.json")
# The top rule's phrase comes first: the suspects rule's phrase speaks of SIM-box lines.
if [ "$TOP" = suspects ]; then
	check "the strongest evidence is said first" grep -q "because [0-9]* SIMs here behave like SIM-box lines" <<<"$WHY"
else
	check "the strongest evidence ($TOP) is said first" false
fi
check "the sentence names the SIMs' behaviour" grep -qE "Of its [0-9]+ suspicious SIMs, [0-9]+ [a-z]" <<<"$WHY"
NEG=$(jq -r '.negatives[] | select(.kind == "m2m") | .site_id' "$OUT/truth.json")
"$CORRELATOR" show "$NEG" --json "${S[@]}" >"$TMP/neg.json" 2>/dev/null
check "an unflagged scored site (M2M fleet) says it is not flagged, and why" jq -e \
	'.why | test("is not flagged; its latest score is .*without enough suspicious SIMs")' "$TMP/neg.json"
