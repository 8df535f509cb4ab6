#!/usr/bin/env bash
# test_sim_tshark.sh: a tiny simulation decodes cleanly in tshark (no malformed
# packet, no expert info of severity warning or error, checksums verified) and
# what tshark extracts equals what truth.json says was generated.
. "$(dirname "$0")/../lib.sh"

jqe() { jq -e "$@" >/dev/null; }

OUT="$TMP/tiny"
check "tiny run succeeds" "$SIM" --preset tiny --seed 3 --out "$OUT"
for f in ims.pcap s11.pcap cells.csv truth.json; do
	check "writes $f" test -s "$OUT/$f"
done
T="$OUT/truth.json"
check "truth.json is valid JSON" jqe '.format == 1' "$T"

TS=(tshark -n -o udp.check_checksum:TRUE -o ip.check_checksum:TRUE)
for f in ims s11; do
	"${TS[@]}" -r "$OUT/$f.pcap" -q -z expert >"$TMP/$f.expert" 2>/dev/null
	check_eq "$f.pcap: no expert warnings or errors, nothing malformed" "" \
		"$(grep -E '^(Errors|Warnings|Malformed)' "$TMP/$f.expert")"
done
# One decoding pass per capture; the checks below read these tables.
tshark -n -r "$OUT/ims.pcap" -T fields -E separator='|' -e frame.protocols -e sip.Method \
	-e sip.Status-Code -e sip.CSeq.method -e sip.Route.param -e sip.pai.user \
	-e sip.P-Called-Party-ID -e gsm_sms.tp-da -e gsm_sms.tp-oa -e gsm_a.rp.msg_type \
	-e sip.Content-Type -e sip.auth.username -e sip.P-Access-Network-Info.utran-cell-id-3gpp \
	-e sip.contact.parameter 2>/dev/null >"$TMP/ims.tsv"
tshark -n -r "$OUT/s11.pcap" -T fields -E separator='|' -e frame.protocols -e gtpv2.message_type \
	-e e212.imsi -e gtpv2.mei -e gtpv2.tai_tac -e gtpv2.ecgi_eci 2>/dev/null >"$TMP/s11.tsv"
# Columns of ims.tsv: 1 protocols, 2 method, 3 status, 4 cseq method, 5 route params,
# 6 PAI user, 7 P-Called-Party-ID, 8 TP-DA, 9 TP-OA, 10 RP type, 11 content type,
# 12 auth username, 13 PANI cell, 14 contact params. s11.tsv: 1 protocols, 2 type,
# 3 IMSI, 4 MEI, 5 TAC, 6 ECI.
total_ims=$(wc -l <"$TMP/ims.tsv")
total_s11=$(wc -l <"$TMP/s11.tsv")
check_eq "every ims.pcap packet is SIP" "$total_ims" "$(awk -F'|' '$1 ~ /:sip/' "$TMP/ims.tsv" | wc -l)"
check_eq "every s11.pcap packet is GTPv2" "$total_s11" "$(awk -F'|' '$1 ~ /:gtpv2/' "$TMP/s11.tsv" | wc -l)"
check_eq "packet counts match truth stats" "$(jq -r '"\(.stats.ims_packets) \(.stats.s11_packets)"' "$T")" \
	"$total_ims $total_s11"
check "tiny stays under 50k packets" test $((total_ims + total_s11)) -lt 50000
check "tiny has at least two dens" jqe '(.dens | length) >= 2' "$T"
for k in call_centre m2m transport_hub; do
	check "tiny has a $k negative" jqe --arg k "$k" '[.negatives[] | select(.kind == $k)] | length == 1' "$T"
done

# Per-subscriber counts: "<number> <count>" lines, sorted, tshark vs truth.
truth_counts() { # field key
	jq -r --arg f "$1" --arg k "$2" '.subscribers[] | select(.[$f] > 0) | "\(.[$k]) \(.[$f])"' "$T" | sort
}
count_lines() { sed 's/^+//' | sort | uniq -c | awk '{print $2, $1}' | sort; }

awk -F'|' -v OFS='|' '$2 == "INVITE" {print $5, $6, $7}' "$TMP/ims.tsv" >"$TMP/inv"
awk -F'|' '$1 ~ /orig/ {print $2}' "$TMP/inv" | count_lines >"$TMP/out.ts"
truth_counts calls_out msisdn >"$TMP/out.tr"
check_eq "originating INVITEs: total" "$(jq '[.subscribers[].calls_out] | add' "$T")" \
	"$(awk -F'|' '$1 ~ /orig/' "$TMP/inv" | wc -l)"
