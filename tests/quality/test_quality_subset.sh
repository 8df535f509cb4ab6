# test_quality_subset.sh: a short subset of the detection-quality matrix
# (tests/quality/scenarios.conf) for make check: the slowest den (4 ports), SMS
# only, random dialling, a den at the hub, a den two hours a night, and the hard
# negatives (call centre with gateway SIMs, M2M fleet with a gateway TAC,
# festival crowd), two seeds each, through tests/quality/run.sh; asserts the
# floors of issue 5 on it. make quality runs the whole matrix with five seeds.
. "$DW_ROOT/tests/lib.sh"
if [ ! -x "$SIM" ] || [ ! -x "$SENSOR" ]; then
	not_ok "quality subset: denwatch-sim or denwatch-sensor not built"
	exit 0
fi
export QUALITY_OUT="$TMP/q" QUALITY_SEEDS="1 2" QUALITY_JOBS=2
export QUALITY_SCENARIOS="ports_4 sms_only random_dial den_at_hub night_2h call_centre_mobile m2m_gateway_tac festival"
"$DW_ROOT/tests/quality/run.sh" "$DW_BUILD" >"$TMP/out.txt" 2>"$TMP/err.txt"
rc=$?
R="$QUALITY_OUT/results.txt"
sed 's/^/# /' "$TMP/out.txt" "$TMP/err.txt"
check "the table is written" test -s "$R"
ALL=$(grep '^ALL ' "$R")
read -r _ runs dens tp flagged recall precision negs med max <<<"$ALL"
check_eq "all 16 runs made" "16" "${runs:-}"
check "recall >= 0.95 over the subset" awk -v v="${recall:-0}" 'BEGIN { exit !(v >= 0.95) }'
check "precision >= 0.95 over the subset" awk -v v="${precision:-0}" 'BEGIN { exit !(v >= 0.95) }'
IFS=/ read -r cc m2m hub fest <<<"${negs:-x/x/x/x}"
check_eq "no call-centre site flagged" "0" "$cc"
check_eq "no M2M site flagged" "0" "$m2m"
check_eq "no festival site flagged" "0" "$fest"
check "median time to first flag <= 2 windows" awk -v v="${med:-99}" 'BEGIN { exit !(v != "-" && v <= 2) }'
check_eq "run.sh reports PASS and exits 0" "RESULT PASS 0" "$(grep '^RESULT' "$R") $rc"
# The runner must fail when a floor is missed: a flag threshold nobody reaches.
QUALITY_OUT="$TMP/q2" QUALITY_SEEDS=1 QUALITY_SCENARIOS=ports_8 \
	QUALITY_CORR_SET="scoring.flag_threshold=1000" \
	"$DW_ROOT/tests/quality/run.sh" "$DW_BUILD" >"$TMP/out2.txt" 2>&1
check_eq "a missed recall floor makes run.sh exit 1" "1" "$?"
check "and its table says FAIL" grep -q '^RESULT FAIL$' "$TMP/q2/results.txt"
check_exit "an unknown scenario is a usage error" 2 env QUALITY_SCENARIOS=nope \
	QUALITY_OUT="$TMP/q3" "$DW_ROOT/tests/quality/run.sh" "$DW_BUILD"
