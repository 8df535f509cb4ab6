#!/usr/bin/env bash
# test_conformance_sip.sh: on a simulator `tiny` run, the SIP events of
# `denwatch-sensor --dump events` equal, frame by frame, what tshark dissects
# from ims.pcap (conformance_sip.py), and add up to the per-subscriber counts of
# truth.json: calls_out / calls_in (one call_attempt per originating /
# terminating leg), sms_out / sms_in; each registration binds the IMSI, MSISDN
# and an IMEI of one subscriber. Needs denwatch-sim.
. "$(dirname "$0")/../lib.sh"

check "the simulator is built" test -x "$SIM"
check "the sensor is built" test -x "$SENSOR"
check_exit "denwatch-sim writes a tiny run" 0 "$SIM" --preset tiny --seed 7 --out "$TMP/sim"
check_exit "the sensor reads ims.pcap" 0 "$SENSOR" -r "$TMP/sim/ims.pcap" --dump events --stats
cp "$TMP/last.out" "$TMP/events"
cp "$TMP/last.err" "$TMP/stats"
python3 "$DW_ROOT/tests/sensor/conformance_sip.py" "$TMP/sim/ims.pcap" "$TMP/events" "$TMP/stats"

python3 - "$TMP/sim/truth.json" "$TMP/events" <<'PY'
import collections, json, sys
truth = json.load(open(sys.argv[1]))
counts = {k: collections.Counter() for k in ("calls_out", "calls_in", "sms_out", "sms_in")}
regs = []
for line in open(sys.argv[2]):
    e = json.loads(line)
    if e.get("proto") != "sip":
        continue
    k = e["kind"]
    if k == "call_attempt":
        counts["calls_out" if e["dir"] == "mo" else "calls_in"][e["msisdn"]] += 1
    elif k == "sms_mo":
        counts["sms_out"][e["msisdn"]] += 1
    elif k == "sms_mt":
        counts["sms_in"][e["msisdn"]] += 1
    elif k == "register":
        regs.append(e)
subs = truth["subscribers"]
for field, c in counts.items():
    bad = [(s["msisdn"], s[field], c[s["msisdn"]]) for s in subs if s[field] != c[s["msisdn"]]]
    known = {s["msisdn"] for s in subs}
    stray = [m for m in c if m not in known]
    total = sum(s[field] for s in subs)
    print(("ok" if not bad and not stray and total else "not ok") +
          " - per-subscriber %s equal truth.json (%d in all)" % (field, total))
    for b in bad[:10]:
        print("# msisdn %s: truth %d, events %d" % b)
    for m in stray[:5]:
        print("# events for a number not in truth.json: %r" % m)
by_imsi = {s["imsi"]: s for s in subs}
bad = [e for e in regs if e["imsi"] not in by_imsi or by_imsi[e["imsi"]]["msisdn"] != e["msisdn"]
       or e["imei"] not in by_imsi[e["imsi"]]["imeis"] or not e["cell"]]
print(("ok" if regs and not bad else "not ok") +
      " - %d registrations bind IMSI, MSISDN, IMEI and a cell as truth.json says" % len(regs))
for e in bad[:10]:
    print("# %s" % json.dumps(e))
PY
