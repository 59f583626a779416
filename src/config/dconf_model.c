/*
 * Daemon config model: construction with role defaults, release, names and
 * the small value syntaxes (interface address, IKE identity, ASN,
 * community). Derivation and validation live in dconf_check.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/dconf_priv.h"
#include "crypto/secret.h"

/*
 * Role defaults. Sources (docs/daemon-config.md and
 * /work/shared/reference/cloud-rules.md):
 *  azure-instance: BGP 60/180 fixed, never opens BGP from APIPA (passive),
 *    4000 prefixes then the session is dropped, VNet prefixes refused,
 *    never advertises a default route, ECMP across tunnels; IKE SA 28800 s,
 *    Child SA 27000 s / 102400000 KB, DPD timeout 45 s, MSS clamp 1350.
 *  aws-vgw: BGP 10/30 (AWS device examples), Cease 6/1 past 100 routes,
 *    one best path; IKE 28800, Child 3600, rekey margin 540 s, fuzz 100 %,
 *    replay window 1024, DPD timeout 30 s action clear, startup action add.
 *  generic: RFC 4271 suggested timers 30/90 and ConnectRetry 120 s,
 *    strongSwan-like lifetimes (4 h / 1 h, margin 9 min).
 * Where a cloud documents only the timeout, DPD probes every third of it.
 */
static const struct dconf_defaults role_defaults[] = {
	[DCONF_ROLE_GENERIC] = {
		.profile = NULL,
		.ike_lifetime_s = 14400, .child_lifetime_s = 3600,
		.child_lifetime_kb = 0, .rekey_margin_s = 540,
		.rekey_fuzz_pct = 100, .replay_window = 64,
		.dpd_interval_s = 30, .dpd_timeout_s = 120,
		.dpd_action = DCONF_DPD_RESTART,
		.initiation = DCONF_INIT_START, .mss_clamp = DCONF_AUTO,
		.listen = true, .multipath = false,
		.passive = false, .hold_time = 90, .keepalive = 30,
		.connect_retry = 120, .max_prefix = 0,
		.max_prefix_action = DCONF_MAXPFX_WARN,
		.max_prefix_restart_s = 0,
		.deny_own_prefixes = false, .deny_default_export = false,
	},
	[DCONF_ROLE_AZURE_INSTANCE] = {
		.profile = "azure-default",
		.ike_lifetime_s = 28800, .child_lifetime_s = 27000,
		.child_lifetime_kb = 102400000, .rekey_margin_s = 540,
		.rekey_fuzz_pct = 100, .replay_window = 64,
		.dpd_interval_s = 15, .dpd_timeout_s = 45,
		.dpd_action = DCONF_DPD_RESTART,
		.initiation = DCONF_INIT_START, .mss_clamp = 1350,
		.listen = true, .multipath = true,
		.passive = true, .hold_time = 180, .keepalive = 60,
		.connect_retry = 120, .max_prefix = 4000,
		.max_prefix_action = DCONF_MAXPFX_DROP,
		.max_prefix_restart_s = 60,
		.deny_own_prefixes = true, .deny_default_export = true,
	},
	[DCONF_ROLE_AWS_VGW] = {
		.profile = "aws-default",
		.ike_lifetime_s = 28800, .child_lifetime_s = 3600,
		.child_lifetime_kb = 0, .rekey_margin_s = 540,
		.rekey_fuzz_pct = 100, .replay_window = 1024,
		.dpd_interval_s = 10, .dpd_timeout_s = 30,
		.dpd_action = DCONF_DPD_CLEAR,
		.initiation = DCONF_INIT_ADD, .mss_clamp = DCONF_AUTO,
		.listen = true, .multipath = false,
		.passive = false, .hold_time = 30, .keepalive = 10,
		.connect_retry = 30, .max_prefix = 100,
		.max_prefix_action = DCONF_MAXPFX_CEASE,
		.max_prefix_restart_s = 30,
		.deny_own_prefixes = false, .deny_default_export = false,
	},
};

const struct dconf_defaults *dconf_defaults(enum dconf_role role)
{
	if ((unsigned)role > DCONF_ROLE_AWS_VGW)
		role = DCONF_ROLE_GENERIC;
	return &role_defaults[role];
}

