/*
 * vgw-ike-peer: one IKE endpoint of the vgw library on real UDP sockets
 * (ports 500 and 4500 of --local), for interoperability tests against
 * strongSwan's charon in a network namespace (charon_interop.sh).
 *
 *   vgw-ike-peer --local A --remote B --psk S [--initiate] [--profile P]
 *                [--id FQDN] [--peer-id FQDN] [--child-life S]
 *                [--ike-life S] [--run S] [--expect-rekeys N]
 *
 * Exits 0 once the tunnel is UP with a Child SA (and, with
 * --expect-rekeys, after that many Child SA rekeys while still UP), 1 on
 * timeout or failure. Only a test tool: it uses the library plus sockets.
 */
#include <errno.h>
#include <stdbool.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <json-c/json.h>

#include "base/addr.h"
#include "base/log.h"
#include "base/loop.h"
#include "ike/ike.h"

struct peer {
	struct loop *loop;
	struct ike *ike;
	int fd500, fd4500;
	struct ip_addr local;
	int ups, downs;
	enum ike_tunnel_state st;
	int expect_rekeys;
	int rc;
	bool dump_keys; /* test tool only: print Child SA keys for comparison */
	int delay_ms;   /* hold every outgoing datagram this long */
	struct delayed *pending;
	int hold_s;
	int min_run_s;
	struct vtime start;
	bool ready;
	struct loop_timer hold;
};

/* Success: say so, keep the SAs up for hold_s seconds, then stop. */
static void peer_ready(struct peer *p)
{
	if (p->ready)
		return;
	if (vtime_diff_ms(loop_now(p->loop), p->start) < p->min_run_s * 1000LL) {
		loop_timer_arm_ms(p->loop, &p->hold, 500);
		return;
	}
	p->ready = true;
	printf("READY\n");
	fflush(stdout);
	loop_timer_arm_ms(p->loop, &p->hold, (int64_t)p->hold_s * 1000);
}

static void hold_fn(void *arg)
{
	struct peer *p = arg;
	if (!p->ready) {
		if (p->st == IKE_TUNNEL_UP)
			peer_ready(p);
		return;
	}
	loop_stop(p->loop);
}

/* A datagram held back by --delay-ms (to make exchanges cross). */
struct delayed {
	struct delayed *next;
	struct loop_timer t;
	struct peer *p;
	struct ike_endpoint local, remote;
	size_t len;
	uint8_t pkt[];
};

static int peer_send_now(struct peer *p, const struct ike_endpoint *local,
			 const struct ike_endpoint *remote, const uint8_t *pkt,
			 size_t len);

static void delayed_fn(void *arg)
{
	struct delayed *d = arg;
	for (struct delayed **pp = &d->p->pending; *pp != NULL; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	peer_send_now(d->p, &d->local, &d->remote, d->pkt, d->len);
	free(d);
}

/* Sends whatever is still held back (at exit). */
static void flush_delayed(struct peer *p)
{
	while (p->pending != NULL) {
		struct delayed *d = p->pending;
		loop_timer_cancel(p->loop, &d->t);
		delayed_fn(d);
	}
}

static int peer_send(void *arg, const struct ike_endpoint *local,
		     const struct ike_endpoint *remote, const uint8_t *pkt,
		     size_t len)
{
	struct peer *p = arg;
	if (p->delay_ms <= 0)
		return peer_send_now(p, local, remote, pkt, len);
	struct delayed *d = malloc(sizeof(*d) + len);
	if (d == NULL)
		return -ENOMEM;
	d->p = p;
	d->local = *local;
	d->remote = *remote;
	d->len = len;
	memcpy(d->pkt, pkt, len);
	loop_timer_init(&d->t, delayed_fn, d);
	loop_timer_arm_ms(p->loop, &d->t, p->delay_ms);
	d->next = p->pending;
	p->pending = d;
	return 0;
}

static int peer_send_now(struct peer *p, const struct ike_endpoint *local,
			 const struct ike_endpoint *remote, const uint8_t *pkt,
			 size_t len)
{
	uint8_t buf[9000];
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(remote->port) };
	memcpy(&sin.sin_addr, remote->addr.a, 4);
	int fd = local->port == IKE_NATT_PORT ? p->fd4500 : p->fd500;
	size_t off = 0;
	if (local->port == IKE_NATT_PORT) {
		memset(buf, 0, 4); /* non-ESP marker, RFC 3948 2.2 */
		off = 4;
	}
	if (len + off > sizeof(buf))
		return -EMSGSIZE;
	memcpy(buf + off, pkt, len);
	if (sendto(fd, buf, len + off, 0, (struct sockaddr *)&sin,
		   sizeof(sin)) < 0)
		return -errno;
	return 0;
}

