#!/usr/bin/env python3
"""conformance_sip.py CAPTURE EVENTS.jsonl STATS.txt: compares, frame by frame,
the SIP events `denwatch-sensor --dump events` printed for CAPTURE with what
tshark dissects from the same frames. tshark names the frames, methods, status
codes, Call-IDs, identity headers (P-Asserted-Identity, P-Preferred-Identity,
From, To, Request-URI, P-Called-Party-ID, P-Associated-URI), the
P-Access-Network-Info cell (access type and utran-cell-id-3gpp), the
+sip.instance IMEI, and for SMS the RP message type and TP-DA / TP-OA; the rules
of DESIGN 3.3-3.4 and TS 24.229 (originating leg by ";orig" in Route,
terminating leg by P-Called-Party-ID, one event per party however many
retransmissions or hops) then say which events each frame must produce.
Prints TAP lines ("ok - ..." / "not ok - ...") with "#" details."""
import collections
import json
import re
import subprocess
import sys

SEP = "^"
FIELDS = [
    "frame.number", "frame.time_epoch", "frame.protocols", "sip.Method", "sip.Status-Code",
    "sip.CSeq.method", "sip.CSeq.seq", "sip.Call-ID", "sip.to.tag", "sip.r-uri", "sip.From",
    "sip.To", "sip.P-Asserted-Identity", "sip.P-Preferred-Identity", "sip.P-Called-Party-ID",
    "sip.Route", "sip.P-Access-Network-Info.access-type",
    "sip.P-Access-Network-Info.utran-cell-id-3gpp", "sip.P-Associated-URI", "sip.Expires",
    "sip.Contact", "sip.Content-Type", "gsm_a.rp.msg_type", "gsm_sms.tp-da", "gsm_sms.tp-oa",
]


def tshark_rows(capture):
    cmd = ["tshark", "-r", capture, "-Y", "sip", "-T", "fields", "-E", "aggregator=" + SEP,
           "-E", "occurrence=a"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, errors="replace").stdout
    rows = []
    for line in out.splitlines():
        vals = line.split("\t")
        vals += [""] * (len(FIELDS) - len(vals))
        rows.append(dict(zip(FIELDS, vals)))
    return rows


# ---- numbers, as TS 24.229 / RFC 3966 write them ----

def split_list(value):
    """Entries of an address list header (commas inside quotes or <> do not split)."""
    out, cur, quoted, angle = [], "", False, False
    for ch in value:
        if ch == '"':
            quoted = not quoted
        elif ch == "<" and not quoted:
            angle = True
        elif ch == ">" and not quoted:
            angle = False
        if ch == "," and not quoted and not angle:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        out.append(cur.strip())
    return out


def entry_uri(entry):
    m = re.search(r"<([^>]*)>", entry)
    if m:
        return m.group(1).strip()
    return entry.split(";")[0].strip()


def uri_number(uri, strict):
    """(digits, global) of a tel:/sip: URI that holds a telephone number, or None."""
    m = re.match(r"(?i)(tel|sips?):(.*)$", uri.strip())
    if not m:
        return None
    scheme, rest = m.group(1).lower(), m.group(2)
    if scheme == "tel":
        user, params = rest.split(";")[0], ""
    else:
        if "@" not in rest:
            return None
        user, host = rest.split("@", 1)
        user = re.split(r"[;:]", user)[0]
        params = host
        ims = host.lower().startswith("ims.mnc") or ".3gppnetwork.org" in host.lower()
        if (re.fullmatch(r"\d{14,15}", user) and ims) or \
                (re.fullmatch(r"\d{15}", user) and ";user=phone" not in host.lower()):
            return None  # an IMSI-based identity or a contact's IMSI, not a number
        if strict and not user.startswith("+") and ";user=phone" not in params.lower():
            return None
    glob = user.startswith("+")
    digits = re.sub(r"[-.()]", "", user[1:] if glob else user)
    if not digits or not digits.isdigit() or len(digits) > 32:
        return None
    return digits, glob


def header_number(value, strict=False):
    best = None
    for e in split_list(value.replace(SEP, ",")) if value else []:
        n = uri_number(entry_uri(e), strict)
        if n and n[1]:
            return n[0]
        if n and best is None:
            best = n[0]
    return best or ""


