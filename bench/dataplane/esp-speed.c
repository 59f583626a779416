/*
 * esp-speed: single-core ESP encapsulation + decapsulation throughput of
 * src/esp for one suite and packet size, to separate crypto cost from I/O
 * cost in the dataplane benchmark.
 *   esp-speed [inner_len=1400] [seconds=2] [suite: gcm256|gcm128|cbc256-sha256]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "crypto/cipher.h"
#include "esp/esp.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	size_t len = argc > 1 ? (size_t)atoi(argv[1]) : 1400;
	double secs = argc > 2 ? atof(argv[2]) : 2.0;
	const char *suite = argc > 3 ? argv[3] : "gcm256";
	uint16_t encr = 20, bits = 256, integ = 0;
	if (strcmp(suite, "gcm128") == 0)
		bits = 128;
	else if (strcmp(suite, "cbc256-sha256") == 0)
		encr = 12, integ = 12;
	uint8_t k[64];
	memset(k, 7, sizeof(k));
	struct secret *ek = secret_dup(k, crypto_encr_keymat_len(encr, bits));
	struct secret *ik = integ ? secret_dup(k, crypto_integ_key_len(integ)) : NULL;
	struct esp_sa_params p = { .spi = 1, .encr = encr, .key_bits = bits,
				   .integ = integ, .encr_key = ek, .integ_key = ik };
	struct esp_sa *out = esp_sa_new(&p, ESP_OUT), *in = esp_sa_new(&p, ESP_IN);
	if (len < 20 || len > 9000 || out == NULL || in == NULL)
		return 1;
	static uint8_t buf[10000];
	size_t head = esp_sa_head_len(out);
	uint64_t n = 0;
	double t0 = now(), enc = 0, dec = 0;
	while (now() - t0 < secs) {
		for (int i = 0; i < 1000; i++) {
			size_t el, off, il;
			uint8_t nh;
			memset(buf + head, 0, 20);
			buf[head] = 0x45;
			double a = now();
			if (esp_encap(out, buf, sizeof(buf), len, &el, (struct vtime){ 0 }))
				return 1;
			double b = now();
			if (esp_decap(in, buf, el, &off, &il, &nh, (struct vtime){ 0 }))
				return 1;
			dec += now() - b;
			enc += b - a;
			n++;
		}
	}
	fprintf(stderr, "packets %llu\n", (unsigned long long)n);
	printf("%s %zu B: encap %.0f ns/pkt (%.2f Gbit/s), decap %.0f ns/pkt (%.2f Gbit/s)\n",
	       suite, len, enc / (double)n * 1e9, (double)n * (double)len * 8 / enc / 1e9,
	       dec / (double)n * 1e9, (double)n * (double)len * 8 / dec / 1e9);
	esp_sa_free(out);
	esp_sa_free(in);
	secret_free(ek);
	secret_free(ik);
	return 0;
}
