/* Internals of src/plan shared between its files. */
#ifndef VGW_PLAN_PLAN_PRIV_H
#define VGW_PLAN_PLAN_PRIV_H

#include "plan/plan.h"

void plan_report(struct diag_list *d, const struct topology *t,
		 const struct topo_pos *at, const char *rule, const char *hint,
		 const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* True if a is any address the (partly completed) topology already uses. */
bool plan_addr_used(const struct plan *p, const struct ip_addr *a);
/* True if c overlaps any prefix or contains any address in the topology. */
bool plan_prefix_used(const struct plan *p, const struct ip_prefix *c);

/* Local network gateways and connections for the AWS tunnels (part 3). */
bool plan_azure_objects(struct plan *p, struct diag_list *d);
/* Fills p->tunnels[] from the completed topology. */
void plan_index(struct plan *p);
/* Name of the key file shared by both ends of a keyless tunnel. */
void plan_psk_file(const struct plan *p, const struct plan_tunnel *pt,
		   char *buf, size_t size);
/* Warns about tunnels whose pre-shared key the topology does not hold. */
void plan_warn_keyless(const struct plan *p, struct diag_list *d);
/* Runs topology_validate() on the result; errors there are planner bugs. */
bool plan_self_check(const struct plan *p, struct diag_list *d);

/* Seed-style names: "AWSTunnel1toAzureInstance0". */
void plan_conn_name(const struct plan *p, size_t vpn, size_t tunnel,
		    char *buf, size_t size);

/*
 * Proposals for a daemon tunnel from an Azure custom policy (false with
 * *bad naming the setting vgw cannot do) or from AWS tunnel options
 * (false when no implemented algorithm is left).
 */
bool plan_azure_policy(const struct topo_azure_policy *pol,
		       struct dconf_tunnel *t, const char **bad);
bool plan_aws_options(const struct topo_tunnel_options *o,
		      struct dconf_tunnel *t);

/* Text: what each side creates (plan_resources.c). */
void plan_print_resources(FILE *f, const struct plan *p);

#endif
