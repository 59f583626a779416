/*
 * Dataplane lifecycle: sockets, tunnels (TUN devices), SA installation and
 * the SPI map used to demux inbound ESP across all tunnels.
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "base/log.h"
#include "crypto/cipher.h"
#include "io/dp_priv.h"
#include "io/io_priv.h"

#define DP_DEFAULT_MTU 1400
#define DP_DEFAULT_SOCKBUF (4u << 20)
#define DP_PATH_MTU 1500

static void endpoint_to_sa(const struct dp_endpoint *ep,
			   struct sockaddr_storage *ss, socklen_t *sl)
{
	memset(ss, 0, sizeof(*ss));
	if (ep->addr.family == AF_INET6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(ep->port);
		memcpy(&s6->sin6_addr, ep->addr.a, 16);
		*sl = sizeof(*s6);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
		s4->sin_family = AF_INET;
		s4->sin_port = htons(ep->port);
		memcpy(&s4->sin_addr, ep->addr.a, 4);
		*sl = sizeof(*s4);
	}
}

void dp_endpoint_from_sa(const struct sockaddr_storage *ss,
			 struct dp_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		ep->addr.family = AF_INET6;
		memcpy(ep->addr.a, &s6->sin6_addr, 16);
		ep->port = ntohs(s6->sin6_port);
	} else if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		ep->addr.family = AF_INET;
		memcpy(ep->addr.a, &s4->sin_addr, 4);
		ep->port = ntohs(s4->sin_port);
	}
}

/* ---- SPI map: open addressing, linear probing, rebuilt on resize ---- */

static size_t spi_hash(uint32_t spi, size_t cap)
{
	return (size_t)((spi * 2654435761u) & (uint32_t)(cap - 1));
}

struct dp_spi_slot *dp_spi_find(struct dp *dp, uint32_t spi)
{
	if (spi == 0 || dp->spi_cap == 0)
		return NULL;
	for (size_t i = spi_hash(spi, dp->spi_cap);; i = (i + 1) & (dp->spi_cap - 1)) {
		struct dp_spi_slot *s = &dp->spi_tab[i];
		if (s->spi == spi)
			return s;
		if (s->spi == 0)
			return NULL;
	}
}

static int spi_rebuild(struct dp *dp, size_t cap)
{
	struct dp_spi_slot *tab = calloc(cap, sizeof(*tab));
	if (tab == NULL)
		return -ENOMEM;
	struct dp_spi_slot *old = dp->spi_tab;
	size_t old_cap = dp->spi_cap;
	dp->spi_tab = tab;
	dp->spi_cap = cap;
	dp->spi_used = 0;
	for (struct dp_tunnel *t = dp->tunnels; t != NULL; t = t->next) {
		for (int k = 0; k < t->nin; k++) {
			uint32_t spi = esp_sa_spi(t->in[k]);
			size_t i = spi_hash(spi, cap);
			while (tab[i].spi != 0)
				i = (i + 1) & (cap - 1);
			tab[i] = (struct dp_spi_slot){ spi, t, t->in[k] };
			dp->spi_used++;
		}
	}
	(void)old_cap;
	free(old);
	return 0;
}

/* Rebuild after any change: removals need it (probing), sizes are small. */
static int spi_sync(struct dp *dp)
{
	size_t n = 0;
	for (struct dp_tunnel *t = dp->tunnels; t != NULL; t = t->next)
		n += (size_t)t->nin;
	size_t cap = 16;
	while (cap < n * 2 + 2)
		cap *= 2;
	return spi_rebuild(dp, cap);
}

/* ---- dataplane ---- */

