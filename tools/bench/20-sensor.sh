#!/usr/bin/env bash
# 20-sensor.sh BUILD OUT: the sensor's speed and memory on the simulator's metro
# capture (OUT/metro/ims.pcap and s11.pcap, written by 10-sim.sh), measured in
# this one run: a plain libpcap read loop (the limit), the sensor with full
# parsing and aggregation (--dump summaries to /dev/null), their ratio, tshark
# extracting the same fields, our/tshark ratio, peak RSS and bytes per tracked
# subscriber. Aims (issue 3): sensor >= 0.5 x read loop, >= 20 x tshark,
# < 256 bytes per subscriber.
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

# 1. The read loop.
rl=$(nice "$BUILD/tools/readloop" "${files[@]}")
rl_pps=$(awk '{ for (i = 1; i < NF; i++) if ($i == "pps") print $(i + 1) }' <<<"$rl")
packets=$(awk '{ print $2 }' <<<"$rl")

# 2. The sensor, full parsing and aggregation.
stats="$OUT/sensor-stats.txt"
timef="$OUT/sensor-time.txt"
t0=$(now)
/usr/bin/time -v -o "$timef" nice "$BUILD/denwatch-sensor" -r "${files[@]}" --dump summaries \
	--stats >/dev/null 2>"$stats" || echo "sensor: exit status $? (see $stats)"
t1=$(now)
stat_of() { awk -v k="$1" '$1 == k { print $2; f = 1 } END { if (!f) print "" }' "$stats"; }
sensor_pps=$(awk -v p="$packets" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", p / (b - a) }')
rss_kb=$(awk -F': ' '/Maximum resident set size/ { print $2 }' "$timef")

# 3. tshark extracting the same fields, on the first TSHARK_PACKETS of each file.
tpk=0
t2=$(now)
for f in "${files[@]}"; do
	n=$(nice tshark -r "$f" -c "$TSHARK_PACKETS" -T fields -e frame.number -e sip.Method \
		-e sip.Status-Code -e sip.Call-ID -e sip.P-Asserted-Identity -e sip.P-Called-Party-ID \
		-e sip.P-Access-Network-Info -e sip.auth.username -e sip.contact.uri -e sip.from.user \
		-e sip.to.user -e gtpv2.message_type -e gtpv2.teid -e e212.imsi -e e164.msisdn \
		-e gtpv2.mei -e gtpv2.tai_tac 2>/dev/null | wc -l)
	tpk=$((tpk + n))
done
t3=$(now)
tshark_pps=$(awk -v p="$tpk" -v a="$t2" -v b="$t3" 'BEGIN { printf "%.0f", p / (b - a) }')

subs=$(stat_of identity.subscribers_peak)
awk -v rl="$rl_pps" -v s="$sensor_pps" -v t="$tshark_pps" -v p="$packets" -v tp="$tpk" \
	-v rss="$rss_kb" -v subs="$subs" -v tb="$(stat_of memory.table_bytes_per_subscriber)" 'BEGIN {
	printf "sensor: packets %d\n", p
	printf "sensor: readloop packets per second %.0f\n", rl
	printf "sensor: sensor packets per second %.0f\n", s
	printf "sensor: sensor / readloop %.2f (aim >= 0.5)\n", s / rl
	printf "sensor: tshark packets per second %.0f (on %d packets)\n", t, tp
	printf "sensor: sensor / tshark %.1f (aim >= 20)\n", s / t
	printf "sensor: peak RSS %.1f MiB\n", rss / 1024
	if (subs != "" && subs > 0) {
		printf "sensor: subscribers tracked (peak) %d\n", subs
		printf "sensor: peak RSS bytes per subscriber %.0f\n", rss * 1024 / subs
		if (tb != "")
			printf "sensor: table bytes per subscriber %d (aim < 256)\n", tb
	} else {
		print "sensor: bytes per subscriber: the pipeline reports no subscriber count"
	}
}'
