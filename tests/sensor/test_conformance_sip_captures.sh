#!/usr/bin/env bash
# test_conformance_sip_captures.sh: on every SIP capture in ../shared/captures/sip/,
# the SIP events of `denwatch-sensor --dump events` equal, frame by frame, what
# tshark dissects from the same frames (methods and status codes -> events,
# Call-IDs, callers, callees, cells, failure codes, registration IMEIs); see
# conformance_sip.py for the rules.
. "$(dirname "$0")/../lib.sh"

check "tshark is installed" command -v tshark
check "the sensor is built" test -x "$SENSOR"
n=0
for cap in "$CAPTURES"/sip/*.pcap "$CAPTURES"/sip/*.pcapng; do
	[ -f "$cap" ] || continue
	n=$((n + 1))
	base=$(basename "$cap")
	check_exit "$base: the sensor reads it" 0 "$SENSOR" -r "$cap" --dump events --stats
	cp "$TMP/last.out" "$TMP/$base.events"
	cp "$TMP/last.err" "$TMP/$base.stats"
	python3 "$DW_ROOT/tests/sensor/conformance_sip.py" "$cap" "$TMP/$base.events" "$TMP/$base.stats"
done
check "SIP captures found in $CAPTURES/sip" test "$n" -ge 9
