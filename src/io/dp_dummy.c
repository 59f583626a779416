/*
 * ESP dummy packets (RFC 4303 2.6) on a tunnel's outbound SA: the liveness
 * heartbeat between vgw gateways. One small packet, sent at once (not
 * batched): it must not wait behind a batch, and it is rare (a few per
 * second at most).
 */
#include <errno.h>
#include <sys/socket.h>

#include "io/dataplane.h"
#include "io/dp_priv.h"

int dp_tunnel_send_dummy(struct dp *dp, struct dp_tunnel *t)
{
	if (t->out == NULL)
		return -ENOENT;
	uint8_t pkt[ESP_HDR_LEN + ESP_MAX_OVERHEAD];
	size_t len;
	if (esp_encap_dummy(t->out, pkt, sizeof(pkt), &len, loop_now(dp->loop)) != ESP_DROP_OK)
		return -EIO;
	if (sendto(dp->fd_natt, pkt, len, 0, (struct sockaddr *)&t->remote_sa, t->remote_sl) < 0) {
		t->tx_errors++;
		return -errno;
	}
	return 0;
}
