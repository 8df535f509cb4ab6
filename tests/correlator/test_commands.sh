# test_commands.sh: the investigator commands on a store filled offline (import of
# two probes' summaries, then score): ranked sites and their JSON contract, show,
# verify with history, exports checked against their formats, eval against a
# truth file, tune without touching live flags, and bad usage / bad config.
. "$DW_ROOT/tests/lib.sh"
C="$CORRELATOR"
D="$TMP/db.sqlite"
awk -v out="$TMP" -f "$DW_ROOT/tests/correlator/gen_summaries.awk" /dev/null
CONF="$TMP/test.conf"
cat >"$CONF" <<CONF
[sites]
cells = $TMP/cells.csv
[scoring]
gateway_tacs = $DW_ROOT/config/gateway_tacs.csv
allowlist_numbers = $DW_ROOT/config/allowlist_numbers.csv
allowlist_sites = $DW_ROOT/config/allowlist_sites.csv
[store]
db = $D
CONF
c() { "$C" "$@" -c "$CONF"; }

check "import the IMS probe's summaries" c import --sensor-id ims "$TMP/ims.jsonl"
check "import the S11 probe's summaries" c import --sensor-id s11 "$TMP/s11.jsonl"
n1=$(sqlite3 "$D" 'select count(*) from summary')
check "importing again stores nothing twice" c import --sensor-id ims "$TMP/ims.jsonl"
check_eq "summary count unchanged by the resend" "$n1" "$(sqlite3 "$D" 'select count(*) from summary')"
check_eq "every summary stored" "5584" "$n1"
check "score the stored windows" c score

c sites --json >"$TMP/sites.json"
check_eq "one site flagged: the den" '["S0002"]' "$(jq -c '[.[].site_id]' "$TMP/sites.json")"
check_eq "sites --json carries the contract's fields" "true" \
	"$(jq '.[0] | has("site_id") and has("score") and has("status") and has("lat") and has("lon") and has("evidence") and has("subscribers")' "$TMP/sites.json")"
check_eq "evidence entries are {rule, value, threshold}" "true" \
	"$(jq '[.[0].evidence[] | has("rule") and has("value") and has("threshold")] | all' "$TMP/sites.json")"
check_eq "eight suspicious SIMs, joined across both probes" "8" "$(jq '.[0].subscribers' "$TMP/sites.json")"
check_eq "status new, coordinates from the cell table" "new 31.22 121.42" \
	"$(jq -r '.[0] | "\(.status) \(.lat) \(.lon)"' "$TMP/sites.json")"
check_eq "the den's gateway IMEIs are in the evidence" "true" \
	"$(jq '[.[0].imeis[] | startswith("86123400")] | any' "$TMP/sites.json")"
c sites >"$TMP/sites.txt"
check "the table ranks the den first" grep -q '^1 *S0002 ' "$TMP/sites.txt"
check_eq "--all adds scored, unflagged sites" "true" \
	"$(c sites --all --json | jq 'length > 1 and (map(select(.status == "none")) | length > 0)')"

c show S0002 >"$TMP/show.txt"
check "show says why in words" grep -q 'S0002 was flagged because 8 SIMs' "$TMP/show.txt"
check "show lists the SIMs with their numbers" grep -q '4600102000000.*861390' "$TMP/show.txt"
c show S0002 --json >"$TMP/show.json"
check_eq "show --json: evidence ordered by contribution" "true" \
	"$(jq '[.evidence[].contribution] | . == (sort | reverse)' "$TMP/show.json")"
check_eq "show --json: hourly activity" "2" "$(jq '.hourly | length' "$TMP/show.json")"
check_exit "show of an unknown site fails" 1 c show S9999

check "verify records an outcome" c verify S0002 --outcome confirmed --note "8-port GoIP found" --by alice
check_eq "the flag takes the outcome" "confirmed" "$(c sites --json | jq -r '.[0].status')"
check_eq "--status filters" "1 0" "$(c sites --json --status confirmed | jq length) $(c sites --json --status new | jq length)"
check_eq "history keeps who and the note" "alice 8-port GoIP found" \
	"$(c show S0002 --json | jq -r '.history[-1] | "\(.who) \(.note)"')"
check_eq "verification outcome stored" "confirmed|alice" "$(sqlite3 "$D" 'select outcome, who from verification')"
check_exit "verify of a site never flagged fails" 1 c verify S0003 --outcome dismissed
check_exit "verify without --outcome is bad usage" 2 c verify S0002
check_exit "verify with a bad outcome is bad usage" 2 c verify S0002 --outcome maybe

check "export geojson" c export --format geojson -o "$TMP/sites.geojson"
check_eq "GeoJSON FeatureCollection of Points, [lon, lat]" "FeatureCollection Point [121.42,31.22]" \
	"$(jq -r '"\(.type) \(.features[0].geometry.type) \(.features[0].geometry.coordinates | tostring)"' "$TMP/sites.geojson")"