static void peer_rx(void *arg, int fd, uint32_t events)
{
	struct peer *p = arg;
	uint8_t buf[9000];
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	(void)events;
	ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&sin,
			     &sl);
	if (n <= 0)
		return;
	size_t off = 0;
	if (fd == p->fd4500) {
		if (n < 4 || memcmp(buf, "\0\0\0\0", 4) != 0)
			return; /* ESP in UDP: not ours to handle here */
		off = 4;
	}
	struct ike_endpoint local = { p->local,
				      fd == p->fd4500 ? IKE_NATT_PORT : IKE_PORT };
	struct ike_endpoint remote = { { 0 }, ntohs(sin.sin_port) };
	remote.addr.family = AF_INET;
	memcpy(remote.addr.a, &sin.sin_addr, 4);
	ike_input(p->ike, &local, &remote, buf + off, (size_t)n - off);
}

static void child_up(void *arg, const char *t, const struct ike_child_sa_keys *k)
{
	struct peer *p = arg;
	printf("CHILD_UP %s in=%08x out=%08x encr=%u/%u integ=%u encap=%d rekey=%d\n",
	       t, k->spi_in, k->spi_out, k->encr, k->encr_bits, k->integ,
	       k->encap, k->rekey);
	fflush(stdout);
	if (p->dump_keys) {
		const struct secret *ks[4] = { k->encr_in, k->integ_in,
					       k->encr_out, k->integ_out };
		static const char *const nm[4] = { "encr_in", "integ_in",
						   "encr_out", "integ_out" };
		for (int i = 0; i < 4; i++) {
			printf("KEY %s ", nm[i]);
			for (size_t j = 0; ks[i] && j < ks[i]->len; j++)
				printf("%02x", ks[i]->p[j]);
			printf("\n");
		}
	}
	p->ups++;
	if (p->st == IKE_TUNNEL_UP && p->ups > p->expect_rekeys)
		peer_ready(p);
}

static void child_down(void *arg, const char *t, uint32_t in, uint32_t out)
{
	struct peer *p = arg;
	printf("CHILD_DOWN %s in=%08x out=%08x\n", t, in, out);
	fflush(stdout);
	p->downs++;
}

static void tunnel_state(void *arg, const char *t, enum ike_tunnel_state st,
			 const char *reason)
{
	struct peer *p = arg;
	printf("TUNNEL %s %s %s\n", t, ike_tunnel_state_name(st), reason);
	fflush(stdout);
	p->st = st;
	if (st == IKE_TUNNEL_UP && p->ups > p->expect_rekeys)
		peer_ready(p);
}

static int bind_udp(const struct ip_addr *a, uint16_t port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	struct sockaddr_in sin = { .sin_family = AF_INET,
				   .sin_port = htons(port) };
	memcpy(&sin.sin_addr, a->a, 4);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		perror("bind");
		exit(1);
	}
	return fd;
}

static void timeout_fn(void *arg)
{
	struct peer *p = arg;
	fprintf(stderr, "timeout\n");
	p->rc = 1;
	loop_stop(p->loop);
}