check_eq "originating INVITEs per caller (PAI) equal truth calls_out" "" "$(diff "$TMP/out.ts" "$TMP/out.tr" | head -5)"
awk -F'|' '$1 !~ /orig/ {print $3}' "$TMP/inv" | sed 's/[^0-9]//g' | count_lines >"$TMP/in.ts"
truth_counts calls_in msisdn >"$TMP/in.tr"
check_eq "terminating INVITEs per callee (P-Called-Party-ID) equal truth calls_in" "" \
	"$(diff "$TMP/in.ts" "$TMP/in.tr" | head -5)"
check "some calls have terminating legs" test -s "$TMP/in.tr"

awk -F'|' -v OFS='|' '$2 == "MESSAGE" {print $6, $8, $7, $9, $10, $11}' "$TMP/ims.tsv" >"$TMP/msg"
check_eq "every MESSAGE carries application/vnd.3gpp.sms" "" \
	"$(awk -F'|' '$6 != "application/vnd.3gpp.sms"' "$TMP/msg" | head -3)"
check_eq "MO MESSAGEs: total SMS-SUBMIT with a TP-DA" "$(jq '[.subscribers[].sms_out] | add' "$T")" \
	"$(awk -F'|' '$2 ~ /^[0-9]+$/ && $5 == "0x00"' "$TMP/msg" | wc -l)"
awk -F'|' '$2 != "" {print $1}' "$TMP/msg" | count_lines >"$TMP/smo.ts"
truth_counts sms_out msisdn >"$TMP/smo.tr"
check_eq "SMS-SUBMIT per sender equal truth sms_out" "" "$(diff "$TMP/smo.ts" "$TMP/smo.tr" | head -5)"
awk -F'|' '$4 != "" {print $3}' "$TMP/msg" | sed 's/[^0-9]//g' | count_lines >"$TMP/smi.ts"
truth_counts sms_in msisdn >"$TMP/smi.tr"
check_eq "SMS-DELIVER per recipient equal truth sms_in" "" "$(diff "$TMP/smi.ts" "$TMP/smi.tr" | head -5)"
# Den SIMs send bulk SMS to ascending numbers: each den's TP-DAs, in time order,
# never go down.
den_msisdns=$(jq -r '.dens[].msisdns[]' "$T" | sort)
awk -F'|' '$2 != "" {sub(/^\+/, "", $1); print $1, $2}' "$TMP/msg" >"$TMP/mo_pairs"
bad=0
for d in $(jq -r '.dens | keys[]' "$T"); do
	jq -r ".dens[$d].msisdns[]" "$T" | sort >"$TMP/den.msisdns"
	awk 'NR == FNR {m[$1] = 1; next} ($1 in m) {print $2}' "$TMP/den.msisdns" "$TMP/mo_pairs" >"$TMP/den.tpda"
	[ -s "$TMP/den.tpda" ] || bad=1
	sort -n -c "$TMP/den.tpda" 2>/dev/null || bad=1
done
check_eq "den bulk SMS TP-DAs ascend per den" 0 "$bad"
check "den SIMs send SMS" test -n "$den_msisdns"

awk -F'|' '$2 == 32 {print $3}' "$TMP/s11.tsv" | count_lines >"$TMP/csr.ts"
truth_counts data_sessions imsi >"$TMP/csr.tr"
check_eq "Create Session Requests per IMSI equal truth data_sessions" "" \
	"$(diff "$TMP/csr.ts" "$TMP/csr.tr" | head -5)"
check_eq "den SIMs open no data sessions" 0 \
	"$(jq '[.subscribers[] | select(.role == "den") | .data_sessions] | add // 0' "$T")"

# Identities: every IMSI and IMEI in truth appears in the captures and no other.
{
	awk -F'|' '$2 == "REGISTER" {print $12}' "$TMP/ims.tsv" | sed 's/"//g; s/@.*//'
	awk -F'|' '$2 == 32 {print $3}' "$TMP/s11.tsv"
} | sort -u >"$TMP/imsi.ts"
jq -r '.subscribers[].imsi' "$T" | sort -u >"$TMP/imsi.tr"
check_eq "distinct IMSIs equal truth" "" "$(diff "$TMP/imsi.ts" "$TMP/imsi.tr" | head -5)"
check_eq "distinct IMSI count" "$(wc -l <"$TMP/imsi.tr")" "$(wc -l <"$TMP/imsi.ts")"
{
	awk -F'|' '$2 == "REGISTER" {print $14}' "$TMP/ims.tsv" |
		sed -n 's/.*urn:gsma:imei:\([0-9]\{8\}\)-\([0-9]\{6\}\)-0.*/\1\2/p'
	awk -F'|' '$2 == 32 {print $4}' "$TMP/s11.tsv" | cut -c1-14
} | sort -u >"$TMP/imei.ts"
jq -r '.subscribers[].imeis[]' "$T" | sort -u >"$TMP/imei.tr"
check_eq "distinct IMEIs equal truth" "" "$(diff "$TMP/imei.ts" "$TMP/imei.tr" | head -5)"
jq -r '.dens[].imeis[]' "$T" | sort -u >"$TMP/denimei.tr"
check_eq "den IMEIs are the union of their subscribers' IMEIs" "" \
	"$(jq -r '.subscribers[] | select(.role == "den") | .imeis[]' "$T" | sort -u | diff - "$TMP/denimei.tr" | head -3)"