check "export kml" c export --format kml -o "$TMP/sites.kml"
check "KML is well-formed XML" xmllint --noout "$TMP/sites.kml"
check "KML uses the 2.2 namespace and lon,lat order" grep -q '<coordinates>121.420000,31.220000,0</coordinates>' "$TMP/sites.kml"
check_eq "KML root" "kml" "$(xmllint --xpath 'local-name(/*)' "$TMP/sites.kml")"
c export --format csv >"$TMP/sites.csv"
check_eq "CSV header" "site_id,status,score,lat,lon,address,subscribers,first_flagged,last_flagged,rules" "$(head -1 "$TMP/sites.csv")"
check_eq "CSV quotes an address with a comma" '"Block 2, sector 0"' "$(sed -n 2p "$TMP/sites.csv" | grep -o '"Block 2, sector 0"')"
check_exit "export needs --format" 2 c export
check_exit "export with an unknown format" 2 c export --format shp

c eval --truth "$TMP/truth.json" --json >"$TMP/eval.json" 2>"$TMP/eval.err"
check_eq "eval: precision, recall, F1" "1 1 1" "$(jq -r '"\(.precision) \(.recall) \(.f1)"' "$TMP/eval.json")"
check_eq "eval: time to first flag in event time" "300" "$(jq '.den_results[0].time_to_flag_s' "$TMP/eval.json")"
check_eq "eval: no negative flagged" "0" "$(jq '.negatives_flagged' "$TMP/eval.json")"
check_eq "eval: the truth's unknown site is reported" '["S0099"]' "$(jq -c '.unknown_sites' "$TMP/eval.json")"
check "eval: unknown sites also said on stderr" grep -q 'unknown to the store' "$TMP/eval.err"
c eval --truth "$TMP/truth.json" >"$TMP/eval.txt" 2>/dev/null
check "eval: text report" grep -q 'precision 1.000  recall 1.000  F1 1.000' "$TMP/eval.txt"
echo '{"dens": 3}' >"$TMP/bad_truth.json"
check_exit "eval: a file that is not a truth file" 1 c eval --truth "$TMP/bad_truth.json"

before=$(sqlite3 "$D" 'select site_id, status, score, last_flagged from flag')
c tune --set scoring.flag_threshold=1000 --json >"$TMP/tune.json"
check_eq "tune: a high threshold would unflag the den" '["S0002"]' "$(jq -c '.no_longer_flagged' "$TMP/tune.json")"
check_eq "tune: measured against verify outcomes" "1 1 0" \
	"$(jq -r '"\(.outcomes_live.confirmed) \(.outcomes_live.recall) \(.outcomes_tuned.recall)"' "$TMP/tune.json")"
check_eq "tune leaves the live flags alone" "$before" "$(sqlite3 "$D" 'select site_id, status, score, last_flagged from flag')"
c tune --set scoring.site_suspects_min=1 --set scoring.flag_threshold=0.5 --truth "$TMP/truth.json" >"$TMP/tune.txt" 2>/dev/null
check "tune: text report with truth" grep -q 'against .*truth.json: precision' "$TMP/tune.txt"
check_exit "tune without --set is bad usage" 2 c tune

# Bad usage and bad config.
check_exit "no command" 2 "$C"
check_exit "unknown command" 2 "$C" frobnicate
check_exit "option of another command" 2 c sites --outcome confirmed
check_exit "show without SITE" 2 c show
for sub in run sites show verify export eval tune import score; do
	"$C" $sub --help >"$TMP/help.txt"
	check "$sub --help explains itself" grep -q "^Usage: denwatch-correlator $sub" "$TMP/help.txt"
done
printf '[scoring]\nflag_threshold = 5\nflag_treshold = 4\n' >"$TMP/bad.conf"
check_exit "unknown key in the config" 2 "$C" sites -c "$TMP/bad.conf"
check "...named with file, line and key" grep -q "bad.conf:3: scoring.flag_treshold: unknown key" "$TMP/last.err"
check_exit "threshold out of range" 2 c sites --set scoring.fanout_ratio=1.5
check "...named with key and range" grep -q "scoring.fanout_ratio: 1.5 is out of range 0..1" "$TMP/last.err"
check_exit "missing cell file" 2 c score --set sites.cells="$TMP/nope.csv"
check "...named with key and file" grep -q "sites.cells: cannot open '$TMP/nope.csv'" "$TMP/last.err"
check_exit "run refuses a missing cell file before listening" 2 c run --set sites.cells="$TMP/nope.csv"
echo "not a database at all, but long enough to look like a header........" >"$TMP/garbage.db"
check_exit "unreadable database" 2 c sites --set store.db="$TMP/garbage.db"
check "...named with origin, key and file" grep -q -- "--set: store.db: $TMP/garbage.db" "$TMP/last.err"
check_exit "missing database for sites" 2 c sites --db "$TMP/none.db"
printf 'tac,vendor\n1234\n' >"$TMP/tacs.csv"
check_exit "bad gateway TAC list" 2 c score --set scoring.gateway_tacs="$TMP/tacs.csv"
check "...named with file and line" grep -q "tacs.csv:2: '1234' is not a valid tac" "$TMP/last.err"
check_exit "one error line on stderr" 0 test "$(wc -l <"$TMP/last.err")" -eq 1
