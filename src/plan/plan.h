/*
 * Planner: a pure, deterministic function from a validated topology to a
 * plan, and from a plan to one daemon config per gateway instance.
 * Format and rules: docs/plan.md.
 *
 * plan_build() copies the topology and fills in what the file leaves out,
 * following the seed tutorial and both clouds' rules:
 *   - AWS tunnels of a VPN connection that lists none (two per connection);
 *   - tunnel inside CIDRs: from the Azure APIPA list of the instance the
 *     connection points at when given, else a /30 from 169.254.21.0/24
 *     (tunnel 1) or 169.254.22.0/24 (tunnel 2) starting at .4*instance,
 *     skipping anything used or overlapping in the file, so AWS gets the
 *     first host and Azure the second (inside Azure's APIPA range, outside
 *     AWS's reserved /30s);
 *   - tunnel outside IPs (stand-ins for what AWS assigns): 198.51.100.x;
 *   - Azure APIPA lists per instance from the tunnels' second hosts;
 *   - one local network gateway and one connection per AWS tunnel towards
 *     Azure (seed part 3): LNG endpoint = tunnel outside IP, ASN = VGW ASN,
 *     BGP peer = AWS inside first host; the connection uses the custom BGP
 *     address as primary for instance 0 and secondary for instance 1.
 * It never invents a secret: a tunnel without a pre-shared key (neither on
 * the AWS tunnel nor on a matching Azure connection) is an error.
 *
 * The same input always yields byte-identical text, JSON and configs.
 */
#ifndef VGW_PLAN_PLAN_H
#define VGW_PLAN_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "config/dconf.h"
#include "config/diag.h"
#include "config/topology.h"

#define PLAN_MAX_TUNNELS (TOPO_MAX_VPNS * TOPO_TUNNELS)
#define PLAN_MAX_GATEWAYS 4 /* azure instance 0, 1, aws vgw, onprem */

/* One AWS tunnel with the addresses both ends use. */
struct plan_tunnel {
	size_t vpn;          /* index in topo.aws.vpns */
	size_t tunnel;       /* 0 or 1 ("tunnel 1" / "tunnel 2") */
	int instance;        /* Azure instance 0/1, or -1 */
	bool onprem;         /* the customer gateway is the on-prem vgw */
	struct ip_prefix inside_cidr;
	struct ip_addr aws_ip;      /* first host: AWS BGP peer address */
	struct ip_addr peer_ip;     /* second host: Azure APIPA / CGW */
	struct ip_addr aws_outside; /* tunnel outside IP on the AWS side */
	struct ip_addr peer_outside; /* Azure instance public IP / CGW IP */
	int lng;             /* index in topo.azure.lngs, -1 if none */
	int conn;            /* index in topo.azure.conns, -1 if none */
	const char *psk;     /* into topo; "" when no key is known */
};

struct plan {
	struct topology topo; /* completed copy of the input */
	/* What the planner filled in, per AWS tunnel [vpn][tunnel]. */
	bool tunnel_added[TOPO_MAX_VPNS][TOPO_TUNNELS];
	bool inside_planned[TOPO_MAX_VPNS][TOPO_TUNNELS];
	bool outside_planned[TOPO_MAX_VPNS][TOPO_TUNNELS];
	bool apipa_planned;
	bool lng_planned[TOPO_MAX_LNGS];
	bool conn_planned[TOPO_MAX_CONNS];
	/* Every AWS tunnel in (vpn, tunnel) order, resolved. */
	size_t n_tunnels;
	struct plan_tunnel tunnels[PLAN_MAX_TUNNELS];
};

/*
 * Validates t (topology_validate), then completes it into *out. Returns
 * false with diagnostics when t is invalid or cannot be completed (no
 * free inside /30, missing pre-shared key, ...). out may be large: the
 * caller allocates it (plan_new()).
 */
bool plan_build(const struct topology *t, struct plan *out,
		struct diag_list *diags);
struct plan *plan_new(void); /* zeroed; NULL on allocation failure */
void plan_free(struct plan *p); /* wipes the keys; NULL-safe */

/* Seed-style tables and the resources each side creates; <= 80 columns. */
int plan_print_text(FILE *out, const struct plan *p);
/* The same content as JSON (json-c, pretty, stable key order). No secrets. */
int plan_print_json(FILE *out, const struct plan *p);

/* One daemon config per gateway instance. */
struct plan_gateway {
	char file[DCONF_NAME_MAX + 8]; /* "<name>.yaml" */
	struct dconf *conf;            /* owned */
};

struct plan_gateways {
	size_t n;
	struct plan_gateway gw[PLAN_MAX_GATEWAYS];
};

/*
 * Builds and finalizes the configs: Azure instance 0 and 1 (when the
 * gateway has tunnels to AWS), the AWS VGW, and the on-prem vgw when it is
 * a customer gateway. Returns false with diagnostics if a config does not
 * finalize (a planner bug or an unsupported algorithm).
 */
bool plan_gateways_build(const struct plan *p, struct plan_gateways *out,
			 struct diag_list *diags);
void plan_gateways_free(struct plan_gateways *g);

/*
 * Writes every config into dir (created with mode 0700 if missing), each
 * file mode 0600 via dconf_write_file(). Returns 0 or -errno; on error
 * *failed names the file.
 */
int plan_gateways_write(const struct plan_gateways *g, const char *dir,
			const char **failed);

#endif