# Cells: PANI (46001 + TAC hex4 + ECI hex7) and ULI (TAI + ECGI).
{
	cut -d'|' -f13 "$TMP/ims.tsv" | tr ',' '\n' | grep -E '^46001[0-9A-Fa-f]{11}$' | sort -u | while read -r c; do
		echo "460-01-$((16#${c:5:4}))-$((16#${c:9:7}))"
	done
	awk -F'|' '($2 == 32 || $2 == 34) && $6 != "" {print $5, $6}' "$TMP/s11.tsv" | sort -u | while read -r tac eci; do
		echo "460-01-$((tac))-$eci"
	done
} | sort -u >"$TMP/cells.ts"
check_eq "distinct cells equal truth stats.cells_used" "$(jq .stats.cells_used "$T")" "$(wc -l <"$TMP/cells.ts")"
tail -n +2 "$OUT/cells.csv" | cut -d, -f1 | sort -u >"$TMP/cells.csv.ids"
check_eq "every cell seen is in cells.csv" "" "$(comm -23 "$TMP/cells.ts" "$TMP/cells.csv.ids" | head -3)"
check_eq "cells.csv header" "cgi,site_id,lat,lon,azimuth,address" "$(head -1 "$OUT/cells.csv")"
check_eq "cells.csv: three sectors per site" "$(jq '.stats.cells' "$T")" "$(tail -n +2 "$OUT/cells.csv" | wc -l)"
check_eq "den and negative sites are in cells.csv" "" \
	"$(jq -r '.dens[].site_id, .negatives[].site_id' "$T" | while read -r s; do grep -q ",$s," "$OUT/cells.csv" || echo "$s"; done)"

# Behaviours the truth promises, per role.
role_sum() { jq "[.subscribers[] | select(.role == \"$1\") | .$2] | add // 0" "$T"; }
check_eq "den SIMs receive no calls" 0 "$(role_sum den calls_in)"
check_eq "den SIMs receive no SMS" 0 "$(role_sum den sms_in)"
check "den SIMs call" test "$(role_sum den calls_out)" -gt 0
check "call-centre agents take calls (two-way)" test "$(role_sum call_centre calls_in)" -gt 0
check "call-centre agents make calls" test "$(role_sum call_centre calls_out)" -gt 0
check_eq "M2M modems make no calls or SMS" 0 \
	"$(jq '[.subscribers[] | select(.role == "m2m") | .calls_out + .calls_in + .sms_out + .sms_in] | add' "$T")"
check "M2M modems open data sessions" test "$(role_sum m2m data_sessions)" -gt 0
check "passers-by call" test "$(role_sum hub calls_out)" -gt 0
check_eq "each passer-by opens a data session" 0 \
	"$(jq '[.subscribers[] | select(.role == "hub" and .data_sessions == 0)] | length' "$T")"
check "SIM rotation: an IMEI carries several den IMSIs" jqe \
	'[.subscribers[] | select(.role == "den") | .imeis[]] | group_by(.) | map(length) | max > 1' "$T"
check "IMEI changing: a den SIM used several IMEIs" jqe \
	'[.subscribers[] | select(.role == "den") | .imeis | length] | max > 1' "$T"
check "gateway IMEIs share the gateway's TAC" jqe \
	'[.dens[].gateways[] | .tac as $t | .imeis[] | startswith($t)] | all' "$T"
check "gateway ports: 4 to 32" jqe '[.dens[].gateways[].ports] | (min >= 4 and max <= 32)' "$T"
mbr=$(awk -F'|' '$2 == 34' "$TMP/s11.tsv" | wc -l)
check "subscribers move: Modify Bearer Requests" test "$mbr" -gt 0
check_eq "Modify Bearer and Delete Session Requests carry no IMSI" 0 \
	"$(awk -F'|' '($2 == 34 || $2 == 36) && $3 != ""' "$TMP/s11.tsv" | wc -l)"
check "some calls are answered, some cancelled, some busy" test \
	"$(awk -F'|' '$2 == "CANCEL" || $3 == 486 || $2 == "BYE" {print $4}' "$TMP/ims.tsv" | sort -u | wc -l)" -eq 3