def ruri_number(r, strict=False):
    n = uri_number(r["sip.r-uri"], strict) if r["sip.r-uri"] else None
    return n[0] if n else ""


def caller(r):
    return (header_number(r["sip.P-Asserted-Identity"]) or header_number(r["sip.P-Preferred-Identity"])
            or header_number(r["sip.From"]))


def called(r):
    return (header_number(r["sip.P-Called-Party-ID"]) or ruri_number(r, True)
            or header_number(r["sip.To"]) or ruri_number(r))


def cell(r):
    """P-Access-Network-Info as TS 24.229 7.2A.4 codes it, in DESIGN's form."""
    types = r["sip.P-Access-Network-Info.access-type"].split(SEP)
    ids = r["sip.P-Access-Network-Info.utran-cell-id-3gpp"].split(SEP)
    for t, cid in zip(types, ids):
        t, cid = t.upper(), cid.strip('"')
        if t.startswith("3GPP-E-UTRAN") or t.startswith("3GPP-UTRAN"):
            area, cellhex = 4, 7
        elif t.startswith("3GPP-NR"):
            area, cellhex = 6, 9
        else:
            continue
        mnclen = len(cid) - 3 - area - cellhex
        if mnclen not in (2, 3) or not cid[:3 + mnclen].isdigit():
            continue
        try:
            a = int(cid[3 + mnclen:3 + mnclen + area], 16)
            c = int(cid[3 + mnclen + area:], 16)
        except ValueError:
            continue
        return "%s-%s-%d-%d" % (cid[:3], cid[3:3 + mnclen], a, c)
    return ""


def zero_expiry(r):
    if r["sip.Expires"].split(SEP)[0].strip() == "0":
        return True
    contacts = split_list(r["sip.Contact"].replace(SEP, ",")) if r["sip.Contact"] else []
    return bool(contacts) and all(re.search(r"(?i);\s*expires\s*=\s*0\b", c) for c in contacts)


def is_orig(r):
    return any(re.search(r"(?i);\s*orig\b", e) for e in split_list(r["sip.Route"].replace(SEP, ",")))


def sms_number(v):
    v = v.split(SEP)[0]
    return v[1:] if v.startswith("+") else v


# ---- the rules ----

class Leg:
    def __init__(self, who, peer, cellv, cseq):
        self.state, self.who, self.peer, self.cell, self.cseq = "trying", who, peer, cellv, cseq


class Entry:
    """One Call-ID, as the sensor's call table keeps it (sensors/sip_call.c)."""
    def __init__(self):
        self.legs, self.last, self.reg_pending, self.reg_cseq, self.sms = {}, 0.0, False, -1, {}

    def done(self):
        return not self.reg_pending and all(l.state not in ("trying", "answered")
                                            for l in self.legs.values())


CALL_TIMEOUT_S = 7200  # sensor.call_timeout_s default
LINGER_S = 32          # SIP_CALL_LINGER_S
TOUCH_METHODS = {"ACK", "PRACK", "UPDATE", "INFO", "BYE", "CANCEL"}
RESPONSE_METHODS = {"INVITE", "REGISTER", "MESSAGE", "BYE", "CANCEL", "ACK", "PRACK", "UPDATE", "INFO"}


def supported(r):
    """Would the sensor parse this message (DW_PARSE_OK) rather than skip it?"""
    meth = r["sip.Method"]
    if meth:
        if meth == "MESSAGE":
            return "application/vnd.3gpp.sms" in r["sip.Content-Type"].lower()
        return meth in TOUCH_METHODS | {"INVITE", "REGISTER"}
    return r["sip.CSeq.method"] in RESPONSE_METHODS


