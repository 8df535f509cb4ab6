# test_capture_cli.sh: the sensor's command line (DESIGN section 8): --help, usage
# errors with one line and status 2, the transport path, config overrides.
. "$DW_ROOT/tests/lib.sh"

f="$CAPTURES/sip/sip_call_over_ipv6_udp.pcap"

check_exit "--help: status 0" 0 "$SENSOR" --help
for want in "-r FILE" "-i IFACE" "-f BPF" "--connect ENDPOINT" "--sensor-id NAME" \
	"--dump events" "--dump summaries" "--stats" "-c FILE" "--set" "Exit status" \
	"Examples" "capture.read_buffer_kb" "window.seconds"; do
	check "--help mentions $want" grep -q -e "$want" "$TMP/last.out"
done

usage() { # description, arguments...
	local desc=$1
	shift
	check_exit "$desc: status 2" 2 "$SENSOR" "$@"
	check_eq "$desc: one line on stderr" 1 "$(wc -l <"$TMP/last.err")"
	check "$desc: the line starts with the program's name" grep -q '^denwatch-sensor: ' "$TMP/last.err"
}
usage "no arguments"
usage "-r without a file" -r
usage "-r followed by an option" -r --stats
usage "-r and -i together" -r "$f" -i lo --dump events
usage "unknown option" -r "$f" --bogus
usage "--dump with a bad value" -r "$f" --dump everything
usage "--dump without a value" -r "$f" --dump
usage "stray argument" "$f"
usage "--set of an unknown key" -r "$f" --dump events --set capture.nope=1
usage "--set out of range" -r "$f" --dump events --set capture.tcp_max_streams=1
# Sending with CURVE on (the default) and no key: refuses to start, naming the
# missing file and its config key.
check_exit "sending with CURVE on and no key file: status 1" 1 "$SENSOR" -r "$f" \
	--set transport.server_public_key="$TMP/none.pub" --set transport.outbox_dir="$TMP/ob"
check "the refusal names the missing key file and its config key" \
	grep -q "$TMP/none.pub.*transport.server_public_key" "$TMP/last.err"

check_exit "--set and --opt=value forms" 0 "$SENSOR" -r "$f" --dump=events \
	--set capture.gtpu_decap=off --set=window.seconds=60 --stats
check "a config file given with -c" bash -c "printf '[capture]\nread_buffer_kb = 64\n' >'$TMP/c.conf' &&
	'$SENSOR' -c '$TMP/c.conf' -r '$f' --dump events >/dev/null"
check_exit "a missing config file: status 2" 2 "$SENSOR" -c "$TMP/none.conf" -r "$f" --dump events

# -f applies to files too: only the frames from one host.
"$SENSOR" -r "$f" -f 'ip6 src host fec0::216:d3ff:fe0d:22c' --dump events --stats \
	>/dev/null 2>"$TMP/bpf.err"
tsh=$(tshark -r "$f" -Y 'ipv6.src == fec0::216:d3ff:fe0d:22c' 2>/dev/null | wc -l)
check_eq "-f filters capture files ($tsh frames)" "$tsh" "$(awk '$1 == "capture.frames" { print $2 }' "$TMP/bpf.err")"
check_exit "a bad BPF filter: status 1" 1 "$SENSOR" -r "$f" -f 'udp port banana' --dump events
check "a bad BPF filter: says so" grep -q 'bad filter' "$TMP/last.err"
