/*
 * Daemon config model: role defaults (one table row per role), value
 * syntaxes (table of valid and invalid texts), the builder + finalize path
 * the planner uses, secrets handling and dconf_write_file().
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/dconf.h"
#include "config/dconf_priv.h"
#include "config/diag.h"
#include "crypto/secret.h"

/* A one-tunnel, one-neighbor config built like the planner does. */
static struct dconf *build(enum dconf_role role)
{
	struct dconf *c = dconf_new(role, "gw");
	assert_non_null(c);
	ip_addr_parse("192.0.2.1", &c->outside_address);
	c->bgp.asn = 65001;
	struct ip_prefix vnet;
	ip_prefix_parse("10.1.0.0/16", &vnet, true);
	assert_true(dconf_prefix_list_add(&c->bgp.announce, &vnet));
	struct dconf_tunnel *t = dconf_add_tunnel(c, "t1");
	assert_non_null(t);
	ip_addr_parse("192.0.2.2", &t->remote_outside);
	assert_true(dconf_ifaddr_parse("169.254.21.2/30", &t->inside_address));
	ip_addr_parse("169.254.21.1", &t->inside_peer);
	assert_true(dconf_tunnel_set_psk(t, "Secret.Key_1"));
	struct dconf_neighbor *n = dconf_add_neighbor(c, "n1");
	assert_non_null(n);
	ip_addr_parse("169.254.21.1", &n->address);
	n->remote_as = 64512;
	return c;
}

struct role_row {
	enum dconf_role role;
	uint32_t hold, keepalive, maxpfx, ike_life, child_life, replay;
	uint32_t dpd_timeout, mss;
	enum dconf_max_prefix_action action;
	enum dconf_dpd_action dpd;
	enum dconf_initiation init;
	bool passive, multipath;
	uint32_t max_paths;
	size_t deny_import, deny_export;
	uint16_t first_ike_dh;
};

static const struct role_row roles[] = {
	{ DCONF_ROLE_AZURE_INSTANCE, 180, 60, 4000, 28800, 27000, 64, 45,
	  1350, DCONF_MAXPFX_DROP, DCONF_DPD_RESTART, DCONF_INIT_START, true,
	  true, 8, 1, 1, PROPOSAL_DH_MODP1024 },
	{ DCONF_ROLE_AWS_VGW, 30, 10, 100, 28800, 3600, 1024, 30, 1382,
	  DCONF_MAXPFX_CEASE, DCONF_DPD_CLEAR, DCONF_INIT_ADD, false, false,
	  1, 0, 0, PROPOSAL_DH_MODP1024 },
	{ DCONF_ROLE_GENERIC, 90, 30, 0, 14400, 3600, 64, 120, 1398,
	  DCONF_MAXPFX_WARN, DCONF_DPD_RESTART, DCONF_INIT_START, false,
	  false, 1, 0, 0, PROPOSAL_DH_ECP256 },
};

static void test_role_defaults(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(roles) / sizeof(roles[0]); i++) {
		const struct role_row *r = &roles[i];
		struct diag_list d;
		diag_list_init(&d);
		struct dconf *c = build(r->role);
		if (!dconf_finalize(c, &d))
			diag_list_print(&d, stderr);
		assert_int_equal(diag_error_count(&d), 0);
		const struct dconf_tunnel *t = &c->tunnels[0];
		const struct dconf_neighbor *n = &c->bgp.neighbors[0];
		print_message("role %s\n", dconf_role_name(r->role));
		assert_int_equal(n->hold_time, r->hold);
		assert_int_equal(n->keepalive, r->keepalive);
		assert_int_equal(n->max_prefix.limit, r->maxpfx);
		assert_int_equal(n->max_prefix.action, r->action);
		assert_int_equal(n->passive, r->passive);
		assert_int_equal(c->bgp.multipath, r->multipath);
		assert_int_equal(c->bgp.max_paths, r->max_paths);
		assert_int_equal(n->import.deny_exact.n, r->deny_import);
		assert_int_equal(n->export.deny_exact.n, r->deny_export);
		assert_int_equal(t->ike_lifetime_s, r->ike_life);
		assert_int_equal(t->child_lifetime_s, r->child_life);
		assert_int_equal(t->replay_window, r->replay);
		assert_int_equal(t->dpd_timeout_s, r->dpd_timeout);
		assert_int_equal(t->dpd_action, r->dpd);
		assert_int_equal(t->initiation, r->init);
		assert_int_equal(t->mss_clamp, r->mss);
		assert_int_equal(t->ike[0].dh[0], r->first_ike_dh);
		/* derived */
		assert_string_equal(t->ifname, "vgw0");
		assert_true(ip_addr_eq(&t->local_outside, &c->outside_address));
		assert_string_equal(t->local_id.value, "192.0.2.1");
		assert_string_equal(n->tunnel, "t1");
		assert_true(ip_addr_eq(&n->local_address,
				       &t->inside_address.addr));
		assert_true(ip_addr_eq(&c->bgp.router_id, &c->outside_address));
		assert_string_equal(c->control_socket, "/run/vgw/gw.sock");
		dconf_free(c);
		diag_list_free(&d);
	}
}

