# test_summaries_truth.sh: on a simulator tiny run, `denwatch-sensor -r ims.pcap
# s11.pcap --dump summaries` gives per subscriber (summed over windows) the
# calls_out, calls_in, sms_out, sms_in and data_sessions of truth.json; every
# summary is attributed to a known subscriber; a replay prints identical bytes.
# A summary names its subscriber by IMSI, or by MSISDN alone when the window
# closed before the sensor learnt the IMSI (activity before the subscriber's
# first REGISTER or Create Session in the capture): the correlator joins those
# by MSISDN, and so does this test.
. "$DW_ROOT/tests/lib.sh"

require_programs "$SENSOR" "$SIM"

if ! "$SIM" --preset tiny --out "$TMP/sim" >"$TMP/sim.log" 2>&1; then
	not_ok "denwatch-sim --preset tiny runs"
	sed 's/^/# /' "$TMP/sim.log" | head -5
	exit 0
fi
D="$TMP/sim"
check_exit "sensor reads ims.pcap and s11.pcap" 0 \
	"$SENSOR" -r "$D/ims.pcap" "$D/s11.pcap" --dump summaries
cp "$TMP/last.out" "$TMP/sum1.jsonl"
check "summaries printed" [ -s "$TMP/sum1.jsonl" ]

# totals from the sensor per IMSI, and per "msisdn:N" for MSISDN-only summaries
jq -s 'map(.key = (if .imsi != "" then .imsi else "msisdn:" + .msisdn end)) |
	group_by(.key) | map({key: .[0].key, value: {
	calls_out: (map(.calls_out) | add), calls_in: (map(.calls_in) | add),
	sms_out: (map(.sms_out) | add), sms_in: (map(.sms_in) | add),
	data_sessions: (map(.data_sessions) | add)}}) | from_entries' \
	"$TMP/sum1.jsonl" >"$TMP/sensor.json"

nsubs=$(jq '.subscribers | length' "$D/truth.json")
check "truth.json lists subscribers ($nsubs)" [ "$nsubs" -gt 0 ]
for k in calls_out calls_in sms_out sms_in data_sessions; do
	# "imsi truth sensor" for each subscriber whose count differs
	jq -r --arg k "$k" --slurpfile s "$TMP/sensor.json" '.subscribers[] |
		(.[$k]) as $want |
		((($s[0][.imsi] // {})[$k] // 0) + (($s[0]["msisdn:" + .msisdn] // {})[$k] // 0)) as $got |
		select($want != $got) | "\(.imsi) \(.role) truth \($want) sensor \($got)"' \
		"$D/truth.json" >"$TMP/diff.$k"
	total=$(jq --arg k "$k" '[.subscribers[][$k]] | add' "$D/truth.json")
	if [ -s "$TMP/diff.$k" ]; then
		not_ok "$k per subscriber equals truth.json ($(wc -l <"$TMP/diff.$k") of $nsubs differ; truth total $total)"
		head -5 "$TMP/diff.$k" | sed 's/^/# /'
	else
		ok "$k per subscriber equals truth.json ($nsubs subscribers, total $total)"
	fi
done

# every summary belongs to a subscriber of the truth file
jq '[.subscribers[] | {key: .imsi, value: 1}, {key: ("msisdn:" + .msisdn), value: 1}] |
	from_entries' "$D/truth.json" >"$TMP/known.json"
unknown=$(jq -s --slurpfile k "$TMP/known.json" '[.[] |
	(if .imsi != "" then .imsi else "msisdn:" + .msisdn end) as $key |
	select($k[0][$key] == null)] | length' "$TMP/sum1.jsonl")
by_msisdn=$(jq -s '[.[] | select(.imsi == "")] | length' "$TMP/sum1.jsonl")
total=$(wc -l <"$TMP/sum1.jsonl")
check_eq "every summary names a known subscriber ($by_msisdn of $total by MSISDN alone)" 0 "$unknown"

# DESIGN section 8 fields
missing=$(jq -rs '[.[] | [has("window_start"), has("window_seconds"), has("imsi"),
	has("msisdn"), (.imeis | type == "array"), (.cells | type == "object"),
	has("calls_out"), has("calls_out_answered"), has("calls_out_seconds"), has("calls_in"),
	has("sms_out"), has("sms_in"), has("distinct_callees"), has("distinct_sms_dests"),
	has("seq_run_max"), has("data_sessions")] | all | not] | map(select(.)) | length' \
	"$TMP/sum1.jsonl")
check_eq "every summary has the DESIGN section 8 fields" 0 "$missing"

"$SENSOR" -r "$D/ims.pcap" "$D/s11.pcap" --dump summaries >"$TMP/sum2.jsonl" 2>/dev/null
check "a replay prints identical bytes" cmp -s "$TMP/sum1.jsonl" "$TMP/sum2.jsonl"
