# test_capture_files.sh: every capture in ../shared/captures goes through
# `denwatch-sensor --dump events --stats` without a crash; frames, GTP-U and SCTP
# counts match what tshark sees, and the SIP messages handed to the SIP dissector
# per file equal tshark's count.
. "$DW_ROOT/tests/lib.sh"

stat_of() { # file name: the value of one --stats counter
	awk -v k="$2" '$1 == k { print $2; found = 1 } END { if (!found) print "missing" }' "$1"
}

n=0
for f in $(find "$CAPTURES" -name '*.pcap' -o -name '*.pcapng' | sort); do
	name=${f#"$CAPTURES"/}
	n=$((n + 1))
	out="$TMP/$n.out"
	err="$TMP/$n.err"
	"$SENSOR" -r "$f" --dump events --stats >"$out" 2>"$err"
	rc=$?
	check_eq "$name: exit status 0" 0 "$rc"
	if [ "$rc" -ne 0 ]; then
		sed 's/^/# /' "$err" | grep -v '^# [a-z0-9_]*\.[a-z_]* [0-9]*$' | head -5
	fi
	bad_json=$(jq -c . <"$out" 2>&1 >/dev/null | head -1)
	check_eq "$name: stdout is JSON Lines" "" "$bad_json"
	want=$(tshark -r "$f" 2>/dev/null | wc -l)
	check_eq "$name: frames read equal tshark's" "$want" "$(stat_of "$err" capture.frames)"
	# Every SIP message tshark sees, plus the non-SIP datagrams (keep-alives) on
	# UDP 5060 that the registry hands to SIP by port, goes to the SIP dissector
	# exactly once, however it travelled (UDP, TCP, WebSocket, SCTP, GTP-U).
	sip_want=$(tshark -r "$f" -Y sip -T fields -e sip.CSeq 2>/dev/null | awk -F, 'NF { n += NF } END { print n + 0 }')
	keepalive=$(tshark -r "$f" -Y 'udp.port == 5060 && !sip && !icmp && !icmpv6 && udp.length > 8' 2>/dev/null | wc -l)
	check_eq "$name: SIP messages handed on = tshark's $sip_want + $keepalive keep-alives" \
		$((sip_want + keepalive)) "$(stat_of "$err" sip.messages)"
	check_eq "$name: no SIP message counted malformed" 0 "$(stat_of "$err" sip.malformed)"
done
check "found the captures (at least 15 files)" [ "$n" -ge 15 ]

# Layer counters on files whose structure is known.
volte="$CAPTURES/sip/volte_iphone_ims_sip_over_gtpu.pcap"
"$SENSOR" -r "$volte" --dump events --stats >/dev/null 2>"$TMP/volte.err"
gtpu=$(tshark -r "$volte" -Y 'gtp.message == 255' 2>/dev/null | wc -l)
check_eq "VoLTE capture: every G-PDU decapsulated ($gtpu)" "$gtpu" "$(stat_of "$TMP/volte.err" net.gtpu_decapsulated)"
sctp="$CAPTURES/sip/sip_invite_over_sctp.pcap"
"$SENSOR" -r "$sctp" --dump events --stats >/dev/null 2>"$TMP/sctp.err"
chunks=$(tshark -r "$sctp" -T fields -e sctp.data_tsn 2>/dev/null | awk -F, 'NF { n += NF } END { print n + 0 }')
check_eq "SIP over SCTP: DATA chunks ($chunks)" "$chunks" "$(stat_of "$TMP/sctp.err" net.sctp_data_chunks)"
check_eq "SIP over SCTP: the fragmented INVITE reassembled" 1 "$(stat_of "$TMP/sctp.err" net.sctp_reassembled)"
check_eq "SIP over SCTP: 4 messages handed on" 4 "$(stat_of "$TMP/sctp.err" net.payloads)"
ipv6="$CAPTURES/sip/sip_call_over_ipv6_udp.pcap"
"$SENSOR" -r "$ipv6" --dump events --stats >/dev/null 2>"$TMP/v6.err"
check_eq "SIP over IPv6: 6 UDP payloads" 6 "$(stat_of "$TMP/v6.err" net.payloads)"
frag="$CAPTURES/diameter/magma_attach_s6a_gx_gy.pcapng"
"$SENSOR" -r "$frag" --dump events --stats >/dev/null 2>"$TMP/frag.err"
reas=$(tshark -r "$frag" -Y 'ip.fragments' 2>/dev/null | wc -l)
check_eq "fragmented GTP-U datagrams reassembled ($reas)" "$reas" "$(stat_of "$TMP/frag.err" net.frag_reassembled)"

# Several files in the order given: frame numbers run on.
a="$CAPTURES/sip/sip_call_over_ipv6_udp.pcap"
b="$CAPTURES/gtpv2/magma_nsa_attach_s6a_s11.pcapng"
"$SENSOR" -r "$a" "$b" --dump events --stats >/dev/null 2>"$TMP/two.err"
check_eq "two files: frames add up" $((6 + 70)) "$(stat_of "$TMP/two.err" capture.frames)"
check_eq "two files: both read" 2 "$(stat_of "$TMP/two.err" capture.files_read)"

# SIP over WebSocket (RFC 7118): every text frame tshark finds is unwrapped.
ws="$CAPTURES/sip/sip_calls_udp_and_websocket.pcap"
"$SENSOR" -r "$ws" --dump events --stats >/dev/null 2>"$TMP/ws.err"
wsn=$(tshark -r "$ws" -Y 'websocket.opcode == 1' 2>/dev/null | wc -l)
check_eq "WebSocket: text frames unwrapped ($wsn)" "$wsn" "$(stat_of "$TMP/ws.err" net.ws_frames)"
check_eq "WebSocket: every SIP message (UDP + WebSocket) handed on" 39 "$(stat_of "$TMP/ws.err" net.payloads)"
