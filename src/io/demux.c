/*
 * RFC 3948 2.2: on UDP port 4500 an IKE message is preceded by a 4-byte
 * non-ESP marker of zeros (an SPI of 0 is reserved, RFC 4303 2.1), and a
 * single 0xff byte is a NAT keepalive (RFC 3948 2.3).
 */
#include "base/cursor.h"
#include "io/pkt.h"

enum io_udp_kind io_udp_classify(const uint8_t *p, size_t len, size_t *off)
{
	struct rd r;
	uint8_t b;
	uint32_t marker;
	rd_init(&r, p, len);
	if (len == 1 && rd_u8(&r, &b) && b == 0xff)
		return IO_UDP_KEEPALIVE;
	if (!rd_u32be(&r, &marker))
		return IO_UDP_INVALID;
	if (marker != 0)
		return len >= 8 ? IO_UDP_ESP : IO_UDP_INVALID;
	/* An IKE header is 28 bytes (RFC 7296 3.1). */
	if (rd_left(&r) < 28)
		return IO_UDP_INVALID;
	*off = 4;
	return IO_UDP_IKE;
}
