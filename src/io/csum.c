/* Internet checksum (RFC 1071) with a 64-bit accumulator. */
#include <string.h>

#include "io/pkt.h"

/*
 * Sums memory-order words; the one's complement sum is byte-order
 * independent up to a final swap (RFC 1071 2(B)). Only the last piece of a
 * chained sum may have an odd length.
 */
uint32_t io_csum_add(uint32_t sum, const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t acc = 0;
	while (len >= 32) {
		uint64_t w[4];
		memcpy(w, p, 32);
		for (int i = 0; i < 4; i++) {
			acc += w[i] & 0xffffffffu;
			acc += w[i] >> 32;
		}
		p += 32;
		len -= 32;
	}
	while (len >= 4) {
		uint32_t w;
		memcpy(&w, p, 4);
		acc += w;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		uint16_t w;
		memcpy(&w, p, 2);
		acc += w;
		p += 2;
		len -= 2;
	}
	if (len) {
		uint8_t last[2] = { p[0], 0 };
		uint16_t w;
		memcpy(&w, last, 2);
		acc += w;
	}
	/* Fold to 32 bits in native order, then swap to network order. */
	while (acc >> 32)
		acc = (acc & 0xffffffffu) + (acc >> 32);
	uint32_t s = (uint32_t)acc;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	uint16_t n = (uint16_t)s;
	/* memory-order sum -> numeric big-endian sum */
	uint8_t b[2];
	memcpy(b, &n, 2);
	return sum + ((uint32_t)b[0] << 8 | b[1]);
}

uint16_t io_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

uint32_t io_csum_pseudo(const uint8_t *ip, uint8_t proto, uint32_t l4_len)
{
	uint32_t sum;
	if ((ip[0] >> 4) == 4)
		sum = io_csum_add(0, ip + 12, 8);
	else
		sum = io_csum_add(0, ip + 8, 32);
	return sum + proto + (l4_len >> 16) + (l4_len & 0xffff);
}
