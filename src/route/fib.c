/*
 * The batched route installer.
 *
 * Messages are encoded straight into the batch being filled (no per-route
 * allocation). A batch goes out with one sendmsg(); only its last message
 * carries NLM_F_ACK. rtnetlink answers every failing message with an error
 * reply carrying that message's sequence number, whether or not it asked for
 * an ACK, and processes messages in order, so:
 *   - an error reply with seq s inside an in-flight batch is mapped back to
 *     its prefix by walking the batch (errors arrive in ascending seq order,
 *     so the walk is linear over the whole batch);
 *   - the reply for a batch's last seq (ACK or error) completes that batch
 *     and every older one.
 * Up to ROUTE_INFLIGHT_MAX batches wait for their replies, which are read on
 * the event loop; when all slots are busy the sender blocks on the oldest.
 * If the kernel drops replies (ENOBUFS: receive buffer overrun), the outcome
 * of every in-flight message is unknown: they are counted as "lost".
 */
#include "route/route_priv.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include "base/cursor.h"

#define ROUTE_BATCH_DEFAULT 4096
/* Bytes reserved per queued message; a batch also flushes when full. */
#define ROUTE_BYTES_PER_MSG 96
#define ROUTE_RCVBUF (16 << 20)
#define ROUTE_RX_CAP (64 << 10)
#define ROUTE_WAIT_MS 10000
/*
 * Upper bound of the receive-buffer space one error reply takes (skb
 * truesize). A batch whose every message fails must fit in the receive
 * buffer, so batch_size is capped at rcvbuf / this.
 */
#define ROUTE_ERR_TRUESIZE 2048
#define ROUTE_BATCH_MIN 16

static void fib_on_readable(void *arg, int fd, uint32_t events);
static void fib_on_flush_timer(void *arg);

/* ---- socket setup ---- */

static void set_buf(struct route_fib *fib, int force_opt, int opt, int bytes)
{
	/* FORCE bypasses rmem_max/wmem_max when we have CAP_NET_ADMIN. */
	if (setsockopt(fib->fd, SOL_SOCKET, force_opt, &bytes, sizeof(bytes)) < 0)
		setsockopt(fib->fd, SOL_SOCKET, opt, &bytes, sizeof(bytes));
}

static int fib_open_socket(struct route_fib *fib)
{
	fib->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fib->nl == NULL)
		return -errno;
	fib->fd = mnl_socket_get_fd(fib->nl);
	int one = 1;
	mnl_socket_setsockopt(fib->nl, NETLINK_CAP_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(fib->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(fib->nl, 0, MNL_SOCKET_AUTOPID) < 0)
		return -errno;
	fib->portid = mnl_socket_get_portid(fib->nl);
	set_buf(fib, SO_RCVBUFFORCE, SO_RCVBUF, ROUTE_RCVBUF);
	int rcvbuf = 0;
	socklen_t sl = sizeof(rcvbuf);
	if (getsockopt(fib->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &sl) < 0)
		return -errno;
	uint32_t max = (uint32_t)rcvbuf / ROUTE_ERR_TRUESIZE;
	if (max < ROUTE_BATCH_MIN)
		max = ROUTE_BATCH_MIN;
	if (fib->batch_size > max)
		fib->batch_size = max;
	return 0;
}

static int fib_alloc_batches(struct route_fib *fib, size_t cap)
{
	for (size_t i = 0; i <= ROUTE_INFLIGHT_MAX; i++) {
		fib->batches[i].buf = malloc(cap);
		if (fib->batches[i].buf == NULL)
			return -ENOMEM;
		fib->batches[i].cap = cap;
	}
	fib->rx = malloc(ROUTE_RX_CAP);
	fib->rx_cap = ROUTE_RX_CAP;
	return fib->rx ? 0 : -ENOMEM;
}

static void fib_release(struct route_fib *fib)
{
	if (fib->loop != NULL) {
		loop_timer_cancel(fib->loop, &fib->flush_timer);
		if (fib->nl != NULL)
			loop_io_del(fib->loop, fib->fd);
	}
	if (fib->nl != NULL)
		mnl_socket_close(fib->nl);
	for (size_t i = 0; i <= ROUTE_INFLIGHT_MAX; i++)
		free(fib->batches[i].buf);
	route_nhobj_clear(&fib->nhreg);
	free(fib->rx);
	free(fib);
}

