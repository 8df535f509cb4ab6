# test_conformance_gtpv2.sh: on every GTPv2-C capture in ../shared/captures/gtpv2
# and on a simulator tiny s11.pcap, the sensor's `--dump events` agrees frame by
# frame with what tshark decodes from the same frames:
#   - message types: every Create Session / Modify Bearer / Delete Session Request
#     tshark sees (over UDP, not malformed, its length within the datagram) is one
#     `session` event of that frame with session_op create / modify / delete, and
#     the sensor emits no session event for any other frame;
#   - IMSI (e212.imsi), MSISDN (e164.msisdn), MEI (gtpv2.mei, first 14 digits) and
#     the ULI cell (e212.ecgi.mcc/mnc, gtpv2.tai_tac, gtpv2.ecgi_eci) are equal;
#   - requests without an IMSI carry the IMSI of their session, found from
#     tshark's fields independently: Create Session Request and Response paired by
#     sequence number, the Response's first F-TEID, the later request's header TEID.
# Known, deliberate differences (each checked, none skipped):
#   - tshark 4.0 prints the ECI with the 4 spare bits of TS 29.274 8.21.5; the
#     sensor clears them, so the ECI (decimal in tshark) is compared modulo 2^28;
#   - a message whose length field runs past the datagram is malformed for the
#     sensor (tshark 4.0 shows the header without complaint);
#   - GTPv2-C over TCP is no 3GPP transport: the sensor ignores it.
. "$DW_ROOT/tests/lib.sh"

require_programs "$SENSOR"

# compare FILE NAME: TAP lines for one capture.
compare() {
	local f=$1 name=$2
	local ts="$TMP/$name.tshark" ev="$TMP/$name.events"
	tshark -r "$f" -Y gtpv2 -T fields -E separator=/t -E occurrence=a -E aggregator=, \
		-e frame.number -e gtpv2.message_type -e gtpv2.msg_length -e udp.length \
		-e gtpv2.seq -e gtpv2.teid -e e212.imsi -e e164.msisdn -e gtpv2.mei \
		-e e212.ecgi.mcc -e e212.ecgi.mnc -e gtpv2.tai_tac -e gtpv2.ecgi_eci \
		-e gtpv2.f_teid_gre_key -e _ws.malformed >"$ts" 2>/dev/null
	if [ ! -s "$ts" ]; then
		not_ok "$name: tshark decodes GTPv2-C frames"
		return
	fi
	if ! "$SENSOR" -r "$f" --dump events 2>"$TMP/$name.err" |
		jq -r 'select(.proto == "gtpv2" and .kind == "session") |
			[.frame, .session_op, .imsi, .msisdn, .imei, .cell] | @tsv' >"$ev"; then
		not_ok "$name: the sensor reads the capture"
		sed 's/^/# /' "$TMP/$name.err" | head -5
		return
	fi
	awk -F'\t' -v name="$name" '
	function hex(s,   i, c, v) {
		s = tolower(s); sub(/^0x/, "", s); v = 0
		for (i = 1; i <= length(s); i++) {
			c = index("0123456789abcdef", substr(s, i, 1)) - 1
			if (c < 0) return -1
			v = v * 16 + c
		}
		return v
	}
	function first(s) { sub(/,.*/, "", s); return s }
	function bad(what, msg) { fail[what]++; if (nmsg[what]++ < 5) msgs[what] = msgs[what] "# " name " frame " msg "\n" }
	FNR == NR {
		# the sensor events: frame, op, imsi, msisdn, imei, cell
		if ($1 in sop) { bad("types", $1 ": two session events"); next }
		sop[$1] = $2; simsi[$1] = $3; smsisdn[$1] = $4; simei[$1] = $5; scell[$1] = $6
		next
	}
	{
		fr = $1; n = split($2, types, ","); split($3, lens, ",")
		total = 0
		for (i = 1; i <= n; i++) total += lens[i] + 4
		want = ""
		if ($4 != "" && $15 == "" && total <= $4 - 8) {
			t = types[1]
			if (t == 32) want = "create"; else if (t == 34) want = "modify"; else if (t == 36) want = "delete"
		}
		seen[fr] = 1
		imsi = first($7)
		# sessions from tshark fields: request seq -> IMSI, response F-TEID -> IMSI
		if (types[1] == 32 && imsi != "") byseq[first($5)] = imsi
		if (types[1] == 33 && (first($5) in byseq) && $14 != "") byteid[hex(first($14))] = byseq[first($5)]
		if (imsi == "" && (types[1] == 34 || types[1] == 36) && (hex(first($6)) in byteid))
			imsi = byteid[hex(first($6))]
		got = (fr in sop) ? sop[fr] : ""
		if (want != "" || got != "") {
			ntypes++
			if (want != got) { bad("types", fr ": tshark type " $2 " wants \"" want "\", sensor \"" got "\""); next }
		}
		if (got == "") next
		if (imsi != "" || simsi[fr] != "") {
			nimsi++
			if (imsi != simsi[fr]) bad("imsi", fr ": IMSI tshark/session " imsi ", sensor " simsi[fr])
		}
		if ($8 != "") {
			nmsisdn++
			if (first($8) != smsisdn[fr]) bad("msisdn", fr ": MSISDN tshark " first($8) ", sensor " smsisdn[fr])
		}
		if ($9 != "") {
			nmei++
			if (substr(first($9), 1, 14) != simei[fr]) bad("mei", fr ": MEI tshark " $9 ", sensor " simei[fr])
		}
		if ($13 != "") {
			ncell++
			split(scell[fr], c, "-")
			eci = (first($13) + 0) % 268435456
			tac = ($12 != "") ? hex(first($12)) : 0
			if (c[1] + 0 != first($10) + 0 || c[2] + 0 != first($11) + 0 || c[3] + 0 != tac || c[4] + 0 != eci)
				bad("cell", fr ": cell tshark " first($10) "-" first($11) "-" tac "-" eci ", sensor " scell[fr])
		}
	}
	END {
		for (fr in sop) if (!(fr in seen)) bad("types", fr ": session event on a frame tshark does not decode as GTPv2")
		split("types imsi msisdn mei cell", what, " ")
		count["types"] = ntypes; count["imsi"] = nimsi; count["msisdn"] = nmsisdn
		count["mei"] = nmei; count["cell"] = ncell
		for (i = 1; i <= 5; i++) {
			w = what[i]
			printf "%s - %s: %s agree with tshark on %d frames\n", (fail[w] ? "not ok" : "ok"), name, w, count[w] + 0
			if (fail[w]) printf "%s", msgs[w]
		}
		if (ntypes == 0) printf "not ok - %s: at least one request compared\n", name
	}' "$ev" "$ts"
}

