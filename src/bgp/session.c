/*
 * The BGP session: the RFC 4271 section 8 finite state machine and its TCP
 * connections.
 *
 * States: Idle -> Connect (active) / Active (passive or after a failed
 * connect) -> OpenSent -> OpenConfirm -> Established. Every change goes
 * through fsm_set(), which logs it at info, calls the peer_state hook and
 * does the entry actions of the new state (timers, route flush, dump).
 *
 * Timers (per peer, all embedded, see base/loop.h):
 *  - ConnectRetry: in Connect/Active, retry the outgoing connection.
 *  - Hold: 240 s in OpenSent (RFC 4271 8.2.2 "large value"), then the
 *    negotiated min(local, remote) hold time; restarted by every message
 *    read; expiry sends Hold Timer Expired.
 *  - Keepalive: negotiated keepalive = configured (or hold/3), capped at
 *    hold/3; sends KEEPALIVE.
 *  - Idle hold: automatic restart after a failure, doubling from
 *    idle_hold_ms up to 60 s, reset when a session reaches Established.
 *    A max-prefix cease restarts after restart_s, or never.
 *  - GR: restart time of a graceful-restart peer (routes kept stale).
 *
 * Connection collision (RFC 4271 6.8): a second connection is kept as
 * peer->alt while the primary is in OpenSent/OpenConfirm; when an OPEN
 * arrives and both connections have sent their OPEN, the one initiated by
 * the speaker with the higher BGP Identifier survives; the other gets
 * Cease/Connection Collision Resolution. A new connection while
 * Established is refused the same way (unless the peer does graceful
 * restart, which is how a restarting peer comes back).
 *
 * An incoming connection for a configured, enabled peer is accepted in
 * Idle too (AutomaticStart with passive TCP establishment, RFC 4271 8.1.1
 * event 5), so a peer that just failed can reconnect at once.
 */
#include "bgp/bgp_priv.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#define IDLE_HOLD_MAX_MS 60000

static void fsm_set(struct bgp_peer *p, int st, const char *reason);
static void conn_io(void *arg, int fd, uint32_t events);

const char *bgp_state_name(int state)
{
	static const char *const names[] = { "?", "Idle", "Connect", "Active",
					     "OpenSent", "OpenConfirm",
					     "Established" };
	if (state < BGP_IDLE || state > BGP_ESTABLISHED)
		return "?";
	return names[state];
}

void bgp_peer_set_error(struct bgp_peer *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(p->last_error, sizeof(p->last_error), fmt, ap);
	va_end(ap);
}

/* ---- sockets ---- */

static socklen_t to_sockaddr(const struct ip_addr *a, uint16_t port,
			     struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->a, 16);
		return sizeof(*s6);
	}
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(port);
	memcpy(&s4->sin_addr, a->a, 4);
	return sizeof(*s4);
}

static struct ip_addr local_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	struct ip_addr a = { 0 };
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0)
		return a;
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		a.family = AF_INET6;
		memcpy(a.a, &s6->sin6_addr, 16);
		/* v4-mapped: report the IPv4 address */
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
						    0xff, 0xff };
		if (memcmp(a.a, mapped, 12) == 0) {
			a.family = AF_INET;
			memmove(a.a, a.a + 12, 4);
			memset(a.a + 4, 0, 12);
		}
	} else if (ss.ss_family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		a.family = AF_INET;
		memcpy(a.a, &s4->sin_addr, 4);
	}
	return a;
}

/* TTL 1 for directly connected eBGP unless multihop (RFC 4271 does not
 * mandate it; every implementation does it). */
static void set_ttl(const struct bgp_peer *p, int fd, int family)
{
	int ttl = 255;
	if (p->ebgp)
		ttl = p->cfg.multihop_ttl ? p->cfg.multihop_ttl : 1;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &ttl, sizeof(ttl));
	else
		setsockopt(fd, IPPROTO_IP, IP_TTL, &ttl, sizeof(ttl));
}

static struct bgp_conn *conn_new(struct bgp_peer *p, int fd, bool outgoing)
{
	struct bgp_conn *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->rbuf = malloc(BGP_RBUF_SIZE);
	if (c->rbuf == NULL) {
		free(c);
		return NULL;
	}
	c->peer = p;
	c->fd = fd;
	c->outgoing = outgoing;
	c->st = BGP_CONNECT;
	return c;
}