struct dp *dp_new(struct loop *loop, const struct dp_config *cfg,
		  const struct dp_hooks *hooks)
{
	struct dp *dp = calloc(1, sizeof(*dp));
	if (dp == NULL)
		return NULL;
	dp->loop = loop;
	dp->cfg = *cfg;
	if (dp->cfg.sock_buf == 0)
		dp->cfg.sock_buf = DP_DEFAULT_SOCKBUF;
	if (hooks != NULL)
		dp->hooks = *hooks;
	dp->fd_ike = dp->fd_natt = -1;
	dp->tun_buf = malloc(DP_TUN_BUF);
	dp->tx_arena = malloc(DP_TX_ARENA);
	dp->rx_buf = malloc((size_t)DP_RX_BATCH * DP_RX_BUF);
	int rc = -ENOMEM;
	dp->lanes = 1;
	if (cfg->crypto_threads > 0) {
		dp->pool = dp_cpool_new(cfg->crypto_threads);
		dp->tx_items = calloc(DP_TX_ITEMS, sizeof(*dp->tx_items));
		dp->rx_items = calloc(DP_RX_ITEMS, sizeof(*dp->rx_items));
		dp->lanes = 1 + cfg->crypto_threads;
	}
	bool pool_ok = cfg->crypto_threads == 0 ||
		       (dp->pool && dp->tx_items && dp->rx_items);
	if (dp->tun_buf && dp->tx_arena && dp->rx_buf && pool_ok)
		rc = spi_sync(dp);
	if (rc == 0) {
		dp->fd_natt = io_udp_open(&cfg->local, cfg->natt_port,
					  dp->cfg.sock_buf, true);
		rc = dp->fd_natt < 0 ? dp->fd_natt : 0;
	}
	if (rc == 0 && cfg->ike_port != 0) {
		dp->fd_ike = io_udp_open(&cfg->local, cfg->ike_port,
					 256u << 10, false);
		rc = dp->fd_ike < 0 ? dp->fd_ike : 0;
	}
	if (rc == 0)
		rc = loop_io_add(loop, dp->fd_natt, EPOLLIN, dp_natt_readable, dp);
	if (rc == 0 && dp->fd_ike >= 0)
		rc = loop_io_add(loop, dp->fd_ike, EPOLLIN, dp_ike_readable, dp);
	if (rc != 0) {
		dp_free(dp);
		errno = -rc;
		return NULL;
	}
	return dp;
}

void dp_free(struct dp *dp)
{
	if (dp == NULL)
		return;
	while (dp->tunnels != NULL)
		dp_tunnel_remove(dp, dp->tunnels);
	if (dp->fd_natt >= 0) {
		loop_io_del(dp->loop, dp->fd_natt);
		close(dp->fd_natt);
	}
	if (dp->fd_ike >= 0) {
		loop_io_del(dp->loop, dp->fd_ike);
		close(dp->fd_ike);
	}
	dp_cpool_free(dp->pool);
	free(dp->tx_items);
	free(dp->rx_items);
	free(dp->spi_tab);
	free(dp->tun_buf);
	free(dp->tx_arena);
	free(dp->rx_buf);
	free(dp);
}

int dp_send_ike(struct dp *dp, uint16_t local_port,
		const struct dp_endpoint *remote, const uint8_t *pkt,
		size_t len)
{
	static const uint8_t marker[4] = { 0, 0, 0, 0 };
	int fd;
	struct iovec iov[2];
	int n = 0;
	if (local_port == dp->cfg.natt_port) {
		fd = dp->fd_natt;
		iov[n++] = (struct iovec){ (void *)marker, sizeof(marker) };
	} else if (local_port == dp->cfg.ike_port && dp->fd_ike >= 0) {
		fd = dp->fd_ike;
	} else {
		return -EINVAL;
	}
	iov[n++] = (struct iovec){ (void *)pkt, len };
	struct sockaddr_storage ss;
	socklen_t sl;
	endpoint_to_sa(remote, &ss, &sl);
	struct msghdr mh = { .msg_name = &ss, .msg_namelen = sl,
			     .msg_iov = iov, .msg_iovlen = (size_t)n };
	if (sendmsg(fd, &mh, 0) < 0) {
		dp->ike_tx_errors++;
		return -errno;
	}
	return 0;
}

static int tunnel_open(struct dp *dp, struct dp_tunnel *t,
		       const struct dp_tunnel_config *cfg)
{
	t->fd = io_tun_open(cfg->ifname, &t->offloads);
	if (t->fd < 0)
		return t->fd;
	t->ifindex = (int)if_nametoindex(cfg->ifname);
	if (t->ifindex == 0)
		return -errno;
	int rc = io_link_setup(t->ifindex, t->mtu);
	if (rc == 0 && ip_addr_is_set(&cfg->inside))
		rc = io_link_addr(t->ifindex, &cfg->inside, cfg->inside_len,
				  &cfg->inside_peer);
	if (rc == 0)
		rc = loop_io_add(dp->loop, t->fd, EPOLLIN, dp_tun_readable, t);
	return rc;
}

