/*
 * Internals of src/route shared between its files and its unit tests:
 * the rtnetlink message codec (msg.c), the short-lived request socket
 * (nl.c) and the fib object itself (fib.c, sweep.c, stats.c).
 */
#ifndef VGW_ROUTE_ROUTE_PRIV_H
#define VGW_ROUTE_ROUTE_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/log.h"
#include "base/loop.h"
#include "route/route.h"

struct nlmsghdr;
struct mnl_socket;

/* What every route message of one fib carries besides dst and nexthops. */
struct route_msg_key {
	uint32_t table;
	uint8_t protocol;
	uint32_t metric;
};

/* 0 if (p, nh, n) can be encoded; -EINVAL or -EAFNOSUPPORT otherwise. */
int route_msg_check(const struct ip_prefix *p, const struct route_nexthop *nh,
		    size_t n);
/* Exact encoded size of the message route_msg_build would write. */
size_t route_msg_size(const struct ip_prefix *p,
		      const struct route_nexthop *nh, size_t n, uint32_t nh_id);
/*
 * Encodes RTM_NEWROUTE (n > 0, NLM_F_CREATE|NLM_F_REPLACE) or RTM_DELROUTE
 * (n == 0) at buf. With nh_id != 0 (and n > 0) the route points at that
 * kernel nexthop object (RTA_NH_ID) instead of carrying nh[]. NLM_F_ACK is
 * set only with ack. Returns the length written, or 0 if it does not fit in
 * cap or route_msg_check fails.
 */
size_t route_msg_build(void *buf, size_t cap, const struct route_msg_key *k,
		       const struct ip_prefix *p,
		       const struct route_nexthop *nh, size_t n, uint32_t nh_id,
		       uint32_t seq, bool ack);
/*
 * Decodes one route message (ours or the kernel's) of len bytes into e.
 * Bounded: every length is checked against its container. Returns 0,
 * -EBADMSG (malformed) or -ENOTSUP (not an RTM_*ROUTE, or a route kind we
 * do not represent, e.g. RTA_VIA or nexthop objects).
 */
int route_msg_parse(const void *msg, size_t len, struct route_entry *e);

/* Builds an RTM_GETROUTE dump request for family/table/protocol. */
size_t route_msg_dump_request(void *buf, size_t cap, uint8_t family,
			      uint32_t table, uint8_t protocol, uint32_t seq);

/*
 * One synchronous request on a fresh socket: sends the message at buf
 * (NLM_F_ACK is added) and waits for its ACK. Returns 0 or -errno.
 */
int route_nl_request(void *buf);
/* Opens and binds a NETLINK_ROUTE socket. NULL with errno set. */
struct mnl_socket *route_nl_open(void);
/*
 * Sends the dump request at buf on a fresh socket (NETLINK_GET_STRICT_CHK
 * with strict) and runs cb on every reply until NLMSG_DONE or cb stops.
 * Returns 0 or -errno.
 */
int route_nl_dump(void *buf, bool strict,
		  int (*cb)(const struct nlmsghdr *nlh, void *data), void *data);

/* ---- kernel nexthop objects (nhobj.c) ---- */

struct route_nhmember {
	uint32_t id;
	uint16_t weight;
	uint16_t pad; /* zero: members are compared with memcmp */
};

struct route_nhobj {
	uint32_t id;
	uint8_t family;
	bool group;
	struct route_nexthop hop;  /* single: gateway + ifindex */
	size_t n;                  /* group: number of members */
	struct route_nhmember *m;  /* group: sorted by id */
};

struct route_nhreg {
	struct route_nhobj *v;
	size_t len, cap;
	uint32_t next_id;
	uint8_t protocol;
	bool suspect; /* a route using an object failed: revalidate first */
};

void route_nhobj_init(struct route_nhreg *r, uint8_t protocol);
/* Encodes RTM_NEWNEXTHOP / RTM_DELNEXTHOP for o. 0 if cap is too small. */
size_t route_nhobj_msg(void *buf, size_t cap, uint16_t type, uint16_t flags,
		       uint8_t protocol, const struct route_nhobj *o);
/* Finds or creates (synchronously) the object for nh[0..n). 0 or -errno. */
int route_nhobj_resolve(struct route_nhreg *r, uint8_t family,
			const struct route_nexthop *nh, size_t n, uint32_t *id);
const struct route_nhobj *route_nhobj_find(const struct route_nhreg *r,
					   uint32_t id);
/* Writes the nexthops of object id to out (ROUTE_NEXTHOP_MAX); count. */
size_t route_nhobj_expand(const struct route_nhreg *r, uint32_t id,
			  struct route_nexthop *out);
/* Forgets the objects the kernel no longer has (it deletes them when
 * their device goes down). */
void route_nhobj_revalidate(struct route_nhreg *r);
/* Deletes every single object on ifindex; returns how many, or -errno. */
long route_nhobj_withdraw_ifindex(struct route_nhreg *r, int ifindex);
/* Number of kernel nexthops of r->protocol, or -errno. */
long route_nhobj_count(struct route_nhreg *r);
/* Deletes every kernel nexthop of r->protocol; empties r. Count or -errno. */
long route_nhobj_sweep(struct route_nhreg *r);
void route_nhobj_clear(struct route_nhreg *r);

/* ---- the fib object ---- */

#define ROUTE_INFLIGHT_MAX 4
#define ROUTE_ERRNO_SLOTS 16

/* One sendmsg worth of messages; kept until its last message is ACKed. */
struct route_batch {
	uint8_t *buf;
	size_t len, cap;
	uint32_t first_seq, last_seq;
	uint32_t n_msgs, n_replace, n_delete;
	uint32_t fail_replace, fail_delete;
	size_t last_off; /* offset of the last message (gets NLM_F_ACK) */
	size_t walk;     /* offset of the next message to match an error to */
};

struct route_errno_count {
	int err; /* positive errno; 0: slot free */
	uint64_t count;
};

struct route_fib {
	struct loop *loop;
	struct mnl_socket *nl;
	int fd;
	uint32_t portid;
	struct route_msg_key key;
	uint32_t batch_size;
	uint32_t seq;

	struct route_batch batches[ROUTE_INFLIGHT_MAX + 1];
	size_t fill;                          /* index being filled */
	size_t ring[ROUTE_INFLIGHT_MAX];      /* in-flight, oldest first */
	size_t ring_head, ring_len;
	uint8_t *rx;
	size_t rx_cap;

	struct loop_timer flush_timer;
	route_fail_fn fail_fn;
	void *fail_arg;
	bool in_cb; /* inside fail_fn: no sending or reading */

	bool nh_objects;
	struct route_nhreg nhreg;

	struct route_fib_counters c;
	uint64_t malformed;
	struct route_errno_count errs[ROUTE_ERRNO_SLOTS];
	uint64_t errs_other;
	struct log_limit log_limit;
};

/* Queues one message with an explicit metric (sweep deletes any metric). */
int route_fib_enqueue(struct route_fib *fib, const struct route_msg_key *k,
		      const struct ip_prefix *p, const struct route_nexthop *nh,
		      size_t n);

#endif
