#!/usr/bin/env bash
# run.sh BUILD: the detection-quality matrix of issue 5 (make quality).
# For every scenario of scenarios.conf and every seed: denwatch-sim (tiny preset
# plus the scenario's knobs) -> denwatch-sensor --dump summaries for both probes
# -> denwatch-correlator import into a fresh store -> score -> eval --json
# against the run's truth.json. Prints, and writes to $QUALITY_OUT/results.txt,
# a table per scenario (pooled over its seeds) and over the whole matrix, then
# checks the floors; exits 1 if one is missed, 2 on bad usage.
#
# Environment:
#   QUALITY_SEEDS       seeds (default "1 2 3 4 5")
#   QUALITY_SCENARIOS   scenario names to run (default: all of scenarios.conf)
#   QUALITY_CONF        the scenario file (default tests/quality/scenarios.conf)
#   QUALITY_OUT         where runs and results go (default BUILD/quality)
#   QUALITY_JOBS        runs in parallel (default 2)
#   QUALITY_CORR_SET    extra correlator settings "KEY=VALUE ..." (to try
#                       scoring defaults over the whole matrix)
#   QUALITY_KEEP        1: keep each run's captures and store (default: deleted)
#
# Floors (issue 5; do not weaken): recall >= 0.95 and precision >= 0.95 over the
# matrix; no call_centre, m2m or festival site flagged; median time to first
# flag <= 2 windows after the den starts.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)

if [ "${1:-}" = "--one" ]; then
	# run.sh --one BUILD OUT NAME SEED KNOBS...: one run; writes OUT/runs/NAME.SEED.json
	BUILD=$2 OUT=$3 NAME=$4 SEED=$5
	shift 5
	D="$OUT/work/$NAME.$SEED"
	rm -rf "$D"
	mkdir -p "$D"
	SETS=()
	for k in "$@"; do SETS+=(--set "$k"); done
	CSETS=(--set "store.db=$D/store.db" --set "sites.cells=$D/sim/cells.csv")
	for k in ${QUALITY_CORR_SET:-}; do CSETS+=(--set "$k"); done
	fail() {
		echo "run $NAME seed $SEED: $*" >&2
		echo "{\"scenario\":\"$NAME\",\"seed\":$SEED,\"error\":\"$*\"}" >"$OUT/runs/$NAME.$SEED.json"
		exit 1
	}
	"$BUILD/denwatch-sim" --preset tiny --seed "$SEED" --out "$D/sim" "${SETS[@]}" 2>"$D/sim.err" ||
		fail "denwatch-sim failed: $(head -c 200 "$D/sim.err")"
	for p in ims s11; do
		"$BUILD/denwatch-sensor" -r "$D/sim/$p.pcap" --dump summaries >"$D/$p.jsonl" 2>"$D/sensor.err" ||
			fail "denwatch-sensor on $p failed: $(head -c 200 "$D/sensor.err")"
		"$BUILD/denwatch-correlator" import --sensor-id "$p" "$D/$p.jsonl" "${CSETS[@]}" \
			>/dev/null 2>"$D/corr.err" || fail "import $p failed: $(head -c 200 "$D/corr.err")"
	done
	"$BUILD/denwatch-correlator" score "${CSETS[@]}" 2>"$D/corr.err" ||
		fail "score failed: $(head -c 200 "$D/corr.err")"
	"$BUILD/denwatch-correlator" eval --json --truth "$D/sim/truth.json" "${CSETS[@]}" \
		>"$D/eval.json" 2>"$D/corr.err" || fail "eval failed: $(head -c 200 "$D/corr.err")"
	jq -c --arg n "$NAME" --argjson s "$SEED" '. + {scenario: $n, seed: $s}' "$D/eval.json" \
		>"$OUT/runs/$NAME.$SEED.json" || fail "eval output is not JSON"
	[ "${QUALITY_KEEP:-0}" = 1 ] || rm -rf "$D"
	exit 0
fi

BUILD=${1:?usage: tests/quality/run.sh BUILD}
case $BUILD in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
CONF=${QUALITY_CONF:-$ROOT/tests/quality/scenarios.conf}
OUT=${QUALITY_OUT:-$BUILD/quality}
SEEDS=${QUALITY_SEEDS:-1 2 3 4 5}
JOBS=${QUALITY_JOBS:-2}
for p in denwatch-sim denwatch-sensor denwatch-correlator; do
	[ -x "$BUILD/$p" ] || { echo "run.sh: $BUILD/$p: not built (run make)" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "run.sh: jq is needed" >&2; exit 2; }
[ -r "$CONF" ] || { echo "run.sh: $CONF: cannot read" >&2; exit 2; }
WINDOW_S=$(awk -F' *= *' \
	'/^\[/{sec=$0} sec=="[window]" && $1=="seconds"{print $2}' "$ROOT/config/denwatch.conf")
WINDOW_S=${WINDOW_S:-300}