def expected_events(rows):
    """(frame, kind, dir, call_id, msisdn, peer, cell, status) per event, in order."""
    table, exp = {}, []

    def ev(f, kind, d, cid, leg=None, msisdn="", peer="", cellv="", status=0):
        if leg:
            msisdn, peer, cellv = leg.who, leg.peer, leg.cell
        exp.append((f, kind, d, cid, msisdn, peer, cellv, status))

    def expire(now):
        for cid in list(table):
            e = table[cid]
            if e.last + (LINGER_S if e.done() else CALL_TIMEOUT_S) < now:
                for d, leg in sorted(e.legs.items()):
                    if leg.state == "answered":  # closed at its last message
                        ev(0, "call_end", d, cid, leg)
                del table[cid]

    for r in rows:
        if not supported(r):
            continue  # (SIP over WebSocket is decoded too, RFC 7118)
        f = int(r["frame.number"])
        t = float(r["frame.time_epoch"])
        cid, meth, st = r["sip.Call-ID"], r["sip.Method"], r["sip.Status-Code"]
        cseq = int(r["sip.CSeq.seq"] or 0)
        code = int(st) if st else 0
        expire(t)
        sms = None
        if meth == "MESSAGE":
            rp = r["gsm_a.rp.msg_type"].split(SEP)[0]
            if rp == "0x00" and r["gsm_sms.tp-da"]:
                sms = ("mo", sms_number(r["gsm_sms.tp-da"]), caller(r), cell(r))
            elif rp == "0x01" and r["gsm_sms.tp-oa"]:
                sms = ("mt", sms_number(r["gsm_sms.tp-oa"]), called(r), "")
            else:
                continue  # RP-ACK / RP-ERROR: no state, no event
        creates = (meth == "INVITE" and not r["sip.to.tag"]) or (meth == "REGISTER" and not zero_expiry(r)) \
            or sms is not None or (r["sip.CSeq.method"] == "REGISTER" and 200 <= code < 300
                                   and not zero_expiry(r))
        if cid not in table:
            if not creates:
                continue
            table[cid] = Entry()
        e = table[cid]
        legs = e.legs
        if meth == "INVITE" and not r["sip.to.tag"]:
            term = not is_orig(r) and bool(r["sip.P-Called-Party-ID"])
            d = "mt" if term else "mo"
            leg = legs.get(d)
            if leg and (leg.state in ("trying", "answered") or cseq <= leg.cseq):
                if leg.state == "trying":
                    leg.cseq = max(leg.cseq, cseq)
            else:
                if term:
                    legs[d] = Leg(called(r), caller(r), "", cseq)
                else:
                    legs[d] = Leg(caller(r), ruri_number(r) or header_number(r["sip.To"]), cell(r), cseq)
                ev(f, "call_attempt", d, cid, legs[d])
        elif meth == "CANCEL":
            for d, leg in sorted(legs.items()):
                if leg.state == "trying":
                    leg.state = "failed"
                    ev(f, "call_fail", d, cid, leg, status=487)
        elif meth == "BYE":
            for d, leg in sorted(legs.items()):
                if leg.state in ("trying", "answered"):
                    leg.state = "ended"
                    ev(f, "call_end", d, cid, leg)
        elif meth == "REGISTER" and not zero_expiry(r):
            e.reg_pending = True
        elif meth == "MESSAGE":
            d, peer, who, c = sms
            if e.sms.get(d, -1) < cseq:
                e.sms[d] = cseq
                ev(f, "sms_" + d, d, cid, msisdn=who, peer=peer, cellv=c)
        elif st and r["sip.CSeq.method"] == "INVITE" and code not in (100, 401, 407):
            c = cell(r)
            if code < 200:
                leg = legs.get("mt")
                if leg and leg.state == "trying" and c and c != leg.cell:
                    leg.cell = c
                    ev(f, "location", "mt", cid, leg)
            else:
                for d, leg in sorted(legs.items()):
                    if leg.state == "trying":
                        leg.state = "answered" if code < 300 else "failed"
                        if d == "mt" and c:
                            leg.cell = c
                        if code < 300:
                            ev(f, "call_answer", d, cid, leg)
                        else:
                            ev(f, "call_fail", d, cid, leg, status=code)
        elif st and r["sip.CSeq.method"] == "REGISTER" and 200 <= code < 300 and not zero_expiry(r):
            if e.reg_cseq < cseq:
                e.reg_cseq = cseq
                e.reg_pending = False
                pau = r["sip.P-Associated-URI"]
                msisdn = (header_number(pau, True) or header_number(r["sip.P-Asserted-Identity"], True)
                          or header_number(pau))
                ev(f, "register", "", cid, msisdn=msisdn)
        e.last = max(e.last, t)
    return exp


