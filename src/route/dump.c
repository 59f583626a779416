/*
 * Reading our routes back from the kernel (route_fib_dump) and removing the
 * ones a previous vgwd left behind (route_fib_sweep_stale).
 *
 * Dumps run on their own short-lived socket with NETLINK_GET_STRICT_CHK, so
 * the kernel itself filters on table and protocol; the filter is applied
 * again here for kernels that ignore it.
 */
#include "route/route_priv.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#define ROUTE_DUMP_RX (64 << 10) /* kernel dump skbs are <= 32 KiB */
#define ROUTE_DUMP_TIMEOUT_MS 10000
#define ROUTE_SWEEP_ROUNDS 3

struct dump_ctx {
	struct route_fib *fib;
	route_dump_fn cb;
	void *arg;
	long seen;
	int stop;
	struct route_entry e; /* large: kept out of the callback's stack */
};

static int dump_msg(const struct nlmsghdr *nlh, void *data)
{
	struct dump_ctx *d = data;
	int rc = route_msg_parse(nlh, nlh->nlmsg_len, &d->e);
	if (rc == -EBADMSG)
		d->fib->malformed++;
	if (rc < 0)
		return MNL_CB_OK;
	if (d->e.table != d->fib->key.table ||
	    d->e.protocol != d->fib->key.protocol)
		return MNL_CB_OK;
	d->seen++;
	d->stop = d->cb(d->arg, &d->e);
	return d->stop ? MNL_CB_STOP : MNL_CB_OK;
}

static int dump_recv(struct mnl_socket *nl, uint8_t *rx, uint32_t seq,
		     struct dump_ctx *d)
{
	uint32_t portid = mnl_socket_get_portid(nl);
	int rc;
	do {
		struct pollfd pfd = { .fd = mnl_socket_get_fd(nl), .events = POLLIN };
		rc = poll(&pfd, 1, ROUTE_DUMP_TIMEOUT_MS);
		if (rc <= 0)
			return rc == 0 ? -ETIMEDOUT : -errno;
		ssize_t n = mnl_socket_recvfrom(nl, rx, ROUTE_DUMP_RX);
		if (n < 0)
			return -errno;
		rc = mnl_cb_run(rx, (size_t)n, seq, portid, dump_msg, d);
		if (rc < 0)
			return -errno;
	} while (rc > 0);
	return 0;
}

static int dump_family(struct dump_ctx *d, uint8_t family, uint8_t *rx)
{
	struct mnl_socket *nl = route_nl_open();
	if (nl == NULL)
		return -errno;
	int one = 1;
	mnl_socket_setsockopt(nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	uint32_t seq = 1;
	size_t len = route_msg_dump_request(rx, ROUTE_DUMP_RX, family,
					    d->fib->key.table,
					    d->fib->key.protocol, seq);
	int rc = 0;
	if (mnl_socket_sendto(nl, rx, len) < 0)
		rc = -errno;
	else
		rc = dump_recv(nl, rx, seq, d);
	mnl_socket_close(nl);
	return rc;
}

long route_fib_dump(struct route_fib *fib, route_dump_fn cb, void *arg)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	struct dump_ctx *d = calloc(1, sizeof(*d));
	uint8_t *rx = malloc(ROUTE_DUMP_RX);
	long ret = 0;
	if (d == NULL || rx == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	ret = route_fib_sync(fib); /* the dump shows what we have sent */
	if (ret < 0)
		goto out;
	d->fib = fib;
	d->cb = cb;
	d->arg = arg;
	for (size_t i = 0; i < sizeof(families) && d->stop == 0; i++) {
		int rc = dump_family(d, families[i], rx);
		if (rc < 0) {
			ret = rc;
			goto out;
		}
	}
	ret = d->stop ? d->stop : d->seen;
out:
	free(rx);
	free(d);
	return ret;
}

/* ---- sweep ---- */

struct stale_route {
	struct ip_prefix prefix;
	uint32_t metric;
};

struct stale_list {
	struct stale_route *v;
	size_t len, cap;
	bool oom;
};

static int collect_stale(void *arg, const struct route_entry *e)
{
	struct stale_list *l = arg;
	if (l->len == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct stale_route *v = realloc(l->v, cap * sizeof(*v));
		if (v == NULL) {
			l->oom = true;
			return 1; /* stop; delete what we have, next round goes on */
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->len++] = (struct stale_route){ e->prefix, e->metric };
	return 0;
}

/* One dump + delete round. Returns routes found, or -errno. */
static long sweep_round(struct route_fib *fib)
{
	struct stale_list l = { 0 };
	long rc = route_fib_dump(fib, collect_stale, &l);
	if (rc >= 0 || l.oom) {
		for (size_t i = 0; i < l.len; i++) {
			struct route_msg_key k = fib->key;
			k.metric = l.v[i].metric;
			route_fib_enqueue(fib, &k, &l.v[i].prefix, NULL, 0);
		}
		rc = (long)l.len;
	}
	free(l.v);
	int s = route_fib_sync(fib);
	return rc < 0 ? rc : (s < 0 ? s : rc);
}

long route_fib_sweep_stale(struct route_fib *fib)
{
	int rc = route_fib_sync(fib);
	if (rc < 0)
		return rc;
	uint64_t before = fib->c.deleted;
	for (int round = 0; round < ROUTE_SWEEP_ROUNDS; round++) {
		long found = sweep_round(fib);
		if (found < 0)
			return found;
		if (found == 0)
			break;
	}
	return (long)(fib->c.deleted - before);
}