struct dp_tunnel *dp_tunnel_add(struct dp *dp,
				const struct dp_tunnel_config *cfg)
{
	struct dp_tunnel *t = calloc(1, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->gro = malloc(sizeof(*t->gro));
	t->dp = dp;
	t->fd = -1;
	snprintf(t->name, sizeof(t->name), "%s", cfg->name ? cfg->name : cfg->ifname);
	snprintf(t->ifname, sizeof(t->ifname), "%s", cfg->ifname);
	t->remote = cfg->remote;
	endpoint_to_sa(&cfg->remote, &t->remote_sa, &t->remote_sl);
	t->mtu = cfg->mtu ? cfg->mtu : DP_DEFAULT_MTU;
	t->mss = cfg->mss ? cfg->mss : (uint16_t)(t->mtu - 40);
	t->auto_mtu = cfg->mtu == 0;
	t->auto_mss = cfg->mss == 0;
	t->clamp = !cfg->no_mss_clamp;
	int rc = t->gro ? tunnel_open(dp, t, cfg) : -ENOMEM;
	if (rc != 0) {
		vlog(VLOG_ERR, "io", t->name, "tunnel %s: %s", t->ifname,
		     strerror(-rc));
		if (t->fd >= 0) {
			loop_io_del(dp->loop, t->fd);
			close(t->fd);
		}
		free(t->gro);
		free(t);
		errno = -rc;
		return NULL;
	}
	io_gro_reset(t->gro);
	t->next = dp->tunnels;
	dp->tunnels = t;
	vlog(VLOG_INFO, "io", t->name, "tunnel up on %s (ifindex %d, mtu %u%s)",
	     t->ifname, t->ifindex, t->mtu, t->offloads ? ", offloads" : "");
	return t;
}

void dp_tunnel_remove(struct dp *dp, struct dp_tunnel *t)
{
	if (t == NULL)
		return;
	/* Pending transmit messages may point at t: send them first. */
	dp_tx_flush(dp);
	for (struct dp_tunnel **pp = &dp->tunnels; *pp; pp = &(*pp)->next) {
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	}
	for (int k = 0; k < t->nin; k++)
		esp_sa_free(t->in[k]);
	esp_sa_free(t->out);
	esp_sa_free(t->out_prev);
	(void)spi_sync(dp);
	loop_io_del(dp->loop, t->fd);
	close(t->fd);
	vlog(VLOG_INFO, "io", t->name, "tunnel removed");
	free(t->gro);
	free(t);
}

int dp_tunnel_ifindex(const struct dp_tunnel *t)
{
	return t->ifindex;
}

const char *dp_tunnel_name(const struct dp_tunnel *t)
{
	return t->name;
}

static int install_in(struct dp *dp, struct dp_tunnel *t,
		      const struct esp_sa_params *in)
{
	if (in->spi == 0 || dp_spi_find(dp, in->spi) != NULL)
		return -EEXIST;
	if (t->nin == DP_MAX_IN_SAS)
		return -ENOSPC;
	struct esp_sa *sa = esp_sa_new_lanes(in, ESP_IN, dp->lanes);
	if (sa == NULL)
		return -EINVAL;
	t->in[t->nin++] = sa;
	int rc = spi_sync(dp);
	if (rc != 0) {
		t->nin--;
		esp_sa_free(sa);
	}
	return rc;
}

/* MTU 0 in the config: size the link for the negotiated outbound suite. */
static void follow_suite_mtu(struct dp_tunnel *t, const struct esp_sa_params *out)
{
	uint32_t mtu = dp_mtu_for_suite(out->encr, out->key_bits, out->integ,
					t->remote.addr.family == AF_INET6,
					DP_PATH_MTU);
	if (!t->auto_mtu || mtu == 0 || mtu == t->mtu)
		return;
	int rc = io_link_setup(t->ifindex, mtu);
	if (rc != 0) {
		vlog(VLOG_WARN, "io", t->name, "MTU %u: %s", mtu, strerror(-rc));
		return;
	}
	t->mtu = mtu;
	if (t->auto_mss)
		t->mss = (uint16_t)(mtu - 40);
	vlog(VLOG_INFO, "io", t->name, "MTU %u for the negotiated suite", mtu);
}

int dp_tunnel_sa_install(struct dp *dp, struct dp_tunnel *t,
			 const struct esp_sa_params *in,
			 const struct esp_sa_params *out)
{
	struct esp_sa *new_out = NULL;
	if (out != NULL) {
		new_out = esp_sa_new_lanes(out, ESP_OUT, dp->lanes);
		if (new_out == NULL)
			return -EINVAL;
	}
	if (in != NULL) {
		int rc = install_in(dp, t, in);
		if (rc != 0) {
			esp_sa_free(new_out);
			return rc;
		}
	}
	if (new_out != NULL) {
		/* Queued packets were sealed already; the old SA can go. */
		dp_tx_flush(dp);
		if (t->out_prev != NULL) {
			dp_retire_sa(t, t->out_prev);
			esp_sa_free(t->out_prev);
		}
		t->out_prev = t->out;
		t->out = new_out;
		follow_suite_mtu(t, out);
	}
	vlog(VLOG_INFO, "io", t->name, "SA installed: in %08x out %08x",
	     in ? in->spi : 0, out ? out->spi : 0);
	return 0;
}

int dp_tunnel_sa_remove(struct dp *dp, struct dp_tunnel *t, uint32_t spi)
{
	for (int k = 0; k < t->nin; k++) {
		if (esp_sa_spi(t->in[k]) != spi)
			continue;
		dp_retire_sa(t, t->in[k]);
		esp_sa_free(t->in[k]);
		t->in[k] = t->in[--t->nin];
		vlog(VLOG_INFO, "io", t->name, "inbound SA %08x removed", spi);
		return spi_sync(dp);
	}
	if (t->out_prev != NULL && esp_sa_spi(t->out_prev) == spi) {
		dp_retire_sa(t, t->out_prev);
		esp_sa_free(t->out_prev);
		t->out_prev = NULL;
		vlog(VLOG_INFO, "io", t->name, "previous outbound SA %08x removed", spi);
		return 0;
	}
	if (t->out != NULL && esp_sa_spi(t->out) == spi) {
		dp_tx_flush(dp);
		dp_retire_sa(t, t->out);
		esp_sa_free(t->out);
		/* Fall back to the SA it replaced, sequence numbers continuing. */
		t->out = t->out_prev;
		t->out_prev = NULL;
		if (t->out != NULL)
			vlog(VLOG_INFO, "io", t->name, "outbound SA %08x removed, back on %08x",
			     spi, esp_sa_spi(t->out));
		else
			vlog(VLOG_INFO, "io", t->name, "outbound SA %08x removed", spi);
		return 0;
	}
	return -ENOENT;
}

/* RFC 4303 2.4 / RFC 3948: outer IP + UDP 8 + ESP 8 + IV + pad + 2 + ICV. */
uint32_t dp_mtu_for_suite(uint16_t encr, uint16_t key_bits, uint16_t integ,
			  bool outer_v6, uint32_t path_mtu)
{
	if (!crypto_cipher_supported(encr, key_bits, integ))
		return 0;
	bool gcm = encr == CRYPTO_ENCR_AES_GCM_16;
	uint32_t iv = gcm ? 8 : 16, block = gcm ? 4 : 16, icv = 16;
	if (integ == CRYPTO_INTEG_HMAC_SHA1_96)
		icv = 12;
	else if (integ == CRYPTO_INTEG_HMAC_SHA2_384_192)
		icv = 24;
	else if (integ == CRYPTO_INTEG_HMAC_SHA2_512_256)
		icv = 32;
	uint32_t fixed = (outer_v6 ? 40 : 20) + 8 + 8 + iv + icv;
	if (path_mtu < fixed + block)
		return 0;
	return (path_mtu - fixed) / block * block - 2;
}