struct route_fib *route_fib_new(struct loop *loop,
				const struct route_fib_config *cfg)
{
	struct route_fib *fib = calloc(1, sizeof(*fib));
	if (fib == NULL)
		return NULL;
	struct route_fib_config d = { 0 };
	if (cfg != NULL)
		d = *cfg;
	fib->loop = loop;
	fib->fd = -1;
	fib->key.table = d.table ? d.table : ROUTE_TABLE_MAIN;
	fib->key.protocol = d.protocol ? d.protocol : ROUTE_PROTO_VGW;
	fib->key.metric = d.metric;
	fib->batch_size = d.batch_size ? d.batch_size : ROUTE_BATCH_DEFAULT;
	fib->nh_objects = d.nexthop_objects;
	route_nhobj_init(&fib->nhreg, fib->key.protocol);
	log_limit_init(&fib->log_limit, 10, 10);
	loop_timer_init(&fib->flush_timer, fib_on_flush_timer, fib);

	int rc = fib_open_socket(fib); /* may lower batch_size */
	size_t cap = (size_t)fib->batch_size * ROUTE_BYTES_PER_MSG + 8192;
	if (rc == 0)
		rc = fib_alloc_batches(fib, cap);
	/* netlink_sendmsg refuses messages larger than sndbuf - 32. */
	if (rc == 0)
		set_buf(fib, SO_SNDBUFFORCE, SO_SNDBUF, (int)(cap + 65536));
	if (rc == 0 && loop != NULL)
		rc = loop_io_add(loop, fib->fd, EPOLLIN, fib_on_readable, fib);
	if (rc < 0) {
		fib_release(fib);
		errno = -rc;
		return NULL;
	}
	return fib;
}

void route_fib_set_fail_cb(struct route_fib *fib, route_fail_fn fn, void *arg)
{
	fib->fail_fn = fn;
	fib->fail_arg = arg;
}

/* ---- failures ---- */

static void count_errno(struct route_fib *fib, int err)
{
	for (size_t i = 0; i < ROUTE_ERRNO_SLOTS; i++) {
		if (fib->errs[i].err == err || fib->errs[i].err == 0) {
			fib->errs[i].err = err;
			fib->errs[i].count++;
			return;
		}
	}
	fib->errs_other++;
}

static int64_t fib_now_s(const struct route_fib *fib)
{
	const struct clock *clk = fib->loop ? loop_clock(fib->loop) : &clock_system;
	return clock_now(clk).ns / VTIME_NS_PER_S;
}

/* One rejected message: count, log (rate-limited), tell the owner. */
static void fib_fail(struct route_fib *fib, const void *msg, size_t len,
		     int err, const char *ext)
{
	struct route_entry e;
	char pfx[IP_PREFIX_STRLEN] = "?";
	char ctx[32];
	enum route_op op = ROUTE_OP_REPLACE;
	bool ok = route_msg_parse(msg, len, &e) == 0;
	if (ok) {
		ip_prefix_fmt(&e.prefix, pfx, sizeof(pfx));
		if (((const struct nlmsghdr *)msg)->nlmsg_type == RTM_DELROUTE)
			op = ROUTE_OP_DELETE;
	}
	count_errno(fib, err);
	if (ok && e.nh_id != 0)
		fib->nhreg.suspect = true; /* maybe the kernel deleted it */
	snprintf(ctx, sizeof(ctx), "table %u", fib->key.table);
	if (log_limit_allow(&fib->log_limit, fib_now_s(fib)))
		vlog(VLOG_WARN, "route", ctx, "%s %s rejected: %s%s%s",
		     op == ROUTE_OP_DELETE ? "delete" : "replace", pfx,
		     strerror(err), ext ? ": " : "", ext ? ext : "");
	if (fib->fail_fn != NULL && ok) {
		/* Replies are being read from fib->rx: the callback may queue,
		 * but anything that would send or read is refused (-EBUSY). */
		fib->in_cb = true;
		fib->fail_fn(fib->fail_arg, op, &e.prefix, err);
		fib->in_cb = false;
	}
}

/* ---- batches ---- */

static struct route_batch *ring_at(struct route_fib *fib, size_t i)
{
	return &fib->batches[fib->ring[(fib->ring_head + i) % ROUTE_INFLIGHT_MAX]];
}

static void batch_reset(struct route_batch *b)
{
	b->len = 0;
	b->n_msgs = b->n_replace = b->n_delete = 0;
	b->fail_replace = b->fail_delete = 0;
	b->walk = 0;
	b->last_off = 0;
}

/* Picks a batch that is neither filling nor in flight. */
static size_t free_batch(const struct route_fib *fib)
{
	for (size_t i = 0; i <= ROUTE_INFLIGHT_MAX; i++) {
		bool used = false;
		for (size_t j = 0; j < fib->ring_len; j++)
			if (fib->ring[(fib->ring_head + j) % ROUTE_INFLIGHT_MAX] == i)
				used = true;
		if (!used)
			return i;
	}
	return SIZE_MAX; /* unreachable: ring_len < ROUTE_INFLIGHT_MAX */
}

