/*
 * Daemon config loader: YAML tree -> struct dconf. Every key is checked
 * against the table of its section (unknown keys are errors with a
 * "did you mean" hint), every value through a typed getter that reports
 * FILE:LINE:COL; then dconf_finalize_at() derives and validates.
 *
 * Loading continues after an error so one run reports as much as it can;
 * the result is NULL whenever any error was reported.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/dconf_priv.h"
#include "crypto/secret.h"

struct ld {
	struct diag_list *d;
	struct dconf *c;
	char dir[DCONF_PATH_MAX]; /* base for relative psk_file paths */
	bool inline_psk;          /* some tunnel has its PSK in the file */
};

static const char *const top_keys[] = {
	"version", "role", "name", "outside_address", "control_socket",
	"log_level", "tunnels", "bgp", NULL,
};
static const char *const tunnel_keys[] = {
	"name", "ifname", "local_outside", "remote_outside", "ike_port",
	"natt_port", "inside_address", "inside_peer", "psk", "psk_file",
	"local_id", "remote_id", "ike_proposals", "esp_proposals",
	"ike_lifetime_s", "child_lifetime_s", "child_lifetime_kb",
	"rekey_margin_s", "rekey_fuzz_pct", "replay_window", "dpd_interval_s",
	"dpd_timeout_s", "dpd_action", "initiation", "mtu", "mss_clamp",
	"liveness_ms", NULL,
};
static const char *const bgp_keys[] = {
	"asn", "router_id", "listen", "listen_port", "multipath", "max_paths",
	"announce", "neighbors", NULL,
};
static const char *const neighbor_keys[] = {
	"name", "address", "local_address", "remote_as", "tunnel", "passive",
	"port", "hold_time", "keepalive", "connect_retry", "ttl", "max_prefix",
	"import", "export", "prepend", "med", "local_pref", "communities",
	"graceful_shutdown", NULL,
};
static const char *const max_prefix_keys[] = {
	"limit", "action", "restart_s", NULL,
};
static const char *const policy_keys[] = { "deny_exact", "allow", NULL };

static const struct ytree_enum role_tab[] = {
	{ "generic", DCONF_ROLE_GENERIC },
	{ "azure-instance", DCONF_ROLE_AZURE_INSTANCE },
	{ "aws-vgw", DCONF_ROLE_AWS_VGW },
	{ NULL, 0 },
};
static const struct ytree_enum log_tab[] = {
	{ "error", VLOG_ERR }, { "warning", VLOG_WARN },
	{ "info", VLOG_INFO }, { "debug", VLOG_DEBUG }, { NULL, 0 },
};
static const struct ytree_enum dpd_tab[] = {
	{ "clear", DCONF_DPD_CLEAR }, { "restart", DCONF_DPD_RESTART },
	{ "none", DCONF_DPD_NONE }, { NULL, 0 },
};
/* AWS startup action and Azure connection mode names map to one enum. */
static const struct ytree_enum init_tab[] = {
	{ "start", DCONF_INIT_START }, { "add", DCONF_INIT_ADD },
	{ "initiator-only", DCONF_INIT_INITIATOR_ONLY },
	{ "default", DCONF_INIT_START }, { "responder-only", DCONF_INIT_ADD },
	{ NULL, 0 },
};
static const struct ytree_enum maxpfx_tab[] = {
	{ "cease", DCONF_MAXPFX_CEASE }, { "drop", DCONF_MAXPFX_DROP },
	{ "warn", DCONF_MAXPFX_WARN }, { NULL, 0 },
};

/* ---- typed helpers ------------------------------------------------------ */

/* String copied into buf; error if it does not fit. */
static void get_buf_need(struct ld *l, const struct ytree_node *map,
			 const char *key, enum ytree_need need, char *buf,
			 size_t size)
{
	const char *s;
	if (ytree_get_str(map, key, need, &s, l->d) != YTREE_OK)
		return;
	if (strlen(s) >= size) {
		ytree_diag(l->d, DIAG_ERROR, ytree_map_get(map, key),
			   "dconf.length", NULL, "too long (at most %zu "
			   "characters)", size - 1);
		return;
	}
	memcpy(buf, s, strlen(s) + 1);
}

static void get_buf(struct ld *l, const struct ytree_node *map,
		    const char *key, char *buf, size_t size)
{
	get_buf_need(l, map, key, YTREE_OPTIONAL, buf, size);
}

