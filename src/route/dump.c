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
	if (d->e.n_nexthops == 0 && d->e.nh_id != 0)
		d->e.n_nexthops = route_nhobj_expand(&d->fib->nhreg, d->e.nh_id,
						     d->e.nexthops);
	d->seen++;
	d->stop = d->cb(d->arg, &d->e);
	return d->stop ? MNL_CB_STOP : MNL_CB_OK;
}

static int dump_family(struct dump_ctx *d, uint8_t family)
{
	uint64_t req[64];
	route_msg_dump_request(req, sizeof(req), family, d->fib->key.table,
			       d->fib->key.protocol, 1);
	return route_nl_dump(req, true, dump_msg, d);
}

long route_fib_dump(struct route_fib *fib, route_dump_fn cb, void *arg)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	struct dump_ctx *d = calloc(1, sizeof(*d));
	long ret = 0;
	if (d == NULL) {
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
		int rc = dump_family(d, families[i]);
		if (rc < 0) {
			ret = rc;
			goto out;
		}
	}
	ret = d->stop ? d->stop : d->seen;
out:
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

static int count_route(void *arg, const struct route_entry *e)
{
	(*(long *)arg)++;
	return 0;
}

/*
 * Nexthop objects of our protocol go first: deleting one makes the kernel
 * delete every route using it in the same request (1M routes in well under
 * a second, against seconds for 1M RTM_DELROUTEs). Returns the routes of
 * our table that went with them, or -errno.
 */
static long sweep_objects(struct route_fib *fib)
{
	long before = 0, after = 0;
	long rc = route_nhobj_count(&fib->nhreg);
	if (rc <= 0)
		return rc;
	rc = route_fib_dump(fib, count_route, &before);
	if (rc >= 0)
		rc = route_nhobj_sweep(&fib->nhreg);
	if (rc >= 0)
		rc = route_fib_dump(fib, count_route, &after);
	return rc < 0 ? rc : before - after;
}

long route_fib_sweep_stale(struct route_fib *fib)
{
	long by_objects = sweep_objects(fib);
	if (by_objects < 0)
		return by_objects;
	uint64_t deleted = fib->c.deleted;
	long rc = 0;
	/* Another round only if deletes failed or the table changed meanwhile. */
	for (int round = 0; round < ROUTE_SWEEP_ROUNDS; round++) {
		uint64_t failed = fib->c.failed;
		rc = sweep_round(fib);
		if (rc <= 0 || fib->c.failed == failed)
			break;
	}
	if (rc < 0)
		return rc;
	return by_objects + (long)(fib->c.deleted - deleted);
}
