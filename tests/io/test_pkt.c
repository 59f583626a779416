/*
 * Packet helpers: checksums, MSS clamping (table), segmentation of TSO4 /
 * TSO6 / USO super-packets into wire packets with valid headers and
 * checksums, userspace GRO back into one super-packet, RFC 3948 demux.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "io/pkt.h"

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
	return (uint32_t)get16(p) << 16 | get16(p + 2);
}

static void test_csum(void **state)
{
	(void)state;
	/* RFC 1071 3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2. */
	static const uint8_t v[] = { 0x00, 0x01, 0xf2, 0x03,
				     0xf4, 0xf5, 0xf6, 0xf7 };
	assert_int_equal(io_csum_fold(io_csum_add(0, v, 8)), 0xddf2);
	assert_int_equal(io_csum_fold(io_csum_add(io_csum_add(0, v, 4),
						  v + 4, 4)),
			 0xddf2);
	/* Odd length pads with a zero byte. */
	static const uint8_t o[] = { 0x12, 0x34, 0x56 };
	assert_int_equal(io_csum_fold(io_csum_add(0, o, 3)), 0x6834);
	/* Long buffers (the 32-byte loop) agree with a byte-pair reference. */
	uint8_t big[1001];
	uint32_t ref = 0;
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)(i * 37 + 11);
	for (size_t i = 0; i < sizeof(big); i += 2)
		ref += (uint32_t)big[i] << 8 |
		       (i + 1 < sizeof(big) ? big[i + 1] : 0);
	assert_int_equal(io_csum_fold(io_csum_add(0, big, sizeof(big))),
			 io_csum_fold(ref));
}

/* ---- packet builders ---- */

enum { V4, V6 };

static size_t build_ip(uint8_t *p, int fam, uint8_t proto, size_t l4_len)
{
	if (fam == V4) {
		memset(p, 0, 20);
		p[0] = 0x45;
		put16(p + 2, (uint16_t)(20 + l4_len));
		put16(p + 4, 0x1000);
		p[6] = 0x40; /* DF */
		p[8] = 64;
		p[9] = proto;
		memcpy(p + 12, (uint8_t[]){ 10, 1, 0, 2, 10, 2, 0, 2 }, 8);
		put16(p + 10, (uint16_t)~io_csum_fold(io_csum_add(0, p, 20)));
		return 20;
	}
	memset(p, 0, 40);
	p[0] = 0x60;
	put16(p + 4, (uint16_t)l4_len);
	p[6] = proto;
	p[7] = 64;
	p[8] = 0xfd;
	p[23] = 2;
	p[24] = 0xfd;
	p[39] = 3;
	return 40;
}

static bool l4_csum_ok(const uint8_t *ip, size_t len)
{
	size_t l3 = (ip[0] >> 4) == 4 ? (size_t)(ip[0] & 0xf) * 4 : 40;
	uint8_t proto = (ip[0] >> 4) == 4 ? ip[9] : ip[6];
	uint32_t s = io_csum_pseudo(ip, proto, (uint32_t)(len - l3));
	return io_csum_fold(io_csum_add(s, ip + l3, len - l3)) == 0xffff;
}

/* TCP packet: 20-byte header + 12 bytes of options (NOP NOP TS). */
static size_t build_tcp(uint8_t *p, int fam, uint8_t flags, uint32_t seq,
			const uint8_t *payload, size_t n, bool full_csum)
{
	size_t th = 32;
	size_t l3 = build_ip(p, fam, 6, th + n);
	uint8_t *t = p + l3;
	memset(t, 0, th);
	put16(t, 40000);
	put16(t + 2, 5201);
	put16(t + 4, (uint16_t)(seq >> 16));
	put16(t + 6, (uint16_t)seq);
	put16(t + 8, 0x1234);
	put16(t + 10, 0x5678);
	t[12] = (uint8_t)((th / 4) << 4);
	t[13] = flags;
	put16(t + 14, 512);
	memcpy(t + 20, (uint8_t[]){ 1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2 }, 12);
	memcpy(t + th, payload, n);
	uint32_t ps = io_csum_pseudo(p, 6, (uint32_t)(th + n));
	if (full_csum)
		put16(t + 16, (uint16_t)~io_csum_fold(
				      io_csum_add(ps, t, th + n)));
	else
		put16(t + 16, io_csum_fold(ps)); /* partial, as the kernel */
	return l3 + th + n;
}

