/* test_sim_encoders.c: the simulator's encoders on bytes from the specs and from
 * well-known examples: GSM 7-bit packing and SMS-SUBMIT (TS 23.038/23.040), the
 * RP-DATA relay layer (TS 24.011), GTPv2-C TLVs (TS 29.274), the Internet
 * checksum (RFC 1071), the PANI cell text (TS 24.229) and the integer formatter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../tools/sim/gtp_enc.h"
#include "../../tools/sim/sim.h"
#include "../../tools/sim/sip_enc.h"
#include "denwatch/ident.h"

static void gsm7_hellohello(void **state)
{
	(void)state;
	/* TS 23.038 packing; the classic "hellohello" example. */
	static const uint8_t want[] = {0xe8, 0x32, 0x9b, 0xfd, 0x46,
				       0x97, 0xd9, 0xec, 0x37};
	uint8_t out[16];
	size_t nsept;
	assert_int_equal(gsm7_pack(out, "hellohello", &nsept), sizeof want);
	assert_int_equal(nsept, 10);
	assert_memory_equal(out, want, sizeof want);
}

static void sms_submit_known_pdu(void **state)
{
	(void)state;
	/* The widely published SMS-SUBMIT to +46708251358 with "hellohello"
	 * (0011000B916407281553F80000AA0AE8329BFD4697D9EC37 without the SMSC
	 * octet), with our validity period of 24 hours (0xA7) instead of 0xAA. */
	static const uint8_t want[] = {0x11, 0x00, 0x0b, 0x91, 0x64, 0x07, 0x28, 0x15,
				       0x53, 0xf8, 0x00, 0x00, 0xa7, 0x0a, 0xe8, 0x32,
				       0x9b, 0xfd, 0x46, 0x97, 0xd9, 0xec, 0x37};
	uint8_t out[64];
	assert_int_equal(sms_submit(out, 0, 46708251358ULL, "hellohello"), sizeof want);
	assert_memory_equal(out, want, sizeof want);
}

static void sms_deliver_fields(void **state)
{
	(void)state;
	uint8_t out[64];
	/* 2026-03-02 12:34:56 at UTC+8. */
	size_t n = sms_deliver(out, 8613912345678ULL,
			       1772380800 + 12 * 3600 + 34 * 60 + 56, "hi");
	static const uint8_t head[] = {0x04, 0x0d, 0x91, 0x68, 0x31, 0x19, 0x32, 0x54,
				       0x76, 0xf8, 0x00, 0x00, 0x62, 0x30, 0x20, 0x21,
				       0x43, 0x65, 0x23, 0x02, 0xe8, 0x34};
	assert_int_equal(n, sizeof head);
	assert_memory_equal(out, head, sizeof head);
}

static void rp_data_both_directions(void **state)
{
	(void)state;
	uint8_t tpdu[3] = {0xaa, 0xbb, 0xcc}, out[32];
	static const uint8_t mo[] = {0x00, 0x05, 0x00, 0x08, 0x91, 0x68, 0x31, 0x10,
				     0x20, 0x00, 0x05, 0xf0, 0x03, 0xaa, 0xbb, 0xcc};
	assert_int_equal(rp_data(out, true, 5, 8613010200500ULL, tpdu, 3), sizeof mo);
	assert_memory_equal(out, mo, sizeof mo);
	static const uint8_t mt[] = {0x01, 0x85, 0x08, 0x91, 0x68, 0x31, 0x10, 0x20,
				     0x00, 0x05, 0xf0, 0x00, 0x03, 0xaa, 0xbb, 0xcc};
	assert_int_equal(rp_data(out, false, 0x85, 8613010200500ULL, tpdu, 3), sizeof mt);
	assert_memory_equal(out, mt, sizeof mt);
}

