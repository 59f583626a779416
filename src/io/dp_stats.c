/* Dataplane statistics: per tunnel (live + retired SAs) and as JSON. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "io/dp_priv.h"

static void add_sa(struct dp_counters *c, const struct esp_sa *sa)
{
	const struct esp_sa_stats *s = esp_sa_stats(sa);
	if (esp_sa_dir(sa) == ESP_OUT) {
		c->tx_packets += s->packets;
		c->tx_bytes += s->bytes;
	} else {
		c->rx_packets += s->packets;
		c->rx_bytes += s->bytes;
	}
	for (int d = 0; d < ESP_DROP_MAX; d++)
		c->drops[d] += s->drops[d];
}

void dp_retire_sa(struct dp_tunnel *t, struct esp_sa *sa)
{
	add_sa(&t->retired, sa);
}

void dp_tunnel_stats(const struct dp_tunnel *t, struct dp_tunnel_stats *out)
{
	struct dp_counters c = t->retired;
	memset(out, 0, sizeof(*out));
	if (t->out != NULL) {
		add_sa(&c, t->out);
		out->rekey_needed = esp_sa_rekey_needed(t->out);
	}
	if (t->out_prev != NULL)
		add_sa(&c, t->out_prev);
	for (int k = 0; k < t->nin; k++)
		add_sa(&c, t->in[k]);
	out->tx_packets = c.tx_packets;
	out->tx_bytes = c.tx_bytes;
	out->rx_packets = c.rx_packets;
	out->rx_bytes = c.rx_bytes;
	memcpy(out->drops, c.drops, sizeof(out->drops));
	out->last_rx_ns = t->last_rx_ns;
	out->tx_errors = t->tx_errors;
	out->tun_errors = t->tun_errors;
	out->no_sa = t->no_sa;
}

static void put_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

static struct json_object *spi_hex(uint32_t spi)
{
	char b[16];
	snprintf(b, sizeof(b), "%08x", spi);
	return json_object_new_string(b);
}

static struct json_object *tunnel_json(const struct dp *dp,
				       const struct dp_tunnel *t)
{
	struct dp_tunnel_stats s;
	dp_tunnel_stats(t, &s);
	struct json_object *o = json_object_new_object();
	char addr[IP_ADDR_STRLEN];
	json_object_object_add(o, "name", json_object_new_string(t->name));
	json_object_object_add(o, "ifname", json_object_new_string(t->ifname));
	json_object_object_add(o, "ifindex", json_object_new_int(t->ifindex));
	json_object_object_add(o, "mtu", json_object_new_int((int)t->mtu));
	json_object_object_add(o, "mss_clamp",
			       json_object_new_int(t->clamp ? t->mss : 0));
	ip_addr_fmt(&t->remote.addr, addr, sizeof(addr));
	json_object_object_add(o, "remote", json_object_new_string(addr));
	json_object_object_add(o, "remote_port", json_object_new_int(t->remote.port));
	json_object_object_add(o, "spi_out", t->out ? spi_hex(esp_sa_spi(t->out))
						    : NULL);
	struct json_object *in = json_object_new_array();
	for (int k = 0; k < t->nin; k++)
		json_object_array_add(in, spi_hex(esp_sa_spi(t->in[k])));
	json_object_object_add(o, "spi_in", in);
	put_u64(o, "tx_packets", s.tx_packets);
	put_u64(o, "tx_bytes", s.tx_bytes);
	put_u64(o, "rx_packets", s.rx_packets);
	put_u64(o, "rx_bytes", s.rx_bytes);
	int64_t ago = s.last_rx_ns ? (loop_now(dp->loop).ns - s.last_rx_ns) /
					     VTIME_NS_PER_MS
				   : -1;
	json_object_object_add(o, "last_rx_ms_ago", json_object_new_int64(ago));
	json_object_object_add(o, "rekey_needed",
			       json_object_new_boolean(s.rekey_needed));
	struct json_object *dr = json_object_new_object();
	for (int d = 1; d < ESP_DROP_MAX; d++)
		put_u64(dr, esp_drop_name(d), s.drops[d]);
	put_u64(dr, "tx-error", s.tx_errors);
	put_u64(dr, "tun-error", s.tun_errors);
	put_u64(dr, "tun-malformed", t->tun_malformed);
	put_u64(dr, "no-sa", s.no_sa);
	json_object_object_add(o, "drops", dr);
	return o;
}

struct json_object *dp_stats_json(const struct dp *dp)
{
	struct json_object *o = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	for (const struct dp_tunnel *t = dp->tunnels; t != NULL; t = t->next)
		json_object_array_add(arr, tunnel_json(dp, t));
	json_object_object_add(o, "tunnels", arr);
	put_u64(o, "rx_datagrams", dp->rx_datagrams);
	put_u64(o, "rx_batches", dp->rx_batches);
	put_u64(o, "rx_ike", dp->rx_ike);
	put_u64(o, "rx_keepalive", dp->rx_keepalive);
	put_u64(o, "tx_batches", dp->tx_batches);
	put_u64(o, "tx_sendmmsg", dp->tx_sends);
	struct json_object *dr = json_object_new_object();
	put_u64(dr, "unknown-spi", dp->rx_unknown_spi);
	put_u64(dr, "invalid", dp->rx_invalid);
	put_u64(dr, "truncated", dp->rx_trunc);
	put_u64(dr, "ike-tx-error", dp->ike_tx_errors);
	json_object_object_add(o, "drops", dr);
	return o;
}