/* ---- MSS clamping ---- */

struct mss_case {
	const char *name;
	int fam;
	uint8_t flags;
	uint8_t opts[12];
	size_t optlen;
	uint16_t clamp;
	bool changed;
	uint16_t want; /* MSS after */
};

#define SYN 0x02
#define ACK 0x10
static const struct mss_case mss_cases[] = {
	{ "v4 syn 1460", V4, SYN, { 2, 4, 0x05, 0xb4 }, 4, 1350, true, 1350 },
	{ "v4 synack 1460", V4, SYN | ACK, { 2, 4, 0x05, 0xb4 }, 4, 1350, true,
	  1350 },
	{ "v4 syn 1200 below", V4, SYN, { 2, 4, 0x04, 0xb0 }, 4, 1350, false,
	  1200 },
	{ "v4 ack not syn", V4, ACK, { 2, 4, 0x05, 0xb4 }, 4, 1350, false, 1460 },
	{ "v4 nop nop sack-perm mss", V4, SYN,
	  { 1, 1, 4, 2, 2, 4, 0x05, 0xb4 }, 8, 1300, true, 1300 },
	{ "v4 eol before mss", V4, SYN, { 0, 0, 0, 0, 2, 4, 0x05, 0xb4 }, 8,
	  1300, false, 1460 },
	{ "v4 bad option len 0", V4, SYN, { 8, 0, 2, 4, 0x05, 0xb4, 0, 0 }, 8,
	  1300, false, 1460 },
	{ "v4 option overruns", V4, SYN, { 1, 1, 1, 8, 99, 2, 4, 5 }, 8, 1300,
	  false, 0 },
	{ "v6 syn 1440", V6, SYN, { 2, 4, 0x05, 0xa0 }, 4, 1330, true, 1330 },
};

static uint16_t find_mss(const uint8_t *tcp, size_t optlen)
{
	for (size_t i = 0; i + 4 <= optlen; i++)
		if (tcp[20 + i] == 2 && tcp[21 + i] == 4)
			return get16(tcp + 22 + i);
	return 0;
}

static void test_mss_clamp(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(mss_cases) / sizeof(mss_cases[0]); i++) {
		const struct mss_case *c = &mss_cases[i];
		uint8_t p[128];
		size_t th = 20 + c->optlen;
		size_t l3 = build_ip(p, c->fam, 6, th);
		uint8_t *t = p + l3;
		memset(t, 0, th);
		put16(t, 1234);
		put16(t + 2, 179);
		t[12] = (uint8_t)((th / 4) << 4);
		t[13] = c->flags;
		memcpy(t + 20, c->opts, c->optlen);
		uint32_t ps = io_csum_pseudo(p, 6, (uint32_t)th);
		put16(t + 16, (uint16_t)~io_csum_fold(io_csum_add(ps, t, th)));
		bool ch = io_mss_clamp(p, l3 + th, c->clamp);
		if (ch != c->changed)
			fail_msg("%s: changed %d", c->name, ch);
		if (c->want && c->changed)
			assert_int_equal(find_mss(t, c->optlen), c->want);
		assert_true(l4_csum_ok(p, l3 + th));
		/* Every truncation is harmless. */
		for (size_t n = 0; n < l3 + th; n++)
			(void)io_mss_clamp(p, n, 100);
	}
}

/* ---- segmentation and GRO ---- */

static uint8_t payload[70000];

static void fill_payload(void)
{
	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)(i * 7 + i / 251);
}

struct seg_case {
	const char *name;
	int fam;
	uint8_t gso_type;
	size_t total; /* payload bytes */
	uint16_t mss;
};

