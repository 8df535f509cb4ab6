# test_e2e_city.sh: the README's first command, as a test. tools/demo.sh runs the
# `city` preset through two sensor processes and the correlator over ZeroMQ on
# loopback; every den must be flagged and no negative site (call centre, M2M fleet,
# transport hub), and the GeoJSON export must be a FeatureCollection of the flags.
. "$DW_ROOT/tests/lib.sh"
require_programs "$SIM" "$SENSOR" "$CORRELATOR"
OUT="$TMP/city"
cd "$DW_ROOT" || exit 1
DEMO_OUT="$OUT" tools/demo.sh "$DW_BUILD" >"$TMP/demo.log" 2>&1
rc=$?
check_eq "make demo's script on the city preset exits 0" 0 "$rc"
[ "$rc" -ne 0 ] && tail -5 "$TMP/demo.log" | sed 's/^/# /'
COMMON=(--set "store.db=$OUT/denwatch.db" --set "sites.cells=$OUT/cells.csv")
"$CORRELATOR" eval --json --truth "$OUT/truth.json" "${COMMON[@]}" >"$TMP/eval.json"
check "the city has at least two dens" test "$(jq '.dens | length' "$OUT/truth.json")" -ge 2
check_eq "every den of the city flagged (recall 1)" "1" "$(jq '.recall' "$TMP/eval.json")"
check_eq "precision 1" "1" "$(jq '.precision' "$TMP/eval.json")"
check_eq "no negative site flagged" "0" "$(jq '.negatives_flagged' "$TMP/eval.json")"
check "the truth has a call centre, an M2M fleet and a transport hub" \
	test "$(jq -c '[.negatives[].kind] | unique' "$OUT/truth.json")" = '["call_centre","m2m","transport_hub"]'
check_eq "the demo printed the ranked sites and the evaluation" 2 \
	"$(grep -cE '^== (flagged sites, ranked|evaluation against)' "$TMP/demo.log")"
check_eq "sites.geojson: one Point feature per flagged site" "true" \
	"$(jq --argjson n "$("$CORRELATOR" sites --json "${COMMON[@]}" | jq length)" \
		'.type == "FeatureCollection" and (.features | length) == $n and ([.features[].geometry.type == "Point"] | all)' \
		"$OUT/sites.geojson")"
