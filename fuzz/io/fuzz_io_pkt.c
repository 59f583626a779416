/*
 * The dataplane's packet parsers on arbitrary bytes. Byte 0 selects:
 *   0: port-4500 demux (io_udp_classify)
 *   1: MSS clamp of a packet (io_mss_clamp), checked by re-clamping
 *   2: TUN packet: 10-byte virtio-net header + packet, segmented fully
 *      (io_seg_init / io_seg_next) into a bounded buffer
 *   3: decrypted packets into the coalescer: the rest is split into
 *      packets by 2-byte big-endian length prefixes, then every group is
 *      finalised and its iovec lengths checked against the input
 */
#include <stdlib.h>
#include <string.h>

#include "io/pkt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_seg(const uint8_t *p, size_t n)
{
	struct io_vnet v;
	struct io_seg s;
	static uint8_t out[70000];
	if (!io_vnet_parse(p, n, &v))
		return;
	if (!io_seg_init(&s, &v, p + IO_VNET_HDR_LEN, n - IO_VNET_HDR_LEN))
		return;
	size_t total = 0;
	for (int i = 0; i < 70000; i++) {
		size_t want = io_seg_next_len(&s);
		size_t got = io_seg_next(&s, out, sizeof(out));
		if (got != want && want <= sizeof(out))
			abort();
		if (got == 0)
			break;
		total += got;
		if (total > (size_t)1 << 24)
			abort(); /* no runaway segmentation */
	}
}

static void run_gro(const uint8_t *p, size_t n)
{
	static struct io_gro g;
	uint8_t *copy = malloc(n ? n : 1);
	if (copy == NULL)
		return;
	memcpy(copy, p, n);
	io_gro_reset(&g);
	size_t off = 0, in_bytes = 0;
	while (off + 2 <= n) {
		size_t len = (size_t)copy[off] << 8 | copy[off + 1];
		off += 2;
		if (len > n - off)
			len = n - off;
		if (!io_gro_add(&g, copy + off, len))
			break;
		in_bytes += len;
		off += len;
	}
	size_t out_bytes = 0;
	for (int i = 0; i < g.ngroups; i++) {
		struct iovec *iov;
		int k = io_gro_group_iov(&g, i, &iov);
		if (k < 2 || k > IO_GRO_MAX_SEGS + 1)
			abort();
		for (int j = 0; j < k; j++)
			out_bytes += iov[j].iov_len;
	}
	/* Output = input minus duplicated headers plus vnet headers. */
	if (out_bytes > in_bytes + (size_t)g.ngroups * (IO_VNET_HDR_LEN + IO_GRO_HDR_MAX))
		abort();
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 70000)
		return 0;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	switch (data[0] & 3) {
	case 0: {
		size_t off = 0;
		if (io_udp_classify(p, n, &off) == IO_UDP_IKE && off > n)
			abort();
		break;
	}
	case 1: {
		uint8_t *b = malloc(n ? n : 1);
		if (b == NULL)
			break;
		memcpy(b, p, n);
		uint16_t mss = n >= 2 ? (uint16_t)(p[0] << 8 | p[1]) : 536;
		io_mss_clamp(b, n, mss);
		if (io_mss_clamp(b, n, mss))
			abort(); /* idempotent */
		free(b);
		break;
	}
	case 2:
		run_seg(p, n);
		break;
	default:
		run_gro(p, n);
		break;
	}
	return 0;
}
