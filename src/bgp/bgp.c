/*
 * The speaker object: lifecycle, listeners, peer management and local
 * origination. Sessions live in session.c, the RIB in rib.c/import.c,
 * export in export.c, introspection in json.c.
 */
#include "bgp/bgp_priv.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>


struct bgp_peer *bgp_peer_by_name(const struct bgp *bgp, const char *name)
{
	if (name == NULL)
		return NULL;
	for (int i = 1; i < BGP_NSRC; i++) {
		struct bgp_peer *p = bgp->peers[i];
		if (p != NULL && strcmp(p->name, name) == 0)
			return p;
	}
	return NULL;
}

/* ---- listeners ---- */

static struct ip_addr from_sockaddr(const struct sockaddr_storage *ss)
{
	struct ip_addr a = { 0 };
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		a.family = AF_INET;
		memcpy(a.a, &s4->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
						    0xff, 0xff };
		a.family = AF_INET6;
		memcpy(a.a, &s6->sin6_addr, 16);
		if (memcmp(a.a, mapped, 12) == 0) {
			a.family = AF_INET;
			memmove(a.a, a.a + 12, 4);
			memset(a.a + 4, 0, 12);
		}
	}
	return a;
}

static void on_accept(void *arg, int fd, uint32_t events)
{
	struct bgp *bgp = arg;
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int c = accept4(fd, (struct sockaddr *)&ss, &sl,
				SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0)
			return;
		struct ip_addr remote = from_sockaddr(&ss);
		sl = sizeof(ss);
		getsockname(c, (struct sockaddr *)&ss, &sl);
		struct ip_addr local = from_sockaddr(&ss);
		bgp_session_accept(bgp, c, &remote, &local);
	}
}

static int listen_one(struct bgp *bgp, const struct ip_addr *a)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	socklen_t sl;
	int fam = a->family;
	if (fam == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(bgp->cfg.port);
		memcpy(&s6->sin6_addr, a->a, 16);
		sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(bgp->cfg.port);
		memcpy(&s4->sin_addr, a->a, 4);
		sl = sizeof(*s4);
	}
	int fd = socket(fam, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fam == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 64) != 0 ||
	    loop_io_add(bgp->loop, fd, EPOLLIN, on_accept, bgp) != 0) {
		int err = -errno;
		close(fd);
		return err;
	}
	bgp->lfd[bgp->n_lfd++] = fd;
	return 0;
}

static bool start_listening(struct bgp *bgp)
{
	if (bgp->cfg.port == 0)
		return true;
	char buf[IP_ADDR_STRLEN];
	if (bgp->cfg.n_listen == 0) {
		struct ip_addr any4 = { .family = AF_INET };
		struct ip_addr any6 = { .family = AF_INET6 };
		if (listen_one(bgp, &any4) != 0)
			return false;
		listen_one(bgp, &any6); /* IPv6 may be disabled: not fatal */
		vlog(VLOG_INFO, "bgp", "", "listening on port %u", bgp->cfg.port);
		return true;
	}
	for (size_t i = 0; i < bgp->cfg.n_listen && i < BGP_MAX_LISTEN; i++) {
		int rc = listen_one(bgp, &bgp->cfg.listen[i]);
		ip_addr_fmt(&bgp->cfg.listen[i], buf, sizeof(buf));
		if (rc != 0) {
			vlog(VLOG_ERR, "bgp", "", "listen on %s port %u: %s", buf,
			     bgp->cfg.port, strerror(-rc));
			return false;
		}
		vlog(VLOG_INFO, "bgp", "", "listening on %s port %u", buf,
		     bgp->cfg.port);
	}
	return true;
}

/* ---- speaker ---- */

static struct bgp_attrs *make_local_attrs(struct bgp *bgp, uint8_t family)
{
	struct bgp_attrs a = { .origin = BGP_ORIGIN_IGP };
	a.nexthop.family = family; /* zero address: next hop self on export */
	return bgp_attrs_intern(&bgp->rib.attrs, &a);
}

