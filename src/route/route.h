/*
 * The kernel FIB and interface addresses, over rtnetlink (libmnl).
 *
 * struct route_fib installs the routes vgwd learns from BGP into one kernel
 * table, tagged with vgw's own rtnetlink protocol id (ROUTE_PROTO_VGW, 201)
 * so they can be told apart from everyone else's and swept after a crash.
 *
 * Scale model: route_fib_replace() does not talk to the kernel. It encodes
 * one RTM_NEWROUTE / RTM_DELROUTE into the current batch buffer and returns.
 * A batch is sent with ONE sendmsg() when it holds cfg.batch_size messages,
 * when route_fib_flush() is called, or at the end of the current event-loop
 * iteration (a 0 ms timer), so every update handled in one epoll round goes
 * out together. Only the last message of a batch asks for an ACK; the kernel
 * reports any failing message by its sequence number, which is mapped back
 * to the prefix by re-reading the batch (kept until the batch's ACK arrives).
 * Replies are read on the event loop. No shadow copy of installed routes is
 * kept: memory per route in vgw is zero once its batch is acknowledged.
 *
 * Errors: API calls return 0 or a negative errno for what is known at call
 * time (bad arguments, out of memory, socket errors). What the kernel rejects
 * later is counted per errno (route_fib_stats_json), logged rate-limited, and
 * passed to the optional failure callback.
 */
#ifndef VGW_ROUTE_ROUTE_H
#define VGW_ROUTE_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/addr.h"

struct loop;
struct json_object;

/*
 * rtnetlink protocol id for vgw routes ("ip route show proto 201"). 201 is in
 * the private range above the ids reserved in /etc/iproute2/rt_protos (which
 * stops at 192 eigrp) and is used by no known daemon; add "201 vgw" to
 * /etc/iproute2/rt_protos.d/vgw.conf to have ip(8) print it by name.
 */
#define ROUTE_PROTO_VGW 201
#define ROUTE_TABLE_MAIN 254
/* Largest ECMP set accepted by route_fib_replace. */
#define ROUTE_NEXTHOP_MAX 64

struct route_fib_config {
	uint32_t table;      /* 0: main (254) */
	uint8_t protocol;    /* 0: ROUTE_PROTO_VGW */
	uint32_t metric;     /* RTA_PRIORITY; 0 is a valid metric */
	uint32_t batch_size; /* messages per sendmsg; 0: 4096 (capped so that
				all error replies of a batch fit the socket) */
	/*
	 * Use kernel nexthop objects (Linux >= 5.3): routes carry RTA_NH_ID,
	 * 15-30% faster single-path and ~45% faster ECMP installs, 5x faster
	 * re-announcements, and
	 * route_fib_withdraw_ifindex() is one request per tunnel. With it,
	 * route_fib_replace() may block once per new nexthop set (a
	 * synchronous RTM_NEWNEXTHOP) and returns its error (-EINVAL for a bad
	 * ifindex, ...).
	 * Objects are tagged with our protocol; use one fib per protocol.
	 */
	bool nexthop_objects;
};

struct route_nexthop {
	struct ip_addr gateway; /* unset (family 0): on-link / point-to-point */
	int ifindex;            /* > 0 */
	uint16_t weight;        /* 1..256; 0 means 1 */
};

enum route_op {
	ROUTE_OP_REPLACE,
	ROUTE_OP_DELETE,
};

/*
 * Called for every message the kernel rejected; err is a positive errno.
 * It runs while replies are being read: it may call route_fib_replace or
 * route_fib_delete (a retry is queued; they return -EBUSY if the batch is
 * full), but flush, sync, dump, sweep, withdraw and free return -EBUSY or
 * must not be called. The batch goes out on the next loop iteration.
 */
typedef void (*route_fail_fn)(void *arg, enum route_op op,
			      const struct ip_prefix *p, int err);

struct route_fib_counters {
	uint64_t installed; /* replaces the kernel accepted (cumulative) */
	uint64_t deleted;   /* deletes accepted, incl. already-absent ones */
	uint64_t failed;    /* messages the kernel rejected */
	uint64_t pending;   /* queued or sent, outcome not yet known */
	uint64_t batches;   /* sendmsg() calls */
	uint64_t lost;      /* messages whose reply was lost (ENOBUFS) */
};

/*
 * Opens the rtnetlink socket and registers it with loop (which must outlive
 * the fib). cfg may be NULL for defaults. loop may be NULL (tools, tests):
 * then batches go out only when full or on route_fib_flush/sync, and
 * replies are read when sending. Returns NULL with errno set.
 */
struct route_fib *route_fib_new(struct loop *loop,
				const struct route_fib_config *cfg);
