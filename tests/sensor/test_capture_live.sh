# test_capture_live.sh: live capture on the loopback interface (needs root or
# CAP_NET_RAW): the sensor captures with a BPF filter on a random UDP port, SIP
# datagrams are sent with bash's /dev/udp, SIGTERM stops it cleanly, and --stats
# shows what it saw.
. "$DW_ROOT/tests/lib.sh"

port=$((30000 + RANDOM % 20000))
"$SENSOR" -i lo -f "udp port $port" --dump events --stats --set log.level=info \
	>"$TMP/live.out" 2>"$TMP/live.err" &
pid=$!
ready=0
for _ in $(seq 1 50); do
	if grep -q "capturing on lo" "$TMP/live.err"; then
		ready=1
		break
	fi
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.1
done
check "live: the sensor started capturing on lo" [ "$ready" -eq 1 ]
[ "$ready" -eq 1 ] || sed 's/^/# /' "$TMP/live.err" | head -5

sip() { # method, n: one datagram (a single write)
	local msg
	printf -v msg '%s sip:+8613800000%03d@ims.example SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:%d;branch=z9hG4bK%d\r\nCall-ID: live-%d@test\r\nCSeq: 1 %s\r\nContent-Length: 0\r\n\r\n' \
		"$1" "$2" "$port" "$2" "$2" "$1"
	echo -n "$msg"
}
for i in 1 2 3; do
	sip INVITE "$i" >/dev/udp/127.0.0.1/"$port"
done
# Something the filter must keep out.
printf 'noise' >/dev/udp/127.0.0.1/$((port + 1))
sleep 0.5
kill -TERM "$pid" 2>/dev/null
wait "$pid"
rc=$?
check_eq "live: SIGTERM stops the sensor with status 0" 0 "$rc"

stat_of() {
	awk -v k="$1" '$1 == k { print $2; found = 1 } END { if (!found) print "missing" }' "$TMP/live.err"
}
check_eq "live: 3 frames captured through the filter" 3 "$(stat_of capture.frames)"
check_eq "live: 3 UDP payloads" 3 "$(stat_of net.payloads)"
check_eq "live: 3 messages handed to the SIP dissector" 3 "$(stat_of sip.messages)"
check "live: kernel counters reported" [ "$(stat_of capture.kernel_received)" != missing ]
