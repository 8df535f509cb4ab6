/* netstats.h: counters of the capture and decoding layers (frames, link types,
 * IP, fragments, TCP streams, SCTP chunks, GTP-U), one X-macro list so that the
 * struct, the names printed by --stats and the tests never disagree. */
#ifndef DENWATCH_SENSOR_NETSTATS_H
#define DENWATCH_SENSOR_NETSTATS_H

#include <stdint.h>
#include <stdio.h>

#define DW_NETSTATS(X)                                                                   \
	X(frames)              /* frames handed to the decoder */                        \
	X(bytes)               /* captured bytes of those frames */                      \
	X(link_unsupported)    /* frames of a link type we do not decode */              \
	X(link_truncated)      /* link header longer than the captured frame */          \
	X(link_not_ip)         /* ARP, LLDP, 802.3 LLC...: not IP, skipped */            \
	X(vlan_tags)           /* 802.1Q / QinQ tags passed */                           \
	X(ipv4)                /* IPv4 headers decoded */                                \
	X(ipv6)                /* IPv6 headers decoded */                                \
	X(ip_malformed)        /* bad version, header or total length */                 \
	X(ip_truncated)        /* total length past the captured bytes (snaplen) */      \
	X(ip_proto_other)      /* IP payloads neither UDP, TCP nor SCTP */               \
	X(ip_too_deep)         /* tunnels nested past the decoder's limit */             \
	X(ipv6_ext_headers)    /* IPv6 extension headers skipped */                      \
	X(ipv6_unsupported)    /* ESP, jumbograms, too many extension headers */         \
	X(frag_fragments)      /* IP fragments seen (v4 and v6) */                       \
	X(frag_reassembled)    /* datagrams completed from fragments */                  \
	X(frag_duplicates)     /* fragments carrying only bytes already held */          \
	X(frag_overlaps)       /* fragments partly overlapping held bytes (first wins) */ \
	X(frag_malformed)      /* bad offsets or lengths, past 64 KiB, mixed ends */     \
	X(frag_timeouts)       /* datagrams dropped incomplete after the timeout */      \
	X(frag_evictions)      /* datagrams dropped because the table was full */        \
	X(udp)                 /* UDP datagrams decoded */                               \
	X(udp_malformed)       /* UDP length shorter than its header or past the end */  \
	X(tcp_segments)        /* TCP segments decoded */                                \
	X(tcp_malformed)       /* bad data offset */                                     \
	X(tcp_streams)         /* stream directions created */                           \
	X(tcp_evictions)       /* stream directions dropped because the table was full */ \
	X(tcp_timeouts)        /* idle stream directions forgotten */                    \
	X(tcp_retransmissions) /* segments whose bytes were all delivered already */     \
	X(tcp_overlaps)        /* segments partly delivered already (trimmed) */         \
	X(tcp_out_of_order)    /* segments buffered ahead of a hole */                   \
	X(tcp_gaps)            /* holes given up on (buffer full); stream resynced */    \
	X(tcp_overflows)       /* stream buffers past capture.tcp_stream_max_kb */       \
	X(tcp_resyncs)         /* garbage skipped to find the next message */            \
	X(tcp_dropped_bytes)   /* stream bytes never handed to a dissector */            \
	X(tcp_messages)        /* messages framed out of streams */                      \
	X(ws_frames)           /* WebSocket data frames unwrapped (RFC 7118) */          \
	X(sctp_packets)        /* SCTP packets decoded */                                \
	X(sctp_malformed)      /* bad common header or chunk length */                   \
	X(sctp_chunks)         /* chunks seen */                                         \
	X(sctp_data_chunks)    /* DATA chunks (whole or fragments of a message) */                               \
	X(sctp_fragments)      /* DATA chunks that are part of a fragmented message */   \
	X(sctp_reassembled)    /* fragmented user messages completed */                  \
	X(sctp_frag_dropped)   /* fragmented user messages given up on */                \
	X(gtpu_packets)        /* GTP-U packets on UDP 2152 */                           \
	X(gtpu_decapsulated)   /* G-PDUs whose inner IP packet was decoded */            \
	X(gtpu_other)          /* echo, error indication, end marker...: skipped */      \
	X(gtpu_malformed)      /* bad version, lengths or extension headers */           \
	X(payloads)            /* transport payloads handed to the handler */

struct dw_netstats {
#define DW_NETSTATS_FIELD(n) uint64_t n;
	DW_NETSTATS(DW_NETSTATS_FIELD)
#undef DW_NETSTATS_FIELD
};

/* Writes one line "net.<name> <value>" per counter. */
void dw_netstats_print(const struct dw_netstats *s, FILE *f);

#endif