int main(int argc, char **argv)
{
	struct ike_tunnel_config c;
	struct peer p = { .rc = 0 };
	const char *psk = NULL, *profile = NULL;
	int run_s = 30;
	uint16_t pfs_first = 0;
	ike_tunnel_config_defaults(&c);
	strcpy(c.name, "interop");
	c.initiation = IKE_INIT_ADD;
	c.dpd_interval_s = 0;
	for (int i = 1; i < argc; i++) {
		const char *v = i + 1 < argc ? argv[i + 1] : "";
		if (!strcmp(argv[i], "--local") && ip_addr_parse(v, &c.local))
			i++;
		else if (!strcmp(argv[i], "--remote") && ip_addr_parse(v, &c.remote))
			i++;
		else if (!strcmp(argv[i], "--psk"))
			psk = argv[++i];
		else if (!strcmp(argv[i], "--initiate"))
			c.initiation = IKE_INIT_START;
		else if (!strcmp(argv[i], "--profile"))
			profile = argv[++i];
		else if (!strcmp(argv[i], "--id")) {
			c.local_id.type = IKE_IDT_FQDN;
			snprintf(c.local_id.value, IKE_ID_MAX, "%s", argv[++i]);
		} else if (!strcmp(argv[i], "--peer-id")) {
			c.remote_id.type = IKE_IDT_FQDN;
			snprintf(c.remote_id.value, IKE_ID_MAX, "%s", argv[++i]);
		} else if (!strcmp(argv[i], "--child-life")) {
			c.child_lifetime_s = (uint32_t)atoi(argv[++i]);
			c.rekey_margin_s = c.child_lifetime_s / 3;
			c.rekey_fuzz_pct = 0;
		} else if (!strcmp(argv[i], "--ike-life")) {
			c.ike_lifetime_s = (uint32_t)atoi(argv[++i]);
			c.rekey_margin_s = c.ike_lifetime_s / 3;
			c.rekey_fuzz_pct = 0;
		}
		else if (!strcmp(argv[i], "--run"))
			run_s = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--pfs-first"))
			pfs_first = (uint16_t)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--delay-ms"))
			p.delay_ms = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--dump-keys"))
			p.dump_keys = true;
		else if (!strcmp(argv[i], "--min-run"))
			p.min_run_s = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--hold"))
			p.hold_s = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--expect-rekeys"))
			p.expect_rekeys = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--dpd")) {
			c.dpd_interval_s = 5;
			c.dpd_timeout_s = 15;
		} else {
			fprintf(stderr, "bad argument %s\n", argv[i]);
			return 2;
		}
	}
	if (profile != NULL) {
		uint32_t cl = c.child_lifetime_s, il = c.ike_lifetime_s;
		uint32_t m = c.rekey_margin_s;
		if (!ike_profile_apply(&c, profile))
			return 2;
		if (cl) {
			c.child_lifetime_s = cl;
			c.rekey_margin_s = m;
			c.rekey_fuzz_pct = 0;
		}
		if (il) {
			c.ike_lifetime_s = il;
			c.rekey_margin_s = m;
			c.rekey_fuzz_pct = 0;
		}
	}
	if (pfs_first) {
		/* Offer the suites with this PFS group first. */
		struct ike_esp_proposal tmp[IKE_MAX_PROPOSALS];
		size_t n = 0;
		for (int pass = 0; pass < 2; pass++)
			for (size_t i = 0; i < c.n_esp; i++)
				if ((c.esp[i].pfs_dh == pfs_first) == (pass == 0))
					tmp[n++] = c.esp[i];
		memcpy(c.esp, tmp, n * sizeof(tmp[0]));
	}
	if (psk == NULL || c.local.family == 0 || c.remote.family == 0)
		return 2;
	struct secret *s = secret_from_str(psk);
	c.psk = s;
	vlog_init("vgw-ike-peer", VLOG_DEBUG, false);
	p.local = c.local;
	p.loop = loop_new(&clock_system);
	static const struct ike_io io = { peer_send };
	static const struct ike_hooks hooks = { child_up, child_down,
						tunnel_state, NULL };
	p.ike = ike_new(p.loop, &io, &hooks, &p);
	p.fd500 = bind_udp(&c.local, IKE_PORT);
	p.fd4500 = bind_udp(&c.local, IKE_NATT_PORT);
	loop_io_add(p.loop, p.fd500, 1 /* EPOLLIN */, peer_rx, &p);
	loop_io_add(p.loop, p.fd4500, 1, peer_rx, &p);
	loop_timer_init(&p.hold, hold_fn, &p);
	struct loop_timer to;
	loop_timer_init(&to, timeout_fn, &p);
	loop_timer_arm_ms(p.loop, &to, (int64_t)run_s * 1000);
	if (ike_tunnel_add(p.ike, &c) != 0) {
		fprintf(stderr, "bad tunnel config\n");
		return 2;
	}
	p.start = loop_now(p.loop);
	loop_run(p.loop);
	struct json_object *js = ike_tunnels_json(p.ike);
	printf("STATUS %s\n", json_object_to_json_string(js));
	json_object_put(js);
	if (p.rc == 0 && (p.st != IKE_TUNNEL_UP || !p.ready))
		p.rc = 1;
	loop_timer_cancel(p.loop, &p.hold);
	printf("RESULT %s ups=%d downs=%d\n", p.rc ? "FAIL" : "OK", p.ups,
	       p.downs);
	p.delay_ms = 0;
	ike_shutdown_all(p.ike);
	flush_delayed(&p);
	loop_timer_cancel(p.loop, &to);
	ike_free(p.ike);
	secret_free(s);
	close(p.fd500);
	close(p.fd4500);
	loop_free(p.loop);
	return p.rc;
}
