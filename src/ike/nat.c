/*
 * NAT traversal (RFC 7296 2.23, RFC 3948).
 *
 * NAT_DETECTION_SOURCE_IP / _DESTINATION_IP carry
 * SHA-1(SPIi | SPIr | IP address | port) for the sender's and the
 * receiver's endpoint as the sender sees them (SPIr is zero in the
 * IKE_SA_INIT request). A mismatch means a NAT on that side. When a NAT is
 * found (or force_encap is set, which sends a deliberately wrong source
 * hash, as charon's encap=yes does), the initiator moves to port 4500 from
 * IKE_AUTH on, and ESP is UDP-encapsulated. UDP encapsulation is always
 * accepted from a peer.
 */
#include <string.h>

#include "ike/ike_priv.h"

static void nat_hash(const uint8_t *spi_i, const uint8_t *spi_r,
		     const struct ike_endpoint *ep, uint8_t *out)
{
	uint8_t port[2] = { ep->port >> 8, ep->port & 0xff };
	struct crypto_chunk in[4] = {
		{ spi_i, IKE_SPI_LEN },
		{ spi_r, IKE_SPI_LEN },
		{ ep->addr.a, ip_addr_len(&ep->addr) },
		{ port, 2 },
	};
	if (!crypto_sha1(in, 4, out))
		memset(out, 0, 20);
}

void ike_nat_encode(struct ike_sa *sa, struct ike_enc *e, const uint8_t *spi_i,
		    const uint8_t *spi_r)
{
	uint8_t h[20];
	if (sa->tun != NULL && sa->tun->cfg.force_encap)
		ike_random(sa->ike, h, sizeof(h));
	else
		nat_hash(spi_i, spi_r, &sa->local, h);
	ike_enc_notify(e, 0, NULL, 0, IKE_N_NAT_DETECTION_SOURCE_IP, h, 20);
	nat_hash(spi_i, spi_r, &sa->remote, h);
	ike_enc_notify(e, 0, NULL, 0, IKE_N_NAT_DETECTION_DESTINATION_IP, h,
		       20);
}

void ike_nat_check(struct ike_sa *sa, const struct ike_msg *m)
{
	uint8_t want_src[20], want_dst[20];
	bool any_src = false, src_ok = false, dst_seen = false, dst_ok = false;
	struct ike_notify n;

	nat_hash(m->h.spi_i, m->h.spi_r, &sa->remote, want_src);
	nat_hash(m->h.spi_i, m->h.spi_r, &sa->local, want_dst);
	for (size_t i = 0; i < m->n; i++) {
		const uint8_t *d;
		if (m->pl[i].type != IKE_P_N || !ike_notify_decode(&m->pl[i], &n))
			continue;
		struct rd r = n.data;
		if (rd_left(&r) != 20 || !rd_ptr(&r, 20, &d))
			continue;
		if (n.type == IKE_N_NAT_DETECTION_SOURCE_IP) {
			any_src = true;
			src_ok |= memcmp(d, want_src, 20) == 0;
		} else if (n.type == IKE_N_NAT_DETECTION_DESTINATION_IP) {
			dst_seen = true;
			dst_ok = memcmp(d, want_dst, 20) == 0;
		}
	}
	sa->nat_remote = any_src && !src_ok;
	sa->nat_local = dst_seen && !dst_ok;
	if (sa->nat_remote || sa->nat_local)
		vlog(VLOG_INFO, "ike", sa->ctx, "NAT detected:%s%s",
		     sa->nat_local ? " local" : "",
		     sa->nat_remote ? " remote" : "");
}

bool ike_nat_encap(const struct ike_sa *sa)
{
	return sa->nat_local || sa->nat_remote ||
	       (sa->tun != NULL && sa->tun->cfg.force_encap) || sa->natt;
}

void ike_nat_float(struct ike_sa *sa)
{
	if (sa->natt || !ike_nat_encap(sa))
		return;
	uint16_t port = sa->tun != NULL && sa->tun->cfg.natt_port
				? sa->tun->cfg.natt_port
				: IKE_NATT_PORT;
	sa->local.port = port;
	sa->remote.port = port;
	sa->natt = true;
	vlog(VLOG_INFO, "ike", sa->ctx, "moving to port %u (NAT-T)", port);
}