static const struct seg_case seg_cases[] = {
	{ "tso4 exact", V4, IO_VNET_GSO_TCPV4, 1360 * 10, 1360 },
	{ "tso4 tail", V4, IO_VNET_GSO_TCPV4, 1360 * 47 + 77, 1360 },
	{ "tso6 tail", V6, IO_VNET_GSO_TCPV6, 1340 * 12 + 1, 1340 },
	{ "tso4 single", V4, IO_VNET_GSO_TCPV4, 500, 1360 },
};

static void check_tcp_segment(const struct seg_case *c, const uint8_t *s,
			      size_t n, uint32_t idx, size_t nseg,
			      size_t *off)
{
	size_t l3 = c->fam == V4 ? 20 : 40;
	size_t pay = n - l3 - 32;
	bool last = idx + 1 == nseg;
	assert_true(pay == c->mss || (last && pay <= c->mss));
	if (c->fam == V4) {
		assert_int_equal(get16(s + 2), n);
		assert_int_equal(get16(s + 4), 0x1000 + idx);
		assert_int_equal(io_csum_fold(io_csum_add(0, s, 20)), 0xffff);
	} else {
		assert_int_equal(get16(s + 4), n - 40);
	}
	assert_true(l4_csum_ok(s, n));
	assert_int_equal(get32(s + l3 + 4), 1000 + *off);
	uint8_t fl = s[l3 + 13];
	assert_int_equal(!!(fl & 0x01), last); /* FIN */
	assert_int_equal(!!(fl & 0x08), last); /* PSH */
	assert_int_equal(!!(fl & 0x80), idx == 0); /* CWR */
	assert_memory_equal(s + l3 + 32, payload + *off, pay);
	*off += pay;
}

static uint8_t super[70200];
static uint8_t segs[64][2000];
static size_t seg_len[64];

static size_t segment(const struct seg_case *c, size_t *nseg)
{
	size_t len = build_tcp(super, c->fam, 0x80 | 0x19, 1000, payload,
			       c->total, false);
	size_t l3 = c->fam == V4 ? 20 : 40;
	struct io_vnet v = { IO_VNET_F_NEEDS_CSUM, c->gso_type,
			     (uint16_t)(l3 + 32), c->mss, (uint16_t)l3, 16 };
	struct io_seg s;
	assert_true(io_seg_init(&s, &v, super, len));
	size_t k = 0;
	while (io_seg_next_len(&s) != 0) {
		assert_true(k < 64);
		seg_len[k] = io_seg_next(&s, segs[k], sizeof(segs[k]));
		assert_true(seg_len[k] > 0);
		k++;
	}
	*nseg = k;
	return len;
}

static void test_segment_tcp(void **state)
{
	(void)state;
	fill_payload();
	for (size_t i = 0; i < sizeof(seg_cases) / sizeof(seg_cases[0]); i++) {
		const struct seg_case *c = &seg_cases[i];
		size_t nseg, off = 0;
		segment(c, &nseg);
		assert_int_equal(nseg, (c->total + c->mss - 1) / c->mss);
		for (size_t k = 0; k < nseg; k++)
			check_tcp_segment(c, segs[k], seg_len[k], (uint32_t)k,
					  nseg, &off);
		assert_int_equal(off, c->total);
	}
}