struct text_row {
	int kind; /* 0 ifaddr, 1 id, 2 asn, 3 community */
	const char *in;
	const char *out; /* canonical text, NULL when invalid */
};

static const struct text_row texts[] = {
	{ 0, "169.254.21.2/30", "169.254.21.2/30" },
	{ 0, "2001:db8::1/64", "2001:db8::1/64" },
	{ 0, "169.254.21.2", NULL },
	{ 0, "169.254.21.2/33", NULL },
	{ 0, "169.254.21.2/", NULL },
	{ 0, "/30", NULL },
	{ 0, "169.254.21.2/3x", NULL },
	{ 1, "203.0.113.10", "203.0.113.10" },
	{ 1, "fqdn:vpn.example.com", "fqdn:vpn.example.com" },
	{ 1, "email:a@example.com", "email:a@example.com" },
	{ 1, "email:nobody", NULL },
	{ 1, "fqdn:", NULL },
	{ 1, "fqdn:has space", NULL },
	{ 1, "vpn.example.com", NULL },
	{ 2, "65000", "65000" },
	{ 2, "1.10", "65546" },
	{ 2, "4294967295", "4294967295" },
	{ 2, "4294967296", NULL },
	{ 2, "1.65536", NULL },
	{ 2, "-1", NULL },
	{ 2, "", NULL },
	{ 3, "65000:100", "65000:100" },
	{ 3, "no-export", "no-export" },
	{ 3, "65535:65281", "no-export" },
	{ 3, "graceful-shutdown", "graceful-shutdown" },
	{ 3, "65536:1", NULL },
	{ 3, "1:", NULL },
	{ 3, "abc", NULL },
};

static void test_value_syntax(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		const struct text_row *r = &texts[i];
		char buf[300] = "";
		bool ok = false;
		struct dconf_ifaddr ia;
		struct dconf_id id;
		uint32_t v;
		print_message("row %zu: %s\n", i, r->in);
		switch (r->kind) {
		case 0:
			ok = dconf_ifaddr_parse(r->in, &ia);
			if (ok)
				dconf_ifaddr_fmt(&ia, buf, sizeof(buf));
			break;
		case 1:
			ok = dconf_id_parse(r->in, &id);
			if (ok)
				dconf_id_fmt(&id, buf, sizeof(buf));
			break;
		case 2:
			ok = dconf_asn_parse(r->in, &v);
			if (ok)
				snprintf(buf, sizeof(buf), "%u", (unsigned)v);
			break;
		default:
			ok = dconf_community_parse(r->in, &v);
			if (ok)
				dconf_community_fmt(v, buf, sizeof(buf));
			break;
		}
		assert_int_equal(ok, r->out != NULL);
		if (ok)
			assert_string_equal(buf, r->out);
	}
}

/* Finalize reports builder mistakes with the field's path. */
static void test_builder_errors(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct dconf *c = build(DCONF_ROLE_GENERIC);
	secret_free(c->tunnels[0].psk);
	c->tunnels[0].psk = NULL;
	c->bgp.neighbors[0].keepalive = 200;
	c->bgp.asn = 23456;
	struct dconf_tunnel *t2 = dconf_add_tunnel(c, "t1");
	ip_addr_parse("192.0.2.3", &t2->remote_outside);
	dconf_ifaddr_parse("169.254.21.6/30", &t2->inside_address);
	ip_addr_parse("169.254.21.5", &t2->inside_peer);
	dconf_tunnel_set_psk(t2, "x");
	assert_false(dconf_finalize(c, &d));
	assert_non_null(diag_list_find(&d, "tunnels[0].psk", "dconf.tunnel.psk"));
	assert_non_null(diag_list_find(&d, "bgp.neighbors[0].keepalive",
				       "dconf.bgp.keepalive"));
	assert_non_null(diag_list_find(&d, "bgp.asn", "dconf.bgp.asn"));
	assert_non_null(diag_list_find(&d, "tunnels[1].name",
				       "dconf.tunnel.unique"));
	dconf_free(c);
	diag_list_free(&d);
}

