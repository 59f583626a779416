/*
 * Topology model: one YAML file describing both clouds of Microsoft's
 * "connect AWS and Azure with a BGP-enabled VPN gateway" tutorial (and the
 * variant where an on-premises vgw is the AWS customer gateway).
 * Key reference: docs/topology.md.
 *
 * Pipeline: YAML -> topology_load_*() (structure, types, required keys,
 * defaults) -> struct topology -> topology_validate() (every rule of both
 * clouds, checked together) -> planner (src/plan).
 *
 * Every field records where it came from (struct topo_pos): the position
 * of its value, or of the enclosing mapping when the key is absent, and
 * its path ("azure.connections[2].shared_key"), so later diagnostics can
 * point at the line. Absent optional fields hold the documented default
 * and have their *_set flag false.
 *
 * Ownership: a struct topology is one heap block owned by the caller of
 * topology_load_*(); topology_free() wipes the pre-shared keys before it
 * releases the memory. The model is plain data (no pointers) and may be
 * copied with memcpy, e.g. by a planner that fills in omitted parts.
 */
#ifndef VGW_CONFIG_TOPOLOGY_H
#define VGW_CONFIG_TOPOLOGY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/addr.h"
#include "config/diag.h"

#define TOPO_NAME_MAX 81   /* names: 1..80 characters */
#define TOPO_PATH_MAX 112
#define TOPO_FILE_MAX 256
#define TOPO_PSK_MAX 129   /* pre-shared keys: at most 128 characters */
#define TOPO_MAX_SPACES 8  /* address spaces per VNet / LNG / on-prem */
#define TOPO_MAX_SUBNETS 16
#define TOPO_MAX_INSTANCES 2 /* Azure gateway instances (active-active) */
#define TOPO_MAX_APIPA 8   /* custom APIPA addresses per instance */
#define TOPO_MAX_LNGS 16
#define TOPO_MAX_CONNS 16
#define TOPO_MAX_CGWS 8
#define TOPO_MAX_VPNS 10   /* AWS quota: 10 VPN connections per VGW */
#define TOPO_TUNNELS 2     /* an AWS VPN connection always has two tunnels */

/* Source of one field: 1-based line/col and its path from the root. */
struct topo_pos {
	uint32_t line;
	uint32_t col;
	char path[TOPO_PATH_MAX];
};

/* ---- Algorithms (shared by both clouds, mapped from their names) -------- */

enum topo_alg {
	TOPO_ALG_NONE = 0,
	TOPO_ALG_DES,
	TOPO_ALG_3DES,
	TOPO_ALG_AES128,
	TOPO_ALG_AES192,
	TOPO_ALG_AES256,
	TOPO_ALG_AES128_GCM16,
	TOPO_ALG_AES192_GCM16,
	TOPO_ALG_AES256_GCM16,
	TOPO_ALG_MD5,
	TOPO_ALG_SHA1,
	TOPO_ALG_SHA256,
	TOPO_ALG_SHA384,
	TOPO_ALG_SHA512,
	TOPO_ALG_COUNT
};
bool topo_alg_is_gcm(enum topo_alg a);
const char *topo_alg_name(enum topo_alg a); /* "AES256-GCM-16", ... */

/* Bit sets: (1u << enum topo_alg) and (1u << DH group number <= 31). */
typedef uint32_t topo_algset;
typedef uint32_t topo_dhset;

/* ---- Azure --------------------------------------------------------------- */

struct topo_subnet {
	struct topo_pos at;
	char name[TOPO_NAME_MAX];
	struct topo_pos name_at;
	struct ip_prefix prefix;
	struct topo_pos prefix_at;
};

struct topo_vnet {
	struct topo_pos at;
	char name[TOPO_NAME_MAX];
	struct topo_pos name_at;
	size_t n_spaces;
	struct ip_prefix spaces[TOPO_MAX_SPACES];
	struct topo_pos spaces_at[TOPO_MAX_SPACES];
	size_t n_subnets;
	struct topo_subnet subnets[TOPO_MAX_SUBNETS];
};

enum topo_gw_type { TOPO_GW_VPN = 0, TOPO_GW_EXPRESSROUTE };
enum topo_vpn_type { TOPO_VPN_ROUTE_BASED = 0, TOPO_VPN_POLICY_BASED };
enum topo_sku {
	TOPO_SKU_BASIC = 0,
	TOPO_SKU_VPNGW1, TOPO_SKU_VPNGW2, TOPO_SKU_VPNGW3, TOPO_SKU_VPNGW4,
	TOPO_SKU_VPNGW5,
	TOPO_SKU_VPNGW1AZ, TOPO_SKU_VPNGW2AZ, TOPO_SKU_VPNGW3AZ,
	TOPO_SKU_VPNGW4AZ, TOPO_SKU_VPNGW5AZ,
};
const char *topo_sku_name(enum topo_sku s);

