# test_privacy.sh: privacy.subscriber_ids = hmac on the simulator's tiny preset.
# The hmac run holds no clear IMSI, MSISDN or IMEI serial of the clear run, keeps
# every summary and counter, gives both probes the same pseudonyms (IMS and S11
# join on them), and the correlator still flags every den; bad key files are
# refused with one line naming the file and the key.
. "$DW_ROOT/tests/lib.sh"
OUT="$TMP/sim"
"$SIM" --preset tiny --out "$OUT" >/dev/null 2>&1
check "simulate the tiny preset" test -s "$OUT/ims.pcap" -a -s "$OUT/s11.pcap"

check "privacy-keygen writes a key" "$SENSOR" privacy-keygen --out "$TMP/k"
check_eq "the key file is 32 bytes, mode 600" "32 600" "$(stat -c '%s %a' "$TMP/k")"
check_exit "privacy-keygen does not overwrite a key" 1 "$SENSOR" privacy-keygen --out "$TMP/k"
check_exit "privacy-keygen without --out is a usage error" 2 "$SENSOR" privacy-keygen

# a fixed key, so that the run is deterministic (a random one could, rarely, map a
# 6-digit serial onto another IMEI's serial by chance)
printf 'denwatch-test-key-0123456789abcdef' >"$TMP/fixed.key" && chmod 600 "$TMP/fixed.key"
H=(--set privacy.subscriber_ids=hmac --set "privacy.hmac_key_file=$TMP/fixed.key")
for p in ims s11; do
	"$SENSOR" -r "$OUT/$p.pcap" --dump summaries >"$TMP/$p.clear"
	"$SENSOR" -r "$OUT/$p.pcap" --dump summaries "${H[@]}" >"$TMP/$p.hmac"
	check_eq "$p: hmac dump exits 0" "0" "$?"
	"$SENSOR" -r "$OUT/$p.pcap" --dump summaries "${H[@]}" >"$TMP/$p.hmac2"
	"$SENSOR" -r "$OUT/$p.pcap" --dump events "${H[@]}" >"$TMP/$p.ev.hmac"
	"$SENSOR" -r "$OUT/$p.pcap" --dump events >"$TMP/$p.ev.clear"
	check_eq "$p: as many summaries in hmac as in clear" "$(wc -l <"$TMP/$p.clear")" "$(wc -l <"$TMP/$p.hmac")"
	check "$p: there are summaries" test -s "$TMP/$p.clear"
	check "$p: hmac pseudonyms are deterministic" cmp -s "$TMP/$p.hmac" "$TMP/$p.hmac2"
	drop='del(.imsi, .msisdn, .imeis, .contact_sketch)'
	check "$p: every counter and cell equal" \
		cmp -s <(jq -c "$drop" "$TMP/$p.clear") <(jq -c "$drop" "$TMP/$p.hmac")
	check_eq "$p: as many events in hmac as in clear" "$(wc -l <"$TMP/$p.ev.clear")" "$(wc -l <"$TMP/$p.ev.hmac")"
	# every identifier keeps its format and prefix, and none is left clear
	check_eq "$p: pseudonyms keep lengths and prefixes" "0" "$(paste -d '\n' "$TMP/$p.clear" "$TMP/$p.hmac" |
		jq -s '[range(0; length; 2) as $i | .[$i] as $c | .[$i+1] as $h |
			($c.imsi | length) == ($h.imsi | length) and ($c.imsi[:5] == $h.imsi[:5]) and
			($h.imsi | test("^[0-9]*$")) and ($h.msisdn | test("^[0-9]*$")) and
			($c.msisdn | length) == ($h.msisdn | length) and ($c.msisdn[:2] == $h.msisdn[:2]) and
			([$c.imeis[][:8]] == [$h.imeis[][:8]]) and
			([$h.imeis[] | test("^[0-9]{14}$")] | all) and
			($c.imsi == "" or $c.imsi != $h.imsi) and ($c.msisdn == "" or $c.msisdn != $h.msisdn) |
			select(. | not)] | length')"
done