/*
 * NULL-safe. Sends what is queued and waits for its replies; with flush_routes
 * it then removes every route of our protocol from the table and our nexthop
 * objects (route_fib_sweep_stale). Closes the socket and unregisters it from
 * the loop. Without flush_routes the routes stay installed (vgwd restarting
 * keeps forwarding; the next instance sweeps or replaces them).
 */
void route_fib_free(struct route_fib *fib, bool flush_routes);

void route_fib_set_fail_cb(struct route_fib *fib, route_fail_fn fn, void *arg);

/*
 * Queues "p via nh[0..n)" with NLM_F_CREATE|NLM_F_REPLACE: the route for p
 * (same table and metric) is created or replaced as a whole. n > 1 installs
 * an ECMP route (RTA_MULTIPATH, weights honoured); n == 0 is a delete.
 * p must be canonical; gateways must be unset or of p's family.
 * Returns 0, -EINVAL (bad prefix/nexthop, n > ROUTE_NEXTHOP_MAX),
 * -EAFNOSUPPORT, or a socket error from an automatic flush. The arrays are
 * copied; the caller keeps ownership.
 */
int route_fib_replace(struct route_fib *fib, const struct ip_prefix *p,
		      const struct route_nexthop *nh, size_t n);
/* Queues the removal of our route for p. A route that is already gone counts
 * as deleted, not failed. Same returns as route_fib_replace. */
int route_fib_delete(struct route_fib *fib, const struct ip_prefix *p);
/*
 * A tunnel went down: removes every nexthop on ifindex from all our routes
 * at once. Routes left with other nexthops keep them; routes left with none
 * are deleted. With nexthop objects this is one RTM_DELNEXTHOP per object on
 * ifindex (the kernel updates every route); without, our routes are dumped
 * and the affected ones replaced in batches. Syncs first and at the end.
 * Returns the number of objects deleted / routes rewritten, or -errno.
 */
long route_fib_withdraw_ifindex(struct route_fib *fib, int ifindex);
/* Sends the current batch now (replies arrive on the loop). 0 or -errno. */
int route_fib_flush(struct route_fib *fib);
/* Flushes and blocks until every sent batch is acknowledged. 0 or -errno. */
int route_fib_sync(struct route_fib *fib);

/*
 * Removes every route in our table carrying our protocol id (leftovers of a
 * crashed vgwd) and every kernel nexthop object of our protocol (which also
 * removes any route using one, in any table). Synchronous. Returns the
 * number of routes removed from our table, or -errno.
 */
long route_fib_sweep_stale(struct route_fib *fib);

/* One route read back from the kernel; valid only during the callback. */
struct route_entry {
	struct ip_prefix prefix;
	uint32_t table;
	uint8_t protocol;
	uint32_t metric;
	uint32_t nh_id; /* kernel nexthop object, 0 if none */
	size_t n_nexthops;
	struct route_nexthop nexthops[ROUTE_NEXTHOP_MAX];
};
/* Return non-zero to stop the dump (that value is returned by the dump). */
typedef int (*route_dump_fn)(void *arg, const struct route_entry *e);

/*
 * Syncs (so queued updates are visible), then synchronously dumps our routes
 * (table and protocol of fib, IPv4 then IPv6) on a separate socket. Returns the number of routes seen, the callback's
 * non-zero value, or -errno. Malformed kernel messages are skipped and counted.
 */
long route_fib_dump(struct route_fib *fib, route_dump_fn cb, void *arg);

void route_fib_counters(const struct route_fib *fib,
			struct route_fib_counters *out);
/* New json-c object (caller owns it): counters, config, errors per errno. */
struct json_object *route_fib_stats_json(const struct route_fib *fib);

/*
 * Interface helpers. Each is one synchronous request/ACK on a short-lived
 * socket in the caller's network namespace; they are for setup, not for the
 * fast path. All return 0 (or an ifindex) on success and -errno on failure,
 * with the kernel's errno (e.g. -ENODEV, -EEXIST, -EADDRNOTAVAIL).
 */
/* ifindex > 0, or -ENODEV / -EINVAL. */
int route_link_index(const char *name);
/* Sets IFF_UP; also sets the MTU when mtu > 0. */
int route_link_set_up(int ifindex, uint32_t mtu);
/*
 * Adds (or replaces) local/len on ifindex. With peer_or_null, the address is
 * point-to-point (IFA_ADDRESS = peer). IPv6 addresses skip DAD (IFA_F_NODAD)
 * so tunnel inside addresses are usable at once.
 */
int route_addr_add(int ifindex, const struct ip_prefix *local,
		   const struct ip_addr *peer_or_null);
int route_addr_del(int ifindex, const struct ip_prefix *local,
		   const struct ip_addr *peer_or_null);

#endif
