/* gtp_enc.h: GTPv2-C S11 message encoders (TS 29.274); see gtp_enc.c. */
#ifndef DW_SIM_GTP_ENC_H
#define DW_SIM_GTP_ENC_H

#include <stddef.h>
#include <stdint.h>

struct gtp_loc {
	uint16_t mcc;
	const char *mnc;
	uint16_t tac;
	uint32_t eci;
};

struct gtp_session {
	uint64_t imsi, msisdn, imeisv; /* imeisv: 16 digits */
	struct gtp_loc loc;
	uint32_t mme_teid, sgw_teid, pgw_teid, enb_teid;
	uint32_t mme_ip, sgw_ip, pgw_ip, sgw_u_ip, enb_ip, ue_ip;
	const char *apn;
	uint32_t ambr_ul_kbps, ambr_dl_kbps;
	uint8_t ebi, qci;
};

size_t gtp_create_session_req(uint8_t *out, const struct gtp_session *s, uint32_t seq);
size_t gtp_create_session_resp(uint8_t *out, const struct gtp_session *s, uint32_t seq);
size_t gtp_modify_bearer_req(uint8_t *out, const struct gtp_session *s, uint32_t seq);
size_t gtp_modify_bearer_resp(uint8_t *out, const struct gtp_session *s, uint32_t seq);
size_t gtp_delete_session_req(uint8_t *out, const struct gtp_session *s, uint32_t seq);
size_t gtp_delete_session_resp(uint8_t *out, const struct gtp_session *s, uint32_t seq);

#endif