static void conn_free(struct bgp_conn *c)
{
	if (c == NULL)
		return;
	struct bgp_peer *p = c->peer;
	if (c->fd >= 0) {
		loop_io_del(p->bgp->loop, c->fd);
		close(c->fd);
	}
	if (p->conn == c)
		p->conn = NULL;
	if (p->alt == c)
		p->alt = NULL;
	free(c->rbuf);
	free(c->wbuf);
	free(c);
}

void bgp_peer_free_conns(struct bgp_peer *p)
{
	conn_free(p->alt);
	conn_free(p->conn);
}

/* ---- output ---- */

size_t bgp_conn_pending(const struct bgp_conn *c)
{
	return c ? c->wlen - c->woff : 0;
}

uint8_t *bgp_conn_reserve(struct bgp_conn *c, size_t n)
{
	if (c->woff > 0 && c->woff == c->wlen)
		c->woff = c->wlen = 0;
	if (c->wcap - c->wlen >= n)
		return c->wbuf + c->wlen;
	if (c->woff > c->wcap / 2) {
		memmove(c->wbuf, c->wbuf + c->woff, c->wlen - c->woff);
		c->wlen -= c->woff;
		c->woff = 0;
		if (c->wcap - c->wlen >= n)
			return c->wbuf + c->wlen;
	}
	size_t ncap = c->wcap ? c->wcap : 65536;
	while (ncap - c->wlen < n)
		ncap *= 2;
	uint8_t *nb = realloc(c->wbuf, ncap);
	if (nb == NULL)
		return NULL;
	c->wbuf = nb;
	c->wcap = ncap;
	return c->wbuf + c->wlen;
}

void bgp_conn_commit(struct bgp_conn *c, size_t n, uint8_t type)
{
	c->wlen += n;
	if (type < 6)
		c->peer->st.msgs_out[type]++;
}

