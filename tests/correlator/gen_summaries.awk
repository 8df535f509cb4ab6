# gen_summaries.awk: writes a small synthetic city as two probes' summaries
# (JSON Lines as `denwatch-sensor --dump summaries` prints them), its cell-site
# CSV and a truth file, for the correlator's command tests. Run:
#   awk -v out=DIR -f gen_summaries.awk /dev/null
# A den of 8 gateway ports at S0002 from the 6th window; negatives: a call
# centre (S0003), an M2M fleet with a gateway-listed TAC (S0004), a hub (S0005).
function cell(site, sec) { return "460-01-" (4000 + site) "-" (site * 10 + sec) }
function ims(ws, imsi, msisdn, c, co, ca, cs, csec, ci, so, si, dc, dd, seq) {
	printf "{\"window_start\":%d,\"window_seconds\":300,\"imsi\":\"%s\",\"msisdn\":\"%s\",\"imeis\":[],\"cells\":{\"%s\":%d},\"calls_out\":%d,\"calls_out_answered\":%d,\"calls_out_short\":%d,\"calls_out_seconds\":%d,\"calls_in\":%d,\"sms_out\":%d,\"sms_in\":%d,\"distinct_callees\":%d,\"distinct_sms_dests\":%d,\"seq_run_max\":%d,\"data_sessions\":0,\"first_event_us\":%d000000}\n", \
		ws, imsi, msisdn, c, co + so + ci + si, co, ca, cs, csec, ci, so, si, dc, dd, seq, ws + 7 > (out "/ims.jsonl")
}
function s11(ws, imsi, msisdn, imei, c, data) {
	printf "{\"window_start\":%d,\"window_seconds\":300,\"imsi\":\"%s\",\"msisdn\":\"%s\",\"imeis\":[\"%s\"],\"cells\":{\"%s\":%d},\"calls_out\":0,\"calls_out_answered\":0,\"calls_out_seconds\":0,\"calls_in\":0,\"sms_out\":0,\"sms_in\":0,\"distinct_callees\":0,\"distinct_sms_dests\":0,\"seq_run_max\":0,\"data_sessions\":%d,\"first_event_us\":%d000000}\n", \
		ws, imsi, msisdn, imei, c, data + 1, data, ws + 3 > (out "/s11.jsonl")
}
BEGIN {
	t0 = 1772409600
	print "cgi,site_id,lat,lon,azimuth,address" > (out "/cells.csv")
	for (site = 1; site <= 6; site++)
		for (sec = 0; sec < 3; sec++)
			printf "%s,S%04d,%.5f,%.5f,%d,\"Block %d, sector %d\"\n", cell(site, sec), site, \
				31.2 + site * 0.01, 121.4 + site * 0.01, sec * 120, site, sec > (out "/cells.csv")
	for (w = 0; w < 24; w++) {
		ws = t0 + w * 300
		for (i = 0; i < 40; i++) { # homes at S0001 and S0002 (the den's neighbours)
			site = i < 25 ? 1 : 2
			imsi = sprintf("4600101%08d", i); msisdn = sprintf("861380%07d", i)
			a = ((w + i) % 4 == 0)
			if (a || (w + i) % 5 == 0)
				ims(ws, "", msisdn, cell(site, i % 3), a, a, 0, a * 150, (w + i) % 5 == 0, 0, 0, a, 0, 0)
			s11(ws, imsi, msisdn, sprintf("35123456%06d", 1000 + i * 777), cell(site, i % 3), 1)
		}
		if (w >= 5) for (i = 0; i < 8; i++) { # the den
			imsi = sprintf("4600102%08d", i); msisdn = sprintf("861390%07d", i)
			ims(ws, "", msisdn, cell(2, 1), 14, 3, 3, 40, 0, 6, 0, 14, 6, 11)
			s11(ws, imsi, msisdn, sprintf("86123400%06d", 101 + i), cell(2, 1), 0)
		}
		for (i = 0; i < 12; i++) { # call centre
			imsi = sprintf("4600103%08d", i); msisdn = sprintf("861370%07d", i)
			ims(ws, imsi, msisdn, cell(3, 0), 6, 5, 0, 1200, 4, 1, 1, 3, 1, 0)
			s11(ws, imsi, msisdn, sprintf("35987654%06d", 2000 + i * 311), cell(3, 0), 0)
		}
		for (i = 0; i < 20; i++) { # M2M fleet, modem TAC on the gateway list
			imsi = sprintf("4600104%08d", i); msisdn = sprintf("861360%07d", i)
			s11(ws, imsi, msisdn, sprintf("35467008%06d", 500 + i), cell(4, 0), 3)
		}
		for (i = 0; i < 60; i++) { # hub: people passing, moving between sites
			imsi = sprintf("4600105%08d", i); msisdn = sprintf("861350%07d", i)
			site = (w + i) % 3 == 0 ? 6 : 5
			ims(ws, imsi, msisdn, cell(site, (w + i) % 3), 1, 1, 0, 80, 1, 1, 1, 1, 1, 0)
			s11(ws, imsi, msisdn, sprintf("35111111%06d", 3000 + i * 101), cell(site, (w + i) % 3), 2)
		}
	}
	printf "{\"format\":1,\"preset\":\"cmdtest\",\"seed\":1,\"start\":%d,\"end\":%d,\"mcc\":460,\"mnc\":\"01\",\n", t0, t0 + 7200 > (out "/truth.json")
	printf "\"dens\":[{\"site_id\":\"S0002\",\"start\":%d,\"end\":%d,\"imsis\":[],\"msisdns\":[],\"imeis\":[],\"gateways\":[]}],\n", t0 + 1500, t0 + 7200 > (out "/truth.json")
	printf "\"negatives\":[{\"site_id\":\"S0003\",\"kind\":\"call_centre\"},{\"site_id\":\"S0004\",\"kind\":\"m2m\"},{\"site_id\":\"S0005\",\"kind\":\"transport_hub\"},{\"site_id\":\"S0099\",\"kind\":\"festival\"}],\n" > (out "/truth.json")
	printf "\"subscribers\":[]}\n" > (out "/truth.json")
}