/* Generic lists: AEAD first, then CBC+HMAC; ECP and 2048-bit MODP. */
static const char *const generic_ike[] = {
	"aes256gcm16-prfsha256-ecp256-modp2048",
	"aes256-sha256-ecp256-modp2048",
};
static const char *const generic_esp[] = {
	"aes256gcm16-ecp256-modp2048",
	"aes256-sha256-ecp256-modp2048",
};

void dconf_default_proposals(enum dconf_role role, struct dconf_tunnel *t)
{
	const char *profile = dconf_defaults(role)->profile;
	if (profile != NULL) {
		t->n_ike = (uint8_t)proposal_profile(profile, PROPOSAL_IKE,
						     t->ike,
						     DCONF_MAX_PROPOSALS);
		t->n_esp = (uint8_t)proposal_profile(profile, PROPOSAL_ESP,
						     t->esp,
						     DCONF_MAX_PROPOSALS);
		return;
	}
	t->n_ike = t->n_esp = 0;
	for (size_t i = 0; i < 2; i++) {
		if (proposal_parse(generic_ike[i], PROPOSAL_IKE,
				   &t->ike[t->n_ike], NULL, 0))
			t->n_ike++;
		if (proposal_parse(generic_esp[i], PROPOSAL_ESP,
				   &t->esp[t->n_esp], NULL, 0))
			t->n_esp++;
	}
}

static void copy_name(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src ? src : "");
}

struct dconf *dconf_new(enum dconf_role role, const char *name)
{
	struct dconf *c = calloc(1, sizeof(*c));
	if (c == NULL)
		return NULL;
	c->version = DCONF_VERSION;
	c->role = role;
	copy_name(c->name, sizeof(c->name), name);
	c->log_level = VLOG_INFO;
	c->tunnels = calloc(DCONF_MAX_TUNNELS, sizeof(*c->tunnels));
	c->bgp.neighbors = calloc(DCONF_MAX_NEIGHBORS,
				  sizeof(*c->bgp.neighbors));
	if (c->tunnels == NULL || c->bgp.neighbors == NULL) {
		dconf_free(c);
		return NULL;
	}
	const struct dconf_defaults *d = dconf_defaults(role);
	c->bgp.listen = d->listen;
	c->bgp.listen_port = 179;
	c->bgp.multipath = d->multipath;
	c->bgp.max_paths = DCONF_AUTO;
	return c;
}

struct dconf_tunnel *dconf_add_tunnel(struct dconf *c, const char *name)
{
	if (c->n_tunnels >= DCONF_MAX_TUNNELS)
		return NULL;
	const struct dconf_defaults *d = dconf_defaults(c->role);
	struct dconf_tunnel *t = &c->tunnels[c->n_tunnels++];
	memset(t, 0, sizeof(*t));
	copy_name(t->name, sizeof(t->name), name);
	t->ike_port = 500;
	t->natt_port = 4500;
	t->ike_lifetime_s = d->ike_lifetime_s;
	t->child_lifetime_s = d->child_lifetime_s;
	t->child_lifetime_kb = d->child_lifetime_kb;
	t->rekey_margin_s = d->rekey_margin_s;
	t->rekey_fuzz_pct = d->rekey_fuzz_pct;
	t->replay_window = d->replay_window;
	t->dpd_interval_s = d->dpd_interval_s;
	t->dpd_timeout_s = d->dpd_timeout_s;
	t->dpd_action = d->dpd_action;
	t->initiation = d->initiation;
	t->mtu = 0;
	t->mss_clamp = d->mss_clamp;
	return t;
}

struct dconf_neighbor *dconf_add_neighbor(struct dconf *c, const char *name)
{
	if (c->bgp.n_neighbors >= DCONF_MAX_NEIGHBORS)
		return NULL;
	const struct dconf_defaults *d = dconf_defaults(c->role);
	struct dconf_neighbor *n = &c->bgp.neighbors[c->bgp.n_neighbors++];
	memset(n, 0, sizeof(*n));
	c->bgp.enabled = true;
	copy_name(n->name, sizeof(n->name), name);
	n->passive = d->passive;
	n->hold_time = d->hold_time;
	n->keepalive = d->keepalive;
	n->connect_retry = d->connect_retry;
	n->ttl = 1;
	n->port = 179;
	n->max_prefix.limit = d->max_prefix;
	n->max_prefix.action = d->max_prefix_action;
	n->max_prefix.restart_s = d->max_prefix_restart_s;
	n->local_pref = 100;
	return n;
}

