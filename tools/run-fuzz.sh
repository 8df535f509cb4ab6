#!/usr/bin/env bash
# run-fuzz.sh BUILD SECONDS fuzz_*.c...: builds each libFuzzer harness against the
# fuzz build's libraries and runs it for SECONDS from its seed corpus
# (tests/fuzz/corpus/<name>/). A crash fails the run and leaves the input in
# BUILD/fuzz/<name>/crash-*; keep it as a named regression input.
set -euo pipefail
BUILD=$1
SECS=$2
shift 2
LIBS="$BUILD/libdwsensor.a $BUILD/libdwcorrelator.a $BUILD/libdwsim.a $BUILD/libdwcommon.a"
status=0
for src in "$@"; do
	name=$(basename "$src" .c)
	out="$BUILD/fuzz/$name"
	mkdir -p "$out/corpus"
	clang -std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
		-Iinclude -I"$BUILD/gen" "$src" $LIBS \
		-lpcap -lzmq -lsqlite3 -lprotobuf-c -linih -ljansson -lsodium -lm -lpthread -o "$out/$name"
	seeds="tests/fuzz/corpus/${name#fuzz_}"
	dirs="$out/corpus"
	[ -d "$seeds" ] && dirs="$dirs $seeds"
	echo "fuzz: $name for ${SECS}s"
	# shellcheck disable=SC2086
	if ! (cd "$out" && ./"$name" -max_total_time="$SECS" -print_final_stats=1 \
		-artifact_prefix=./ corpus $( [ -d "$OLDPWD/$seeds" ] && echo "$OLDPWD/$seeds") \
		>fuzz.log 2>&1); then
		echo "fuzz: $name FAILED; see $out/fuzz.log"
		tail -30 "$out/fuzz.log"
		status=1
	else
		grep -E 'stat::number_of_executed_units|cov:' "$out/fuzz.log" | tail -2
	fi
done
exit $status