void bgp_conn_flush(struct bgp_conn *c)
{
	while (c->woff < c->wlen) {
		ssize_t n = send(c->fd, c->wbuf + c->woff, c->wlen - c->woff,
				 MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break; /* EAGAIN; hard errors surface as EPOLLERR */
		c->woff += (size_t)n;
	}
	bool want = c->woff < c->wlen;
	if (want != c->epollout) {
		c->epollout = want;
		loop_io_mod(c->peer->bgp->loop, c->fd,
			    EPOLLIN | (want ? EPOLLOUT : 0));
	}
}

bool bgp_conn_send(struct bgp_conn *c, const uint8_t *msg, size_t len)
{
	uint8_t *d = bgp_conn_reserve(c, len);
	if (d == NULL)
		return false;
	memcpy(d, msg, len);
	bgp_conn_commit(c, len, msg[18]);
	bgp_conn_flush(c);
	return true;
}

static void send_notification(struct bgp_conn *c, uint8_t code, uint8_t sub,
			      const uint8_t *data, size_t data_len)
{
	struct bgp_peer *p = c->peer;
	uint8_t msg[BGP_MAX_MSG];
	struct wr w;
	wr_init(&w, msg, sizeof(msg));
	if (data_len > BGP_MAX_MSG - 21)
		data_len = BGP_MAX_MSG - 21;
	if (!bgp_notif_encode(&w, code, sub, data, data_len))
		return;
	struct bgp_notif n = { code, sub, (uint16_t)data_len, data };
	char text[300];
	bgp_notif_format(&n, text, sizeof(text));
	vlog(VLOG_WARN, "bgp", p->ctx, "sending NOTIFICATION %s", text);
	bgp_peer_set_error(p, "sent %s", text);
	p->st.notif_out++;
	bgp_conn_send(c, msg, wr_len(&w));
}

static void send_open(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	struct bgp *bgp = p->bgp;
	struct bgp_open o = { .version = 4 };
	o.my_as = bgp->cfg.asn > 0xffff ? BGP_AS_TRANS : (uint16_t)bgp->cfg.asn;
	o.hold_time = p->cfg.hold_time;
	o.bgp_id = ip_addr_v4_host(&bgp->cfg.router_id);
	o.cap_as4 = true;
	o.as4 = bgp->cfg.asn;
	o.cap_rr = true;
	o.af_v4 = true;
	o.af_v6 = p->cfg.ipv6;
	o.cap_mp = true;
	/* Helper only: GR capability without AFI/SAFI tuples (RFC 4724 3). */
	o.cap_gr = p->cfg.gr_helper;
	o.gr_time = (uint16_t)bgp->cfg.gr_restart_time;
	uint8_t msg[256];
	struct wr w;
	wr_init(&w, msg, sizeof(msg));
	if (bgp_open_encode(&w, &o))
		bgp_conn_send(c, msg, wr_len(&w));
	c->st = BGP_OPENSENT;
}

static void send_keepalive(struct bgp_conn *c)
{
	uint8_t msg[BGP_HEADER_LEN];
	struct wr w;
	wr_init(&w, msg, sizeof(msg));
	bgp_keepalive_encode(&w);
	bgp_conn_send(c, msg, wr_len(&w));
}

/* ---- FSM ---- */

static void routes_down(struct bgp_peer *p, bool graceful)
{
	bgp_export_peer_down(p);
	uint8_t afs = graceful && p->cfg.gr_helper ? p->peer_gr_afs : 0;
	if (afs != 0) {
		vlog(VLOG_INFO, "bgp", p->ctx,
		     "graceful restart: keeping %s%s%s routes stale for %u s",
		     afs & 1 ? "IPv4" : "", afs == 3 ? " and " : "",
		     afs & 2 ? "IPv6" : "", p->peer_gr_time);
		bgp_import_flush_peer(p, afs);
		p->gr_stale = true;
		loop_timer_arm_ms(p->bgp->loop, &p->t_gr,
				  (int64_t)p->peer_gr_time * 1000);
	} else {
		bgp_import_flush_peer(p, 0);
	}
}

static void enter_idle(struct bgp_peer *p, int old, bool graceful)
{
	struct loop *loop = p->bgp->loop;
	bgp_peer_free_conns(p);
	loop_timer_cancel(loop, &p->t_connect);
	loop_timer_cancel(loop, &p->t_hold);
	loop_timer_cancel(loop, &p->t_keepalive);
	loop_timer_cancel(loop, &p->t_mrai);
	if (old == BGP_ESTABLISHED)
		routes_down(p, graceful);
	if (p->admin_down)
		return;
	if (p->maxpfx_down) {
		if (p->cfg.max_prefix.restart_s > 0)
			loop_timer_arm_ms(loop, &p->t_idle,
					  (int64_t)p->cfg.max_prefix.restart_s * 1000);
		return;
	}
	loop_timer_arm_ms(loop, &p->t_idle, p->idle_hold_ms);
	p->idle_hold_ms *= 2;
	if (p->idle_hold_ms > IDLE_HOLD_MAX_MS)
		p->idle_hold_ms = IDLE_HOLD_MAX_MS;
}

static void enter_established(struct bgp_peer *p)
{
	struct bgp *bgp = p->bgp;
	p->up_since = loop_now(bgp->loop);
	p->st.established_count++;
	p->idle_hold_ms = p->cfg.idle_hold_ms ? p->cfg.idle_hold_ms : 1000;
	p->maxpfx_warned = false;
	if (p->alt != NULL) {
		if (!p->alt->connecting)
			send_notification(p->alt, BGP_ERR_CEASE,
					  BGP_SUB_CEASE_COLLISION, NULL, 0);
		conn_free(p->alt);
	}
	if (p->gr_stale && p->peer_gr_afs == 0) {
		/* Came back without GR: stale routes go now (RFC 4724 4.2). */
		bgp_import_drop_stale(p, 0);
	} else if (p->gr_stale) {
		loop_timer_arm_ms(bgp->loop, &p->t_gr,
				  (int64_t)(p->peer_gr_time ? p->peer_gr_time : 120) * 1000);
	}
	bgp_export_reset(p);
	if (p->v4)
		bgp_export_full(p, AF_INET);
	if (p->v6)
		bgp_export_full(p, AF_INET6);
	p->eor_pending = true;
	bgp_export_flush(p);
}

/* The one transition function: log, hook, entry actions. */
static void fsm_set_ex(struct bgp_peer *p, int st, const char *reason,
		       bool graceful)
{
	int old = p->state;
	if (old == st)
		return;
	p->state = st;
	vlog(VLOG_INFO, "bgp", p->ctx, "state %s -> %s%s%s",
	     bgp_state_name(old), bgp_state_name(st), reason ? ": " : "",
	     reason ? reason : "");
	if (st == BGP_IDLE)
		enter_idle(p, old, graceful);
	else if (st == BGP_ESTABLISHED)
		enter_established(p);
	if (p->bgp->hooks.peer_state != NULL)
		p->bgp->hooks.peer_state(p->bgp->arg, p->name, old, st, reason);
}

static void fsm_set(struct bgp_peer *p, int st, const char *reason)
{
	fsm_set_ex(p, st, reason, false);
}

void bgp_session_stop(struct bgp_peer *p, uint8_t code, uint8_t sub,
		      const uint8_t *data, size_t data_len, const char *why)
{
	if (code != 0) {
		if (p->conn != NULL && !p->conn->connecting)
			send_notification(p->conn, code, sub, data, data_len);
		if (p->alt != NULL)
			send_notification(p->alt, code, sub, data, data_len);
	}
	if (p->state == BGP_IDLE) {
		bgp_peer_free_conns(p);
		return;
	}
	fsm_set(p, BGP_IDLE, why);
}

static void start_connect(struct bgp_peer *p)
{
	struct bgp *bgp = p->bgp;
	int fam = p->cfg.remote.family;
	int fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	set_ttl(p, fd, fam);
	struct sockaddr_storage ss;
	socklen_t sl;
	if (ip_addr_is_set(&p->cfg.local)) {
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		sl = to_sockaddr(&p->cfg.local, 0, &ss);
		if (bind(fd, (struct sockaddr *)&ss, sl) != 0) {
			vlog(VLOG_WARN, "bgp", p->ctx, "bind: %s", strerror(errno));
			close(fd);
			return;
		}
	}
	sl = to_sockaddr(&p->cfg.remote, p->cfg.port ? p->cfg.port : BGP_PORT, &ss);
	if (connect(fd, (struct sockaddr *)&ss, sl) != 0 && errno != EINPROGRESS) {
		vlog(VLOG_DEBUG, "bgp", p->ctx, "connect: %s", strerror(errno));
		close(fd);
		return;
	}
	struct bgp_conn *c = conn_new(p, fd, true);
	vlog(VLOG_DEBUG, "bgp", p->ctx, "connecting fd %d", fd);
	if (c == NULL || loop_io_add(bgp->loop, fd, EPOLLOUT, conn_io, c) != 0) {
		if (c != NULL)
			c->fd = -1;
		conn_free(c);
		close(fd);
		return;
	}
	c->connecting = true;
	c->epollout = true;
	p->conn = c;
}

static void arm_connect_retry(struct bgp_peer *p)
{
	uint32_t s = p->cfg.connect_retry ? p->cfg.connect_retry : 120;
	loop_timer_arm_ms(p->bgp->loop, &p->t_connect, (int64_t)s * 1000);
}

void bgp_session_start(struct bgp_peer *p)
{
	if (p->state != BGP_IDLE || p->admin_down)
		return;
	loop_timer_cancel(p->bgp->loop, &p->t_idle);
	if (p->cfg.passive) {
		fsm_set(p, BGP_ACTIVE, "start (passive)");
		return;
	}
	fsm_set(p, BGP_CONNECT, "start");
	arm_connect_retry(p);
	start_connect(p);
}

static void on_connect_retry(void *arg)
{
	struct bgp_peer *p = arg;
	if (p->state != BGP_CONNECT && p->state != BGP_ACTIVE)
		return;
	if (p->conn != NULL && p->conn->connecting)
		conn_free(p->conn);
	if (p->conn == NULL && !p->cfg.passive) {
		fsm_set(p, BGP_CONNECT, "connect retry");
		start_connect(p);
	}
	arm_connect_retry(p);
}

static void on_idle(void *arg)
{
	struct bgp_peer *p = arg;
	p->maxpfx_down = false;
	bgp_session_start(p);
}

static void on_hold(void *arg)
{
	struct bgp_peer *p = arg;
	bgp_session_stop(p, BGP_ERR_HOLD, 0, NULL, 0, "hold timer expired");
}

static void on_keepalive(void *arg)
{
	struct bgp_peer *p = arg;
	if (p->conn == NULL || p->keepalive == 0)
		return;
	send_keepalive(p->conn);
	loop_timer_arm_ms(p->bgp->loop, &p->t_keepalive,
			  (int64_t)p->keepalive * 1000);
}

static void on_gr(void *arg)
{
	struct bgp_peer *p = arg;
	if (!p->gr_stale)
		return;
	vlog(VLOG_INFO, "bgp", p->ctx,
	     "graceful restart timer expired: dropping stale routes");
	bgp_import_drop_stale(p, 0);
}

static void on_mrai(void *arg)
{
	bgp_export_flush(arg);
}

void bgp_session_timers_init(struct bgp_peer *p)
{
	loop_timer_init(&p->t_connect, on_connect_retry, p);
	loop_timer_init(&p->t_hold, on_hold, p);
	loop_timer_init(&p->t_keepalive, on_keepalive, p);
	loop_timer_init(&p->t_idle, on_idle, p);
	loop_timer_init(&p->t_gr, on_gr, p);
	loop_timer_init(&p->t_mrai, on_mrai, p);
}

/* ---- connection events ---- */

static void connect_done(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	int err = 0;
	socklen_t sl = sizeof(err);
	getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &sl);
	if (err != 0) {
		vlog(VLOG_DEBUG, "bgp", p->ctx, "connect: %s", strerror(err));
		bool primary = c == p->conn;
		conn_free(c);
		if (!primary)
			return;
		if (p->conn == NULL && p->state == BGP_CONNECT)
			fsm_set(p, BGP_ACTIVE, "connect failed");
		return;
	}
	c->connecting = false;
	c->epollout = false;
	c->local = local_of(c->fd);
	loop_io_mod(p->bgp->loop, c->fd, EPOLLIN);
	if (c == p->alt && p->state == BGP_ESTABLISHED) {
		conn_free(c); /* the session is up on the other connection */
		return;
	}
	send_open(c);
	if (c == p->alt)
		return; /* collision candidate; resolved when an OPEN arrives */
	loop_timer_cancel(p->bgp->loop, &p->t_connect);
	loop_timer_arm_ms(p->bgp->loop, &p->t_hold, BGP_OPENSENT_HOLD_S * 1000LL);
	fsm_set(p, BGP_OPENSENT, "connected");
}