struct topo_public_ip {
	struct topo_pos at;
	char name[TOPO_NAME_MAX];
	struct topo_pos name_at;
	struct ip_addr address;
	struct topo_pos address_at;
};

struct topo_azure_gateway {
	struct topo_pos at;
	char name[TOPO_NAME_MAX];
	struct topo_pos name_at;
	enum topo_gw_type type;             /* default vpn */
	struct topo_pos type_at;
	enum topo_vpn_type vpn_type;        /* default route_based */
	struct topo_pos vpn_type_at;
	enum topo_sku sku;                  /* required */
	struct topo_pos sku_at;
	unsigned generation;                /* 1 or 2, default 1 */
	struct topo_pos generation_at;
	bool active_active;                 /* default false */
	struct topo_pos active_active_at;
	bool bgp_enabled;                   /* default false */
	struct topo_pos bgp_enabled_at;
	uint32_t asn;                       /* default 65515 (Azure's) */
	bool asn_set;
	struct topo_pos asn_at;
	size_t n_public_ips;                /* instance i uses public_ips[i] */
	struct topo_public_ip public_ips[TOPO_MAX_INSTANCES];
	struct topo_pos public_ips_at;
	/* Custom APIPA BGP addresses per instance; apipa_set false when the
	 * key is omitted (the planner fills them in). */
	bool apipa_set;
	struct topo_pos apipa_at;
	size_t n_apipa_lists;
	size_t n_apipa[TOPO_MAX_INSTANCES];
	struct ip_addr apipa[TOPO_MAX_INSTANCES][TOPO_MAX_APIPA];
	struct topo_pos apipa_addr_at[TOPO_MAX_INSTANCES][TOPO_MAX_APIPA];
};

struct topo_lng {
	struct topo_pos at;
	char name[TOPO_NAME_MAX];
	struct topo_pos name_at;
	struct ip_addr endpoint_ip;
	struct topo_pos endpoint_ip_at;
	uint32_t bgp_asn;
	bool bgp_asn_set;
	struct topo_pos bgp_asn_at;
	struct ip_addr bgp_peer_ip;
	bool bgp_peer_ip_set;
	struct topo_pos bgp_peer_ip_at;
	size_t n_spaces;
	struct ip_prefix spaces[TOPO_MAX_SPACES];
	struct topo_pos spaces_at[TOPO_MAX_SPACES];
};

enum topo_conn_mode {
	TOPO_CONN_DEFAULT = 0,
	TOPO_CONN_INITIATOR_ONLY,
	TOPO_CONN_RESPONDER_ONLY,
};

/* Azure custom IPsec/IKE policy (one combination per connection). */
struct topo_azure_policy {
	bool custom; /* false: "default" */
	struct topo_pos at;
	enum topo_alg ike_encryption;
	struct topo_pos ike_encryption_at;
	enum topo_alg ike_integrity;
	struct topo_pos ike_integrity_at;
	unsigned dh_group;        /* DH group number; 0 = None */
	struct topo_pos dh_group_at;
	enum topo_alg ipsec_encryption; /* TOPO_ALG_NONE allowed */
	struct topo_pos ipsec_encryption_at;
	enum topo_alg ipsec_integrity;
	struct topo_pos ipsec_integrity_at;
	unsigned pfs_group;       /* DH group number; 0 = None */
	bool pfs_mm;              /* PFSMM: same group as the IKE SA */
	struct topo_pos pfs_group_at;
	uint64_t sa_lifetime_s;   /* default 27000 */
	struct topo_pos sa_lifetime_s_at;
	uint64_t sa_data_size_kb; /* default 102400000 */
	struct topo_pos sa_data_size_kb_at;
};

struct topo_connection {
	struct topo_pos at;
	char name[TOPO_NAME_MAX];
	struct topo_pos name_at;
	char lng[TOPO_NAME_MAX]; /* local_network_gateway name */
	struct topo_pos lng_at;
	char shared_key[TOPO_PSK_MAX]; /* secret: never print */
	struct topo_pos shared_key_at;
	bool enable_bgp;               /* default false */
	struct topo_pos enable_bgp_at;
	bool custom_bgp_set;
	struct topo_pos custom_bgp_at;
	struct ip_addr custom_bgp[TOPO_MAX_INSTANCES]; /* primary, secondary */
	bool custom_bgp_has[TOPO_MAX_INSTANCES];
	struct topo_pos custom_bgp_addr_at[TOPO_MAX_INSTANCES];
	enum topo_conn_mode mode;      /* default Default */
	struct topo_pos mode_at;
	uint64_t dpd_timeout_s;        /* default 45 */
	struct topo_pos dpd_timeout_s_at;
	struct topo_azure_policy policy;
	bool use_policy_based_selectors; /* default false */
	struct topo_pos use_policy_based_selectors_at;
};

