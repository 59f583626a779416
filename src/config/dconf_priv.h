/*
 * Internals shared by the dconf_*.c files: role defaults, the finalize pass
 * with optional source positions, small text helpers.
 */
#ifndef VGW_CONFIG_DCONF_PRIV_H
#define VGW_CONFIG_DCONF_PRIV_H

#include "config/dconf.h"
#include "config/diag.h"
#include "config/yaml_tree.h"

/* Per-role defaults (docs/daemon-config.md has the table and sources). */
struct dconf_defaults {
	/* tunnels */
	const char *profile;        /* proposal profile, NULL: generic lists */
	uint32_t ike_lifetime_s;
	uint32_t child_lifetime_s;
	uint64_t child_lifetime_kb;
	uint32_t rekey_margin_s;
	uint32_t rekey_fuzz_pct;
	uint32_t replay_window;
	uint32_t dpd_interval_s;
	uint32_t dpd_timeout_s;
	enum dconf_dpd_action dpd_action;
	enum dconf_initiation initiation;
	uint32_t mss_clamp;         /* DCONF_AUTO: derived from the ESP suite */
	/* bgp */
	bool listen;
	bool multipath;
	bool passive;
	uint32_t hold_time;
	uint32_t keepalive;
	uint32_t connect_retry;
	uint32_t max_prefix;
	enum dconf_max_prefix_action max_prefix_action;
	uint32_t max_prefix_restart_s;
	bool deny_own_prefixes;     /* import.deny_exact defaults to announce */
	bool deny_default_export;   /* export.deny_exact defaults to 0/0 */
};

const struct dconf_defaults *dconf_defaults(enum dconf_role role);

/* Default proposal lists of a role into t (replaces t->ike / t->esp). */
void dconf_default_proposals(enum dconf_role role, struct dconf_tunnel *t);

/*
 * Finalize with positions: when root is the YAML tree the config came
 * from, diagnostics point at the offending key (or at its enclosing
 * mapping when the value was defaulted).
 */
bool dconf_finalize_at(struct dconf *c, struct diag_list *diags,
		       const struct ytree_node *root);

/* "169.254.21.2/30" with host bits kept. */
bool dconf_ifaddr_parse(const char *s, struct dconf_ifaddr *out);
char *dconf_ifaddr_fmt(const struct dconf_ifaddr *a, char *buf, size_t size);
/* "1.2.3.4", "fqdn:host", "email:user@host" */
bool dconf_id_parse(const char *s, struct dconf_id *out);
char *dconf_id_fmt(const struct dconf_id *id, char *buf, size_t size);
/* Plain "65000" or asdot "1.10" (RFC 5396). */
bool dconf_asn_parse(const char *s, uint32_t *out);
/* "65000:100" or a well-known name (RFC 1997, RFC 8326). */
bool dconf_community_parse(const char *s, uint32_t *out);
char *dconf_community_fmt(uint32_t c, char *buf, size_t size);
/* [A-Za-z0-9._:-], 1..DCONF_NAME_MAX-1 characters. */
bool dconf_name_ok(const char *s);
const char *dconf_log_level_name(enum vlog_level l);

/* The literal the printer writes instead of a PSK; refused by the loader. */
#define DCONF_REDACTED "<redacted>"

#endif
