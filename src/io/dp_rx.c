/*
 * Receive path: recvmmsg (UDP GRO) -> RFC 3948 demux -> SPI lookup ->
 * ESP decapsulation -> MSS clamp -> TCP coalescing -> TUN writev.
 *
 * With UDP_GRO one recvmmsg entry can hold many equal-size datagrams
 * (gso_size from the cmsg); each is demuxed on its own, because an IKE
 * message of the same size could in principle have been merged in.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/log.h"
#include "io/dp_priv.h"

#ifndef UDP_GRO
#define UDP_GRO 104
#endif

static void gro_flush_tunnel(struct dp_tunnel *t)
{
	for (int i = 0; i < t->gro->ngroups; i++) {
		struct iovec *iov;
		int n = io_gro_group_iov(t->gro, i, &iov);
		if (writev(t->fd, iov, n) < 0)
			t->tun_errors++;
	}
	io_gro_reset(t->gro);
}

static void gro_flush_all(struct dp *dp)
{
	for (struct dp_tunnel *t = dp->gro_list; t != NULL; t = t->gro_next) {
		gro_flush_tunnel(t);
		t->gro_pending = false;
	}
	dp->gro_list = NULL;
}

static void deliver(struct dp *dp, struct dp_tunnel *t, uint8_t *pkt,
		    size_t len)
{
	if (t->clamp)
		io_mss_clamp(pkt, len, (pkt[0] >> 4) == 6 ? t->mss - 20 : t->mss);
	if (!t->gro_pending) {
		t->gro_pending = true;
		t->gro_next = dp->gro_list;
		dp->gro_list = t;
	}
	if (!io_gro_add(t->gro, pkt, len)) {
		gro_flush_tunnel(t);
		(void)io_gro_add(t->gro, pkt, len);
	}
}

static void rx_esp(struct dp *dp, uint8_t *p, size_t len, struct vtime now)
{
	uint32_t spi;
	struct dp_spi_slot *slot = NULL;
	if (esp_peek_spi(p, len, &spi))
		slot = dp_spi_find(dp, spi);
	if (slot == NULL) {
		dp->rx_unknown_spi++;
		return;
	}
	size_t off, ilen;
	uint8_t nh;
	if (dp->pool != NULL) {
		/* Replay check now; open on all lanes at the end of the batch. */
		uint64_t seq;
		if (esp_decap_check(slot->sa, p, len, &seq) != ESP_DROP_OK)
			return;
		dp->rx_items[dp->nrx_items++] = (struct dp_item){
			.sa = slot->sa, .t = slot->t, .pkt = p, .len = len,
			.seq = seq };
		if (dp->nrx_items == DP_RX_ITEMS)
			dp_rx_items_run(dp, now);
		return;
	}
	enum esp_drop d = esp_decap(slot->sa, p, len, &off, &ilen, &nh, now);
	/* A dummy (RFC 4303 2.6) passed the ICV: proof of life, no payload. */
	if (d == ESP_DROP_DUMMY)
		slot->t->last_rx_ns = now.ns;
	if (d != ESP_DROP_OK)
		return; /* counted on the SA */
	slot->t->last_rx_ns = now.ns;
	deliver(dp, slot->t, p + off, ilen);
}

static void open_job(void *ctx, size_t i, unsigned lane)
{
	struct dp_item *it = &((struct dp *)ctx)->rx_items[i];
	it->ok = esp_decap_open(it->sa, lane, it->pkt, it->len, it->seq);
}

/* Opens the batch's checked packets on all lanes, then finishes in order. */
void dp_rx_items_run(struct dp *dp, struct vtime now)
{
	size_t n = dp->nrx_items;
	if (n >= DP_POOL_MIN)
		dp_cpool_run(dp->pool, n, open_job, dp);
	else
		for (size_t i = 0; i < n; i++)
			open_job(dp, i, 0);
	for (size_t i = 0; i < n; i++) {
		struct dp_item *it = &dp->rx_items[i];
		size_t off, ilen;
		uint8_t nh;
		enum esp_drop d = esp_decap_finish(it->sa, it->ok, it->pkt, it->len,
						   it->seq, &off, &ilen, &nh, now);
		if (d == ESP_DROP_DUMMY)
			it->t->last_rx_ns = now.ns;
		if (d != ESP_DROP_OK)
			continue;
		it->t->last_rx_ns = now.ns;
		deliver(dp, it->t, it->pkt + off, ilen);
	}
	dp->nrx_items = 0;
}