static void accept_established(struct bgp_peer *p, struct bgp_conn *c)
{
	if (p->peer_gr && p->cfg.gr_helper) {
		/* RFC 4724 4.2: a new connection from a GR peer means it
		 * restarted: keep its routes stale and take the new one. */
		fsm_set_ex(p, BGP_IDLE, "peer restarted (graceful)", true);
		loop_timer_cancel(p->bgp->loop, &p->t_idle);
		p->conn = c;
		send_open(c);
		loop_timer_arm_ms(p->bgp->loop, &p->t_hold,
				  BGP_OPENSENT_HOLD_S * 1000LL);
		fsm_set(p, BGP_OPENSENT, "incoming connection");
		return;
	}
	send_notification(c, BGP_ERR_CEASE, BGP_SUB_CEASE_COLLISION, NULL, 0);
	conn_free(c);
}

void bgp_session_accept(struct bgp *bgp, int fd, const struct ip_addr *remote,
			const struct ip_addr *local)
{
	struct bgp_peer *p = NULL;
	for (int i = 1; i < BGP_NSRC && p == NULL; i++) {
		struct bgp_peer *q = bgp->peers[i];
		if (q && ip_addr_eq(&q->cfg.remote, remote) &&
		    (!ip_addr_is_set(&q->cfg.local) || ip_addr_eq(&q->cfg.local, local)))
			p = q;
	}
	if (p == NULL || p->admin_down || p->maxpfx_down) {
		char a[IP_ADDR_STRLEN];
		vlog(VLOG_INFO, "bgp", "", "refusing connection from %s (%s)",
		     ip_addr_fmt(remote, a, sizeof(a)),
		     p ? "peer down" : "no such peer");
		close(fd);
		return;
	}
	set_ttl(p, fd, remote->family);
	struct bgp_conn *c = conn_new(p, fd, false);
	if (c == NULL || loop_io_add(bgp->loop, fd, EPOLLIN, conn_io, c) != 0) {
		if (c != NULL)
			c->fd = -1;
		conn_free(c);
		close(fd);
		return;
	}
	c->local = *local;
	vlog(VLOG_DEBUG, "bgp", p->ctx, "incoming connection fd %d in %s", fd,
	     bgp_state_name(p->state));
	if (p->state == BGP_ESTABLISHED) {
		accept_established(p, c);
		return;
	}
	if (p->state == BGP_OPENSENT || p->state == BGP_OPENCONFIRM) {
		if (p->alt != NULL) {
			conn_free(c);
			return;
		}
		p->alt = c;
		send_open(c);
		return;
	}
	/* Idle, Connect, Active: the incoming connection becomes primary. An
	 * outgoing connection still in progress is kept as the alternate: the
	 * peer may already count it as established, so it is resolved as a
	 * collision once it completes rather than dropped. */
	loop_timer_cancel(bgp->loop, &p->t_idle);
	loop_timer_cancel(bgp->loop, &p->t_connect);
	conn_free(p->alt);
	p->alt = p->conn;
	p->conn = c;
	send_open(c);
	loop_timer_arm_ms(bgp->loop, &p->t_hold, BGP_OPENSENT_HOLD_S * 1000LL);
	fsm_set(p, BGP_OPENSENT, "incoming connection");
}