# every clear identifier of the clear runs, none of them anywhere in the hmac runs
cat "$TMP"/*.clear "$TMP"/*.ev.clear | jq -r '.imsi, .msisdn, .peer // empty, (.imeis // [.imei])[]' |
	grep -E '^[0-9]{6,}$' | sort -u >"$TMP/clear_ids"
jq -r '(.imeis // [.imei])[]' "$TMP"/*.clear "$TMP"/*.ev.clear | grep -E '^[0-9]{14}$' |
	cut -c9- | sort -u >"$TMP/serials"
check "the clear run has identifiers" test "$(wc -l <"$TMP/clear_ids")" -gt 100
check_eq "no clear IMSI, MSISDN, peer or IMEI appears in the hmac output" "0" \
	"$(cat "$TMP"/*.hmac "$TMP"/*.ev.hmac | grep -o -E '[0-9]{6,}' | sort -u | comm -12 - "$TMP/clear_ids" | wc -l)"
kept_serials() { # clear hmac: IMEIs whose pseudonym kept their serial, line by line
	paste -d '\n' "$1" "$2" | jq -s '[range(0; length; 2) as $i |
		[(.[$i].imeis // [.[$i].imei]), (.[$i+1].imeis // [.[$i+1].imei])] | transpose[] |
		select(.[0] != "" and .[0][8:] == .[1][8:])] | length'
}
for f in ims s11 ims.ev s11.ev; do
	check_eq "$f: no IMEI keeps its serial" "0" "$(kept_serials "$TMP/$f.clear" "$TMP/$f.hmac")"
done
check_eq "no clear IMEI serial appears in any hmac IMEI" "0" \
	"$(jq -r '(.imeis // [.imei])[]' "$TMP"/*.hmac "$TMP"/*.ev.hmac | grep -E '^[0-9]{14}$' | cut -c9- |
		sort -u | comm -12 - "$TMP/serials" | wc -l)"

# the two probes join on the same pseudonymous IMSI (and MSISDN) as in clear
join_count() { # file_ims file_s11: IMSIs known to both probes
	comm -12 <(jq -r 'select(.imsi != "") | .imsi' "$1" | sort -u) \
		<(jq -r 'select(.imsi != "") | .imsi' "$2" | sort -u) | wc -l
}
n_clear=$(join_count "$TMP/ims.clear" "$TMP/s11.clear")
check "IMS and S11 share IMSIs in clear" test "$n_clear" -gt 10
check_eq "IMS and S11 share as many pseudonymous IMSIs" "$n_clear" "$(join_count "$TMP/ims.hmac" "$TMP/s11.hmac")"

# the correlator still flags every den from pseudonymous summaries
S=(--set "store.db=$TMP/d.db" --set "sites.cells=$OUT/cells.csv")
for p in ims s11; do
	check "import the $p probe's hmac summaries" "$CORRELATOR" import --sensor-id "$p" "$TMP/$p.hmac" "${S[@]}"
done
check "score" "$CORRELATOR" score "${S[@]}"
"$CORRELATOR" eval --json --truth "$OUT/truth.json" "${S[@]}" >"$TMP/eval.json"
check_eq "hmac: every den flagged" "1" "$(jq '.recall' "$TMP/eval.json")"
check_eq "hmac: no negative flagged" "0" "$(jq '.negatives_flagged' "$TMP/eval.json")"

rules() { "$CORRELATOR" sites --json "$@" | jq -c '[.[] | [.evidence[].rule] | index("serial_cluster") != null]'; }
check_eq "hmac, imei_serial = permute: serial_cluster cannot fire" "[false,false]" "$(rules "${S[@]}")"

# privacy.imei_serial = blocks: the IMEI serial-cluster rule works again
S=(--set "store.db=$TMP/b.db" --set "sites.cells=$OUT/cells.csv")
for p in ims s11; do
	"$SENSOR" -r "$OUT/$p.pcap" --dump summaries "${H[@]}" --set privacy.imei_serial=blocks >"$TMP/$p.blocks"
	"$CORRELATOR" import --sensor-id "$p" "$TMP/$p.blocks" "${S[@]}" >/dev/null
done
check "score (imei_serial = blocks)" "$CORRELATOR" score "${S[@]}"
check_eq "hmac, imei_serial = blocks: serial_cluster fires at both dens" "[true,true]" "$(rules "${S[@]}")"
for p in ims s11; do
	check_eq "blocks, $p: no IMEI keeps its serial" "0" "$(kept_serials "$TMP/$p.clear" "$TMP/$p.blocks")"
done

# bad key files: refused at start, exit 1, one line naming the file and the key
bad_key() { # description file
	"$SENSOR" -r "$OUT/ims.pcap" --dump summaries --set privacy.subscriber_ids=hmac \
		--set "privacy.hmac_key_file=$2" >"$TMP/bad.out" 2>"$TMP/bad.err"
	local rc=$?
	check_eq "$1: exit 1" "1" "$rc"
	check_eq "$1: nothing output" "0" "$(wc -c <"$TMP/bad.out")"
	check_eq "$1: one line naming file and key" "1 1" \
		"$(wc -l <"$TMP/bad.err") $(grep -c "privacy.hmac_key_file \"$2\"" "$TMP/bad.err")"
}
bad_key "missing key file" "$TMP/nokey"
head -c 16 /dev/urandom >"$TMP/short" && chmod 600 "$TMP/short"
bad_key "short key file" "$TMP/short"
cp "$TMP/k" "$TMP/open" && chmod 644 "$TMP/open"
bad_key "key file readable by others" "$TMP/open"
cp "$TMP/k" "$TMP/grp" && chmod 640 "$TMP/grp"
bad_key "key file readable by group" "$TMP/grp"
check_exit "clear mode needs no key file" 0 "$SENSOR" -r "$OUT/ims.pcap" --dump summaries \
	--set "privacy.hmac_key_file=$TMP/nokey"