static void checksum_rfc1071(void **state)
{
	(void)state;
	/* RFC 1071 section 3: the sum of 0001 f203 f4f5 f6f7 is ddf2. */
	static const uint8_t b[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
	assert_int_equal(inet_checksum(b, sizeof b, 0), 0xddf2);
	/* Odd length and more than 8 bytes go through the other paths. */
	static const uint8_t c[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5,
				    0xf6, 0xf7, 0x00, 0x01, 0xf2};
	assert_int_equal(inet_checksum(c, sizeof c, 0),
			 (0xddf2 + 0x0001 + 0xf200) % 0xffff);
}

/* Walks TLV IEs from p to end; returns the count, or -1 if a length overruns. */
static int walk_ies(const uint8_t *p, const uint8_t *end, int want_type,
		    const uint8_t **found)
{
	int n = 0;
	while (p < end) {
		if (end - p < 4)
			return -1;
		size_t len = (size_t)p[1] << 8 | p[2];
		if ((size_t)(end - p) < 4 + len)
			return -1;
		if (p[0] == want_type && found && !*found)
			*found = p;
		p += 4 + len;
		n++;
	}
	return n;
}

static void gtp_create_session_tlvs(void **state)
{
	(void)state;
	struct gtp_session s = {
	    .imsi = 460010000001234ULL,
	    .msisdn = 8618600001234ULL,
	    .imeisv = 3533221112345601ULL,
	    .loc = {460, "01", 0x2000, 0x9c4601},
	    .mme_teid = 0x11111111,
	    .sgw_teid = 0x22222222,
	    .pgw_teid = 0x33333333,
	    .mme_ip = 0x0a280001,
	    .sgw_ip = 0x0a320001,
	    .pgw_ip = 0x0a3c0001,
	    .apn = "internet",
	    .ebi = 5,
	    .qci = 9,
	};
	uint8_t out[512];
	size_t n = gtp_create_session_req(out, &s, 0x123456);
	assert_int_equal(out[0], 0x48);
	assert_int_equal(out[1], 32);
	assert_int_equal((size_t)(out[2] << 8 | out[3]), n - 4);
	assert_memory_equal(out + 4, "\0\0\0\0", 4); /* TEID 0 on a CSR */
	assert_int_equal(out[8] << 16 | out[9] << 8 | out[10], 0x123456);
	const uint8_t *imsi = NULL, *mei = NULL, *uli = NULL;
	assert_int_equal(walk_ies(out + 12, out + n, 1, &imsi), 15);
	walk_ies(out + 12, out + n, 75, &mei);
	walk_ies(out + 12, out + n, 86, &uli);
	char d[20];
	assert_non_null(imsi);
	assert_int_equal(dw_tbcd_decode(imsi + 4, imsi[2], d, sizeof d), 15);
	assert_string_equal(d, "460010000001234");
	assert_non_null(mei);
	assert_int_equal(dw_tbcd_decode(mei + 4, mei[2], d, sizeof d), 16);
	assert_string_equal(d, "3533221112345601");
	assert_non_null(uli);
	static const uint8_t uli_want[] = {0x18, 0x64, 0xf0, 0x10, 0x20, 0x00, 0x64,
					   0xf0, 0x10, 0x00, 0x9c, 0x46, 0x01};
	assert_int_equal(uli[2], sizeof uli_want);
	assert_memory_equal(uli + 4, uli_want, sizeof uli_want);

	n = gtp_modify_bearer_req(out, &s, 7);
	assert_int_equal(out[1], 34);
	assert_memory_equal(out + 4, "\x22\x22\x22\x22",
			    4); /* addressed to the SGW TEID */
	assert_int_equal(walk_ies(out + 12, out + n, 1, NULL),
			 2); /* ULI and bearer context */
	n = gtp_delete_session_resp(out, &s, 7);
	assert_int_equal(out[1], 37);
	assert_memory_equal(out + 4, "\x11\x11\x11\x11", 4);
	assert_int_equal((size_t)(out[2] << 8 | out[3]), n - 4);
}

static void pani_cell_text(void **state)
{
	(void)state;
	char buf[32];
	char *end = sip_put_cell(buf, 0x2000, 0x9c4601);
	*end = '\0';
	assert_string_equal(buf, "46001200009C4601");
}

static void integer_formatting(void **state)
{
	(void)state;
	static const uint64_t v[] = {0,		9, 10, 99, 100, 12345, 8618600001234ULL,
				     UINT64_MAX};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		char a[32], b[32];
		*put_u64(a, v[i]) = '\0';
		snprintf(b, sizeof b, "%llu", (unsigned long long)v[i]);
		assert_string_equal(a, b);
	}
	char ip[20];
	*put_ipv4(ip, 0x0a80000a) = '\0';
	assert_string_equal(ip, "10.128.0.10");
	*put_hex(ip, 0xabc, 6) = '\0';
	assert_string_equal(ip, "000abc");
}

static void pcap_round_trip(void **state)
{
	(void)state;
	char path[] = "/tmp/test_sim_pcapXXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	struct pcapw w;
	assert_int_equal(pcapw_open(&w, path), 0);
	for (int i = 0; i < 3; i++) {
		uint8_t *p = pcapw_begin(&w);
		memcpy(p, "hello, probe", 12 + (size_t)i - 2);
		pcapw_commit(&w, 1772409600000000ULL + (uint64_t)i, 0x0a0a0001, 5060,
			     0x0a140001, 5060, 12 + (size_t)i - 2);
	}
	assert_int_equal(pcapw_close(&w), 0);
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc = pcap_open_offline(path, err);
	assert_non_null(pc);
	assert_int_equal(pcap_datalink(pc), DLT_EN10MB);
	struct pcap_pkthdr *h;
	const u_char *d;
	int n = 0;
	while (pcap_next_ex(pc, &h, &d) == 1) {
		assert_int_equal(h->ts.tv_sec, 1772409600);
		assert_int_equal(h->ts.tv_usec, n);
		assert_int_equal(h->caplen, 14 + 20 + 8 + 10 + n);
		/* IPv4 header sums to 0xffff; UDP with its pseudo-header too. */
		assert_int_equal(inet_checksum(d + 14, 20, 0), 0xffff);
		uint8_t ph[12];
		memcpy(ph, d + 14 + 12, 8);
		ph[8] = 0, ph[9] = 17, ph[10] = d[14 + 20 + 4], ph[11] = d[14 + 20 + 5];
		uint32_t s = (uint32_t)inet_checksum(ph, 12, 0) +
			     inet_checksum(d + 34, h->caplen - 34, 0);
		s = (s & 0xffff) + (s >> 16);
		assert_int_equal(s, 0xffff);
		n++;
	}
	assert_int_equal(n, 3);
	pcap_close(pc);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(gsm7_hellohello),
	    cmocka_unit_test(sms_submit_known_pdu),
	    cmocka_unit_test(sms_deliver_fields),
	    cmocka_unit_test(rp_data_both_directions),
	    cmocka_unit_test(checksum_rfc1071),
	    cmocka_unit_test(gtp_create_session_tlvs),
	    cmocka_unit_test(pani_cell_text),
	    cmocka_unit_test(integer_formatting),
	    cmocka_unit_test(pcap_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
