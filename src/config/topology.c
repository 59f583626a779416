/*
 * Topology model helpers: lifetime, name tables, lookups shared by the
 * validator and the planner, ASN text form.
 */
#include "config/topology.h"

#include <stdlib.h>
#include <string.h>

#include "crypto/secret.h"

void topology_free(struct topology *t)
{
	if (t == NULL)
		return;
	for (size_t i = 0; i < TOPO_MAX_CONNS; i++)
		secret_cleanse(t->azure.conns[i].shared_key,
			       sizeof(t->azure.conns[i].shared_key));
	for (size_t v = 0; v < TOPO_MAX_VPNS; v++)
		for (size_t k = 0; k < TOPO_TUNNELS; k++)
			secret_cleanse(t->aws.vpns[v].tunnels[k].pre_shared_key,
				       sizeof(t->aws.vpns[v].tunnels[k]
						      .pre_shared_key));
	free(t);
}

static const char *const alg_names[TOPO_ALG_COUNT] = {
	[TOPO_ALG_NONE] = "None",
	[TOPO_ALG_DES] = "DES",
	[TOPO_ALG_3DES] = "3DES",
	[TOPO_ALG_AES128] = "AES128",
	[TOPO_ALG_AES192] = "AES192",
	[TOPO_ALG_AES256] = "AES256",
	[TOPO_ALG_AES128_GCM16] = "AES128-GCM-16",
	[TOPO_ALG_AES192_GCM16] = "AES192-GCM-16",
	[TOPO_ALG_AES256_GCM16] = "AES256-GCM-16",
	[TOPO_ALG_MD5] = "MD5",
	[TOPO_ALG_SHA1] = "SHA1",
	[TOPO_ALG_SHA256] = "SHA2-256",
	[TOPO_ALG_SHA384] = "SHA2-384",
	[TOPO_ALG_SHA512] = "SHA2-512",
};

const char *topo_alg_name(enum topo_alg a)
{
	return (unsigned)a < TOPO_ALG_COUNT ? alg_names[a] : "?";
}

bool topo_alg_is_gcm(enum topo_alg a)
{
	return a == TOPO_ALG_AES128_GCM16 || a == TOPO_ALG_AES192_GCM16 ||
	       a == TOPO_ALG_AES256_GCM16;
}

const char *topo_sku_name(enum topo_sku s)
{
	static const char *const names[] = {
		"Basic",     "VpnGw1",    "VpnGw2",    "VpnGw3",
		"VpnGw4",    "VpnGw5",    "VpnGw1AZ",  "VpnGw2AZ",
		"VpnGw3AZ",  "VpnGw4AZ",  "VpnGw5AZ",
	};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

int topology_find_cgw(const struct topology *t, const char *name)
{
	for (size_t i = 0; i < t->aws.n_cgws; i++)
		if (strcmp(t->aws.cgws[i].name, name) == 0)
			return (int)i;
	return -1;
}

int topology_find_lng(const struct topology *t, const char *name)
{
	for (size_t i = 0; i < t->azure.n_lngs; i++)
		if (strcmp(t->azure.lngs[i].name, name) == 0)
			return (int)i;
	return -1;
}

int topology_azure_instance_of(const struct topology *t,
			       const struct ip_addr *addr)
{
	if (!t->azure.present)
		return -1;
	const struct topo_azure_gateway *gw = &t->azure.gateway;
	for (size_t i = 0; i < gw->n_public_ips; i++)
		if (ip_addr_eq(&gw->public_ips[i].address, addr))
			return (int)i;
	return -1;
}

int topology_vpn_instance(const struct topology *t, size_t vpn)
{
	if (vpn >= t->aws.n_vpns)
		return -1;
	int c = topology_find_cgw(t, t->aws.vpns[vpn].customer_gateway);
	if (c < 0)
		return -1;
	return topology_azure_instance_of(t, &t->aws.cgws[c].ip_address);
}

bool topology_vpn_is_onprem(const struct topology *t, size_t vpn)
{
	if (vpn >= t->aws.n_vpns || !t->onprem.present)
		return false;
	int c = topology_find_cgw(t, t->aws.vpns[vpn].customer_gateway);
	return c >= 0 &&
	       ip_addr_eq(&t->aws.cgws[c].ip_address, &t->onprem.public_ip);
}

bool topology_find_tunnel_by_outside_ip(const struct topology *t,
					const struct ip_addr *addr,
					size_t *vpn, size_t *tunnel)
{
	for (size_t v = 0; v < t->aws.n_vpns; v++) {
		const struct topo_vpn *c = &t->aws.vpns[v];
		for (size_t k = 0; k < c->n_tunnels; k++) {
			if (c->tunnels[k].outside_ip_set &&
			    ip_addr_eq(&c->tunnels[k].outside_ip, addr)) {
				*vpn = v;
				*tunnel = k;
				return true;
			}
		}
	}
	return false;
}

struct ip_addr topology_tunnel_aws_ip(const struct topo_tunnel *tun)
{
	return ip_prefix_host(&tun->inside_cidr, 1);
}

struct ip_addr topology_tunnel_peer_ip(const struct topo_tunnel *tun)
{
	return ip_prefix_host(&tun->inside_cidr, 2);
}

/* Decimal digits only, value <= max. */
static bool parse_dec(const char *s, size_t len, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;
	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

bool topology_asn_parse(const char *s, uint32_t *out)
{
	const char *dot = strchr(s, '.');
	uint64_t hi, lo;
	if (dot == NULL) {
		if (!parse_dec(s, strlen(s), UINT32_MAX, &lo))
			return false;
		*out = (uint32_t)lo;
		return true;
	}
	/* asdot (RFC 5396): "high.low", each 0..65535. */
	if (!parse_dec(s, (size_t)(dot - s), 65535, &hi) ||
	    !parse_dec(dot + 1, strlen(dot + 1), 65535, &lo))
		return false;
	*out = (uint32_t)(hi << 16 | lo);
	return true;
}
