/*
 * Internals of topology_validate(): one file per theme, each exposing one
 * topo_vd_<theme>() pass, sharing the resolved links between the two
 * clouds and the reporting helper.
 */
#ifndef VGW_CONFIG_VALIDATE_PRIV_H
#define VGW_CONFIG_VALIDATE_PRIV_H

#include "config/topology.h"

/* References resolved once (index or -1). */
struct topo_links {
	int vpn_cgw[TOPO_MAX_VPNS];
	int vpn_instance[TOPO_MAX_VPNS];   /* Azure instance the VPN faces */
	bool vpn_onprem[TOPO_MAX_VPNS];    /* the VPN faces the on-prem vgw */
	int tunnel_lng[TOPO_MAX_VPNS][TOPO_TUNNELS];
	int lng_vpn[TOPO_MAX_LNGS];        /* tunnel the LNG points at */
	int lng_tunnel[TOPO_MAX_LNGS];
	int conn_lng[TOPO_MAX_CONNS];
};

struct topo_vd {
	const struct topology *t;
	struct diag_list *d;
	struct topo_links l;
};

void topo_vd_report(struct topo_vd *v, enum diag_level level,
		    const struct topo_pos *at, const char *rule,
		    const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/* Text forms for messages (buf must hold IP_PREFIX_STRLEN bytes). */
const char *topo_vd_ip(const struct ip_addr *a, char *buf);
const char *topo_vd_pfx(const struct ip_prefix *p, char *buf);
/* A prefix from text known to be valid (tables of constants). */
struct ip_prefix topo_vd_prefix(const char *s);

/* Azure's custom APIPA range 169.254.21.0-169.254.22.255 (configure-bgp). */
bool topo_vd_in_azure_apipa(const struct ip_addr *a);
bool topo_vd_prefix_in_azure_apipa(const struct ip_prefix *p);

/* Connection c's AWS tunnel, via its LNG; false if unresolved. */
bool topo_vd_conn_tunnel(const struct topo_vd *v, size_t c, size_t *vpn,
			 size_t *tunnel);
/* Azure instance that AWS tunnel (vpn) faces, or -1. */
static inline int topo_vd_instance(const struct topo_vd *v, size_t vpn)
{
	return v->l.vpn_instance[vpn];
}

void topo_vd_names(struct topo_vd *v);
void topo_vd_addressing(struct topo_vd *v);
void topo_vd_apipa(struct topo_vd *v);
void topo_vd_asn(struct topo_vd *v);
void topo_vd_gateway(struct topo_vd *v);
void topo_vd_active_active(struct topo_vd *v);
void topo_vd_connections(struct topo_vd *v);
void topo_vd_initiation(struct topo_vd *v);
void topo_vd_psk(struct topo_vd *v);
void topo_vd_crypto(struct topo_vd *v);

#endif