# Read the matrix: the base knobs, then every scenario (optionally filtered).
BASE=""
declare -a NAMES=() KNOBS=()
while read -r name rest; do
	case $name in ''|'#'*) continue ;; esac
	rest=${rest%%#*}
	if [ "$name" = base ]; then BASE=$rest; continue; fi
	if [ -n "${QUALITY_SCENARIOS:-}" ] && ! [[ " $QUALITY_SCENARIOS " == *" $name "* ]]; then
		continue
	fi
	NAMES+=("$name")
	KNOBS+=("$rest")
done <"$CONF"
if [ -n "${QUALITY_SCENARIOS:-}" ]; then
	for want in $QUALITY_SCENARIOS; do
		[[ " ${NAMES[*]} " == *" $want "* ]] || { echo "run.sh: unknown scenario '$want' (see $CONF)" >&2; exit 2; }
	done
fi
[ ${#NAMES[@]} -gt 0 ] || { echo "run.sh: no scenario in $CONF" >&2; exit 2; }

rm -rf "$OUT/runs" "$OUT/work"
mkdir -p "$OUT/runs" "$OUT/work"
T0=$(date +%s)
for i in "${!NAMES[@]}"; do
	for s in $SEEDS; do
		# one line per run: NAME SEED KNOBS (base first, so a scenario's knob wins)
		echo "${NAMES[$i]} $s $BASE ${KNOBS[$i]}"
	done
done | nice xargs -P "$JOBS" -L 1 "$0" --one "$BUILD" "$OUT"
XRC=$?
T1=$(date +%s)

# The table: per scenario pooled over its seeds, and over the whole matrix.
cat "$OUT"/runs/*.json | jq -rs --argjson w "$WINDOW_S" --arg secs "$((T1 - T0))" \
	--arg seeds "$SEEDS" '
def median: sort | if length == 0 then null
	elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def windows: (. / $w) | ceil;
def r3: . * 1000 | round / 1000;
def fmt(x): if x == null then "-" else (x | tostring) end;
def neg(k): [.[] | .negatives_flagged_by_kind[k] // 0] | add // 0;
def summary(name): {
	name: name,
	runs: length,
	errors: [.[] | select(.error)] | length,
	dens: ([.[] | .dens // 0] | add // 0),
	tp: ([.[] | .true_positives // 0] | add // 0),
	flagged: ([.[] | .flagged // 0] | add // 0),
	cc: neg("call_centre"), m2m: neg("m2m"), hub: neg("transport_hub"), fest: neg("festival"),
	ttf: [.[] | .den_results[]? | select(.flagged) | .time_to_flag_s | windows]
} | . + {
	recall: (if .dens > 0 then .tp / .dens else 1 end),
	precision: (if .flagged > 0 then .tp / .flagged else (if .dens > 0 then 0 else 1 end) end),
	median_w: (.ttf | median), max_w: (.ttf | max)
};
def row: "\(.name | . + " " * (20 - length)) \(.runs | tostring | " " * (4 - length) + .) \(.dens | tostring | " " * (5 - length) + .) \(.tp | tostring | " " * (5 - length) + .) \(.flagged | tostring | " " * (5 - length) + .)  \(.recall | r3 | tostring | " " * (6 - length) + .) \(.precision | r3 | tostring | " " * (6 - length) + .)   \(.cc)/\(.m2m)/\(.hub)/\(.fest)      \(fmt(.median_w) | " " * (3 - length) + .) \(fmt(.max_w) | " " * (3 - length) + .)\(if .errors > 0 then "  \(.errors) RUN(S) FAILED" else "" end)";
. as $all
| (group_by(.scenario) | map(summary(.[0].scenario))) as $rows
| ($all | summary("ALL")) as $t
| ([$rows[] | select(.recall < 1) | .name]) as $missed
| "denwatch detection quality: \($rows | length) scenarios x seeds \($seeds), \($all | length) runs, \($secs) s; window \($w) s",
  "recall = dens flagged / dens; precision = flagged den sites / flagged sites; pooled over seeds",
  "negatives flagged: call_centre/m2m/transport_hub/festival; TTF: windows from den start to first flag",
  "",
  "SCENARIO             RUNS  DENS   TP  FLAG  RECALL  PREC   NEG cc/m2m/hub/fest  TTF med max",
  ($rows[] | row),
  ($t | row),
  "",
  "floors: recall \($t.recall | r3) >= 0.95 \(if $t.recall >= 0.95 then "ok" else "MISSED" end);" +
  " precision \($t.precision | r3) >= 0.95 \(if $t.precision >= 0.95 then "ok" else "MISSED" end);" +
  " call_centre+m2m+festival flagged \($t.cc + $t.m2m + $t.fest) == 0 \(if $t.cc + $t.m2m + $t.fest == 0 then "ok" else "MISSED" end);" +
  " median TTF \(fmt($t.median_w)) <= 2 windows \(if $t.median_w != null and $t.median_w <= 2 then "ok" else "MISSED" end);" +
  " failed runs \($t.errors) \(if $t.errors == 0 then "ok" else "MISSED" end)",
  (if ($missed | length) > 0 then "scenarios with missed dens: \($missed | join(", "))" else empty end),
  "RESULT \(if $t.recall >= 0.95 and $t.precision >= 0.95 and ($t.cc + $t.m2m + $t.fest) == 0 and $t.median_w != null and $t.median_w <= 2 and $t.errors == 0 then "PASS" else "FAIL" end)"
' >"$OUT/results.txt"
JRC=$?
cat "$OUT/results.txt"
[ "${QUALITY_KEEP:-0}" = 1 ] || rm -rf "$OUT/work"
if [ $JRC -ne 0 ]; then echo "run.sh: could not build the table" >&2; exit 1; fi
echo "table written to $OUT/results.txt"
[ $XRC -eq 0 ] || { echo "run.sh: some runs failed (see above)" >&2; exit 1; }
grep -q '^RESULT PASS$' "$OUT/results.txt" || exit 1
exit 0