static void test_segment_udp_and_plain(void **state)
{
	(void)state;
	fill_payload();
	/* USO: 5000 bytes in 1200-byte datagrams. */
	size_t l3 = build_ip(super, V4, 17, 8 + 5000);
	put16(super + l3, 5000);
	put16(super + l3 + 2, 6000);
	put16(super + l3 + 4, 8 + 5000);
	memcpy(super + l3 + 8, payload, 5000);
	struct io_vnet v = { IO_VNET_F_NEEDS_CSUM, IO_VNET_GSO_UDP_L4, 28,
			     1200, 20, 6 };
	struct io_seg s;
	assert_true(io_seg_init(&s, &v, super, l3 + 8 + 5000));
	size_t k = 0, off = 0;
	uint8_t out[2000];
	size_t n;
	while ((n = io_seg_next(&s, out, sizeof(out))) != 0) {
		size_t pay = n - 28;
		assert_int_equal(get16(out + 2), n);
		assert_int_equal(get16(out + 24), pay + 8);
		assert_true(l4_csum_ok(out, n));
		assert_memory_equal(out + 28, payload + off, pay);
		off += pay;
		k++;
	}
	assert_int_equal(k, 5);
	assert_int_equal(off, 5000);
	/* Plain packet with a partial checksum: completed. */
	size_t len = build_tcp(super, V4, 0x18, 5, payload, 300, false);
	struct io_vnet pv = { IO_VNET_F_NEEDS_CSUM, 0, 0, 0, 20, 16 };
	assert_true(io_seg_init(&s, &pv, super, len));
	assert_int_equal(io_seg_next(&s, out, sizeof(out)), len);
	assert_true(l4_csum_ok(out, len));
	assert_int_equal(io_seg_next(&s, out, sizeof(out)), 0);
	/* Malformed descriptions are refused. */
	struct io_vnet bad = { 0, IO_VNET_GSO_TCPV6, 0, 1360, 0, 0 };
	assert_false(io_seg_init(&s, &bad, super, len)); /* v4 pkt, v6 type */
	bad.gso_type = IO_VNET_GSO_TCPV4;
	assert_false(io_seg_init(&s, &bad, super, len - 1)); /* length */
	bad.gso_size = 0;
	assert_false(io_seg_init(&s, &bad, super, len));
	struct io_vnet badc = { IO_VNET_F_NEEDS_CSUM, 0, 0, 0, 20, 2000 };
	assert_false(io_seg_init(&s, &badc, super, len));
	/* Too small an output buffer: nothing written. */
	assert_true(io_seg_init(&s, &pv, super, len));
	assert_int_equal(io_seg_next(&s, out, 10), 0);
}

static size_t gro_collect(struct io_gro *g, int i, uint8_t *dst,
			  struct io_vnet *v)
{
	struct iovec *iov;
	int n = io_gro_group_iov(g, i, &iov);
	size_t len = 0;
	for (int k = 0; k < n; k++) {
		memcpy(dst + len, iov[k].iov_base, iov[k].iov_len);
		len += iov[k].iov_len;
	}
	assert_true(io_vnet_parse(dst, len, v));
	return len;
}

static struct io_gro gro;

static void test_gro_roundtrip(void **state)
{
	(void)state;
	fill_payload();
	for (size_t i = 0; i < sizeof(seg_cases) / sizeof(seg_cases[0]); i++) {
		const struct seg_case *c = &seg_cases[i];
		size_t nseg;
		size_t orig = segment(c, &nseg);
		io_gro_reset(&gro);
		for (size_t k = 0; k < nseg; k++)
			assert_true(io_gro_add(&gro, segs[k], seg_len[k]));
		/* CWR on the first segment and FIN on the last stop them
		 * from joining: expect [first] [middle...] [last]. */
		static uint8_t out[70000];
		size_t total = 0, l3 = c->fam == V4 ? 20 : 40;
		for (int g = 0; g < gro.ngroups; g++) {
			struct io_vnet v;
			size_t len = gro_collect(&gro, g, out, &v);
			const uint8_t *ip = out + IO_VNET_HDR_LEN;
			size_t plen = len - IO_VNET_HDR_LEN;
			if (v.gso_type != 0) {
				assert_int_equal(v.gso_size, c->mss);
				assert_int_equal(v.hdr_len, l3 + 32);
				assert_int_equal(v.csum_start, l3);
				/* Re-segmenting gives valid wire packets. */
				struct io_seg s;
				assert_true(io_seg_init(&s, &v, ip, plen));
			}
			assert_memory_equal(ip + l3 + 32, payload + total,
					    plen - l3 - 32);
			total += plen - l3 - 32;
		}
		assert_int_equal(total, c->total);
		assert_int_equal(gro.ngroups, nseg < 3 ? (int)nseg : 3);
		(void)orig;
	}
}

