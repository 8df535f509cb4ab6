/* pcapw.c: classic pcap files (DLT_EN10MB, microsecond stamps) of UDP datagrams in
 * Ethernet II + IPv4, with correct lengths and IPv4/UDP checksums. Records are
 * built in a large aligned buffer written in multi-megabyte blocks with O_DIRECT
 * where the file system allows it: the page cache copy would otherwise cost more
 * than encoding the packets. A writer thread writes one buffer while the engine
 * fills the other, so encoding and disk overlap; the bytes do not depend on it. */
#include "sim.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BUF_CAP (8u << 20)
#define ALIGN 4096u
#define REC_HDR 16
#define L2L3L4 (14 + 20 + 8)
#define REC_MAX (REC_HDR + L2L3L4 + PCAPW_MAX_PAYLOAD)

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

static void write_all(struct pcapw *w, const uint8_t *p, size_t n)
{
	while (n && !w->err) {
		ssize_t k = write(w->fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			/* Some file systems accept O_DIRECT at open and refuse it on
			 * write: go on through the page cache. */
			int e = errno, fl = fcntl(w->fd, F_GETFL);
			if (e == EINVAL && fl >= 0 && (fl & O_DIRECT) &&
			    fcntl(w->fd, F_SETFL, fl & ~O_DIRECT) == 0)
				continue;
			w->err = e;
			return;
		}
		p += k;
		n -= (size_t)k;
	}
}

static void *writer_main(void *arg)
{
	struct pcapw *w = arg;
	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (!w->busy && !w->stop)
			pthread_cond_wait(&w->cv, &w->mu);
		if (!w->busy)
			break;
		const uint8_t *p = w->pending;
		size_t n = w->pending_len;
		pthread_mutex_unlock(&w->mu);
		write_all(w, p, n);
		pthread_mutex_lock(&w->mu);
		w->busy = false;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static void wait_idle(struct pcapw *w)
{
	pthread_mutex_lock(&w->mu);
	while (w->busy)
		pthread_cond_wait(&w->cv, &w->mu);
	pthread_mutex_unlock(&w->mu);
}

/* Hands what the buffer holds to the writer (with O_DIRECT only whole aligned
 * blocks) and goes on in the other buffer, starting with the kept tail. */
static void flush(struct pcapw *w)
{
	size_t n = w->direct ? w->len & ~(size_t)(ALIGN - 1) : w->len;
	if (n == 0)
		return;
	wait_idle(w);
	uint8_t *other = w->bufs[w->cur ^ 1];
	memcpy(other, w->buf + n, w->len - n);
	pthread_mutex_lock(&w->mu);
	w->pending = w->buf;
	w->pending_len = n;
	w->busy = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	w->written += n;
	w->len -= n;
	w->cur ^= 1;
	w->buf = other;
}

int pcapw_open(struct pcapw *w, const char *path)
{
	memset(w, 0, sizeof *w);
	w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT, 0666);
	w->direct = w->fd >= 0;
	if (w->fd < 0 && errno == EINVAL) /* tmpfs and others: no O_DIRECT */
		w->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	if (w->fd < 0)
		return -1;
	w->cap = BUF_CAP + ALIGN;
	if (posix_memalign((void **)&w->bufs[0], ALIGN, w->cap) != 0 ||
	    posix_memalign((void **)&w->bufs[1], ALIGN, w->cap) != 0) {
		free(w->bufs[0]);
		close(w->fd);
		errno = ENOMEM;
		return -1;
	}
	w->buf = w->bufs[0];
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		free(w->bufs[0]);
		free(w->bufs[1]);
		close(w->fd);
		errno = EAGAIN;
		return -1;
	}
	uint8_t *h = w->buf;
	put_le32(h, 0xa1b2c3d4);
	h[4] = 2, h[5] = 0, h[6] = 4, h[7] = 0; /* version 2.4 */
	put_le32(h + 8, 0);			/* thiszone */
	put_le32(h + 12, 0);			/* sigfigs */
	put_le32(h + 16, 65535);		/* snaplen */
	put_le32(h + 20, 1);			/* LINKTYPE_ETHERNET */
	w->len = 24;
	return 0;
}

