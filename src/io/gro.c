/*
 * Userspace GRO: decrypted TCP segments of one flow that continue each
 * other are written to the TUN as one super-packet (virtio-net GSO header,
 * partial checksum), so the kernel forwards one skb instead of ~45 and the
 * receiving host's stack sees the same thing a NIC with LRO would give it.
 *
 * A segment joins the open group of its flow when the addresses, ports,
 * IP header (except length/ID/checksum), TCP options, ACK number and window
 * match, the sequence number continues the group, its flags are plain ACK
 * (PSH allowed, and it then closes the group), and its payload is not larger
 * than the group's first (a shorter one closes the group). Anything else is
 * written on its own, in arrival order, after closing the flow's group.
 */
#include <string.h>

#include "base/cursor.h"
#include "io/pkt.h"

#define TCP_ACK 0x10
#define TCP_PSH 0x08
#define GRO_MAX_BYTES 65000

struct tcp_view {
	bool ok;
	bool v6;
	size_t l3;      /* IP header length */
	size_t hdr;     /* IP + TCP header length */
	size_t payload; /* TCP payload bytes */
	uint8_t flags;
	uint32_t seq;
};

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* A TCP packet we could coalesce: no IP options/fragments/ext headers. */
static struct tcp_view tcp_view(const uint8_t *p, size_t len)
{
	struct tcp_view t = { 0 };
	struct rd r;
	uint8_t vihl, proto;
	uint16_t tot, frag;
	rd_init(&r, p, len);
	if (!rd_peek_u8(&r, &vihl))
		return t;
	if (vihl == 0x45) {
		if (!rd_skip(&r, 2) || !rd_u16be(&r, &tot) || !rd_skip(&r, 2) ||
		    !rd_u16be(&r, &frag) || !rd_skip(&r, 1) || !rd_u8(&r, &proto))
			return t;
		if (proto != 6 || tot != len || (frag & 0x3fff) != 0)
			return t;
		t.l3 = 20;
	} else if (vihl >> 4 == 6) {
		if (!rd_skip(&r, 4) || !rd_u16be(&r, &tot) || !rd_u8(&r, &proto))
			return t;
		if (proto != 6 || (size_t)tot + 40 != len)
			return t;
		t.l3 = 40;
		t.v6 = true;
	} else {
		return t;
	}
	if (t.l3 + 20 > len)
		return t;
	size_t doff = (size_t)(p[t.l3 + 12] >> 4) * 4;
	if (doff < 20 || t.l3 + doff > len)
		return t;
	t.hdr = t.l3 + doff;
	t.payload = len - t.hdr;
	t.flags = p[t.l3 + 13];
	t.seq = get32(p + t.l3 + 4);
	t.ok = true;
	return t;
}

void io_gro_reset(struct io_gro *g)
{
	g->ngroups = 0;
	g->nopen = 0;
}

static bool mergeable_flags(uint8_t f)
{
	return (f & ~TCP_PSH) == TCP_ACK;
}

/*
 * Same flow and same everything but length/ID/checksum/seq/flags:
 * IPv4 bytes 0-1 (version, TOS), 6-9 (frag, TTL, proto), 12-19 (addrs);
 * IPv6 0-3 (version, class, label), 6-39; TCP ports, ack, doff, window,
 * options.
 */
static bool same_flow(const uint8_t *a, const uint8_t *b,
		      const struct tcp_view *t)
{
	if (t->v6) {
		if (memcmp(a, b, 4) != 0 || memcmp(a + 6, b + 6, 34) != 0)
			return false;
	} else if (memcmp(a, b, 2) != 0 || memcmp(a + 6, b + 6, 4) != 0 ||
		   memcmp(a + 12, b + 12, 8) != 0) {
		return false;
	}
	const uint8_t *ta = a + t->l3, *tb = b + t->l3;
	return memcmp(ta, tb, 4) == 0 && memcmp(ta + 8, tb + 8, 5) == 0 &&
	       memcmp(ta + 14, tb + 14, 2) == 0 &&
	       memcmp(ta + 20, tb + 20, t->hdr - t->l3 - 20) == 0;
}

static bool flow_key_eq(const uint8_t *a, const uint8_t *b,
			const struct tcp_view *t)
{
	/* Addresses and ports only: decides which group to close. */
	if (t->v6)
		return memcmp(a + 8, b + 8, 32) == 0 &&
		       memcmp(a + 40, b + 40, 4) == 0;
	return memcmp(a + 12, b + 12, 8) == 0 && memcmp(a + 20, b + 20, 4) == 0;
}

static void close_open(struct io_gro *g, int k)
{
	g->groups[g->open_idx[k]].open = false;
	g->open_idx[k] = g->open_idx[--g->nopen];
}

