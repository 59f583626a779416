/*
 * TCP MSS clamping for SYN and SYN-ACK segments, as gateways with a reduced
 * tunnel MTU do (Azure recommends 1350, AWS 1379): the option value is
 * lowered to mss and the TCP checksum is updated incrementally (RFC 1624).
 */
#include "base/cursor.h"
#include "io/pkt.h"

#define TCP_SYN 0x02
#define TCPOPT_EOL 0
#define TCPOPT_NOP 1
#define TCPOPT_MSS 2

/* Offset of the TCP header, or 0 if pkt is not an unfragmented TCP packet. */
static size_t tcp_offset(const uint8_t *pkt, size_t len)
{
	struct rd r;
	uint8_t vihl, proto;
	uint16_t frag;
	rd_init(&r, pkt, len);
	if (!rd_peek_u8(&r, &vihl))
		return 0;
	if (vihl >> 4 == 4) {
		size_t ihl = (size_t)(vihl & 0xf) * 4;
		if (ihl < 20 || !rd_skip(&r, 6) || !rd_u16be(&r, &frag) ||
		    !rd_skip(&r, 1) || !rd_u8(&r, &proto))
			return 0;
		if (proto != 6 || (frag & 0x3fff) != 0)
			return 0;
		return ihl + 20 <= len ? ihl : 0;
	}
	if (vihl >> 4 == 6) {
		if (!rd_skip(&r, 6) || !rd_u8(&r, &proto) || proto != 6)
			return 0;
		return 40 + 20 <= len ? 40 : 0;
	}
	return 0;
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). */
static uint16_t csum_replace(uint16_t check, uint16_t old, uint16_t new_)
{
	uint32_t s = (uint16_t)~check;
	s += (uint16_t)~old;
	s += new_;
	return (uint16_t)~io_csum_fold(s);
}

bool io_mss_clamp(uint8_t *pkt, size_t len, uint16_t mss)
{
	size_t t = tcp_offset(pkt, len);
	if (t == 0 || !(pkt[t + 13] & TCP_SYN))
		return false;
	size_t doff = (size_t)(pkt[t + 12] >> 4) * 4;
	if (doff < 20 || t + doff > len)
		return false;
	struct rd r;
	rd_init(&r, pkt + t + 20, doff - 20);
	while (!rd_done(&r)) {
		uint8_t kind, olen;
		size_t at = r.off;
		if (!rd_u8(&r, &kind) || kind == TCPOPT_EOL)
			break;
		if (kind == TCPOPT_NOP)
			continue;
		if (!rd_u8(&r, &olen) || olen < 2 || !rd_skip(&r, olen - 2))
			break;
		if (kind != TCPOPT_MSS || olen != 4)
			continue;
		uint8_t *o = pkt + t + 20 + at + 2;
		uint16_t cur = (uint16_t)(o[0] << 8 | o[1]);
		if (cur <= mss)
			return false;
		uint8_t *ck = pkt + t + 16;
		uint16_t check = (uint16_t)(ck[0] << 8 | ck[1]);
		check = csum_replace(check, cur, mss);
		o[0] = (uint8_t)(mss >> 8);
		o[1] = (uint8_t)mss;
		ck[0] = (uint8_t)(check >> 8);
		ck[1] = (uint8_t)check;
		return true;
	}
	return false;
}