n=0
for f in "$CAPTURES"/gtpv2/*.pcap "$CAPTURES"/gtpv2/*.pcapng; do
	[ -f "$f" ] || continue
	compare "$f" "$(basename "$f")"
	n=$((n + 1))
done
check "third-party GTPv2-C captures found ($n)" [ "$n" -ge 4 ]

# Attribution on the real captures: known IMSIs of requests that carry none.
attributed() { # file frame imsi
	local got
	got=$("$SENSOR" -r "$CAPTURES/gtpv2/$1" --dump events 2>/dev/null |
		jq -r --argjson fr "$2" 'select(.frame == $fr and .kind == "session") | .imsi')
	check_eq "$1 frame $2 attributed through its TEID" "$3" "$got"
}
attributed magma_nsa_attach_s6a_s11.pcapng 39 222010100001140
attributed magma_nsa_attach_s6a_s11.pcapng 58 222010100001140
attributed gtpv2_create_session_imsi_msisdn_mei_uli.pcap 3 987654112233445

require_programs "$SIM"
if "$SIM" --preset tiny --seed 7 --out "$TMP/sim" >"$TMP/sim.log" 2>&1; then
	compare "$TMP/sim/s11.pcap" sim-tiny-s11
	# every Modify Bearer / Delete Session of the simulator is attributed
	counts=$("$SENSOR" -r "$TMP/sim/s11.pcap" --dump events 2>/dev/null |
		jq -rs '[.[] | select(.session_op == "modify" or .session_op == "delete")] |
			"\(length) \([.[] | select(.imsi == "")] | length)"')
	check "sim s11: Modify Bearer / Delete Session Requests seen ($counts)" [ "${counts%% *}" -gt 0 ]
	check_eq "sim s11: every Modify Bearer / Delete Session Request attributed" 0 "${counts##* }"
else
	not_ok "denwatch-sim --preset tiny runs"
	sed 's/^/# /' "$TMP/sim.log" | head -5
fi