def main():
    capture, events_path, stats_path = sys.argv[1:4]
    name = capture.split("/")[-1]
    rows = tshark_rows(capture)
    fails = 0

    def check(ok, desc, details=()):
        nonlocal fails
        print(("ok - " if ok else "not ok - ") + desc)
        if not ok:
            fails += 1
            for d in list(details)[:20]:
                print("# " + d)

    check(len(rows) > 0, "%s: tshark finds SIP" % name)
    actual = []
    for line in open(events_path):
        e = json.loads(line)
        if e.get("proto") == "sip":
            actual.append(e)
    stats = dict(l.split(None, 1) for l in open(stats_path) if re.match(r"^sip\.\w+ \d+", l))
    plain = rows  # SIP over UDP, TCP, SCTP and WebSocket alike
    multi = [r["frame.number"] for r in plain if SEP in r["sip.CSeq.method"]]
    check(not multi, "%s: one SIP message per frame (the model's assumption)" % name,
          ["frames %s" % " ".join(multi)])
    want_parsed = sum(1 for r in rows if supported(r))  # WebSocket too (RFC 7118, decoded since snet)
    check(int(stats.get("sip.parsed", -1)) == want_parsed,
          "%s: the sensor parses the %d SIP messages of the methods it uses" % (name, want_parsed),
          ["sensor sip.parsed=%s" % stats.get("sip.parsed", "?").strip()])
    check(int(stats.get("sip.malformed", -1)) == 0, "%s: no SIP message counted malformed" % name,
          ["sensor sip.malformed=%s" % stats.get("sip.malformed", "?").strip()])

    exp = expected_events(rows)
    use_frames = any(e.get("frame") for e in actual)
    key = (lambda f, kind, d, cid: (f if use_frames else 0, kind, d, cid))
    want = collections.Counter(key(x[0], x[1], x[2], x[3]) for x in exp)
    got = collections.Counter(key(e.get("frame", 0), e["kind"], e["dir"], e["call_id"]) for e in actual)
    missing, extra = want - got, got - want
    check(not missing and not extra,
          "%s: %d SIP events, per %s: kinds, directions and Call-IDs equal tshark's" %
          (name, len(exp), "frame" if use_frames else "Call-ID"),
          ["missing %s" % (k,) for k in missing] + ["extra %s" % (k,) for k in extra])

    # Field by field for the events that match.
    by_key = collections.defaultdict(list)
    for e in actual:
        by_key[key(e.get("frame", 0), e["kind"], e["dir"], e["call_id"])].append(e)
    diffs, compared = [], collections.Counter()
    for (f, kind, d, cid, msisdn, peer, cellv, status) in exp:
        cands = by_key.get(key(f, kind, d, cid))
        if not cands:
            continue
        e = cands.pop(0)
        for field, want_v in (("msisdn", msisdn), ("peer", peer), ("cell", cellv)):
            if want_v:  # fields tshark does not show may be completed by the identity table
                compared[field] += 1
                if e[field] != want_v:
                    diffs.append("frame %d %s %s: %s %r, tshark %r" % (f, kind, cid, field, e[field], want_v))
        if status:
            compared["status"] += 1
            if e["status"] != status:
                diffs.append("frame %d %s: status %r, tshark %r" % (f, kind, e["status"], status))
        if kind == "call_end" and e["duration_s"] < 0:
            diffs.append("frame %d: negative duration" % f)
    check(not diffs, "%s: identities, peers, cells and statuses equal tshark's (%s)" %
          (name, ", ".join("%s %d" % kv for kv in sorted(compared.items())) or "none shown"), diffs)

    # IMEIs of registrations: +sip.instance in the Contact of the REGISTER.
    imeis = set()
    for r in rows:
        for m in re.finditer(r"urn:gsma:imei:([0-9-]+)", r["sip.Contact"]):
            d = m.group(1).replace("-", "")
            if len(d) in (14, 15, 16):
                imeis.add(d[:14])
    got_imeis = {e["imei"] for e in actual if e["kind"] == "register" and e["imei"]}
    registered = any(e["kind"] == "register" for e in actual)
    check(got_imeis <= imeis and bool(got_imeis) == bool(imeis and registered),
          "%s: registration IMEIs equal the +sip.instance URNs tshark shows (%d)" % (name, len(imeis)),
          ["sensor %s, tshark %s" % (sorted(got_imeis), sorted(imeis))])
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