/* Closes one connection after an error on it; the peer goes Idle if it
 * was the primary. */
static void conn_fail(struct bgp_conn *c, const struct bgp_disp *d,
		      const char *why)
{
	struct bgp_peer *p = c->peer;
	if (d != NULL && d->kind == BGP_RESET)
		send_notification(c, d->code, d->sub, d->data, d->data_len);
	if (c != p->conn) {
		conn_free(c);
		return;
	}
	bool graceful = d == NULL && p->state == BGP_ESTABLISHED;
	fsm_set_ex(p, BGP_IDLE, why, graceful);
}

static void fsm_error(struct bgp_conn *c, uint8_t type)
{
	uint8_t sub = c->st == BGP_OPENSENT ? BGP_SUB_FSM_OPENSENT :
		      c->st == BGP_OPENCONFIRM ? BGP_SUB_FSM_OPENCONFIRM :
						 BGP_SUB_FSM_ESTABLISHED;
	/* RFC 6608 4: data = the type of the unexpected message. */
	struct bgp_disp d = bgp_disp_reset(BGP_ERR_FSM, sub, &type, 1);
	char why[64];
	snprintf(why, sizeof(why), "unexpected %s", bgp_msg_name(type));
	conn_fail(c, &d, why);
}

static bool session_open(struct bgp_conn *c, struct rd *body);
static bool session_notification(struct bgp_conn *c, struct rd *body);

