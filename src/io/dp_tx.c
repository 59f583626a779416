/*
 * Transmit path: TUN -> segment -> MSS clamp -> ESP -> UDP GSO.
 *
 * Each TUN read returns one packet, often a 64 KiB TSO super-packet. Its
 * segments are written straight into the transmit arena behind room for
 * the ESP header, sealed in place, and laid out back to back so a run of
 * equal-size ESP packets to one peer goes out as one sendmmsg entry with
 * UDP_SEGMENT (the kernel, or the veth/NIC, cuts it). A shorter ESP packet
 * may end a run; a longer one starts a new run.
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/dp_priv.h"

#ifndef UDP_SEGMENT
#define UDP_SEGMENT 103
#endif

static void count_failed(struct dp *dp, int from, int to)
{
	for (int i = from; i < to; i++)
		dp->tx[i].t->tx_errors += dp->tx[i].nsegs;
}

static void seal_job(void *ctx, size_t i, unsigned lane)
{
	struct dp_item *it = &((struct dp *)ctx)->tx_items[i];
	it->ok = esp_encap_seal(it->sa, lane, it->pkt, it->len, it->seq);
}

/* Encrypts every framed packet of the batch, on all lanes. */
static void seal_items(struct dp *dp)
{
	size_t n = dp->ntx_items;
	if (n >= DP_POOL_MIN)
		dp_cpool_run(dp->pool, n, seal_job, dp);
	else
		for (size_t i = 0; i < n; i++)
			seal_job(dp, i, 0);
	for (size_t i = 0; i < n; i++) {
		/* Practically unreachable; the peer will drop it (ICV). */
		if (!dp->tx_items[i].ok)
			esp_sa_count_drop(dp->tx_items[i].sa, ESP_DROP_CRYPTO);
	}
	dp->ntx_items = 0;
}

void dp_tx_flush(struct dp *dp)
{
	if (dp->ntx_items > 0)
		seal_items(dp);
	if (dp->ntx == 0)
		return;
	struct mmsghdr mm[DP_TX_MSGS];
	struct iovec iov[DP_TX_MSGS];
	union {
		char buf[CMSG_SPACE(sizeof(uint16_t))];
		struct cmsghdr align;
	} ctl[DP_TX_MSGS];
	memset(mm, 0, sizeof(mm[0]) * (size_t)dp->ntx);
	for (int i = 0; i < dp->ntx; i++) {
		struct dp_tx_msg *m = &dp->tx[i];
		iov[i] = (struct iovec){ dp->tx_arena + m->off, m->len };
		struct msghdr *h = &mm[i].msg_hdr;
		h->msg_name = &m->t->remote_sa;
		h->msg_namelen = m->t->remote_sl;
		h->msg_iov = &iov[i];
		h->msg_iovlen = 1;
		if (m->nsegs > 1) {
			memset(ctl[i].buf, 0, sizeof(ctl[i].buf));
			h->msg_control = ctl[i].buf;
			h->msg_controllen = sizeof(ctl[i].buf);
			struct cmsghdr *c = CMSG_FIRSTHDR(h);
			c->cmsg_level = SOL_UDP;
			c->cmsg_type = UDP_SEGMENT;
			c->cmsg_len = CMSG_LEN(sizeof(uint16_t));
			uint16_t gso = (uint16_t)m->seg_size;
			memcpy(CMSG_DATA(c), &gso, sizeof(gso));
		}
	}
	int sent = 0, tries = 0;
	while (sent < dp->ntx) {
		int n = sendmmsg(dp->fd_natt, mm + sent,
				 (unsigned)(dp->ntx - sent), 0);
		if (n > 0) {
			sent += n;
			dp->tx_sends++;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN && tries++ < 100) {
			/* Socket buffer full: wait briefly, bounded. */
			struct pollfd pfd = { dp->fd_natt, POLLOUT, 0 };
			(void)poll(&pfd, 1, 10);
			continue;
		}
		/* This entry failed (e.g. EMSGSIZE): count it, go on. */
		count_failed(dp, sent, sent + 1);
		sent++;
	}
	dp->tx_batches++;
	dp->ntx = 0;
	dp->tx_used = 0;
}