struct topo_azure {
	bool present;
	struct topo_pos at;
	char resource_group[TOPO_NAME_MAX];
	struct topo_pos resource_group_at;
	char location[TOPO_NAME_MAX];
	struct topo_pos location_at;
	struct topo_vnet vnet;
	struct topo_azure_gateway gateway;
	bool lngs_given;  /* key present: no planning of LNGs */
	struct topo_pos lngs_at;
	size_t n_lngs;
	struct topo_lng lngs[TOPO_MAX_LNGS];
	bool conns_given;
	struct topo_pos conns_at;
	size_t n_conns;
	struct topo_connection conns[TOPO_MAX_CONNS];
};

/* ---- AWS ------------------------------------------------------------------ */

struct topo_vpc {
	struct topo_pos at;
	char name[TOPO_NAME_MAX];
	struct topo_pos name_at;
	struct ip_prefix cidr;
	struct topo_pos cidr_at;
};

struct topo_vgw {
	struct topo_pos at;
	char name[TOPO_NAME_MAX];
	struct topo_pos name_at;
	uint32_t asn;                   /* default 64512 (Amazon) */
	struct topo_pos asn_at;
	char vpc[TOPO_NAME_MAX];
	struct topo_pos vpc_at;
	bool route_propagation;         /* default false */
	struct topo_pos route_propagation_at;
};

enum topo_routing { TOPO_ROUTING_DYNAMIC = 0, TOPO_ROUTING_STATIC };

struct topo_cgw {
	struct topo_pos at;
	char name[TOPO_NAME_MAX];
	struct topo_pos name_at;
	enum topo_routing routing;      /* default dynamic */
	struct topo_pos routing_at;
	uint32_t bgp_asn;
	struct topo_pos bgp_asn_at;
	struct ip_addr ip_address;
	struct topo_pos ip_address_at;
};

enum topo_dpd_action {
	TOPO_DPD_CLEAR = 0,
	TOPO_DPD_NONE,
	TOPO_DPD_RESTART,
};
#define TOPO_IKEV1 (1u << 0)
#define TOPO_IKEV2 (1u << 1)

/* AWS tunnel options; defaults are AWS's (docs/topology.md). */
struct topo_tunnel_options {
	struct topo_pos at;
	uint64_t dpd_timeout_s;         /* 30 */
	struct topo_pos dpd_timeout_s_at;
	enum topo_dpd_action dpd_timeout_action; /* clear */
	struct topo_pos dpd_timeout_action_at;
	uint32_t ike_versions;          /* TOPO_IKEV1 | TOPO_IKEV2 */
	struct topo_pos ike_versions_at;
	topo_algset phase1_encryption;
	struct topo_pos phase1_encryption_at;
	topo_algset phase1_integrity;
	struct topo_pos phase1_integrity_at;
	topo_dhset phase1_dh_groups;
	struct topo_pos phase1_dh_groups_at;
	topo_algset phase2_encryption;
	struct topo_pos phase2_encryption_at;
	topo_algset phase2_integrity;
	struct topo_pos phase2_integrity_at;
	topo_dhset phase2_dh_groups;
	struct topo_pos phase2_dh_groups_at;
	uint64_t phase1_lifetime_s;     /* 28800 */
	struct topo_pos phase1_lifetime_s_at;
	uint64_t phase2_lifetime_s;     /* 3600 */
	struct topo_pos phase2_lifetime_s_at;
	uint64_t rekey_margin_s;        /* 540 */
	struct topo_pos rekey_margin_s_at;
	uint64_t rekey_fuzz_pct;        /* 100 */
	struct topo_pos rekey_fuzz_pct_at;
	uint64_t replay_window;         /* 1024 */
	struct topo_pos replay_window_at;
};

struct topo_tunnel {
	struct topo_pos at;
	bool inside_cidr_set;           /* false: planned */
	struct ip_prefix inside_cidr;
	struct topo_pos inside_cidr_at;
	char pre_shared_key[TOPO_PSK_MAX]; /* secret: never print */
	struct topo_pos pre_shared_key_at;
	bool outside_ip_set;            /* false: assigned by AWS / planned */
	struct ip_addr outside_ip;
	struct topo_pos outside_ip_at;
	bool bgp_passive;               /* vgw emulation: default false */
	struct topo_pos bgp_passive_at;
	struct topo_tunnel_options options;
};

enum topo_startup { TOPO_STARTUP_ADD = 0, TOPO_STARTUP_START };