static void ring_pop(struct route_fib *fib, bool lost)
{
	struct route_batch *b = ring_at(fib, 0);
	uint32_t failed = b->fail_replace + b->fail_delete;
	fib->c.pending -= b->n_msgs;
	fib->c.failed += failed;
	if (lost) {
		fib->c.lost += b->n_msgs - failed;
	} else {
		fib->c.installed += b->n_replace - b->fail_replace;
		fib->c.deleted += b->n_delete - b->fail_delete;
	}
	batch_reset(b);
	fib->ring_head = (fib->ring_head + 1) % ROUTE_INFLIGHT_MAX;
	fib->ring_len--;
}

/* Records the error reply for seq in b. */
static void batch_error(struct route_fib *fib, struct route_batch *b,
			uint32_t seq, int err, const char *ext)
{
	while (b->walk < b->len) {
		const struct nlmsghdr *nlh = (const void *)(b->buf + b->walk);
		size_t len = nlh->nlmsg_len;
		b->walk += NLMSG_ALIGN(len);
		if (nlh->nlmsg_seq != seq)
			continue;
		bool del = nlh->nlmsg_type == RTM_DELROUTE;
		if (del && err == ESRCH)
			return; /* already absent: the delete did its job */
		if (del)
			b->fail_delete++;
		else
			b->fail_replace++;
		fib_fail(fib, nlh, len, err, ext);
		return;
	}
}

/* ---- replies ---- */

/* The NLMSGERR_ATTR_MSG text of an extended ACK, or NULL. */
static const char *ext_ack_msg(const struct nlmsghdr *nlh)
{
	struct rd r;
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return NULL;
	rd_init(&r, mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh));
	/* int error + the request's nlmsghdr (NETLINK_CAP_ACK: no payload). */
	if (!rd_skip(&r, sizeof(struct nlmsgerr)))
		return NULL;
	const struct nlattr *attr; /* the name mnl_attr_for_each_payload uses */
	const void *tlvs = rd_cur(&r);
	size_t tlvs_len = rd_left(&r);
	mnl_attr_for_each_payload(tlvs, tlvs_len) {
		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
		    mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0)
			return mnl_attr_get_str(attr);
	}
	return NULL;
}

static void fib_on_reply(struct route_fib *fib, const struct nlmsghdr *nlh)
{
	struct nlmsgerr err;
	struct rd r;
	if (nlh->nlmsg_type != NLMSG_ERROR)
		return;
	rd_init(&r, mnl_nlmsg_get_payload(nlh), mnl_nlmsg_get_payload_len(nlh));
	if (!rd_bytes(&r, &err, sizeof(err))) {
		fib->malformed++;
		return;
	}
	uint32_t seq = nlh->nlmsg_seq;
	for (size_t i = 0; i < fib->ring_len; i++) {
		struct route_batch *b = ring_at(fib, i);
		if (seq - b->first_seq > b->last_seq - b->first_seq)
			continue;
		if (err.error != 0)
			batch_error(fib, b, seq, -err.error, ext_ack_msg(nlh));
		if (seq == b->last_seq)
			for (size_t k = 0; k <= i; k++)
				ring_pop(fib, false);
		return;
	}
	/* A reply for a batch already given up on: ignore. */
}

static void fib_lose_inflight(struct route_fib *fib, const char *why)
{
	char ctx[32];
	snprintf(ctx, sizeof(ctx), "table %u", fib->key.table);
	vlog(VLOG_WARN, "route", ctx, "%s: outcome of %zu batch(es) unknown",
	     why, fib->ring_len);
	while (fib->ring_len > 0)
		ring_pop(fib, true);
}

/* Reads every queued reply. Returns 0, or -EAGAIN if none was queued. */
static int fib_read(struct route_fib *fib)
{
	bool got = false;
	for (;;) {
		ssize_t n = recv(fib->fd, fib->rx, fib->rx_cap, MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			fib_lose_inflight(fib, "netlink replies dropped (ENOBUFS)");
			continue;
		}
		if (n <= 0)
			return got ? 0 : -EAGAIN;
		got = true;
		const struct nlmsghdr *nlh = (const void *)fib->rx;
		int left = (int)n;
		for (; mnl_nlmsg_ok(nlh, left); nlh = mnl_nlmsg_next(nlh, &left))
			fib_on_reply(fib, nlh);
	}
}

/* Blocks until at most max batches are in flight. 0 or -errno. */
static int fib_wait(struct route_fib *fib, size_t max)
{
	if (fib->in_cb && fib->ring_len > max)
		return -EBUSY;
	while (fib->ring_len > max) {
		if (fib_read(fib) == 0)
			continue;
		struct pollfd pfd = { .fd = fib->fd, .events = POLLIN };
		int rc = poll(&pfd, 1, ROUTE_WAIT_MS);
		if (rc < 0 && errno != EINTR)
			return -errno;
		if (rc == 0)
			fib_lose_inflight(fib, "no netlink reply in time");
	}
	return 0;
}