struct bgp *bgp_new(struct loop *loop, const struct bgp_config *cfg,
		    const struct bgp_hooks *hooks, void *arg)
{
	if (cfg->asn == 0 || ip_addr_v4_host(&cfg->router_id) == 0 ||
	    cfg->router_id.family != AF_INET) {
		vlog(VLOG_ERR, "bgp", "", "invalid config: asn and IPv4 router id needed");
		return NULL;
	}
	struct bgp *bgp = calloc(1, sizeof(*bgp));
	if (bgp == NULL)
		return NULL;
	bgp->loop = loop;
	bgp->cfg = *cfg;
	if (bgp->cfg.gr_restart_time == 0)
		bgp->cfg.gr_restart_time = 120;
	if (hooks != NULL)
		bgp->hooks = *hooks;
	bgp->arg = arg;
	bgp_rib_init(&bgp->rib);
	bgp->rib.src[BGP_SRC_LOCAL] = (struct bgp_src){
		.used = true, .local = true, .as = cfg->asn,
		.router_id = ip_addr_v4_host(&cfg->router_id), .name = "local" };
	bgp->dcfg = (struct bgp_decide_cfg){ .multipath = cfg->multipath,
					     .max_paths = cfg->max_paths,
					     .igp_cost = bgp->hooks.igp_cost,
					     .arg = arg };
	bgp->local_attrs[0] = make_local_attrs(bgp, AF_INET);
	bgp->local_attrs[1] = make_local_attrs(bgp, AF_INET6);
	if (bgp->local_attrs[0] == NULL || bgp->local_attrs[1] == NULL ||
	    !start_listening(bgp)) {
		bgp_free(bgp);
		return NULL;
	}
	return bgp;
}

static void peer_free(struct bgp_peer *p)
{
	struct loop *loop = p->bgp->loop;
	bgp_peer_free_conns(p);
	loop_timer_cancel(loop, &p->t_connect);
	loop_timer_cancel(loop, &p->t_hold);
	loop_timer_cancel(loop, &p->t_keepalive);
	loop_timer_cancel(loop, &p->t_idle);
	loop_timer_cancel(loop, &p->t_gr);
	loop_timer_cancel(loop, &p->t_mrai);
	bgp_export_reset(p);
	free(p->q);
	bgp_policy_store_free(&p->imp_store);
	bgp_policy_store_free(&p->exp_store);
	free(p);
}

void bgp_free(struct bgp *bgp)
{
	if (bgp == NULL)
		return;
	/* The daemon is tearing down: no more callbacks into it. */
	bgp->hooks.route_changed = NULL;
	bgp->hooks.peer_state = NULL;
	for (int i = 1; i < BGP_NSRC; i++) {
		struct bgp_peer *p = bgp->peers[i];
		if (p == NULL)
			continue;
		if (p->conn != NULL && p->state >= BGP_OPENSENT)
			bgp_session_stop(p, BGP_ERR_CEASE, BGP_SUB_CEASE_DECONFIGURED,
					 NULL, 0, "speaker stopped");
		peer_free(p);
		bgp->peers[i] = NULL;
	}
	for (size_t i = 0; i < bgp->n_lfd; i++) {
		loop_io_del(bgp->loop, bgp->lfd[i]);
		close(bgp->lfd[i]);
	}
	bgp_rib_free(&bgp->rib); /* also drops local_attrs */
	free(bgp->gc);
	free(bgp);
}

/* ---- peers ---- */

static int validate_peer(const struct bgp_peer_config *pc)
{
	if (pc->name == NULL || pc->name[0] == '\0' || strlen(pc->name) >= 64 ||
	    !ip_addr_is_set(&pc->remote) || pc->remote_as == 0 ||
	    pc->hold_time == 1 || pc->hold_time == 2)
		return -EINVAL;
	return 0;
}

static int apply_config(struct bgp_peer *p, const struct bgp_peer_config *pc)
{
	struct bgp_policy_store is, es;
	struct bgp_policy imp, exp;
	if (!bgp_policy_copy(&imp, &is, &pc->import))
		return -ENOMEM;
	if (!bgp_policy_copy(&exp, &es, &pc->export)) {
		bgp_policy_store_free(&is);
		return -ENOMEM;
	}
	bgp_policy_store_free(&p->imp_store);
	bgp_policy_store_free(&p->exp_store);
	p->imp_store = is;
	p->exp_store = es;
	p->cfg = *pc;
	p->cfg.name = p->name;
	p->cfg.import = imp;
	p->cfg.export = exp;
	if (p->cfg.hold_time == 0)
		p->cfg.hold_time = 90;
	p->ebgp = pc->remote_as != p->bgp->cfg.asn;
	char a[IP_ADDR_STRLEN];
	snprintf(p->ctx, sizeof(p->ctx), "peer %s AS%u",
		 ip_addr_fmt(&pc->remote, a, sizeof(a)), pc->remote_as);
	struct bgp_src *s = &p->bgp->rib.src[p->slot];
	s->used = true;
	s->ebgp = p->ebgp;
	s->as = pc->remote_as;
	s->addr = pc->remote;
	s->name = p->name;
	return 0;
}