static bool on_keepalive_msg(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	if (c->st == BGP_OPENSENT) {
		fsm_error(c, BGP_MSG_KEEPALIVE);
		return false;
	}
	if (c->st == BGP_OPENCONFIRM) {
		c->st = BGP_ESTABLISHED;
		fsm_set(p, BGP_ESTABLISHED, "KEEPALIVE received");
	}
	return true;
}

static bool on_refresh(struct bgp_conn *c, struct rd *body, const uint8_t *msg,
		       size_t msg_len)
{
	struct bgp_peer *p = c->peer;
	if (c->st != BGP_ESTABLISHED) {
		fsm_error(c, BGP_MSG_ROUTE_REFRESH);
		return false;
	}
	uint16_t afi;
	uint8_t safi;
	struct bgp_disp d = bgp_refresh_decode(body, &afi, &safi);
	if (d.kind != BGP_OK) {
		/* RFC 7313 5: the data is the complete ROUTE-REFRESH message. */
		send_notification(c, d.code, d.sub, msg, msg_len);
		struct bgp_disp sent = { .kind = BGP_OK };
		conn_fail(c, &sent, "bad ROUTE-REFRESH");
		return false;
	}
	/* RFC 2918 4: unknown or not negotiated AFI/SAFI are ignored. */
	if (safi == BGP_SAFI_UNICAST && afi == BGP_AFI_IPV4 && p->v4)
		bgp_export_full(p, AF_INET);
	else if (safi == BGP_SAFI_UNICAST && afi == BGP_AFI_IPV6 && p->v6)
		bgp_export_full(p, AF_INET6);
	return true;
}

/* Dispatch one message (msg: the whole message, body: after the header);
 * false if the connection is gone. */
