#!/usr/bin/env bash
# 20-sensor.sh BUILD OUT: the sensor's speed and memory on the simulator's metro
# capture (OUT/metro/ims.pcap and s11.pcap, written by 10-sim.sh), measured in
# this one run: a plain libpcap read loop (the limit), the sensor with full
# parsing and aggregation (--dump summaries to /dev/null), their ratio, tshark
# extracting the same fields, our/tshark ratio, peak RSS and bytes per tracked
# subscriber. Aims (issue 3): sensor >= 0.5 x read loop, >= 20 x tshark,
# < 256 bytes per subscriber.
# Fair comparison: all three read the same files from a warm page cache (an
# unmeasured pass first; a cold read loop waits on the disk and flatters the
# sensor), rates are per CPU second of the measured process (the machine is
# shared; wall-clock rates are printed too), and tshark's one-off start-up is
# taken off its time.
set -euo pipefail
BUILD=${1:-build}
OUT=${2:-bench-out}
M="$OUT/metro"
TSHARK_PACKETS=${TSHARK_PACKETS:-200000} # tshark is slow: it reads this many per file

files=()
for f in ims.pcap s11.pcap; do
	[ -f "$M/$f" ] && files+=("$M/$f")
done
if [ ${#files[@]} -eq 0 ]; then
	echo "sensor: no $M/ims.pcap or $M/s11.pcap (the simulator's benchmark writes them); nothing measured"
	exit 0
fi
echo "sensor: input ${files[*]}"

now() { date +%s.%N; }
# CPU seconds (user + system) of a finished command, from /usr/bin/time -f "%U %S".
cpu_of() { awk 'NF >= 2 { s = $(NF - 1) + $NF } END { printf "%.3f", s }' "$1"; }

# The machine is shared: wall-clock rates move with whatever else runs, so every
# rate below is packets per CPU second (user + system) of the measured process,
# with the wall-clock rate printed beside it. All three read the same files from
# a warm page cache: one unmeasured pass reads them first.
cat "${files[@]}" >/dev/null

# 1. The read loop (the same 1 MiB stdio buffer as the sensor's default
#    capture.read_buffer_kb).
rltime="$OUT/readloop-time.txt"
rl=$(/usr/bin/time -f "%U %S" -o "$rltime" nice "$BUILD/tools/readloop" "${files[@]}")
packets=$(awk '{ print $2 }' <<<"$rl")
rl_wall=$(awk '{ for (i = 1; i < NF; i++) if ($i == "pps") print $(i + 1) }' <<<"$rl")
rl_cpu=$(cpu_of "$rltime")

# 2. The sensor, full parsing and aggregation.
stats="$OUT/sensor-stats.txt"
timef="$OUT/sensor-time.txt"
t0=$(now)
/usr/bin/time -f "%M %U %S" -o "$timef" nice "$BUILD/denwatch-sensor" -r "${files[@]}" \
	--dump summaries --stats >/dev/null 2>"$stats" || echo "sensor: exit status $? (see $stats)"
t1=$(now)
stat_of() { awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print "" }' "$stats"; }
s_wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
s_cpu=$(cpu_of "$timef")
rss_kb=$(awk 'END { print $1 }' "$timef")

# 2b. The same sensor on the first 100 packets of each file: the memory of the
#     program itself (code, libraries, buffers), which no subscriber costs.
small=()
for f in "${files[@]}"; do
	editcap -r "$f" "$OUT/small-$(basename "$f")" 1-100 2>/dev/null &&
		small+=("$OUT/small-$(basename "$f")")
done
base_kb=""
if [ ${#small[@]} -gt 0 ]; then
	/usr/bin/time -f "%M %U %S" -o "$OUT/sensor-base-time.txt" "$BUILD/denwatch-sensor" \
		-r "${small[@]}" --dump summaries >/dev/null 2>&1 || true
	base_kb=$(awk 'END { print $1 }' "$OUT/sensor-base-time.txt")
	rm -f "${small[@]}"
fi

# 3. tshark extracting the fields the sensor reads (SIP start line, CSeq,
#    Call-ID, To tag, identities, Route, PANI, P-Associated-URI, Expires, Contact,
#    Content-Type, Digest username, the SMS TPDU addresses; GTPv2 message type,
#    TEID, IMSI, MSISDN, MEI, ULI, RAT type, APN, F-TEIDs), on the first
#    TSHARK_PACKETS of each file. Its start-up (loading every dissector, about a
#    second) is measured on a one-packet run of the same command and taken off,
#    so that only per-packet work is compared.
tshark_fields=(-e frame.number -e sip.Method -e sip.Status-Code -e sip.CSeq.seq
	-e sip.CSeq.method -e sip.Call-ID -e sip.to.tag -e sip.r-uri -e sip.from.user
	-e sip.to.user -e sip.P-Asserted-Identity -e sip.P-Preferred-Identity
	-e sip.P-Called-Party-ID -e sip.Route -e sip.P-Access-Network-Info
	-e sip.P-Associated-URI -e sip.Expires -e sip.contact.uri -e sip.Content-Type
	-e sip.auth.username -e gsm_sms.tp-da -e gsm_sms.tp-oa -e gtpv2.message_type
	-e gtpv2.teid -e e212.imsi -e e164.msisdn -e gtpv2.mei -e gtpv2.tai_tac
	-e gtpv2.ecgi_eci -e gtpv2.rat_type -e gtpv2.apn -e gtpv2.f_teid_gre_key)
#    Per file, then weighted by the file's share of the packets (the files
#    differ in tshark's cost per packet, and TSHARK_PACKETS of each is not the
#    mix the sensor reads): the estimate is the time tshark would take on all.
tpk=0
t_cpu=0
t_wall=0
t_est_cpu=0
t_est_wall=0
for f in "${files[@]}"; do
	nf=$("$BUILD/tools/readloop" "$f" | awk '{ print $2 }')
	f_cpu=0
	f_wall=0
	f_n=0
	for c in 1 "$TSHARK_PACKETS"; do
		tt="$OUT/tshark-time.txt"
		a=$(now)
		n=$(/usr/bin/time -f "%U %S" -o "$tt" nice tshark -r "$f" -c "$c" -T fields \
			"${tshark_fields[@]}" 2>/dev/null | wc -l)
		b=$(now)
		cpu=$(cpu_of "$tt")
		if [ "$c" = 1 ]; then
			start_cpu=$cpu
			start_wall=$(awk -v a="$a" -v b="$b" 'BEGIN { print b - a }')
		else
			f_n=$((n - 1))
			f_cpu=$(awk -v c="$cpu" -v s="$start_cpu" 'BEGIN { print c - s }')
			f_wall=$(awk -v a="$a" -v b="$b" -v s="$start_wall" 'BEGIN { print b - a - s }')
		fi
	done
	tpk=$((tpk + f_n))
	read -r t_cpu t_wall t_est_cpu t_est_wall < <(awk -v tc="$t_cpu" -v tw="$t_wall" \
		-v ec="$t_est_cpu" -v ew="$t_est_wall" -v fc="$f_cpu" -v fw="$f_wall" \
		-v fn="$f_n" -v nf="$nf" 'BEGIN {
		if (fn > 0) { ec += fc * nf / fn; ew += fw * nf / fn }
		print tc + fc, tw + fw, ec, ew }')
done

subs=$(stat_of identity.subscribers_peak)
awk -v p="$packets" -v rlc="$rl_cpu" -v rlw="$rl_wall" -v sc="$s_cpu" -v sw="$s_wall" \
	-v tc="$t_cpu" -v tw="$t_wall" -v tp="$tpk" -v ec="$t_est_cpu" -v ew="$t_est_wall" \
	-v rss="$rss_kb" -v base="$base_kb" -v subs="$subs" -v tb="$(stat_of memory.table_bytes_per_subscriber)" 'BEGIN {
	rl = p / rlc; s = p / sc; t = p / ec
	printf "sensor: packets %d\n", p
	printf "sensor: readloop packets per second %.0f (per CPU second; wall clock %.0f)\n", rl, rlw
	printf "sensor: sensor packets per second %.0f (per CPU second; wall clock %.0f)\n", s, p / sw
	printf "sensor: sensor / readloop %.2f (aim >= 0.5)\n", s / rl
	printf "sensor: tshark packets per second %.0f (per CPU second, on %d packets weighted by file; unweighted %.0f; wall clock %.0f)\n", t, tp, tp / tc, p / ew
	printf "sensor: sensor / tshark %.1f (aim >= 20)\n", s / t
	printf "sensor: peak RSS %.1f MiB\n", rss / 1024
	if (subs != "" && subs > 0) {
		printf "sensor: subscribers tracked (peak) %d\n", subs
		printf "sensor: peak RSS bytes per subscriber %.0f\n", rss * 1024 / subs
		if (base != "")
			printf "sensor: peak RSS above the program itself (%.1f MiB on 100 packets) per subscriber %.0f\n", base / 1024, (rss - base) * 1024 / subs
		if (tb != "")
			printf "sensor: table bytes per subscriber %d (aim < 256)\n", tb
	} else {
		print "sensor: bytes per subscriber: the pipeline reports no subscriber count"
	}
}'