/* A name key: copied, then checked against the name syntax. */
static void get_name(struct ld *l, const struct ytree_node *map,
		     enum ytree_need need, char *buf, size_t size)
{
	get_buf_need(l, map, "name", need, buf, size);
	if (buf[0] != '\0' && !dconf_name_ok(buf))
		ytree_diag(l->d, DIAG_ERROR, ytree_map_get(map, "name"),
			   "dconf.name", "start with a letter or digit; then "
			   "letters, digits, '.', '_', ':', '-'",
			   "invalid name '%s'", buf);
}

static void get_u32(struct ld *l, const struct ytree_node *map,
		    const char *key, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	if (ytree_get_uint(map, key, YTREE_OPTIONAL, min, max, &v, l->d) ==
	    YTREE_OK)
		*out = (uint32_t)v;
}

static void get_u16(struct ld *l, const struct ytree_node *map,
		    const char *key, uint16_t min, uint16_t *out)
{
	uint32_t v = *out;
	get_u32(l, map, key, min, 65535, &v);
	*out = (uint16_t)v;
}

/* Optional enum: *v keeps its value when the key is absent or bad. */
static int get_enum(struct ld *l, const struct ytree_node *map,
		    const char *key, const struct ytree_enum *tab, int v)
{
	ytree_get_enum(map, key, YTREE_OPTIONAL, tab, &v, l->d);
	return v;
}

static void get_asn(struct ld *l, const struct ytree_node *map,
		    const char *key, enum ytree_need need, uint32_t *out)
{
	const char *s;
	if (ytree_get_str(map, key, need, &s, l->d) != YTREE_OK)
		return;
	if (!dconf_asn_parse(s, out) || *out == 0)
		ytree_diag(l->d, DIAG_ERROR, ytree_map_get(map, key),
			   "dconf.asn", "plain (65000) or asdot (1.10)",
			   "invalid AS number '%s'", s);
}

static void get_prefixes(struct ld *l, const struct ytree_node *map,
			 const char *key, struct dconf_prefix_list *out)
{
	const struct ytree_node *seq;
	if (ytree_get_node(map, key, YTREE_OPTIONAL, YTREE_SEQ, &seq, l->d) !=
	    YTREE_OK)
		return;
	out->given = true;
	for (size_t i = 0; i < seq->count; i++) {
		struct ip_prefix p;
		if (!ytree_node_prefix(seq->items[i], false, &p, l->d))
			continue;
		if (!dconf_prefix_list_add(out, &p)) {
			ytree_diag(l->d, DIAG_ERROR, seq->items[i],
				   "dconf.length", NULL,
				   "more than %d prefixes", DCONF_MAX_PREFIXES);
			return;
		}
	}
}

/* Scalar: a profile name; sequence: explicit proposal strings. */
static void get_proposals(struct ld *l, const struct ytree_node *map,
			  const char *key, enum proposal_kind kind,
			  struct proposal *out, uint8_t *n)
{
	const struct ytree_node *v = ytree_map_get(map, key);
	if (v == NULL || ytree_is_null(v))
		return;
	if (v->kind == YTREE_SCALAR) {
		size_t got = proposal_profile(v->str, kind, out,
					      DCONF_MAX_PROPOSALS);
		if (got == 0)
			ytree_diag(l->d, DIAG_ERROR, v, "dconf.profile",
				   "aws-default, azure-default, or a list of "
				   "proposals", "unknown proposal profile "
				   "'%s'", v->str);
		*n = (uint8_t)got;
		return;
	}
	if (!ytree_expect(v, YTREE_SEQ, l->d))
		return;
	if (v->count == 0 || v->count > DCONF_MAX_PROPOSALS) {
		ytree_diag(l->d, DIAG_ERROR, v, "dconf.proposals", NULL,
			   "give 1..%d proposals", DCONF_MAX_PROPOSALS);
		return;
	}
	*n = 0;
	for (size_t i = 0; i < v->count; i++) {
		const char *s;
		char err[160];
		if (!ytree_node_str(v->items[i], &s, l->d))
			continue;
		if (proposal_parse(s, kind, &out[*n], err, sizeof(err)))
			(*n)++;
		else
			ytree_diag(l->d, DIAG_ERROR, v->items[i],
				   "dconf.proposal", kind == PROPOSAL_IKE
				   ? "e.g. aes256-sha256-modp2048"
				   : "e.g. aes256gcm16-modp2048",
				   "%s", err);
	}
}