static char *print_str(const struct dconf *c, unsigned flags)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	assert_int_equal(dconf_print(m, c, flags), 0);
	fclose(m);
	return buf;
}

/* Redacted prints never load; the secret print round-trips. */
static void test_secrets(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct dconf *c = build(DCONF_ROLE_AWS_VGW);
	assert_true(dconf_finalize(c, &d));
	char *red = print_str(c, 0);
	assert_null(strstr(red, "Secret.Key_1"));
	assert_non_null(strstr(red, "psk: \"<redacted>\""));
	assert_null(dconf_load_string(red, strlen(red), "red.yaml", &d));
	assert_non_null(diag_list_find(&d, "tunnels[0].psk",
				       "dconf.psk.redacted"));
	char *sec = print_str(c, DCONF_PRINT_SECRETS);
	struct dconf *c2 = dconf_load_string(sec, strlen(sec), "sec.yaml", &d);
	assert_non_null(c2);
	assert_int_equal(c2->tunnels[0].psk->len, strlen("Secret.Key_1"));
	assert_memory_equal(c2->tunnels[0].psk->p, "Secret.Key_1", 12);
	char *sec2 = print_str(c2, DCONF_PRINT_SECRETS);
	assert_string_equal(sec, sec2);
	free(red);
	free(sec);
	free(sec2);
	dconf_free(c);
	dconf_free(c2);
	diag_list_free(&d);
}

/* dconf_write_file: mode 0600 even over a wider leftover tmp file. */
static void test_write_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/vgw-dconf-test-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[256], tmp[300], key[300];
	snprintf(path, sizeof(path), "%s/gw.yaml", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	FILE *f = fopen(tmp, "w");
	fclose(f);
	chmod(tmp, 0666);
	struct diag_list d;
	diag_list_init(&d);
	struct dconf *c = build(DCONF_ROLE_AZURE_INSTANCE);
	assert_true(dconf_finalize(c, &d));
	assert_int_equal(dconf_write_file(path, c), 0);
	struct stat st;
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	assert_int_not_equal(access(tmp, F_OK), 0);
	struct dconf *c2 = dconf_load_file(path, &d);
	assert_non_null(c2);
	assert_int_equal(diag_warning_count(&d), 0);
	/* a group-readable file holding a key loads with a warning */
	chmod(path, 0644);
	dconf_free(c2);
	c2 = dconf_load_file(path, &d);
	assert_non_null(c2);
	assert_non_null(diag_list_find(&d, "", "dconf.file.mode"));
	/* psk_file, relative to the config's directory */
	snprintf(key, sizeof(key), "%s/k.psk", dir);
	f = fopen(key, "w");
	fputs("FileKey.9\n", f);
	fclose(f);
	chmod(key, 0600);
	const char *yaml = "version: 1\nrole: generic\nname: g\n"
			   "outside_address: 192.0.2.1\ntunnels:\n"
			   "  - name: t\n    remote_outside: 192.0.2.2\n"
			   "    inside_address: 169.254.9.2/30\n"
			   "    inside_peer: 169.254.9.1\n    psk_file: k.psk\n";
	struct dconf *c3 = dconf_load_string(yaml, strlen(yaml), path, &d);
	assert_non_null(c3);
	assert_int_equal(c3->tunnels[0].psk->len, 9);
	assert_memory_equal(c3->tunnels[0].psk->p, "FileKey.9", 9);
	char *pr = print_str(c3, DCONF_PRINT_SECRETS);
	assert_non_null(strstr(pr, "psk_file: \"k.psk\""));
	assert_null(strstr(pr, "FileKey"));
	free(pr);
	unlink(key);
	unlink(path);
	rmdir(dir);
	dconf_free(c);
	dconf_free(c2);
	dconf_free(c3);
	diag_list_free(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_defaults),
		cmocka_unit_test(test_value_syntax),
		cmocka_unit_test(test_builder_errors),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_write_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
