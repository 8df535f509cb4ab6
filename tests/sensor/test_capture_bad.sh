# test_capture_bad.sh: truncated and corrupt capture files. A file cut in the
# middle of a packet gives one line naming the file and the byte offset, exit
# status 3, and what was read is still decoded and output; a corrupt header is a
# clear error; the files after a bad one are still read.
. "$DW_ROOT/tests/lib.sh"

stat_of() {
	awk -v k="$2" '$1 == k { print $2; found = 1 } END { if (!found) print "missing" }' "$1"
}

pcap="$CAPTURES/sip/voip_sip_register_invite_cancel_udp.pcap"
pcapng="$CAPTURES/gtpv2/magma_nsa_attach_s6a_s11.pcapng"
good="$CAPTURES/sip/sip_call_over_ipv6_udp.pcap"

# Classic pcap cut inside a packet record.
head -c 30000 "$pcap" >"$TMP/cut.pcap"
"$SENSOR" -r "$TMP/cut.pcap" --dump summaries --stats >"$TMP/cut.out" 2>"$TMP/cut.err"
check_eq "truncated pcap: exit status 3" 3 "$?"
check "truncated pcap: the warning names the file and a byte offset" \
	grep -q "cut.pcap: truncated or corrupt capture at byte [0-9]" "$TMP/cut.err"
check_eq "truncated pcap: exactly one such line" 1 "$(grep -c 'truncated or corrupt' "$TMP/cut.err")"
want=$(tshark -r "$TMP/cut.pcap" 2>/dev/null | wc -l)
check_eq "truncated pcap: every whole frame before the cut decoded ($want)" "$want" \
	"$(stat_of "$TMP/cut.err" capture.frames)"
check_eq "truncated pcap: stats still printed" 1 "$(stat_of "$TMP/cut.err" capture.files_incomplete)"
# The offset is where the broken record starts: header + records before it.
off=$(grep -o 'at byte [0-9]*' "$TMP/cut.err" | awk '{ print $3 }')
check "truncated pcap: offset inside the file (${off:-none} < 30000)" [ "${off:-99999}" -lt 30000 ]

# pcapng cut inside a block.
head -c 9000 "$pcapng" >"$TMP/cut.pcapng"
"$SENSOR" -r "$TMP/cut.pcapng" --dump events --stats >/dev/null 2>"$TMP/cutng.err"
check_eq "truncated pcapng: exit status 3" 3 "$?"
check "truncated pcapng: the warning names the file and a byte offset" \
	grep -q "cut.pcapng: truncated or corrupt capture at byte [0-9]" "$TMP/cutng.err"
want=$(tshark -r "$TMP/cut.pcapng" 2>/dev/null | wc -l)
check_eq "truncated pcapng: whole frames decoded ($want)" "$want" "$(stat_of "$TMP/cutng.err" capture.frames)"

# A bad file between good ones: the others are still read; status 3.
"$SENSOR" -r "$good" "$TMP/cut.pcap" "$good" --dump events --stats >/dev/null 2>"$TMP/mid.err"
check_eq "truncated file between good ones: exit status 3" 3 "$?"
check_eq "truncated file between good ones: all three read" 3 "$(stat_of "$TMP/mid.err" capture.files_read)"
want_cut=$(tshark -r "$TMP/cut.pcap" 2>/dev/null | wc -l)
check_eq "truncated file between good ones: frames of all three" $((12 + want_cut)) \
	"$(stat_of "$TMP/mid.err" capture.frames)"

# Corrupt header: garbage magic.
{ printf 'this is not a capture file at all'; tail -c +34 "$pcap"; } >"$TMP/garbage.pcap"
check_exit "corrupt header: exit status 3" 3 "$SENSOR" -r "$TMP/garbage.pcap" --dump events
check "corrupt header: one clear line naming the file" \
	grep -q "^denwatch-sensor: $TMP/garbage.pcap: not a capture file" "$TMP/last.err"
check_eq "corrupt header: nothing else on stderr" 1 "$(wc -l <"$TMP/last.err")"

# A header cut short, an empty file.
head -c 10 "$pcap" >"$TMP/short.pcap"
check_exit "10-byte file: exit status 3" 3 "$SENSOR" -r "$TMP/short.pcap" --dump events
: >"$TMP/empty.pcap"
check_exit "empty file: exit status 3" 3 "$SENSOR" -r "$TMP/empty.pcap" --dump events
check "empty file: says so" grep -q "empty.pcap: not a capture file" "$TMP/last.err"

# A record claiming an absurd captured length.
cp "$pcap" "$TMP/huge.pcap"
printf '\xff\xff\xff\x7f' | dd of="$TMP/huge.pcap" bs=1 seek=$((24 + 8)) conv=notrunc 2>/dev/null
check_exit "absurd record length: exit status 3" 3 "$SENSOR" -r "$TMP/huge.pcap" --dump events
check "absurd record length: offset of the first record (24)" grep -q "at byte 24," "$TMP/last.err"

# A file that does not exist: failure, status 1.
check_exit "missing file: exit status 1" 1 "$SENSOR" -r "$TMP/nope.pcap" --dump events
check "missing file: names it" grep -q "nope.pcap: No such file" "$TMP/last.err"