static void rx_ike(struct dp *dp, const uint8_t *p, size_t len,
		   const struct sockaddr_storage *from, uint16_t port)
{
	dp->rx_ike++;
	if (dp->hooks.ike_packet == NULL)
		return;
	struct dp_endpoint local = { dp->cfg.local, port }, remote;
	dp_endpoint_from_sa(from, &remote);
	dp->hooks.ike_packet(dp->hooks.arg, &local, &remote, p, len);
}

static void rx_datagram(struct dp *dp, uint8_t *p, size_t len,
			const struct sockaddr_storage *from, struct vtime now)
{
	size_t off = 0;
	dp->rx_datagrams++;
	switch (io_udp_classify(p, len, &off)) {
	case IO_UDP_ESP:
		rx_esp(dp, p, len, now);
		break;
	case IO_UDP_IKE:
		rx_ike(dp, p + off, len - off, from, dp->cfg.natt_port);
		break;
	case IO_UDP_KEEPALIVE:
		dp->rx_keepalive++;
		break;
	case IO_UDP_INVALID:
		dp->rx_invalid++;
		break;
	}
}

static size_t gro_size(struct msghdr *h, size_t len)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(h); c != NULL;
	     c = CMSG_NXTHDR(h, c)) {
		if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
			int v;
			memcpy(&v, CMSG_DATA(c), sizeof(v));
			if (v > 0)
				return (size_t)v;
		}
	}
	return len;
}

union rx_ctl {
	char buf[CMSG_SPACE(sizeof(int))];
	struct cmsghdr align;
};

static void rx_message(struct dp *dp, struct mmsghdr *m,
		       const struct sockaddr_storage *from, struct vtime now)
{
	struct msghdr *h = &m->msg_hdr;
	uint8_t *base = h->msg_iov->iov_base;
	size_t len = m->msg_len;
	if (h->msg_flags & MSG_TRUNC) {
		dp->rx_trunc++;
		return;
	}
	size_t seg = gro_size(h, len);
	for (size_t off = 0; off < len; off += seg) {
		size_t n = len - off < seg ? len - off : seg;
		rx_datagram(dp, base + off, n, from, now);
	}
}

void dp_natt_readable(void *arg, int fd, uint32_t events)
{
	struct dp *dp = arg;
	struct mmsghdr mm[DP_RX_BATCH];
	struct iovec iov[DP_RX_BATCH];
	struct sockaddr_storage from[DP_RX_BATCH];
	union rx_ctl ctl[DP_RX_BATCH];
	struct vtime now = loop_now(dp->loop);
	(void)events;
	for (int round = 0; round < DP_RX_ROUNDS; round++) {
		memset(mm, 0, sizeof(mm));
		for (int i = 0; i < DP_RX_BATCH; i++) {
			iov[i] = (struct iovec){ dp->rx_buf + (size_t)i * DP_RX_BUF,
						 DP_RX_BUF };
			mm[i].msg_hdr = (struct msghdr){
				.msg_name = &from[i], .msg_namelen = sizeof(from[i]),
				.msg_iov = &iov[i], .msg_iovlen = 1,
				.msg_control = ctl[i].buf,
				.msg_controllen = sizeof(ctl[i].buf) };
		}
		int n = recvmmsg(fd, mm, DP_RX_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		dp->rx_batches++;
		for (int i = 0; i < n; i++)
			rx_message(dp, &mm[i], &from[i], now);
		if (dp->nrx_items > 0)
			dp_rx_items_run(dp, now);
		/* The batch's buffers are reused next round: write them out. */
		gro_flush_all(dp);
		if (n < DP_RX_BATCH)
			break;
	}
}

void dp_ike_readable(void *arg, int fd, uint32_t events)
{
	struct dp *dp = arg;
	uint8_t buf[65536];
	(void)events;
	for (int i = 0; i < 16; i++) {
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), MSG_DONTWAIT,
				     (struct sockaddr *)&from, &fl);
		if (n < 0)
			break;
		rx_ike(dp, buf, (size_t)n, &from, dp->cfg.ike_port);
	}
}