/* Where the next ESP packet of size esp_len for t goes; flushes if full. */
static struct dp_tx_msg *tx_slot(struct dp *dp, struct dp_tunnel *t,
				 size_t esp_len, size_t room)
{
	if (dp->ntx > 0) {
		struct dp_tx_msg *m = &dp->tx[dp->ntx - 1];
		if (m->t == t && !m->closed && esp_len <= m->seg_size &&
		    m->nsegs < DP_GSO_MAX_SEGS &&
		    m->len + esp_len <= DP_GSO_MAX_BYTES &&
		    dp->tx_used + room <= DP_TX_ARENA &&
		    dp->ntx_items < DP_TX_ITEMS)
			return m;
	}
	if (dp->ntx == DP_TX_MSGS || dp->tx_used + room > DP_TX_ARENA ||
	    dp->ntx_items == DP_TX_ITEMS)
		dp_tx_flush(dp);
	struct dp_tx_msg *m = &dp->tx[dp->ntx++];
	*m = (struct dp_tx_msg){ .t = t, .off = dp->tx_used,
				 .seg_size = esp_len };
	return m;
}

static void tx_segment(struct dp *dp, struct dp_tunnel *t, struct io_seg *s,
		       struct vtime now)
{
	struct esp_sa *sa = t->out;
	size_t head = esp_sa_head_len(sa);
	size_t inner = io_seg_next_len(s);
	size_t esp_len = esp_sa_packet_len(sa, inner);
	struct dp_tx_msg *m = tx_slot(dp, t, esp_len, esp_len);
	uint8_t *p = dp->tx_arena + dp->tx_used;
	size_t cap = DP_TX_ARENA - dp->tx_used;
	size_t n = io_seg_next(s, p + head, cap - head);
	if (n == 0) {
		t->tun_malformed++;
		s->off = s->len; /* abandon the rest of this packet */
		s->index++;
		goto unused;
	}
	if (t->clamp && !s->gso)
		io_mss_clamp(p + head, n, (p[head] >> 4) == 6 ? t->mss - 20
							       : t->mss);
	size_t out_len;
	if (dp->pool != NULL) {
		/* Frame now (numbering stays in order), seal at flush. */
		uint64_t seq;
		if (esp_encap_frame(sa, p, cap, n, &out_len, &seq, now) !=
		    ESP_DROP_OK)
			goto unused;
		dp->tx_items[dp->ntx_items++] =
			(struct dp_item){ .sa = sa, .t = t, .pkt = p,
					  .len = out_len, .seq = seq };
	} else if (esp_encap(sa, p, cap, n, &out_len, now) != ESP_DROP_OK) {
		goto unused;
	}
	m->len += out_len;
	m->nsegs++;
	dp->tx_used += out_len;
	if (out_len < m->seg_size)
		m->closed = true;
	return;
unused:
	if (m->nsegs == 0)
		dp->ntx--;
}

static void tx_packet(struct dp *dp, struct dp_tunnel *t, size_t len,
		      struct vtime now)
{
	struct io_vnet v;
	struct io_seg s;
	if (!io_vnet_parse(dp->tun_buf, len, &v) ||
	    !io_seg_init(&s, &v, dp->tun_buf + IO_VNET_HDR_LEN,
			 len - IO_VNET_HDR_LEN)) {
		t->tun_malformed++;
		return;
	}
	if (t->out == NULL) {
		t->no_sa++;
		return;
	}
	while (io_seg_next_len(&s) != 0)
		tx_segment(dp, t, &s, now);
}

void dp_tun_readable(void *arg, int fd, uint32_t events)
{
	struct dp_tunnel *t = arg;
	struct dp *dp = t->dp;
	struct vtime now = loop_now(dp->loop);
	(void)events;
	for (int i = 0; i < DP_TUN_READS; i++) {
		ssize_t n = read(fd, dp->tun_buf, DP_TUN_BUF);
		if (n < 0) {
			if (errno != EAGAIN && errno != EINTR)
				t->tun_errors++;
			break;
		}
		tx_packet(dp, t, (size_t)n, now);
	}
	dp_tx_flush(dp);
}