static void test_gro_rules(void **state)
{
	(void)state;
	fill_payload();
	static uint8_t p[8][2000];
	size_t n[8];
	/* flow A seq 0,1000 ; flow B (other port) interleaved ; A gap */
	n[0] = build_tcp(p[0], V4, ACK, 0, payload, 1000, true);
	n[1] = build_tcp(p[1], V4, ACK, 0, payload, 1000, true);
	put16(p[1] + 20, 40001); /* flow B */
	n[2] = build_tcp(p[2], V4, ACK, 1000, payload, 1000, true);
	n[3] = build_tcp(p[3], V4, ACK, 5000, payload, 1000, true); /* gap */
	n[4] = build_tcp(p[4], V4, ACK, 6000, payload, 0, true);    /* pure ACK */
	n[5] = build_tcp(p[5], V4, ACK | 0x08, 6000, payload, 1000, true);
	n[6] = build_tcp(p[6], V4, ACK, 7000, payload, 1000, true); /* after PSH */
	n[7] = build_tcp(p[7], V4, ACK | SYN, 0, payload, 0, true);
	io_gro_reset(&gro);
	for (int i = 0; i < 8; i++)
		assert_true(io_gro_add(&gro, p[i], n[i]));
	/* groups: A[0,2] B[1] A[3] ACK[4] A[5] (PSH closes) A[6] SYN[7] */
	assert_int_equal(gro.ngroups, 7);
	static const int segs_per_group[] = { 2, 1, 1, 1, 1, 1, 1 };
	for (int g = 0; g < gro.ngroups; g++) {
		struct iovec *iov;
		int k = io_gro_group_iov(&gro, g, &iov);
		assert_int_equal(k - 1, segs_per_group[g]);
	}
	/* Capacity: more than IO_GRO_MAX_GROUPS singles -> add fails. */
	io_gro_reset(&gro);
	int ok = 0;
	for (int i = 0; i < IO_GRO_MAX_GROUPS + 5; i++)
		ok += io_gro_add(&gro, p[4], n[4]);
	assert_int_equal(ok, IO_GRO_MAX_GROUPS);
	/* Garbage is passed through as single packets. */
	io_gro_reset(&gro);
	uint8_t junk[3] = { 0x45, 0, 0 };
	assert_true(io_gro_add(&gro, junk, 3));
	assert_int_equal(gro.ngroups, 1);
}

struct demux_case {
	uint8_t bytes[40];
	size_t len;
	enum io_udp_kind want;
	size_t off;
};

static const struct demux_case demux_cases[] = {
	{ { 0xff }, 1, IO_UDP_KEEPALIVE, 0 },
	{ { 0xfe }, 1, IO_UDP_INVALID, 0 },
	{ { 0, 0, 0, 0 }, 4, IO_UDP_INVALID, 0 },
	{ { 0, 0, 0, 0, 1 }, 32, IO_UDP_IKE, 4 },
	{ { 0, 0, 0, 0, 1 }, 31, IO_UDP_INVALID, 0 },
	{ { 0, 0, 0x10, 0, 0, 0, 0, 1 }, 8, IO_UDP_ESP, 0 },
	{ { 0, 0, 0x10, 0, 0, 0, 0 }, 7, IO_UDP_INVALID, 0 },
	{ { 0 }, 0, IO_UDP_INVALID, 0 },
};

static void test_demux(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(demux_cases) / sizeof(demux_cases[0]);
	     i++) {
		const struct demux_case *c = &demux_cases[i];
		size_t off = 0;
		assert_int_equal(io_udp_classify(c->bytes, c->len, &off), c->want);
		assert_int_equal(off, c->off);
	}
	uint8_t vb[IO_VNET_HDR_LEN];
	struct io_vnet v = { 1, 4, 72, 1340, 40, 16 }, w;
	io_vnet_write(&v, vb);
	assert_true(io_vnet_parse(vb, sizeof(vb), &w));
	assert_memory_equal(&v, &w, sizeof(v));
	assert_false(io_vnet_parse(vb, 9, &w));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csum),
		cmocka_unit_test(test_mss_clamp),
		cmocka_unit_test(test_segment_tcp),
		cmocka_unit_test(test_segment_udp_and_plain),
		cmocka_unit_test(test_gro_roundtrip),
		cmocka_unit_test(test_gro_rules),
		cmocka_unit_test(test_demux),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