bool dconf_prefix_list_add(struct dconf_prefix_list *l,
			   const struct ip_prefix *p)
{
	if (l->n >= DCONF_MAX_PREFIXES)
		return false;
	struct ip_prefix *nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
	if (nv == NULL)
		return false;
	l->v = nv;
	l->v[l->n++] = *p;
	l->given = true;
	return true;
}

bool dconf_tunnel_set_psk(struct dconf_tunnel *t, const char *psk)
{
	struct secret *s = secret_from_str(psk);
	if (s == NULL)
		return false;
	secret_free(t->psk);
	t->psk = s;
	return true;
}

static void policy_free(struct dconf_policy *p)
{
	free(p->deny_exact.v);
	free(p->allow.v);
}

void dconf_free(struct dconf *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; c->tunnels && i < c->n_tunnels; i++)
		secret_free(c->tunnels[i].psk);
	for (size_t i = 0; c->bgp.neighbors && i < c->bgp.n_neighbors; i++) {
		policy_free(&c->bgp.neighbors[i].import);
		policy_free(&c->bgp.neighbors[i].export);
	}
	free(c->tunnels);
	free(c->bgp.neighbors);
	free(c->bgp.announce.v);
	free(c);
}

const struct dconf_tunnel *dconf_find_tunnel(const struct dconf *c,
					     const char *name)
{
	for (size_t i = 0; i < c->n_tunnels; i++)
		if (strcmp(c->tunnels[i].name, name) == 0)
			return &c->tunnels[i];
	return NULL;
}

/* ---- Names -------------------------------------------------------------- */

static const char *const role_names[] = {
	[DCONF_ROLE_GENERIC] = "generic",
	[DCONF_ROLE_AZURE_INSTANCE] = "azure-instance",
	[DCONF_ROLE_AWS_VGW] = "aws-vgw",
};

const char *dconf_role_name(enum dconf_role r)
{
	return (unsigned)r <= DCONF_ROLE_AWS_VGW ? role_names[r] : "?";
}

bool dconf_role_parse(const char *s, enum dconf_role *out)
{
	for (unsigned i = 0; i <= DCONF_ROLE_AWS_VGW; i++) {
		if (strcmp(s, role_names[i]) == 0) {
			*out = (enum dconf_role)i;
			return true;
		}
	}
	return false;
}

const char *dconf_dpd_action_name(enum dconf_dpd_action a)
{
	switch (a) {
	case DCONF_DPD_CLEAR: return "clear";
	case DCONF_DPD_RESTART: return "restart";
	case DCONF_DPD_NONE: return "none";
	}
	return "?";
}

const char *dconf_initiation_name(enum dconf_initiation i)
{
	switch (i) {
	case DCONF_INIT_START: return "start";
	case DCONF_INIT_ADD: return "add";
	case DCONF_INIT_INITIATOR_ONLY: return "initiator-only";
	}
	return "?";
}

const char *dconf_max_prefix_action_name(enum dconf_max_prefix_action a)
{
	switch (a) {
	case DCONF_MAXPFX_CEASE: return "cease";
	case DCONF_MAXPFX_DROP: return "drop";
	case DCONF_MAXPFX_WARN: return "warn";
	}
	return "?";
}

const char *dconf_log_level_name(enum vlog_level l)
{
	switch (l) {
	case VLOG_ERR: return "error";
	case VLOG_WARN: return "warning";
	case VLOG_INFO: return "info";
	case VLOG_DEBUG: return "debug";
	}
	return "info";
}

bool dconf_name_ok(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n >= DCONF_NAME_MAX)
		return false;
	/* Printed as plain YAML: start alphanumeric, never a null word. */
	bool alnum0 = (s[0] >= 'a' && s[0] <= 'z') ||
		      (s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= '0' && s[0] <= '9');
	if (!alnum0 || strcasecmp(s, "null") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];
		bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' ||
			  ch == '-' || ch == ':';
		if (!ok)
			return false;
	}
	return true;
}