static bool try_merge(struct io_gro_group *gr, uint8_t *pkt, size_t len,
		      const struct tcp_view *t)
{
	const uint8_t *h = gr->hdr + IO_VNET_HDR_LEN;
	if (t->hdr != gr->hdr_len || t->payload == 0 ||
	    !mergeable_flags(t->flags) || t->seq != gr->next_seq ||
	    t->payload > gr->seg_size || gr->niov > IO_GRO_MAX_SEGS ||
	    gr->hdr_len + gr->payload + t->payload > GRO_MAX_BYTES ||
	    !same_flow(h, pkt, t))
		return false;
	gr->iov[gr->niov].iov_base = pkt + t->hdr;
	gr->iov[gr->niov].iov_len = t->payload;
	gr->niov++;
	gr->payload += t->payload;
	gr->next_seq += (uint32_t)t->payload;
	if (t->flags & TCP_PSH) {
		gr->hdr[IO_VNET_HDR_LEN + t->l3 + 13] |= TCP_PSH;
		gr->open = false;
	}
	if (t->payload < gr->seg_size)
		gr->open = false;
	(void)len;
	return true;
}

static void start_group(struct io_gro *g, uint8_t *pkt, size_t len,
			const struct tcp_view *t)
{
	struct io_gro_group *gr = &g->groups[g->ngroups++];
	gr->open = false;
	gr->payload = 0;
	gr->hdr_len = 0;
	bool can = t->ok && t->payload > 0 && mergeable_flags(t->flags) &&
		   !(t->flags & TCP_PSH) && t->hdr <= IO_GRO_HDR_MAX &&
		   g->nopen < IO_GRO_OPEN;
	memset(gr->hdr, 0, IO_VNET_HDR_LEN);
	if (!can) {
		gr->iov[0].iov_base = gr->hdr;
		gr->iov[0].iov_len = IO_VNET_HDR_LEN;
		gr->iov[1].iov_base = pkt;
		gr->iov[1].iov_len = len;
		gr->niov = 2;
		return;
	}
	memcpy(gr->hdr + IO_VNET_HDR_LEN, pkt, t->hdr);
	gr->hdr_len = t->hdr;
	gr->seg_size = (uint16_t)t->payload;
	gr->payload = t->payload;
	gr->next_seq = t->seq + (uint32_t)t->payload;
	gr->iov[0].iov_base = gr->hdr;
	gr->iov[0].iov_len = IO_VNET_HDR_LEN + t->hdr;
	gr->iov[1].iov_base = pkt + t->hdr;
	gr->iov[1].iov_len = t->payload;
	gr->niov = 2;
	gr->open = true;
	g->open_idx[g->nopen++] = g->ngroups - 1;
}

bool io_gro_add(struct io_gro *g, uint8_t *pkt, size_t len)
{
	struct tcp_view t = tcp_view(pkt, len);
	if (t.ok) {
		for (int k = 0; k < g->nopen; k++) {
			struct io_gro_group *gr = &g->groups[g->open_idx[k]];
			const uint8_t *h = gr->hdr + IO_VNET_HDR_LEN;
			if (gr->hdr_len < t.l3 + 20 || (h[0] >> 4) != (pkt[0] >> 4) ||
			    !flow_key_eq(h, pkt, &t))
				continue;
			if (try_merge(gr, pkt, len, &t)) {
				if (!gr->open)
					close_open(g, k);
				return true;
			}
			close_open(g, k);
			break;
		}
	}
	if (g->ngroups == IO_GRO_MAX_GROUPS)
		return false;
	start_group(g, pkt, len, &t);
	return true;
}

/* Header of a finished super-packet: lengths, IPv4 checksum, vnet GSO. */
static void finish_super(struct io_gro_group *gr)
{
	uint8_t *ip = gr->hdr + IO_VNET_HDR_LEN;
	bool v6 = ip[0] >> 4 == 6;
	size_t l3 = v6 ? 40 : 20, total = gr->hdr_len + gr->payload;
	if (v6) {
		put16(ip + 4, (uint16_t)(total - 40));
	} else {
		put16(ip + 2, (uint16_t)total);
		put16(ip + 10, 0);
		put16(ip + 10, (uint16_t)~io_csum_fold(io_csum_add(0, ip, 20)));
	}
	/* Partial checksum: the pseudo-header sum, not complemented. */
	uint32_t l4_len = (uint32_t)(total - l3);
	put16(ip + l3 + 16, io_csum_fold(io_csum_pseudo(ip, 6, l4_len)));
	struct io_vnet v = {
		.flags = IO_VNET_F_NEEDS_CSUM,
		.gso_type = v6 ? IO_VNET_GSO_TCPV6 : IO_VNET_GSO_TCPV4,
		.hdr_len = (uint16_t)gr->hdr_len,
		.gso_size = gr->seg_size,
		.csum_start = (uint16_t)l3,
		.csum_offset = 16,
	};
	io_vnet_write(&v, gr->hdr);
}

int io_gro_group_iov(struct io_gro *g, int i, struct iovec **iov)
{
	struct io_gro_group *gr = &g->groups[i];
	if (gr->hdr_len != 0 && gr->niov > 2)
		finish_super(gr);
	/* A one-segment group was copied unchanged: write it as it came. */
	*iov = gr->iov;
	return gr->niov;
}
