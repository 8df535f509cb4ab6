#!/usr/bin/env bash
# run-tests.sh BUILD_DIR: runs every test of denwatch and ends with one line
# "N passed, N failed". Unit tests are the cmocka programs BUILD_DIR/tests/test_*,
# run with TAP output; shell tests are tests/*/test_*.sh, which print TAP lines
# ("ok - ..." / "not ok - ...") through tests/lib.sh. A test program that dies
# without reporting a failure counts as one failure. Exit status 1 if any failed.
# TESTS=pattern runs only the test files whose path matches the pattern.
set -u
BUILD=${1:-build}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export DW_ROOT="$ROOT"
export DW_BUILD="$ROOT/$BUILD"
# shared/ sits beside the checkout (CI's clone, the main work tree); from a git
# worktree elsewhere, find it beside the main repository.
if [ -z "${DW_CAPTURES:-}" ]; then
	DW_CAPTURES="$ROOT/../shared/captures"
	if [ ! -d "$DW_CAPTURES" ]; then
		common=$(git rev-parse --path-format=absolute --git-common-dir 2>/dev/null)
		[ -n "$common" ] && DW_CAPTURES="$(dirname "$common")/../shared/captures"
	fi
fi
if [ ! -d "$DW_CAPTURES" ]; then
	echo "run-tests: the third-party captures are missing ($DW_CAPTURES); set DW_CAPTURES" >&2
fi
export DW_CAPTURES
export CMOCKA_MESSAGE_OUTPUT=TAP
LOGS="$DW_BUILD/test-logs"
mkdir -p "$LOGS"
passed=0
failed=0
TIMEOUT=${TEST_TIMEOUT:-900}

run_one() { # name, command...
	local name=$1
	shift
	local log="$LOGS/$(echo "$name" | tr '/' '_').log"
	local start=$SECONDS
	timeout "$TIMEOUT" "$@" >"$log" 2>&1
	local rc=$?
	local ok nok
	ok=$(grep -c '^ok ' "$log")
	nok=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$nok" -eq 0 ]; then
		nok=1
		echo "not ok - $name exited with status $rc without reporting a failure" >>"$log"
	fi
	passed=$((passed + ok))
	failed=$((failed + nok))
	printf '%-48s %4d passed %3d failed %4ds\n' "$name" "$ok" "$nok" $((SECONDS - start))
	if [ "$nok" -gt 0 ]; then
		grep -E '^(not ok|#)' "$log" | head -40 | sed 's/^/    /'
		echo "    (full log: $log)"
	fi
}

for t in "$DW_BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	name="unit/$(basename "$t")"
	[ -n "${TESTS:-}" ] && [[ "$name" != *$TESTS* ]] && continue
	run_one "$name" "$t"
done
for s in tests/*/test_*.sh; do
	[ -f "$s" ] || continue
	name="${s#tests/}"
	name="${name%.sh}"
	[ -n "${TESTS:-}" ] && [[ "$name" != *$TESTS* ]] && continue
	run_one "$name" bash "$s"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
