/* readloop.c: the plain libpcap read loop that bounds what the sensor can reach:
 * reads the capture files given with the same 1 MiB stdio buffer the sensor uses
 * and counts packets and bytes. `make bench` compares the sensor against it.
 * Prints "packets N bytes B seconds S pps R". */
#include <errno.h>
#include <inttypes.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { READ_BUFFER = 1024 * 1024 };

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: readloop FILE...\n"
			"Reads pcap/pcapng files with libpcap through a 1 MiB stdio buffer and\n"
			"prints packets, bytes, seconds and packets per second.\n");
		return argc < 2 ? 2 : 0;
	}
	char *iobuf = malloc(READ_BUFFER);
	uint64_t packets = 0, bytes = 0;
	double t0 = now_s();
	for (int i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		if (!fp) {
			fprintf(stderr, "readloop: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		setvbuf(fp, iobuf, _IOFBF, READ_BUFFER);
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_fopen_offline(fp, err);
		if (!p) {
			fprintf(stderr, "readloop: %s: %s\n", argv[i], err);
			fclose(fp);
			return 1;
		}
		struct pcap_pkthdr *h;
		const u_char *data;
		int r;
		while ((r = pcap_next_ex(p, &h, &data)) == 1) {
			packets++;
			bytes += h->caplen;
		}
		if (r == PCAP_ERROR)
			fprintf(stderr, "readloop: %s: %s\n", argv[i], pcap_geterr(p));
		pcap_close(p);
	}
	double secs = now_s() - t0;
	printf("packets %" PRIu64 " bytes %" PRIu64 " seconds %.3f pps %.0f\n", packets, bytes,
	       secs, secs > 0 ? (double)packets / secs : 0.0);
	free(iobuf);
	return 0;
}
