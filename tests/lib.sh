# lib.sh: helpers for shell tests. Each check prints one TAP line that
# tools/run-tests.sh counts. Sourced by tests/*/test_*.sh.
set -u
: "${DW_ROOT:?run through tools/run-tests.sh (make check)}"
: "${DW_BUILD:?}"
SENSOR="$DW_BUILD/denwatch-sensor"
CORRELATOR="$DW_BUILD/denwatch-correlator"
SIM="$DW_BUILD/denwatch-sim"
CAPTURES="$DW_CAPTURES"

# A scratch folder removed at exit.
TMP=$(mktemp -d "${TMPDIR:-/tmp}/dwtest.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

# check "description" command...: passes when the command succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# check_eq "description" expected actual
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1"
		echo "# expected: $2"
		echo "# actual:   $3"
	fi
}

# check_exit "description" expected_status command...
check_exit() {
	local desc=$1 want=$2
	shift 2
	"$@" >"$TMP/last.out" 2>"$TMP/last.err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then ok "$desc"; else
		not_ok "$desc"
		echo "# exit status $rc, wanted $want; stderr: $(head -c 300 "$TMP/last.err")"
	fi
}

# A free TCP port on loopback for a test's ZeroMQ endpoint.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null ||
		echo $((20000 + RANDOM % 20000))
}

# require_programs prog...: a test that needs a program fails (never skips) when the
# program is not built.
require_programs() {
	local p
	for p in "$@"; do
		if [ ! -x "$p" ]; then
			not_ok "$(basename "$0"): $p is not built"
			exit 1
		fi
	done
}
