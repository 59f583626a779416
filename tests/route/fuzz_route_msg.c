/*
 * libFuzzer harness for the route message decoder (route_msg_parse), fed
 * the way a dump arrives: a buffer of consecutive netlink messages. Every
 * message that decodes to a representable route is re-encoded and decoded
 * again; the two decodings must agree (encoder/decoder round trip).
 *
 * Seeds: corpus_msg/ (IPv4 single/ECMP, IPv6 with a nexthop id, delete,
 * default route, two messages, a truncated one).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <linux/netlink.h>

#include "base/cursor.h"
#include "route/route_priv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const struct route_entry *e)
{
	static uint8_t buf[8192] __attribute__((aligned(8)));
	static struct route_entry again;
	struct route_msg_key k = { e->table, e->protocol, e->metric };
	if (e->n_nexthops == 0 ||
	    route_msg_check(&e->prefix, e->nexthops, e->n_nexthops) < 0)
		return;
	size_t len = route_msg_build(buf, sizeof(buf), &k, &e->prefix,
				     e->nexthops, e->n_nexthops, 0, 1, false);
	if (len == 0 || route_msg_parse(buf, len, &again) != 0)
		abort();
	if (!ip_prefix_eq(&again.prefix, &e->prefix) ||
	    again.table != e->table || again.metric != e->metric ||
	    again.n_nexthops != e->n_nexthops)
		abort();
	for (size_t i = 0; i < e->n_nexthops; i++) {
		if (again.nexthops[i].ifindex != e->nexthops[i].ifindex ||
		    !ip_addr_eq(&again.nexthops[i].gateway, &e->nexthops[i].gateway))
			abort();
		/* A single path has no weight on the wire. */
		if (e->n_nexthops > 1 &&
		    again.nexthops[i].weight != e->nexthops[i].weight)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct route_entry e;
	/* Netlink buffers are 4-byte aligned; so is this copy. */
	uint8_t *copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	struct rd r;
	rd_init(&r, copy, size);
	while (rd_left(&r) >= sizeof(struct nlmsghdr)) {
		struct nlmsghdr h;
		const uint8_t *msg = rd_cur(&r);
		size_t left = rd_left(&r);
		memcpy(&h, msg, sizeof(h));
		if (route_msg_parse(msg, left, &e) == 0)
			round_trip(&e);
		/* In size_t: NLMSG_ALIGN on a u32 near 2^32 wraps to 0. */
		size_t step = ((size_t)h.nlmsg_len + 3) & ~(size_t)3;
		if (h.nlmsg_len < sizeof(h) || !rd_skip(&r, step < left ? step : left))
			break;
	}
	free(copy);
	return 0;
}