struct topo_vpn {
	struct topo_pos at;
	char name[TOPO_NAME_MAX];
	struct topo_pos name_at;
	char vpn_gateway[TOPO_NAME_MAX];
	struct topo_pos vpn_gateway_at;
	char customer_gateway[TOPO_NAME_MAX];
	struct topo_pos customer_gateway_at;
	enum topo_routing routing;      /* default dynamic */
	struct topo_pos routing_at;
	struct ip_prefix local_cidr;    /* default 0.0.0.0/0 */
	struct topo_pos local_cidr_at;
	struct ip_prefix remote_cidr;   /* default 0.0.0.0/0 */
	struct topo_pos remote_cidr_at;
	unsigned inside_ip_version;     /* 4 (ipv4) or 6 (ipv6) */
	struct topo_pos inside_ip_version_at;
	enum topo_startup startup;      /* default add */
	struct topo_pos startup_at;
	size_t n_tunnels;               /* 0 (planned) or 2 */
	struct topo_pos tunnels_at;
	struct topo_tunnel tunnels[TOPO_TUNNELS];
};

struct topo_aws {
	bool present;
	struct topo_pos at;
	struct topo_vpc vpc;
	struct topo_vgw vgw;
	size_t n_cgws;
	struct topo_cgw cgws[TOPO_MAX_CGWS];
	size_t n_vpns;
	struct topo_vpn vpns[TOPO_MAX_VPNS];
};

/* ---- On-premises vgw (customer gateway facing AWS) ------------------------ */

struct topo_onprem {
	bool present;
	struct topo_pos at;
	char name[TOPO_NAME_MAX];
	struct topo_pos name_at;
	uint32_t asn;
	struct topo_pos asn_at;
	struct ip_addr public_ip;
	struct topo_pos public_ip_at;
	size_t n_spaces;
	struct ip_prefix spaces[TOPO_MAX_SPACES];
	struct topo_pos spaces_at[TOPO_MAX_SPACES];
};

struct topology {
	char file[TOPO_FILE_MAX];
	char description[TOPO_NAME_MAX * 2];
	struct topo_azure azure;
	struct topo_aws aws;
	struct topo_onprem onprem;
};

/*
 * Load a topology. Structural problems (syntax, unknown keys, wrong types,
 * missing required keys, too many entries) are reported into diags with
 * line:col; the result is NULL when any error was reported. Cross-field
 * rules are not checked here: call topology_validate() on the result.
 */
struct topology *topology_load_file(const char *path, struct diag_list *diags);
struct topology *topology_load_string(const char *text, size_t len,
				      const char *name,
				      struct diag_list *diags);
/* Wipes the pre-shared keys, then frees. NULL-safe. */
void topology_free(struct topology *t);

/*
 * Check every rule of both clouds (docs/topology.md, "Rules"). Adds errors
 * and warnings to diags; returns true when no error was added.
 */
bool topology_validate(const struct topology *t, struct diag_list *diags);

/*
 * Canonical printer: YAML with every key in the documented order and every
 * default written out (docs/topology.md); parts left to the planner stay
 * omitted. Loading the output gives the same model (round trip). With
 * TOPO_PRINT_REDACT, pre-shared keys are written as "<redacted>" (the
 * output then no longer loads into an equal model). Returns false on a
 * write error.
 */
#define TOPO_PRINT_REDACT 1u
bool topology_print(FILE *out, const struct topology *t, unsigned flags);

/* ---- Lookups shared by the validator and the planner ---------------------- */

/* Index of the named entry, or -1. */
int topology_find_cgw(const struct topology *t, const char *name);
int topology_find_lng(const struct topology *t, const char *name);
/* Azure instance (0/1) whose public IP is addr, or -1. */
int topology_azure_instance_of(const struct topology *t,
			       const struct ip_addr *addr);
/* Azure instance the VPN connection's customer gateway points at, or -1
 * (unknown CGW, or a CGW that is not an Azure public IP). */
int topology_vpn_instance(const struct topology *t, size_t vpn);
/* True if the VPN connection's customer gateway is the on-prem vgw. */
bool topology_vpn_is_onprem(const struct topology *t, size_t vpn);
/* AWS tunnel (vpn, tunnel) whose outside IP is addr; false if none. */
bool topology_find_tunnel_by_outside_ip(const struct topology *t,
					const struct ip_addr *addr,
					size_t *vpn, size_t *tunnel);
/* First / second host of a tunnel's inside /30 (AWS side / peer side). */
struct ip_addr topology_tunnel_aws_ip(const struct topo_tunnel *tun);
struct ip_addr topology_tunnel_peer_ip(const struct topo_tunnel *tun);

/* Parse an ASN in plain ("4200000001") or asdot ("1.10") form. */
bool topology_asn_parse(const char *s, uint32_t *out);

#endif