int bgp_peer_add(struct bgp *bgp, const struct bgp_peer_config *pc)
{
	int rc = validate_peer(pc);
	if (rc != 0)
		return rc;
	if (bgp_peer_by_name(bgp, pc->name) != NULL)
		return -EEXIST;
	int slot = 1;
	while (slot < BGP_NSRC && bgp->peers[slot] != NULL)
		slot++;
	if (slot == BGP_NSRC)
		return -ENOSPC;
	struct bgp_peer *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return -ENOMEM;
	p->bgp = bgp;
	p->slot = (uint8_t)slot;
	p->state = BGP_IDLE;
	snprintf(p->name, sizeof(p->name), "%s", pc->name);
	rc = apply_config(p, pc);
	if (rc != 0) {
		free(p);
		return rc;
	}
	p->idle_hold_ms = pc->idle_hold_ms ? pc->idle_hold_ms : 1000;
	log_limit_init(&p->lim, 10, 60);
	bgp_session_timers_init(p);
	bgp->peers[slot] = p;
	vlog(VLOG_INFO, "bgp", p->ctx, "configured (%s, %s)",
	     p->ebgp ? "eBGP" : "iBGP", pc->passive ? "passive" : "active");
	p->admin_down = pc->disabled;
	if (!p->admin_down)
		bgp_session_start(p);
	return 0;
}

int bgp_peer_remove(struct bgp *bgp, const char *name)
{
	struct bgp_peer *p = bgp_peer_by_name(bgp, name);
	if (p == NULL)
		return -ENOENT;
	p->admin_down = true;
	bgp_session_stop(p, BGP_ERR_CEASE, BGP_SUB_CEASE_DECONFIGURED, NULL, 0,
			 "peer removed");
	bgp_import_flush_peer(p, 0); /* also stale routes */
	bgp->peers[p->slot] = NULL;
	memset(&bgp->rib.src[p->slot], 0, sizeof(bgp->rib.src[p->slot]));
	peer_free(p);
	bgp_gc_run(bgp);
	return 0;
}

static bool needs_reset(const struct bgp_peer_config *a,
			const struct bgp_peer_config *b)
{
	return !ip_addr_eq(&a->remote, &b->remote) ||
	       !ip_addr_eq(&a->local, &b->local) || a->remote_as != b->remote_as ||
	       a->hold_time != b->hold_time || a->passive != b->passive ||
	       a->multihop_ttl != b->multihop_ttl || a->port != b->port ||
	       a->gr_helper != b->gr_helper || a->ipv6 != b->ipv6 ||
	       a->keepalive != b->keepalive;
}

int bgp_peer_update_config(struct bgp *bgp, const struct bgp_peer_config *pc)
{
	struct bgp_peer *p = bgp_peer_by_name(bgp, pc->name);
	if (p == NULL)
		return -ENOENT;
	int rc = validate_peer(pc);
	if (rc != 0)
		return rc;
	struct bgp_peer_config old = p->cfg;
	if (old.hold_time == 90 && pc->hold_time == 0)
		old.hold_time = 0;
	bool reset = needs_reset(&old, pc);
	rc = apply_config(p, pc);
	if (rc != 0)
		return rc;
	if (reset) {
		bgp_session_stop(p, BGP_ERR_CEASE, BGP_SUB_CEASE_CONFIG_CHANGE,
				 NULL, 0, "configuration changed");
		return 0;
	}
	if (p->state == BGP_ESTABLISHED) {
		/* Soft: re-evaluate exports, ask the peer to resend. */
		bgp_export_reset(p);
		if (p->v4)
			bgp_export_full(p, AF_INET);
		if (p->v6)
			bgp_export_full(p, AF_INET6);
		bgp_export_flush(p);
		if (p->rr)
			bgp_peer_refresh(bgp, p->name);
	}
	return 0;
}

