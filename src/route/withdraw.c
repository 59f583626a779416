/*
 * Withdrawing a tunnel from every route at once (route_fib_withdraw_ifindex).
 *
 * With nexthop objects the kernel does the work: deleting the tunnel's
 * nexthop object removes it from every group and deletes the routes left
 * without a path (nhobj.c). Without them, vgw keeps no per-route state, so
 * the kernel is asked: our routes are dumped, and each one using ifindex is
 * re-queued, from the dump callback, with its remaining nexthops (or as a
 * delete). The dump runs on its own socket while the batches go out on the
 * fib's; replacing existing keys does not disturb the kernel's dump cursor.
 */
#include "route/route_priv.h"

#include <errno.h>

struct withdraw_ctx {
	struct route_fib *fib;
	int ifindex;
	long rewritten;
	int err;
};

static int withdraw_route(void *arg, const struct route_entry *e)
{
	struct withdraw_ctx *w = arg;
	struct route_nexthop keep[ROUTE_NEXTHOP_MAX];
	size_t k = 0;
	bool hit = false;
	if (e->nh_id != 0)
		return 0; /* follows its nexthop object */
	for (size_t i = 0; i < e->n_nexthops; i++) {
		if (e->nexthops[i].ifindex == w->ifindex)
			hit = true;
		else
			keep[k++] = e->nexthops[i];
	}
	if (!hit)
		return 0;
	struct route_msg_key key = w->fib->key;
	key.metric = e->metric;
	int rc = route_fib_enqueue(w->fib, &key, &e->prefix, keep, k);
	if (rc < 0) {
		w->err = rc;
		return 1; /* stop the dump */
	}
	w->rewritten++;
	return 0;
}

long route_fib_withdraw_ifindex(struct route_fib *fib, int ifindex)
{
	if (ifindex <= 0)
		return -EINVAL;
	int rc = route_fib_sync(fib);
	if (rc < 0)
		return rc;
	if (fib->nh_objects)
		return route_nhobj_withdraw_ifindex(&fib->nhreg, ifindex);
	struct withdraw_ctx w = { .fib = fib, .ifindex = ifindex };
	long d = route_fib_dump(fib, withdraw_route, &w);
	rc = route_fib_sync(fib);
	if (w.err < 0)
		return w.err;
	if (d < 0)
		return d;
	return rc < 0 ? rc : w.rewritten;
}