static bool dispatch(struct bgp_conn *c, uint8_t type, struct rd *body,
		     const uint8_t *msg, size_t msg_len)
{
	struct bgp_peer *p = c->peer;
	p->st.msgs_in[type]++;
	switch (type) {
	case BGP_MSG_OPEN:
		if (c->st != BGP_OPENSENT) {
			fsm_error(c, type);
			return false;
		}
		return session_open(c, body);
	case BGP_MSG_KEEPALIVE:
		return on_keepalive_msg(c);
	case BGP_MSG_UPDATE:
		if (c->st != BGP_ESTABLISHED) {
			fsm_error(c, type);
			return false;
		}
		bgp_import_update(p, body);
		return p->conn == c; /* max-prefix or an error may close it */
	case BGP_MSG_NOTIFICATION:
		return session_notification(c, body);
	case BGP_MSG_ROUTE_REFRESH:
		return on_refresh(c, body, msg, msg_len);
	}
	return true;
}

/* Parses every complete message in the buffer; false if c is gone. */
static bool process_input(struct bgp_conn *c)
{
	size_t off = 0;
	bool alive = true;
	while (alive && c->rlen - off >= BGP_HEADER_LEN) {
		uint8_t type;
		uint16_t len;
		struct bgp_disp d = bgp_header_check(c->rbuf + off, &type, &len);
		if (d.kind != BGP_OK) {
			conn_fail(c, &d, "bad message header");
			return false;
		}
		if (c->rlen - off < len)
			break;
		struct rd body;
		const uint8_t *msg = c->rbuf + off;
		rd_init(&body, msg + BGP_HEADER_LEN, len - BGP_HEADER_LEN);
		off += len;
		alive = dispatch(c, type, &body, msg, len);
	}
	if (!alive)
		return false;
	memmove(c->rbuf, c->rbuf + off, c->rlen - off);
	c->rlen -= off;
	return true;
}

static void conn_read(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	bool got = false;
	for (int rounds = 0; rounds < 64; rounds++) {
		ssize_t n = read(c->fd, c->rbuf + c->rlen, BGP_RBUF_SIZE - c->rlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0) {
			conn_fail(c, NULL, n == 0 ? "connection closed by peer" :
						    strerror(errno));
			return;
		}
		c->rlen += (size_t)n;
		got = true;
		if (!process_input(c))
			return;
		if ((size_t)n < BGP_RBUF_SIZE / 2)
			break; /* drained; save a read() returning EAGAIN */
	}
	if (got && c == p->conn && p->hold > 0 && c->st >= BGP_OPENCONFIRM)
		loop_timer_arm_ms(p->bgp->loop, &p->t_hold, (int64_t)p->hold * 1000);
	if (got && c == p->conn && c->st == BGP_ESTABLISHED)
		bgp_export_flush_all(p->bgp);
}

static void conn_io(void *arg, int fd, uint32_t events)
{
	struct bgp_conn *c = arg;
	struct bgp_peer *p = c->peer;
	if (c->connecting) {
		connect_done(c);
		return;
	}
	if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
		conn_read(c);
		/* c may be freed now: look it up again */
		if (p->conn != c && p->alt != c)
			return;
	}
	if (events & EPOLLOUT) {
		bgp_conn_flush(c);
		if (c == p->conn && c->st == BGP_ESTABLISHED)
			bgp_export_flush(p);
	}
}

/* ---- OPEN and NOTIFICATION handling ---- */

/* RFC 4271 6.8: keep the connection initiated by the higher BGP Id. */
static bool resolve_collision(struct bgp_conn *c)
{
	struct bgp_peer *p = c->peer;
	struct bgp_conn *o = c == p->conn ? p->alt : p->conn;
	if (o == NULL) {
		/* nothing to resolve */
	} else if (o->connecting) {
		/* still connecting: resolved if it completes (connect_done) */
	} else if (o->st < BGP_OPENSENT) {
		conn_free(o);
	} else {
		uint32_t local_id = ip_addr_v4_host(&p->bgp->cfg.router_id);
		bool keep_incoming = local_id < c->ropen.bgp_id;
		struct bgp_conn *loser = (c->outgoing == keep_incoming) ? c : o;
		vlog(VLOG_INFO, "bgp", p->ctx,
		     "connection collision: keeping the %s connection (fd %d/%d)",
		     keep_incoming ? "incoming" : "outgoing", c->fd, o->fd);
		send_notification(loser, BGP_ERR_CEASE, BGP_SUB_CEASE_COLLISION,
				  NULL, 0);
		conn_free(loser);
		if (loser == c)
			return false;
	}
	if (p->conn != c) {
		/* c becomes primary; a still-connecting primary becomes alt */
		p->alt = p->conn;
		p->conn = c;
	}
	return true;
}