int bgp_peer_shutdown(struct bgp *bgp, const char *name,
		      const char *communication)
{
	struct bgp_peer *p = bgp_peer_by_name(bgp, name);
	if (p == NULL)
		return -ENOENT;
	uint8_t data[256];
	size_t n = bgp_shutdown_comm_encode(communication, data);
	p->admin_down = true;
	loop_timer_cancel(bgp->loop, &p->t_idle);
	bgp_session_stop(p, BGP_ERR_CEASE, BGP_SUB_CEASE_SHUTDOWN, data,
			 n > 1 ? n : 0, "administrative shutdown");
	return 0;
}

int bgp_peer_enable(struct bgp *bgp, const char *name)
{
	struct bgp_peer *p = bgp_peer_by_name(bgp, name);
	if (p == NULL)
		return -ENOENT;
	p->admin_down = false;
	p->maxpfx_down = false;
	p->idle_hold_ms = p->cfg.idle_hold_ms ? p->cfg.idle_hold_ms : 1000;
	bgp_session_start(p);
	return 0;
}

int bgp_peer_clear(struct bgp *bgp, const char *name)
{
	struct bgp_peer *p = bgp_peer_by_name(bgp, name);
	if (p == NULL)
		return -ENOENT;
	p->maxpfx_down = false;
	bgp_session_stop(p, BGP_ERR_CEASE, BGP_SUB_CEASE_RESET, NULL, 0,
			 "administrative reset");
	return 0;
}

int bgp_peer_refresh(struct bgp *bgp, const char *name)
{
	struct bgp_peer *p = bgp_peer_by_name(bgp, name);
	if (p == NULL)
		return -ENOENT;
	if (p->state != BGP_ESTABLISHED || p->conn == NULL)
		return -EAGAIN;
	if (!p->rr)
		return -ENOTSUP;
	for (int af = 0; af < 2; af++) {
		if (af == 0 ? !p->v4 : !p->v6)
			continue;
		uint8_t msg[32];
		struct wr w;
		wr_init(&w, msg, sizeof(msg));
		bgp_refresh_encode(&w, af == 0 ? BGP_AFI_IPV4 : BGP_AFI_IPV6,
				   BGP_SAFI_UNICAST);
		bgp_conn_send(p->conn, msg, wr_len(&w));
	}
	return 0;
}

int bgp_peer_state(const struct bgp *bgp, const char *name)
{
	struct bgp_peer *p = bgp_peer_by_name(bgp, name);
	return p ? p->state : -ENOENT;
}

/* ---- origination ---- */

static int check_prefix(const struct ip_prefix *p)
{
	if (p == NULL || (p->addr.family != AF_INET && p->addr.family != AF_INET6) ||
	    p->len > (p->addr.family == AF_INET ? 32 : 128) ||
	    !ip_prefix_is_canonical(p))
		return -EINVAL;
	return 0;
}

int bgp_originate(struct bgp *bgp, const struct ip_prefix *p)
{
	int rc = check_prefix(p);
	if (rc != 0)
		return rc;
	struct bgp_rnode *rn = bgp_rib_get(&bgp->rib, p);
	if (rn == NULL)
		return -ENOMEM;
	struct bgp_attrs *a = bgp->local_attrs[p->addr.family == AF_INET6];
	rc = bgp_rib_set_path(&bgp->rib, rn, BGP_SRC_LOCAL, bgp_attrs_ref(a));
	if (rc < 0)
		return -ENOMEM;
	if (rc > 0)
		bgp_rib_changed(bgp, rn, false, 0);
	bgp_export_flush_all(bgp);
	return 0;
}

int bgp_withdraw(struct bgp *bgp, const struct ip_prefix *p)
{
	int rc = check_prefix(p);
	if (rc != 0)
		return rc;
	struct bgp_rnode *rn = bgp_rib_find(&bgp->rib, p);
	struct bgp_rpath *path = rn ? bgp_rnode_path(rn, BGP_SRC_LOCAL) : NULL;
	if (path == NULL)
		return -ENOENT;
	uint8_t flags = path->flags;
	bgp_rib_del_path(&bgp->rib, rn, BGP_SRC_LOCAL);
	bgp_rib_changed(bgp, rn, (flags & BGP_RP_MULTIPATH) != 0, flags);
	bgp_export_flush_all(bgp);
	return 0;
}

size_t bgp_route_count(const struct bgp *bgp)
{
	return bgp->rib.n_routes;
}