static void fib_on_readable(void *arg, int fd, uint32_t events)
{
	fib_read(arg);
}

/* ---- sending ---- */

/* The whole batch failed to send: every message failed with err. */
static void batch_send_failed(struct route_fib *fib, struct route_batch *b,
			      int err)
{
	for (size_t off = 0; off < b->len;) {
		const struct nlmsghdr *nlh = (const void *)(b->buf + off);
		fib_fail(fib, nlh, nlh->nlmsg_len, err, NULL);
		off += NLMSG_ALIGN(nlh->nlmsg_len);
	}
	fib->c.pending -= b->n_msgs;
	fib->c.failed += b->n_msgs;
	batch_reset(b);
}

int route_fib_flush(struct route_fib *fib)
{
	struct route_batch *b = &fib->batches[fib->fill];
	if (b->n_msgs == 0)
		return 0;
	if (fib->in_cb)
		return -EBUSY;
	int rc = fib_wait(fib, ROUTE_INFLIGHT_MAX - 1);
	if (rc < 0)
		return rc;
	/* Only the last message asks for an ACK: it completes the batch. */
	struct nlmsghdr *last = (void *)(b->buf + b->last_off);
	last->nlmsg_flags |= NLM_F_ACK;
	ssize_t n;
	do {
		n = send(fib->fd, b->buf, b->len, 0);
	} while (n < 0 && errno == EINTR);
	fib->c.batches++;
	if (n < 0) {
		rc = -errno;
		batch_send_failed(fib, b, -rc);
		return rc;
	}
	fib->ring[(fib->ring_head + fib->ring_len) % ROUTE_INFLIGHT_MAX] = fib->fill;
	fib->ring_len++;
	fib->fill = free_batch(fib);
	/*
	 * rtnetlink has usually answered by now (it runs in sendmsg's
	 * context): read the replies at once so error replies never pile up
	 * across batches. Anything later is read on the loop.
	 */
	fib_read(fib);
	return 0;
}

int route_fib_sync(struct route_fib *fib)
{
	int rc = route_fib_flush(fib);
	int rc2 = fib_wait(fib, 0);
	return rc < 0 ? rc : rc2;
}

static void fib_on_flush_timer(void *arg)
{
	route_fib_flush(arg); /* failures are counted and logged */
}

int route_fib_enqueue(struct route_fib *fib, const struct route_msg_key *k,
		      const struct ip_prefix *p, const struct route_nexthop *nh,
		      size_t n)
{
	int rc = route_msg_check(p, nh, n);
	if (rc < 0)
		return rc;
	uint32_t nh_id = 0;
	if (fib->nh_objects && n > 0) {
		rc = route_nhobj_resolve(&fib->nhreg, p->addr.family, nh, n, &nh_id);
		if (rc < 0)
			return rc;
	}
	size_t need = route_msg_size(p, nh, n, nh_id);
	struct route_batch *b = &fib->batches[fib->fill];
	if (b->n_msgs >= fib->batch_size || b->len + need > b->cap) {
		rc = route_fib_flush(fib);
		if (rc < 0)
			return rc;
		b = &fib->batches[fib->fill];
	}
	uint32_t seq = ++fib->seq;
	size_t len = route_msg_build(b->buf + b->len, b->cap - b->len, k, p, nh,
				     n, nh_id, seq, false);
	if (len == 0)
		return -EINVAL;
	if (b->n_msgs == 0)
		b->first_seq = seq;
	b->last_seq = seq;
	b->last_off = b->len;
	b->len += NLMSG_ALIGN(len);
	b->n_msgs++;
	if (n > 0)
		b->n_replace++;
	else
		b->n_delete++;
	fib->c.pending++;
	if (fib->loop != NULL && !loop_timer_armed(&fib->flush_timer))
		loop_timer_arm_ms(fib->loop, &fib->flush_timer, 0);
	return 0;
}

int route_fib_replace(struct route_fib *fib, const struct ip_prefix *p,
		      const struct route_nexthop *nh, size_t n)
{
	return route_fib_enqueue(fib, &fib->key, p, nh, n);
}

int route_fib_delete(struct route_fib *fib, const struct ip_prefix *p)
{
	return route_fib_enqueue(fib, &fib->key, p, NULL, 0);
}

void route_fib_free(struct route_fib *fib, bool flush_routes)
{
	if (fib == NULL)
		return;
	route_fib_sync(fib);
	if (flush_routes)
		route_fib_sweep_stale(fib);
	fib_release(fib);
}