static struct bgp_disp check_open(struct bgp_peer *p, const struct bgp_open *o)
{
	uint32_t as = o->cap_as4 ? o->as4 : o->my_as;
	if (as != p->cfg.remote_as)
		return bgp_disp_reset(BGP_ERR_OPEN, BGP_SUB_OPEN_PEER_AS, NULL, 0);
	if (o->cap_as4 && o->my_as != BGP_AS_TRANS && o->my_as != o->as4)
		return bgp_disp_reset(BGP_ERR_OPEN, BGP_SUB_OPEN_PEER_AS, NULL, 0);
	/* RFC 6286 2.2: a BGP Identifier equal to ours only clashes in iBGP. */
	if (!p->ebgp && o->bgp_id == ip_addr_v4_host(&p->bgp->cfg.router_id))
		return bgp_disp_reset(BGP_ERR_OPEN, BGP_SUB_OPEN_BGP_ID, NULL, 0);
	return (struct bgp_disp){ .kind = BGP_OK };
}

static void negotiate(struct bgp_peer *p, const struct bgp_open *o)
{
	uint16_t mine = p->cfg.hold_time;
	p->hold = o->hold_time < mine ? o->hold_time : mine;
	uint16_t ka = p->cfg.keepalive ? p->cfg.keepalive : p->hold / 3;
	if (ka > p->hold / 3)
		ka = p->hold / 3;
	p->keepalive = p->hold ? ka : 0;
	p->as4 = o->cap_as4;
	p->rr = o->cap_rr;
	p->v4 = o->af_v4;
	p->v6 = o->af_v6 && p->cfg.ipv6;
	/* RFC 4724 4.2: routes are retained only for the address families the
	 * peer listed; a GR-aware peer that lists none (it cannot preserve
	 * forwarding, e.g. a vgwd whose userspace dataplane dies with it) gets
	 * its routes removed at once. */
	p->peer_gr = o->cap_gr; /* GR-aware: End-of-RIB, restart detection */
	p->peer_gr_afs = (uint8_t)((o->cap_gr && o->gr_af[0] ? 1 : 0) |
				   (o->cap_gr && o->gr_af[1] ? 2 : 0));
	p->peer_gr_time = o->gr_time;
	p->remote_id = o->bgp_id;
}

static bool session_open(struct bgp_conn *c, struct rd *body)
{
	struct bgp_peer *p = c->peer;
	struct bgp_open o;
	struct bgp_disp d = bgp_open_decode(body, &o);
	if (d.kind == BGP_OK)
		d = check_open(p, &o);
	if (d.kind != BGP_OK) {
		conn_fail(c, &d, "bad OPEN");
		return false;
	}
	c->ropen = o;
	c->got_open = true;
	if (!resolve_collision(c))
		return false;
	negotiate(p, &o);
	if (o.n_unknown_caps > 0)
		vlog(VLOG_DEBUG, "bgp", p->ctx, "ignored %u unknown capabilities",
		     o.n_unknown_caps);
	send_keepalive(c);
	c->st = BGP_OPENCONFIRM;
	if (p->hold > 0)
		loop_timer_arm_ms(p->bgp->loop, &p->t_hold, (int64_t)p->hold * 1000);
	else
		loop_timer_cancel(p->bgp->loop, &p->t_hold);
	if (p->keepalive > 0)
		loop_timer_arm_ms(p->bgp->loop, &p->t_keepalive,
				  (int64_t)p->keepalive * 1000);
	char why[96];
	snprintf(why, sizeof(why), "OPEN received, hold %u keepalive %u",
		 p->hold, p->keepalive);
	fsm_set(p, BGP_OPENCONFIRM, why);
	return true;
}

static bool session_notification(struct bgp_conn *c, struct rd *body)
{
	struct bgp_peer *p = c->peer;
	struct bgp_notif n;
	char text[300] = "NOTIFICATION (truncated)";
	if (bgp_notif_decode(body, &n))
		bgp_notif_format(&n, text, sizeof(text));
	vlog(VLOG_WARN, "bgp", p->ctx, "received NOTIFICATION %s", text);
	bgp_peer_set_error(p, "received %s", text);
	p->st.notif_in++;
	char why[340];
	snprintf(why, sizeof(why), "received %s", text);
	/* RFC 4724: a NOTIFICATION ends the session without GR retention. */
	struct bgp_disp none = { .kind = BGP_OK };
	conn_fail(c, &none, why);
	return false;
}
