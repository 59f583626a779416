/*
 * Canonical printer of a daemon config: every field in a fixed order with
 * its effective value, so two configs that mean the same print the same and
 * the output loads back to an equal config.
 *
 * Secrets: a PSK that came from psk_file prints as that path; an inline PSK
 * prints as "<redacted>" (refused by the loader) unless DCONF_PRINT_SECRETS
 * is set. dconf_write_file() always includes secrets and creates the file
 * with mode 0600, since the planner's output must be a working config.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config/dconf_priv.h"
#include "crypto/secret.h"

/*
 * YAML double-quoted string: escapes quotes, backslashes and control
 * characters. Bytes >= 0x80 are copied: the loader only ever holds valid
 * UTF-8 (libyaml checks), and "\xNN" would mean the code point U+00NN.
 */
static void put_quoted(FILE *f, const uint8_t *s, size_t n)
{
	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = s[i];
		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\x%02x", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static void put_str(FILE *f, const char *ind, const char *key, const char *s)
{
	fprintf(f, "%s%s: ", ind, key);
	put_quoted(f, (const uint8_t *)s, strlen(s));
	fputc('\n', f);
}

static void put_ip(FILE *f, const char *ind, const char *key,
		   const struct ip_addr *a)
{
	char buf[IP_ADDR_STRLEN];
	fprintf(f, "%s%s: %s\n", ind, key, ip_addr_fmt(a, buf, sizeof(buf)));
}

static void put_u(FILE *f, const char *ind, const char *key, uint64_t v)
{
	fprintf(f, "%s%s: %llu\n", ind, key, (unsigned long long)v);
}

static void put_b(FILE *f, const char *ind, const char *key, bool v)
{
	fprintf(f, "%s%s: %s\n", ind, key, v ? "true" : "false");
}

static void put_prefixes(FILE *f, const char *ind, const char *key,
			 const struct dconf_prefix_list *l)
{
	char buf[IP_PREFIX_STRLEN];
	if (l->n == 0) {
		fprintf(f, "%s%s: []\n", ind, key);
		return;
	}
	fprintf(f, "%s%s:\n", ind, key);
	for (size_t i = 0; i < l->n; i++)
		fprintf(f, "%s  - %s\n", ind,
			ip_prefix_fmt(&l->v[i], buf, sizeof(buf)));
}

static void put_proposals(FILE *f, const char *key, const struct proposal *p,
			  size_t n)
{
	char buf[PROPOSAL_STRLEN];
	fprintf(f, "    %s:\n", key);
	for (size_t i = 0; i < n; i++) {
		proposal_fmt(&p[i], buf, sizeof(buf));
		fprintf(f, "      - %s\n", buf);
	}
}

static void put_psk(FILE *f, const struct dconf_tunnel *t, unsigned flags)
{
	if (t->psk_file[0] != '\0') {
		put_str(f, "    ", "psk_file", t->psk_file);
	} else if ((flags & DCONF_PRINT_SECRETS) && t->psk != NULL) {
		fputs("    psk: ", f);
		put_quoted(f, t->psk->p, t->psk->len);
		fputc('\n', f);
	} else {
		put_str(f, "    ", "psk", DCONF_REDACTED);
	}
}

static void print_tunnel(FILE *f, const struct dconf_tunnel *t,
			 unsigned flags)
{
	const char *in = "    ";
	char buf[DCONF_ID_MAX + 8];
	fprintf(f, "  - name: %s\n", t->name);
	fprintf(f, "%sifname: %s\n", in, t->ifname);
	put_ip(f, in, "local_outside", &t->local_outside);
	put_ip(f, in, "remote_outside", &t->remote_outside);
	put_u(f, in, "ike_port", t->ike_port);
	put_u(f, in, "natt_port", t->natt_port);
	fprintf(f, "%sinside_address: %s\n", in,
		dconf_ifaddr_fmt(&t->inside_address, buf, sizeof(buf)));
	put_ip(f, in, "inside_peer", &t->inside_peer);
	put_psk(f, t, flags);
	put_str(f, in, "local_id", dconf_id_fmt(&t->local_id, buf,
						sizeof(buf)));
	put_str(f, in, "remote_id", dconf_id_fmt(&t->remote_id, buf,
						 sizeof(buf)));
	put_proposals(f, "ike_proposals", t->ike, t->n_ike);
	put_proposals(f, "esp_proposals", t->esp, t->n_esp);
	put_u(f, in, "ike_lifetime_s", t->ike_lifetime_s);
	put_u(f, in, "child_lifetime_s", t->child_lifetime_s);
	put_u(f, in, "child_lifetime_kb", t->child_lifetime_kb);
	put_u(f, in, "rekey_margin_s", t->rekey_margin_s);
	put_u(f, in, "rekey_fuzz_pct", t->rekey_fuzz_pct);
	put_u(f, in, "replay_window", t->replay_window);
	put_u(f, in, "dpd_interval_s", t->dpd_interval_s);
	put_u(f, in, "dpd_timeout_s", t->dpd_timeout_s);
	fprintf(f, "%sdpd_action: %s\n", in,
		dconf_dpd_action_name(t->dpd_action));
	fprintf(f, "%sinitiation: %s\n", in,
		dconf_initiation_name(t->initiation));
	put_u(f, in, "mtu", t->mtu);
	put_u(f, in, "mss_clamp", t->mss_clamp);
	put_u(f, in, "liveness_ms", t->liveness_ms);
}

static void print_policy(FILE *f, const char *key, const struct dconf_policy *p)
{
	fprintf(f, "      %s:\n", key);
	put_prefixes(f, "        ", "deny_exact", &p->deny_exact);
	put_prefixes(f, "        ", "allow", &p->allow);
}

static void print_neighbor(FILE *f, const struct dconf_neighbor *n)
{
	const char *in = "      ";
	char buf[32];
	fprintf(f, "    - name: %s\n", n->name);
	put_ip(f, in, "address", &n->address);
	put_ip(f, in, "local_address", &n->local_address);
	put_u(f, in, "remote_as", n->remote_as);
	if (n->tunnel[0] != '\0')
		fprintf(f, "%stunnel: %s\n", in, n->tunnel);
	else
		fprintf(f, "%stunnel: null\n", in);
	put_b(f, in, "passive", n->passive);
	put_u(f, in, "port", n->port);
	put_u(f, in, "hold_time", n->hold_time);
	put_u(f, in, "keepalive", n->keepalive);
	put_u(f, in, "connect_retry", n->connect_retry);
	put_u(f, in, "ttl", n->ttl);
	fprintf(f, "%smax_prefix:\n", in);
	put_u(f, "        ", "limit", n->max_prefix.limit);
	fprintf(f, "        action: %s\n",
		dconf_max_prefix_action_name(n->max_prefix.action));
	put_u(f, "        ", "restart_s", n->max_prefix.restart_s);
	print_policy(f, "import", &n->import);
	print_policy(f, "export", &n->export);
	put_u(f, in, "prepend", n->prepend);
	if (n->has_med)
		put_u(f, in, "med", n->med);
	else
		fprintf(f, "%smed: null\n", in);
	put_u(f, in, "local_pref", n->local_pref);
	if (n->n_communities == 0)
		fprintf(f, "%scommunities: []\n", in);
	else
		fprintf(f, "%scommunities:\n", in);
	for (size_t i = 0; i < n->n_communities; i++)
		fprintf(f, "%s  - %s\n", in,
			dconf_community_fmt(n->communities[i], buf,
					    sizeof(buf)));
	put_b(f, in, "graceful_shutdown", n->graceful_shutdown);
}

static void print_bgp(FILE *f, const struct dconf_bgp *b)
{
	if (!b->enabled) {
		fputs("bgp: null\n", f);
		return;
	}
	fputs("bgp:\n", f);
	put_u(f, "  ", "asn", b->asn);
	put_ip(f, "  ", "router_id", &b->router_id);
	put_b(f, "  ", "listen", b->listen);
	put_u(f, "  ", "listen_port", b->listen_port);
	put_b(f, "  ", "multipath", b->multipath);
	put_u(f, "  ", "max_paths", b->max_paths);
	put_prefixes(f, "  ", "announce", &b->announce);
	if (b->n_neighbors == 0)
		fputs("  neighbors: []\n", f);
	else
		fputs("  neighbors:\n", f);
	for (size_t i = 0; i < b->n_neighbors; i++)
		print_neighbor(f, &b->neighbors[i]);
}

int dconf_print(FILE *f, const struct dconf *c, unsigned flags)
{
	if (!(flags & DCONF_PRINT_NO_HEADER))
		fprintf(f, "# vgw daemon config, canonical form "
			"(docs/daemon-config.md)\n");
	put_u(f, "", "version", c->version);
	fprintf(f, "role: %s\n", dconf_role_name(c->role));
	fprintf(f, "name: %s\n", c->name);
	put_ip(f, "", "outside_address", &c->outside_address);
	put_str(f, "", "control_socket", c->control_socket);
	fprintf(f, "log_level: %s\n", dconf_log_level_name(c->log_level));
	if (c->n_tunnels == 0)
		fputs("tunnels: []\n", f);
	else
		fputs("tunnels:\n", f);
	for (size_t i = 0; i < c->n_tunnels; i++)
		print_tunnel(f, &c->tunnels[i], flags);
	print_bgp(f, &c->bgp);
	return ferror(f) ? -1 : 0;
}

int dconf_write_file(const char *path, const struct dconf *c)
{
	char tmp[DCONF_PATH_MAX + 8];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	/* An old tmp file may have had a wider mode. */
	if (fchmod(fd, 0600) != 0) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return -e;
	}
	FILE *f = fdopen(fd, "w");
	if (f == NULL) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return -e;
	}
	int r = dconf_print(f, c, DCONF_PRINT_SECRETS);
	if (fclose(f) != 0 || r != 0) {
		unlink(tmp);
		return -EIO;
	}
	if (rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		return -e;
	}
	return 0;
}