int pcapw_close(struct pcapw *w)
{
	flush(w);
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	pthread_join(w->thread, NULL);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->cv);
	if (w->len) {
		/* The last partial block: padded for O_DIRECT, then cut to size. */
		size_t tail = w->len, padded = (tail + ALIGN - 1) & ~(size_t)(ALIGN - 1);
		memset(w->buf + tail, 0, padded - tail);
		write_all(w, w->buf, w->direct ? padded : tail);
		w->written += tail;
		if (w->direct && !w->err && ftruncate(w->fd, (off_t)w->written) != 0)
			w->err = errno;
	}
	int err = w->err;
	if (close(w->fd) != 0 && !err)
		err = errno ? errno : EIO;
	free(w->bufs[0]);
	free(w->bufs[1]);
	w->buf = NULL;
	if (err) {
		errno = err;
		return -1;
	}
	return 0;
}

uint8_t *pcapw_begin(struct pcapw *w)
{
	if (BUF_CAP - w->len < REC_MAX)
		flush(w);
	return w->buf + w->len + REC_HDR + L2L3L4;
}

uint16_t inet_checksum(const uint8_t *p, size_t n, uint32_t sum)
{
	uint64_t s = sum;
	while (n >= 8) {
		uint64_t v;
		memcpy(&v, p, 8);
		/* Sum 32-bit halves in host order; the fold below is order-independent
		 * as long as we byte-swap at the end on little-endian hosts. */
		s += (v & 0xffffffffu) + (v >> 32);
		p += 8;
		n -= 8;
	}
	uint64_t t = 0;
	while (n >= 2) {
		uint16_t v;
		memcpy(&v, p, 2);
		t += v;
		p += 2;
		n -= 2;
	}
	if (n) {
		uint8_t last[2] = {p[0], 0};
		uint16_t v;
		memcpy(&v, last, 2);
		t += v;
	}
	s += t;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	uint16_t r = (uint16_t)s;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	r = (uint16_t)((r >> 8) | (r << 8));
#endif
	return r; /* one's complement sum in network order, not yet inverted */
}

static void mac_of(uint8_t *mac, uint32_t ip)
{
	mac[0] = 0x02; /* locally administered */
	mac[1] = 0x1d;
	put_be32(mac + 2, ip);
}

void pcapw_commit(struct pcapw *w, uint64_t t_us, uint32_t src_ip, uint16_t sport,
		  uint32_t dst_ip, uint16_t dport, size_t payload_len)
{
	uint8_t *rec = w->buf + w->len;
	uint8_t *eth = rec + REC_HDR, *ip = eth + 14, *udp = ip + 20;
	size_t caplen = L2L3L4 + payload_len;
	put_le32(rec, (uint32_t)(t_us / 1000000));
	put_le32(rec + 4, (uint32_t)(t_us % 1000000));
	put_le32(rec + 8, (uint32_t)caplen);
	put_le32(rec + 12, (uint32_t)caplen);
	mac_of(eth, dst_ip);
	mac_of(eth + 6, src_ip);
	eth[12] = 0x08, eth[13] = 0x00;
	ip[0] = 0x45;
	ip[1] = 0x00;
	put_be16(ip + 2, (uint16_t)(20 + 8 + payload_len));
	put_be16(ip + 4, w->ip_id++);
	ip[6] = 0x40, ip[7] = 0; /* DF */
	ip[8] = 64;
	ip[9] = 17;
	ip[10] = ip[11] = 0;
	put_be32(ip + 12, src_ip);
	put_be32(ip + 16, dst_ip);
	put_be16(ip + 10, (uint16_t)~inet_checksum(ip, 20, 0));
	put_be16(udp, sport);
	put_be16(udp + 2, dport);
	put_be16(udp + 4, (uint16_t)(8 + payload_len));
	udp[6] = udp[7] = 0;
	/* Pseudo-header: addresses, protocol, UDP length; summed in network order. */
	uint8_t ph[12];
	memcpy(ph, ip + 12, 8);
	ph[8] = 0, ph[9] = 17;
	put_be16(ph + 10, (uint16_t)(8 + payload_len));
	uint16_t a = inet_checksum(ph, 12, 0);
	uint16_t b = inet_checksum(udp, 8 + payload_len, 0);
	uint32_t s = (uint32_t)a + b;
	s = (s & 0xffff) + (s >> 16);
	uint16_t ck = (uint16_t)~s;
	if (ck == 0)
		ck = 0xffff;
	put_be16(udp + 6, ck);
	w->len += REC_HDR + caplen;
	w->packets++;
	w->bytes += REC_HDR + caplen;
}
