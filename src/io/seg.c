/*
 * Segmentation of TUN super-packets. With TUNSETOFFLOAD the kernel hands
 * the TUN reader TCP (TSO4/TSO6) and UDP (USO) packets of up to 64 KiB with
 * a virtio-net header saying "cut me into gso_size pieces" and, with
 * NEEDS_CSUM, a partial checksum (pseudo-header only) at csum_start +
 * csum_offset. ESP must encrypt wire-size packets, so this is the software
 * version of what a NIC does: per segment, copy the headers, fix IPv4 total
 * length / ID / header checksum or the IPv6 payload length, advance the TCP
 * sequence number (FIN and PSH only on the last segment, CWR only on the
 * first), and compute the full TCP/UDP checksum.
 */
#include <string.h>

#include "base/cursor.h"
#include "io/pkt.h"

#define TCP_FIN 0x01
#define TCP_PSH 0x08
#define TCP_CWR 0x80

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* Parses the IP header: family, L3 length, protocol. */
static bool parse_l3(struct io_seg *s)
{
	struct rd r;
	uint8_t vihl, proto;
	uint16_t tot;
	rd_init(&r, s->pkt, s->len);
	if (!rd_peek_u8(&r, &vihl))
		return false;
	if (vihl >> 4 == 4) {
		s->v6 = false;
		s->l3_len = (size_t)(vihl & 0xf) * 4;
		if (s->l3_len < 20 || !rd_skip(&r, 2) || !rd_u16be(&r, &tot) ||
		    !rd_skip(&r, 5) || !rd_u8(&r, &proto))
			return false;
		if (tot != s->len || s->l3_len > s->len)
			return false;
	} else if (vihl >> 4 == 6) {
		s->v6 = true;
		s->l3_len = 40;
		if (!rd_skip(&r, 4) || !rd_u16be(&r, &tot) || !rd_u8(&r, &proto))
			return false;
		if ((size_t)tot + 40 != s->len)
			return false;
	} else {
		return false;
	}
	s->proto = proto;
	return true;
}

static bool parse_l4(struct io_seg *s)
{
	size_t l4;
	if (s->proto == 6) {
		if (s->l3_len + 20 > s->len)
			return false;
		l4 = (size_t)(s->pkt[s->l3_len + 12] >> 4) * 4;
		if (l4 < 20)
			return false;
	} else if (s->proto == 17) {
		l4 = 8;
	} else {
		return false;
	}
	s->hdr_len = s->l3_len + l4;
	return s->hdr_len <= s->len;
}

static bool gso_type_ok(const struct io_seg *s)
{
	switch (s->v.gso_type & ~IO_VNET_GSO_ECN) {
	case IO_VNET_GSO_TCPV4:
		return !s->v6 && s->proto == 6;
	case IO_VNET_GSO_TCPV6:
		return s->v6 && s->proto == 6;
	case IO_VNET_GSO_UDP_L4:
		return s->proto == 17;
	default:
		return false;
	}
}

bool io_seg_init(struct io_seg *s, const struct io_vnet *v,
		 const uint8_t *pkt, size_t len)
{
	memset(s, 0, sizeof(*s));
	s->pkt = pkt;
	s->len = len;
	s->v = *v;
	if ((v->gso_type & ~IO_VNET_GSO_ECN) == IO_VNET_GSO_NONE) {
		if (len == 0)
			return false;
		if (v->flags & IO_VNET_F_NEEDS_CSUM)
			return (size_t)v->csum_start + v->csum_offset + 2 <=
				       len &&
			       v->csum_start < len;
		return true;
	}
	if (!parse_l3(s) || !parse_l4(s) || !gso_type_ok(s))
		return false;
	s->gso = true;
	s->seg_size = v->gso_size;
	s->off = s->hdr_len;
	/* Zero-payload GSO packets, or absurd sizes, are malformed. */
	return s->seg_size >= 8 && s->off < len;
}

size_t io_seg_next_len(const struct io_seg *s)
{
	if (!s->gso)
		return s->index == 0 ? s->len : 0;
	if (s->off >= s->len)
		return 0;
	size_t left = s->len - s->off;
	return s->hdr_len + (left < s->seg_size ? left : s->seg_size);
}

static size_t next_plain(struct io_seg *s, uint8_t *dst, size_t cap)
{
	if (s->index != 0 || cap < s->len)
		return 0;
	memcpy(dst, s->pkt, s->len);
	s->index++;
	if (s->v.flags & IO_VNET_F_NEEDS_CSUM) {
		/* The field holds the pseudo-header sum; sum from csum_start. */
		size_t st = s->v.csum_start, at = st + s->v.csum_offset;
		uint16_t c = (uint16_t)~io_csum_fold(
			io_csum_add(0, dst + st, s->len - st));
		if (c == 0 && s->proto == 17)
			c = 0xffff;
		put16(dst + at, c);
	}
	return s->len;
}

static void fix_l3(const struct io_seg *s, uint8_t *d, size_t seg_len)
{
	if (s->v6) {
		put16(d + 4, (uint16_t)(seg_len - 40));
		return;
	}
	put16(d + 2, (uint16_t)seg_len);
	put16(d + 4, (uint16_t)(get16(s->pkt + 4) + s->index));
	put16(d + 10, 0);
	put16(d + 10, (uint16_t)~io_csum_fold(io_csum_add(0, d, s->l3_len)));
}

static void fix_l4(const struct io_seg *s, uint8_t *d, size_t seg_len,
		   bool last)
{
	uint8_t *l4 = d + s->l3_len;
	size_t l4_len = seg_len - s->l3_len;
	size_t ck;
	if (s->proto == 6) {
		put32(l4 + 4, get32(l4 + 4) + (uint32_t)(s->off - s->hdr_len));
		if (!last)
			l4[13] &= (uint8_t)~(TCP_FIN | TCP_PSH);
		if (s->index != 0)
			l4[13] &= (uint8_t)~TCP_CWR;
		ck = 16;
	} else {
		put16(l4 + 4, (uint16_t)l4_len);
		ck = 6;
	}
	put16(l4 + ck, 0);
	uint32_t sum = io_csum_pseudo(d, s->proto, (uint32_t)l4_len);
	uint16_t c = (uint16_t)~io_csum_fold(io_csum_add(sum, l4, l4_len));
	if (c == 0 && s->proto == 17)
		c = 0xffff;
	put16(l4 + ck, c);
}

size_t io_seg_next(struct io_seg *s, uint8_t *dst, size_t cap)
{
	if (!s->gso)
		return next_plain(s, dst, cap);
	size_t n = io_seg_next_len(s);
	if (n == 0 || cap < n)
		return 0;
	size_t pay = n - s->hdr_len;
	memcpy(dst, s->pkt, s->hdr_len);
	memcpy(dst + s->hdr_len, s->pkt + s->off, pay);
	bool last = s->off + pay >= s->len;
	fix_l3(s, dst, n);
	fix_l4(s, dst, n, last);
	s->off += pay;
	s->index++;
	return n;
}