static void get_id(struct ld *l, const struct ytree_node *map,
		   const char *key, struct dconf_id *out)
{
	const char *s;
	if (ytree_get_str(map, key, YTREE_OPTIONAL, &s, l->d) != YTREE_OK)
		return;
	if (!dconf_id_parse(s, out))
		ytree_diag(l->d, DIAG_ERROR, ytree_map_get(map, key),
			   "dconf.id", "an IP address, fqdn:NAME or "
			   "email:USER@HOST", "invalid identity");
}

/* ---- PSK ---------------------------------------------------------------- */

/* Reads at most 1 KiB, strips one trailing newline. */
static struct secret *read_psk_file(struct ld *l, const struct ytree_node *n,
				    const char *path)
{
	char full[2 * DCONF_PATH_MAX];
	if (path[0] == '/')
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", l->dir, path);
	int fd = open(full, O_RDONLY | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		ytree_diag(l->d, DIAG_ERROR, n, "dconf.psk_file", NULL,
			   "cannot read '%s': %s", full,
			   fd < 0 ? strerror(errno) : "not a regular file");
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	if (st.st_mode & 077)
		ytree_diag(l->d, DIAG_WARNING, n, "dconf.psk_file.mode",
			   "chmod 600", "'%s' is readable by group or others",
			   full);
	char buf[1025];
	ssize_t got = read(fd, buf, sizeof(buf));
	close(fd);
	size_t len = got > 0 ? (size_t)got : 0;
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r')
		len--;
	struct secret *s = NULL;
	if (got < 0 || len == 0 || len >= sizeof(buf) - 1)
		ytree_diag(l->d, DIAG_ERROR, n, "dconf.psk_file", NULL,
			   "'%s' must hold a key of 1..1023 bytes", full);
	else
		s = secret_dup(buf, len);
	secret_cleanse(buf, sizeof(buf));
	return s;
}

static void load_psk(struct ld *l, const struct ytree_node *m,
		     struct dconf_tunnel *t)
{
	const struct ytree_node *psk = ytree_map_get(m, "psk");
	const struct ytree_node *file = ytree_map_get(m, "psk_file");
	if (psk && file) {
		ytree_diag(l->d, DIAG_ERROR, file, "dconf.psk", NULL,
			   "give psk or psk_file, not both");
		return;
	}
	const char *s;
	if (file != NULL) {
		get_buf(l, m, "psk_file", t->psk_file, sizeof(t->psk_file));
		if (t->psk_file[0] != '\0')
			t->psk = read_psk_file(l, file, t->psk_file);
		return;
	}
	if (ytree_get_str(m, "psk", YTREE_OPTIONAL, &s, l->d) != YTREE_OK)
		return;
	if (strcmp(s, DCONF_REDACTED) == 0) {
		ytree_diag(l->d, DIAG_ERROR, psk, "dconf.psk.redacted",
			   "print with --show-secrets, or use psk_file",
			   "this PSK was redacted by the printer");
		return;
	}
	l->inline_psk = true;
	if (!dconf_tunnel_set_psk(t, s))
		ytree_diag(l->d, DIAG_ERROR, psk, "dconf.oom", NULL,
			   "out of memory");
}

/* ---- sections ----------------------------------------------------------- */

static void load_tunnel_timers(struct ld *l, const struct ytree_node *m,
			       struct dconf_tunnel *t)
{
	uint64_t kb;
	get_u32(l, m, "ike_lifetime_s", 60, 86400 * 7, &t->ike_lifetime_s);
	get_u32(l, m, "child_lifetime_s", 60, 86400 * 7, &t->child_lifetime_s);
	if (ytree_get_uint(m, "child_lifetime_kb", YTREE_OPTIONAL, 0,
			   UINT64_MAX / 1024, &kb, l->d) == YTREE_OK)
		t->child_lifetime_kb = kb;
	get_u32(l, m, "rekey_margin_s", 0, 86400, &t->rekey_margin_s);
	get_u32(l, m, "rekey_fuzz_pct", 0, 100, &t->rekey_fuzz_pct);
	get_u32(l, m, "replay_window", 64, 2048, &t->replay_window);
	get_u32(l, m, "dpd_interval_s", 0, 3600, &t->dpd_interval_s);
	get_u32(l, m, "dpd_timeout_s", 0, 86400, &t->dpd_timeout_s);
	t->dpd_action = (enum dconf_dpd_action)get_enum(l, m, "dpd_action",
							dpd_tab, (int)t->dpd_action);
	t->initiation = (enum dconf_initiation)get_enum(l, m, "initiation",
							init_tab, (int)t->initiation);
	get_u32(l, m, "mtu", 0, 65535, &t->mtu);
	get_u32(l, m, "mss_clamp", 0, 65535, &t->mss_clamp);
	get_u32(l, m, "liveness_ms", 0, 60000, &t->liveness_ms);
}

static void load_tunnel(struct ld *l, const struct ytree_node *m)
{
	if (!ytree_expect(m, YTREE_MAP, l->d))
		return;
	ytree_check_keys(m, tunnel_keys, l->d);
	struct dconf_tunnel *t = dconf_add_tunnel(l->c, "");
	if (t == NULL) {
		ytree_diag(l->d, DIAG_ERROR, m, "dconf.length", NULL,
			   "more than %d tunnels", DCONF_MAX_TUNNELS);
		return;
	}
	get_name(l, m, YTREE_REQUIRED, t->name, sizeof(t->name));
	get_buf(l, m, "ifname", t->ifname, sizeof(t->ifname));
	ytree_get_ip(m, "local_outside", YTREE_OPTIONAL, false,
		     &t->local_outside, l->d);
	ytree_get_ip(m, "remote_outside", YTREE_REQUIRED, false,
		     &t->remote_outside, l->d);
	get_u16(l, m, "ike_port", 1, &t->ike_port);
	get_u16(l, m, "natt_port", 1, &t->natt_port);
	const char *s;
	if (ytree_get_str(m, "inside_address", YTREE_REQUIRED, &s, l->d) ==
		    YTREE_OK &&
	    !dconf_ifaddr_parse(s, &t->inside_address))
		ytree_diag(l->d, DIAG_ERROR, ytree_map_get(m, "inside_address"),
			   "dconf.tunnel.inside", "e.g. 169.254.21.2/30",
			   "expected ADDRESS/LEN, found '%s'", s);
	ytree_get_ip(m, "inside_peer", YTREE_REQUIRED, false, &t->inside_peer,
		     l->d);
	load_psk(l, m, t);
	get_id(l, m, "local_id", &t->local_id);
	get_id(l, m, "remote_id", &t->remote_id);
	get_proposals(l, m, "ike_proposals", PROPOSAL_IKE, t->ike, &t->n_ike);
	get_proposals(l, m, "esp_proposals", PROPOSAL_ESP, t->esp, &t->n_esp);
	load_tunnel_timers(l, m, t);
}

static void load_policy(struct ld *l, const struct ytree_node *m,
			const char *key, struct dconf_policy *p)
{
	const struct ytree_node *v;
	if (ytree_get_node(m, key, YTREE_OPTIONAL, YTREE_MAP, &v, l->d) !=
	    YTREE_OK)
		return;
	ytree_check_keys(v, policy_keys, l->d);
	get_prefixes(l, v, "deny_exact", &p->deny_exact);
	get_prefixes(l, v, "allow", &p->allow);
}

static void load_communities(struct ld *l, const struct ytree_node *m,
			     struct dconf_neighbor *n)
{
	const struct ytree_node *seq;
	if (ytree_get_node(m, "communities", YTREE_OPTIONAL, YTREE_SEQ, &seq,
			   l->d) != YTREE_OK)
		return;
	for (size_t i = 0; i < seq->count; i++) {
		const char *s;
		uint32_t v;
		if (!ytree_node_str(seq->items[i], &s, l->d))
			continue;
		if (!dconf_community_parse(s, &v))
			ytree_diag(l->d, DIAG_ERROR, seq->items[i],
				   "dconf.community", "ASN:VALUE or no-export, "
				   "no-advertise, no-export-subconfed, "
				   "graceful-shutdown",
				   "invalid community '%s'", s);
		else if (n->n_communities >= DCONF_MAX_COMMUNITIES)
			ytree_diag(l->d, DIAG_ERROR, seq->items[i],
				   "dconf.length", NULL,
				   "more than %d communities",
				   DCONF_MAX_COMMUNITIES);
		else
			n->communities[n->n_communities++] = v;
	}
}

static void load_max_prefix(struct ld *l, const struct ytree_node *m,
			    struct dconf_max_prefix *mp)
{
	const struct ytree_node *v;
	if (ytree_get_node(m, "max_prefix", YTREE_OPTIONAL, YTREE_MAP, &v,
			   l->d) != YTREE_OK)
		return;
	ytree_check_keys(v, max_prefix_keys, l->d);
	get_u32(l, v, "limit", 0, UINT32_MAX - 1, &mp->limit);
	mp->action = (enum dconf_max_prefix_action)get_enum(l, v, "action",
			maxpfx_tab, (int)mp->action);
	get_u32(l, v, "restart_s", 0, 86400, &mp->restart_s);
}

static void load_neighbor(struct ld *l, const struct ytree_node *m)
{
	if (!ytree_expect(m, YTREE_MAP, l->d))
		return;
	ytree_check_keys(m, neighbor_keys, l->d);
	struct dconf_neighbor *n = dconf_add_neighbor(l->c, "");
	if (n == NULL) {
		ytree_diag(l->d, DIAG_ERROR, m, "dconf.length", NULL,
			   "more than %d neighbors", DCONF_MAX_NEIGHBORS);
		return;
	}
	get_name(l, m, YTREE_OPTIONAL, n->name, sizeof(n->name));
	ytree_get_ip(m, "address", YTREE_REQUIRED, false, &n->address, l->d);
	ytree_get_ip(m, "local_address", YTREE_OPTIONAL, false,
		     &n->local_address, l->d);
	get_asn(l, m, "remote_as", YTREE_REQUIRED, &n->remote_as);
	get_buf(l, m, "tunnel", n->tunnel, sizeof(n->tunnel));
	ytree_get_bool(m, "passive", YTREE_OPTIONAL, &n->passive, l->d);
	get_u16(l, m, "port", 1, &n->port);
	get_u32(l, m, "hold_time", 0, 65535, &n->hold_time);
	get_u32(l, m, "keepalive", 0, 65535, &n->keepalive);
	get_u32(l, m, "connect_retry", 1, 65535, &n->connect_retry);
	get_u32(l, m, "ttl", 1, 255, &n->ttl);
	load_max_prefix(l, m, &n->max_prefix);
	load_policy(l, m, "import", &n->import);
	load_policy(l, m, "export", &n->export);
	get_u32(l, m, "prepend", 0, 16, &n->prepend);
	uint64_t med;
	if (ytree_get_uint(m, "med", YTREE_OPTIONAL, 0, UINT32_MAX, &med,
			   l->d) == YTREE_OK) {
		n->has_med = true;
		n->med = (uint32_t)med;
	}
	get_u32(l, m, "local_pref", 0, UINT32_MAX, &n->local_pref);
	load_communities(l, m, n);
	ytree_get_bool(m, "graceful_shutdown", YTREE_OPTIONAL,
		       &n->graceful_shutdown, l->d);
}

static void load_bgp(struct ld *l, const struct ytree_node *root)
{
	const struct ytree_node *m, *seq;
	if (ytree_get_node(root, "bgp", YTREE_OPTIONAL, YTREE_MAP, &m, l->d) !=
	    YTREE_OK)
		return;
	struct dconf_bgp *b = &l->c->bgp;
	b->enabled = true;
	ytree_check_keys(m, bgp_keys, l->d);
	get_asn(l, m, "asn", YTREE_REQUIRED, &b->asn);
	ytree_get_ip(m, "router_id", YTREE_OPTIONAL, true, &b->router_id,
		     l->d);
	ytree_get_bool(m, "listen", YTREE_OPTIONAL, &b->listen, l->d);
	get_u16(l, m, "listen_port", 1, &b->listen_port);
	ytree_get_bool(m, "multipath", YTREE_OPTIONAL, &b->multipath, l->d);
	get_u32(l, m, "max_paths", 1, 64, &b->max_paths);
	get_prefixes(l, m, "announce", &b->announce);
	if (ytree_get_node(m, "neighbors", YTREE_OPTIONAL, YTREE_SEQ, &seq,
			   l->d) == YTREE_OK)
		for (size_t i = 0; i < seq->count; i++)
			load_neighbor(l, seq->items[i]);
}

static void load_top(struct ld *l, const struct ytree_node *root)
{
	uint64_t version;
	const struct ytree_node *seq;
	enum ytree_get r = ytree_get_uint(root, "version", YTREE_REQUIRED, 0,
					  UINT32_MAX, &version, l->d);
	if (r == YTREE_OK && version != DCONF_VERSION)
		ytree_diag(l->d, DIAG_ERROR, ytree_map_get(root, "version"),
			   "dconf.version", "this vgw reads version 1",
			   "unsupported config version %llu",
			   (unsigned long long)version);
	get_name(l, root, YTREE_REQUIRED, l->c->name, sizeof(l->c->name));
	ytree_get_ip(root, "outside_address", YTREE_REQUIRED, false,
		     &l->c->outside_address, l->d);
	get_buf(l, root, "control_socket", l->c->control_socket,
		sizeof(l->c->control_socket));
	l->c->log_level = (enum vlog_level)get_enum(l, root, "log_level",
						    log_tab, (int)l->c->log_level);
	if (ytree_get_node(root, "tunnels", YTREE_OPTIONAL, YTREE_SEQ, &seq,
			   l->d) == YTREE_OK)
		for (size_t i = 0; i < seq->count; i++)
			load_tunnel(l, seq->items[i]);
	load_bgp(l, root);
}

static struct dconf *load_doc(struct ytree_doc *doc, const char *name,
			      struct diag_list *d, struct ld *l)
{
	const struct ytree_node *root = ytree_root(doc);
	size_t errors0 = d->errors;
	if (root == NULL) {
		struct diag_pos pos = { name, 1, 1 };
		diag_add(d, DIAG_ERROR, &pos, "", "dconf.empty",
			 "see docs/daemon-config.md", "empty config");
		return NULL;
	}
	if (!ytree_expect(root, YTREE_MAP, d))
		return NULL;
	ytree_check_keys(root, top_keys, d);
	int role = DCONF_ROLE_GENERIC;
	ytree_get_enum(root, "role", YTREE_REQUIRED, role_tab, &role, d);
	l->c = dconf_new((enum dconf_role)role, "");
	if (l->c == NULL)
		return NULL;
	snprintf(l->c->source, sizeof(l->c->source), "%s", name);
	load_top(l, root);
	if (d->errors == errors0)
		dconf_finalize_at(l->c, d, root);
	diag_list_sort(d); /* report in file order */
	if (d->errors != errors0) {
		dconf_free(l->c);
		return NULL;
	}
	return l->c;
}

static struct dconf *load(struct ytree_doc *doc, const char *name,
			  struct diag_list *diags, struct ld *l)
{
	struct diag_list local;
	struct diag_list *d = diags;
	if (d == NULL) {
		diag_list_init(&local);
		d = &local;
	}
	l->d = d;
	struct dconf *c = doc ? load_doc(doc, name, d, l) : NULL;
	ytree_free(doc);
	if (d == &local)
		diag_list_free(&local);
	return c;
}

static void set_dir(struct ld *l, const char *name)
{
	char tmp[DCONF_PATH_MAX];
	snprintf(tmp, sizeof(tmp), "%s", name ? name : ".");
	snprintf(l->dir, sizeof(l->dir), "%s", dirname(tmp));
}

struct dconf *dconf_load_string(const char *text, size_t len,
				const char *name, struct diag_list *diags)
{
	struct ld l;
	memset(&l, 0, sizeof(l));
	if (name == NULL)
		name = "<config>";
	set_dir(&l, name);
	struct diag_list local;
	diag_list_init(&local);
	struct ytree_doc *doc = ytree_load_string(text, len, name,
						  diags ? diags : &local);
	diag_list_free(&local);
	return load(doc, name, diags, &l);
}

struct dconf *dconf_load_file(const char *path, struct diag_list *diags)
{
	struct ld l;
	memset(&l, 0, sizeof(l));
	set_dir(&l, path);
	struct diag_list local;
	diag_list_init(&local);
	struct diag_list *d = diags ? diags : &local;
	struct ytree_doc *doc = ytree_load_file(path, d);
	struct dconf *c = load(doc, path, d, &l);
	struct stat st;
	if (c != NULL && l.inline_psk && stat(path, &st) == 0 &&
	    (st.st_mode & 077)) {
		struct diag_pos pos = { path, 0, 0 };
		diag_add(d, DIAG_WARNING, &pos, "", "dconf.file.mode",
			 "chmod 600", "file holds a PSK and is readable by "
			 "group or others");
	}
	diag_list_free(&local);
	return c;
}
