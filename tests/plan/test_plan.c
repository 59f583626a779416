/*
 * Planner tests. Inputs live in tests/plan (copies of the seed examples
 * plus variants); expected outputs in tests/plan/golden, compared byte for
 * byte (VGW_UPDATE_GOLDEN=1 rewrites them).
 */
#include <dirent.h>
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
#include "config/topology.h"
#include "crypto/secret.h"
#include "plan/plan.h"
#include "plan/plan_priv.h"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	int ch;
	while ((ch = fgetc(f)) != EOF)
		fputc(ch, m);
	fclose(f);
	fclose(m);
	return buf;
}

static void expect_file(const char *path, const char *got)
{
	if (getenv("VGW_UPDATE_GOLDEN")) {
		FILE *f = fopen(path, "wb");
		assert_non_null(f);
		fputs(got, f);
		fclose(f);
		return;
	}
	char *want = slurp(path);
	if (want == NULL)
		fail_msg("missing golden file %s", path);
	if (strcmp(want, got) != 0) {
		print_error("--- %s (expected)\n%s--- got\n%s", path, want, got);
		fail_msg("%s differs", path);
	}
	free(want);
}

/* Loads and plans a file (relative to the source dir); asserts success. */
static struct plan *plan_file(const char *path)
{
	struct diag_list d;
	diag_list_init(&d);
	struct topology *t = topology_load_file(path, &d);
	struct plan *p = plan_new();
	assert_non_null(p);
	bool ok = t != NULL && plan_build(t, p, &d);
	if (!ok)
		diag_list_print(&d, stderr);
	assert_true(ok);
	assert_int_equal(diag_error_count(&d), 0);
	topology_free(t);
	diag_list_free(&d);
	return p;
}

static char *text_of(const struct plan *p, bool json)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *m = open_memstream(&buf, &n);
	assert_int_equal(json ? plan_print_json(m, p) : plan_print_text(m, p),
			 0);
	fclose(m);
	return buf;
}

static void test_seed_golden(void **state)
{
	(void)state;
	struct plan *p = plan_file("tests/plan/aws-azure.yaml");
	char *txt = text_of(p, false), *json = text_of(p, true);
	expect_file("tests/plan/golden/aws-azure.txt", txt);
	expect_file("tests/plan/golden/aws-azure.json", json);
	free(txt);
	free(json);
	plan_free(p);
}

/* The seed's two tables, row for row (values exactly as the tutorial). */
static const char *const seed_rows[] = {
	"AWS Tunnel 1 to Azure Instance 0  169.254.21.2  169.254.21.1  "
	"169.254.21.0/30\n",
	"AWS Tunnel 2 to Azure Instance 0  169.254.22.2  169.254.22.1  "
	"169.254.22.0/30\n",
	"AWS Tunnel 1 to Azure Instance 1  169.254.21.6  169.254.21.5  "
	"169.254.21.4/30\n",
	"AWS Tunnel 2 to Azure Instance 1  169.254.22.6  169.254.22.5  "
	"169.254.22.4/30\n",
	"AWSTunnel1toAzureInstance0  169.254.21.2             "
	"not used (169.254.21.6)\n",
	"AWSTunnel2toAzureInstance0  169.254.22.2             "
	"not used (169.254.21.6)\n",
	"AWSTunnel1toAzureInstance1  not used (169.254.21.2)  169.254.21.6\n",
	"AWSTunnel2toAzureInstance1  not used (169.254.21.2)  169.254.22.6\n",
	"  Instance 0 (203.0.113.10): 169.254.21.2, 169.254.22.2\n",
	"  Instance 1 (203.0.113.11): 169.254.21.6, 169.254.22.6\n",
};

static void test_seed_tables(void **state)
{
	(void)state;
	struct plan *p = plan_file("tests/plan/aws-azure.yaml");
	char *txt = text_of(p, false);
	for (size_t i = 0; i < sizeof(seed_rows) / sizeof(seed_rows[0]); i++) {
		if (strstr(txt, seed_rows[i]) == NULL)
			fail_msg("seed row missing: %s", seed_rows[i]);
	}
	assert_null(strstr(txt, "*")); /* nothing planned in the full seed */
	free(txt);
	plan_free(p);
}

struct want_tunnel {
	const char *inside, *aws, *peer;
	int instance;
};

static const struct want_tunnel seed_tunnels[] = {
	{ "169.254.21.0/30", "169.254.21.1", "169.254.21.2", 0 },
	{ "169.254.22.0/30", "169.254.22.1", "169.254.22.2", 0 },
	{ "169.254.21.4/30", "169.254.21.5", "169.254.21.6", 1 },
	{ "169.254.22.4/30", "169.254.22.5", "169.254.22.6", 1 },
};

static void check_tunnels(const struct plan *p, const struct want_tunnel *w,
			  size_t n)
{
	assert_int_equal(p->n_tunnels, n);
	for (size_t i = 0; i < n; i++) {
		char a[IP_PREFIX_STRLEN];
		const struct plan_tunnel *t = &p->tunnels[i];
		assert_string_equal(ip_prefix_fmt(&t->inside_cidr, a, sizeof(a)),
				    w[i].inside);
		assert_string_equal(ip_addr_fmt(&t->aws_ip, a, sizeof(a)),
				    w[i].aws);
		assert_string_equal(ip_addr_fmt(&t->peer_ip, a, sizeof(a)),
				    w[i].peer);
		assert_int_equal(t->instance, w[i].instance);
	}
}

/* The minimal example leaves out APIPA, inside CIDRs, LNGs and
 * connections: the plan must be the seed's. */
static void test_minimal_is_seed(void **state)
{
	(void)state;
	struct plan *full = plan_file("tests/plan/aws-azure.yaml");
	struct plan *min = plan_file("tests/plan/aws-azure-minimal.yaml");
	check_tunnels(min, seed_tunnels, 4);
	check_tunnels(full, seed_tunnels, 4);
	const struct topo_azure *a = &full->topo.azure, *b = &min->topo.azure;
	assert_true(min->apipa_planned);
	assert_false(full->apipa_planned);
	assert_int_equal(b->n_lngs, 4);
	assert_int_equal(b->n_conns, 4);
	assert_memory_equal(a->gateway.apipa, b->gateway.apipa,
			    sizeof(a->gateway.apipa));
	for (size_t i = 0; i < 4; i++) {
		assert_true(min->lng_planned[i] && min->conn_planned[i]);
		assert_string_equal(a->conns[i].name, b->conns[i].name);
		assert_string_equal(a->conns[i].lng, b->conns[i].lng);
		assert_string_equal(a->lngs[i].name, b->lngs[i].name);
		assert_true(ip_addr_eq(&a->lngs[i].endpoint_ip,
				       &b->lngs[i].endpoint_ip));
		assert_true(ip_addr_eq(&a->lngs[i].bgp_peer_ip,
				       &b->lngs[i].bgp_peer_ip));
		assert_int_equal(b->lngs[i].bgp_asn, 64512);
		assert_string_equal(a->conns[i].shared_key,
				    b->conns[i].shared_key);
		assert_memory_equal(a->conns[i].custom_bgp,
				    b->conns[i].custom_bgp,
				    sizeof(a->conns[i].custom_bgp));
	}
	char *txt = text_of(min, false), *json = text_of(min, true);
	expect_file("tests/plan/golden/aws-azure-minimal.txt", txt);
	expect_file("tests/plan/golden/aws-azure-minimal.json", json);
	free(txt);
	free(json);
	plan_free(full);
	plan_free(min);
}

static const struct want_tunnel collision_tunnels[] = {
	{ "169.254.21.4/30", "169.254.21.5", "169.254.21.6", 0 },
	{ "169.254.22.4/30", "169.254.22.5", "169.254.22.6", 0 },
	{ "169.254.21.8/30", "169.254.21.9", "169.254.21.10", 1 },
	{ "169.254.22.8/30", "169.254.22.9", "169.254.22.10", 1 },
};

/* Planned /30s skip what the file already uses. */
static void test_collision(void **state)
{
	(void)state;
	struct plan *p = plan_file("tests/plan/collision.yaml");
	check_tunnels(p, collision_tunnels, 4);
	assert_false(p->inside_planned[0][0]);
	assert_true(p->inside_planned[1][0]);
	plan_free(p);
}

static void test_determinism(void **state)
{
	(void)state;
	const char *files[] = { "tests/plan/aws-azure.yaml",
				"tests/plan/aws-azure-minimal.yaml",
				"tests/plan/vgw-cgw-aws.yaml",
				"tests/plan/no-tunnels.yaml" };
	for (size_t i = 0; i < 4; i++) {
		struct plan *a = plan_file(files[i]), *b = plan_file(files[i]);
		for (int json = 0; json < 2; json++) {
			char *x = text_of(a, json), *y = text_of(b, json);
			assert_string_equal(x, y);
			free(x);
			free(y);
		}
		plan_free(a);
		plan_free(b);
	}
}

/* Every line of every plan of the examples and test inputs fits 80
 * columns. */
static int plan_dir_80(const char *dirname)
{
	DIR *dir = opendir(dirname);
	assert_non_null(dir);
	struct dirent *e;
	int planned = 0;
	while ((e = readdir(dir)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".yaml") != 0)
			continue;
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dirname, e->d_name);
		struct diag_list d;
		diag_list_init(&d);
		struct topology *t = topology_load_file(path, &d);
		struct plan *p = plan_new();
		if (t != NULL && plan_build(t, p, &d)) {
			char *txt = text_of(p, false);
			for (char *line = strtok(txt, "\n"); line;
			     line = strtok(NULL, "\n"))
				if (strlen(line) > 80)
					fail_msg("%s: %zu columns: %s", path,
						 strlen(line), line);
			free(txt);
			planned++;
		}
		topology_free(t);
		plan_free(p);
		diag_list_free(&d);
	}
	closedir(dir);
	return planned;
}

static void test_80_columns(void **state)
{
	(void)state;
	assert_true(plan_dir_80("examples") >= 3);
	assert_true(plan_dir_80("tests/plan") >= 8);
}

static const struct want_tunnel apipa_tunnels[] = {
	{ "169.254.21.8/30", "169.254.21.9", "169.254.21.10", 0 },
	{ "169.254.22.8/30", "169.254.22.9", "169.254.22.10", 0 },
	{ "169.254.21.12/30", "169.254.21.13", "169.254.21.14", 1 },
	{ "169.254.22.12/30", "169.254.22.13", "169.254.22.14", 1 },
};

/* Given APIPA lists decide the inside /30s. */
static void test_apipa_given(void **state)
{
	(void)state;
	struct plan *p = plan_file("tests/plan/apipa-given.yaml");
	check_tunnels(p, apipa_tunnels, 4);
	assert_false(p->apipa_planned);
	assert_true(p->inside_planned[0][0]);
	char *txt = text_of(p, false);
	/* short labels keep the table within 80 columns */
	assert_non_null(strstr(txt, "T2 -> instance 1  169.254.22.14  "
				    "169.254.22.13*  169.254.22.12/30*\n"));
	free(txt);
	plan_free(p);
}

struct want_gw {
	const char *file;
	enum dconf_role role;
	size_t tunnels, neighbors;
	const char *t0_inside, *t0_peer, *t0_remote;
	bool passive;
	uint32_t hold, asn, remote_as;
	enum dconf_initiation init;
};

static const struct want_gw seed_gws[] = {
	{ "VNet1GW-instance0.yaml", DCONF_ROLE_AZURE_INSTANCE, 2, 2,
	  "169.254.21.2/30", "169.254.21.1", "198.51.100.10", true, 180,
	  65000, 64512, DCONF_INIT_START },
	{ "VNet1GW-instance1.yaml", DCONF_ROLE_AZURE_INSTANCE, 2, 2,
	  "169.254.21.6/30", "169.254.21.5", "198.51.100.20", true, 180,
	  65000, 64512, DCONF_INIT_START },
	{ "AzureGW.yaml", DCONF_ROLE_AWS_VGW, 4, 4, "169.254.21.1/30",
	  "169.254.21.2", "203.0.113.10", false, 30, 64512, 65000,
	  DCONF_INIT_START },
};

static void check_gw(const struct plan_gateway *g, const struct want_gw *w)
{
	const struct dconf *c = g->conf;
	char a[64];
	assert_string_equal(g->file, w->file);
	assert_int_equal(c->role, w->role);
	assert_int_equal(c->n_tunnels, w->tunnels);
	assert_int_equal(c->bgp.n_neighbors, w->neighbors);
	char ifa[64];
	snprintf(ifa, sizeof(ifa), "%s/%u",
		 ip_addr_fmt(&c->tunnels[0].inside_address.addr, a, sizeof(a)),
		 (unsigned)c->tunnels[0].inside_address.len);
	assert_string_equal(ifa, w->t0_inside);
	assert_string_equal(ip_addr_fmt(&c->tunnels[0].inside_peer, a,
					sizeof(a)), w->t0_peer);
	assert_string_equal(ip_addr_fmt(&c->tunnels[0].remote_outside, a,
					sizeof(a)), w->t0_remote);
	assert_int_equal(c->tunnels[0].initiation, w->init);
	assert_non_null(c->tunnels[0].psk);
	const struct dconf_neighbor *n = &c->bgp.neighbors[0];
	assert_int_equal(n->passive, w->passive);
	assert_int_equal(n->hold_time, w->hold);
	assert_int_equal(c->bgp.asn, w->asn);
	assert_int_equal(n->remote_as, w->remote_as);
	assert_true(ip_addr_eq(&n->address, &c->tunnels[0].inside_peer));
	assert_true(ip_addr_eq(&n->local_address,
			       &c->tunnels[0].inside_address.addr));
	assert_string_equal(n->tunnel, c->tunnels[0].name);
}

static void test_gateways_seed(void **state)
{
	(void)state;
	struct plan *p = plan_file("tests/plan/aws-azure.yaml");
	struct plan_gateways g;
	struct diag_list d;
	diag_list_init(&d);
	assert_true(plan_gateways_build(p, &g, &d));
	assert_int_equal(g.n, 3);
	for (size_t i = 0; i < 3; i++)
		check_gw(&g.gw[i], &seed_gws[i]);
	/* Azure refuses its own VNet prefix; AWS announces the VPC. */
	const struct dconf *az = g.gw[0].conf, *aws = g.gw[2].conf;
	assert_int_equal(az->bgp.neighbors[0].import.deny_exact.n, 1);
	assert_int_equal(az->bgp.neighbors[0].max_prefix.limit, 4000);
	assert_int_equal(aws->bgp.neighbors[0].max_prefix.limit, 100);
	assert_int_equal(aws->bgp.neighbors[0].max_prefix.action,
			 DCONF_MAXPFX_CEASE);
	assert_int_equal(aws->bgp.announce.n, 1);
	assert_true(az->bgp.multipath);
	assert_false(aws->bgp.multipath);
	/* The key on both ends of tunnel 1 is the same. */
	assert_int_equal(az->tunnels[0].psk->len, aws->tunnels[0].psk->len);
	assert_true(secret_equal(az->tunnels[0].psk->p, aws->tunnels[0].psk->p,
				 az->tunnels[0].psk->len));
	plan_gateways_free(&g);
	diag_list_free(&d);
	plan_free(p);
}

static void test_gateways_onprem(void **state)
{
	(void)state;
	struct plan *p = plan_file("tests/plan/vgw-cgw-aws.yaml");
	struct plan_gateways g;
	struct diag_list d;
	diag_list_init(&d);
	assert_true(plan_gateways_build(p, &g, &d));
	assert_int_equal(g.n, 2);
	assert_string_equal(g.gw[0].file, "AzureGW.yaml");
	assert_string_equal(g.gw[1].file, "vgw1.yaml");
	const struct dconf *aws = g.gw[0].conf, *cgw = g.gw[1].conf;
	assert_int_equal(cgw->role, DCONF_ROLE_GENERIC);
	assert_int_equal(cgw->n_tunnels, 2);
	assert_int_equal(cgw->bgp.neighbors[0].remote_as, 64512);
	assert_int_equal(cgw->tunnels[0].initiation, DCONF_INIT_START);
	assert_int_equal(aws->tunnels[0].initiation, DCONF_INIT_ADD);
	assert_int_equal(aws->tunnels[0].dpd_action, DCONF_DPD_RESTART);
	/* Custom phase options narrow the proposals on both ends alike. */
	assert_int_equal(aws->tunnels[0].n_esp, cgw->tunnels[0].n_esp);
	assert_true(proposal_eq(&aws->tunnels[0].esp[0],
				&cgw->tunnels[0].esp[0]));
	assert_true(proposal_is_aead(&aws->tunnels[0].esp[0]));
	plan_gateways_free(&g);
	diag_list_free(&d);
	plan_free(p);
}

/* --out: files mode 0600 that load back; keyless tunnels use psk_file. */
static void test_write(void **state)
{
	(void)state;
	const char *files[] = { "tests/plan/aws-azure.yaml",
				"tests/plan/no-tunnels.yaml" };
	for (size_t f = 0; f < 2; f++) {
		struct plan *p = plan_file(files[f]);
		struct plan_gateways g;
		struct diag_list d;
		diag_list_init(&d);
		assert_true(plan_gateways_build(p, &g, &d));
		char dir[] = "/tmp/vgw-plan-test-XXXXXX";
		assert_non_null(mkdtemp(dir));
		const char *failed;
		assert_int_equal(plan_gateways_write(&g, dir, &failed), 0);
		for (size_t i = 0; i < g.n; i++) {
			char path[512];
			snprintf(path, sizeof(path), "%s/%s", dir,
				 g.gw[i].file);
			struct stat st;
			assert_int_equal(stat(path, &st), 0);
			assert_int_equal(st.st_mode & 0777, 0600);
			if (f == 1) { /* provide the keys the plan asked for */
				for (int k = 1; k <= 2; k++) {
					char kp[512];
					snprintf(kp, sizeof(kp),
						 "%s/ToAzureInstance1-t%d.psk",
						 dir, k);
					FILE *kf = fopen(kp, "w");
					fputs("Shared.Key_123\n", kf);
					fclose(kf);
					chmod(kp, 0600);
				}
			}
			struct dconf *c = dconf_load_file(path, &d);
			if (c == NULL)
				diag_list_print(&d, stderr);
			assert_non_null(c);
			dconf_free(c);
			unlink(path);
		}
		for (int k = 1; k <= 2; k++) {
			char kp[512];
			snprintf(kp, sizeof(kp), "%s/ToAzureInstance1-t%d.psk",
				 dir, k);
			unlink(kp);
		}
		assert_int_equal(rmdir(dir), 0);
		assert_int_equal(diag_error_count(&d), 0);
		plan_gateways_free(&g);
		diag_list_free(&d);
		plan_free(p);
	}
}

static void test_keyless_warns(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct topology *t = topology_load_file("tests/plan/no-tunnels.yaml",
						&d);
	assert_non_null(t);
	struct plan *p = plan_new();
	assert_true(plan_build(t, p, &d));
	assert_int_equal(diag_warning_count(&d), 2);
	const struct diag *w = diag_list_find(
		&d, "aws.vpn_connections[1].tunnels[0].pre_shared_key",
		"plan.psk_unknown");
	assert_non_null(w);
	assert_non_null(strstr(w->message, "ToAzureInstance1-t1.psk"));
	assert_true(p->tunnel_added[1][0] && p->tunnel_added[1][1]);
	assert_true(p->outside_planned[1][0]);
	topology_free(t);
	plan_free(p);
	diag_list_free(&d);
}

/* A topology the validator rejects is never planned. */
static void test_refuses_invalid(void **state)
{
	(void)state;
	DIR *dir = opendir("tests/config/broken");
	assert_non_null(dir);
	struct dirent *e;
	int refused = 0;
	while ((e = readdir(dir)) != NULL) {
		size_t l = strlen(e->d_name);
		if (l < 6 || strcmp(e->d_name + l - 5, ".yaml") != 0)
			continue;
		char path[512];
		snprintf(path, sizeof(path), "tests/config/broken/%s",
			 e->d_name);
		struct diag_list d, d2;
		diag_list_init(&d);
		diag_list_init(&d2);
		struct topology *t = topology_load_file(path, &d);
		if (t != NULL && !topology_validate(t, &d)) {
			struct plan *p = plan_new();
			assert_false(plan_build(t, p, &d2));
			assert_true(diag_error_count(&d2) > 0);
			plan_free(p);
			refused++;
		}
		topology_free(t);
		diag_list_free(&d);
		diag_list_free(&d2);
	}
	closedir(dir);
	assert_true(refused >= 3);
}

/* Azure custom policy -> one IKE and one ESP proposal, or the setting vgw
 * cannot implement. */
struct policy_row {
	enum topo_alg ie, ii;
	unsigned dh;
	enum topo_alg ee, ei;
	unsigned pfs;
	bool pfs_mm;
	const char *ike, *esp, *bad;
};

static const struct policy_row policies[] = {
	{ TOPO_ALG_AES256, TOPO_ALG_SHA256, 14, TOPO_ALG_AES256,
	  TOPO_ALG_SHA256, 14, false, "aes256-sha256-prfsha256-modp2048",
	  "aes256-sha256-modp2048", NULL },
	{ TOPO_ALG_AES256_GCM16, TOPO_ALG_AES256_GCM16, 20,
	  TOPO_ALG_AES256_GCM16, TOPO_ALG_AES256_GCM16, 20, false,
	  "aes256gcm16-prfsha384-ecp384", "aes256gcm16-ecp384", NULL },
	{ TOPO_ALG_AES128_GCM16, TOPO_ALG_AES128_GCM16, 19,
	  TOPO_ALG_AES128_GCM16, TOPO_ALG_AES128_GCM16, 0, true,
	  "aes128gcm16-prfsha256-ecp256", "aes128gcm16-ecp256", NULL },
	{ TOPO_ALG_AES128, TOPO_ALG_SHA1, 2, TOPO_ALG_AES192, TOPO_ALG_SHA1, 0,
	  false, "aes128-sha1-prfsha1-modp1024", "aes192-sha1", NULL },
	{ TOPO_ALG_3DES, TOPO_ALG_SHA1, 2, TOPO_ALG_AES128, TOPO_ALG_SHA1, 0,
	  false, NULL, NULL, "IKE encryption" },
	{ TOPO_ALG_AES128, TOPO_ALG_MD5, 2, TOPO_ALG_AES128, TOPO_ALG_SHA1, 0,
	  false, NULL, NULL, "IKE integrity" },
	{ TOPO_ALG_AES128, TOPO_ALG_SHA1, 1, TOPO_ALG_AES128, TOPO_ALG_SHA1, 0,
	  false, NULL, NULL, "DH group" },
	{ TOPO_ALG_AES128, TOPO_ALG_SHA1, 2, TOPO_ALG_NONE, TOPO_ALG_SHA1, 0,
	  false, NULL, NULL, "IPsec encryption" },
	{ TOPO_ALG_AES128, TOPO_ALG_SHA1, 2, TOPO_ALG_AES128, TOPO_ALG_MD5, 0,
	  false, NULL, NULL, "IPsec integrity" },
	{ TOPO_ALG_AES128, TOPO_ALG_SHA1, 2, TOPO_ALG_AES128, TOPO_ALG_SHA1, 1,
	  false, NULL, NULL, "PFS group" },
};

static void test_policy_mapping(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++) {
		const struct policy_row *r = &policies[i];
		struct topo_azure_policy pol;
		memset(&pol, 0, sizeof(pol));
		pol.custom = true;
		pol.ike_encryption = r->ie;
		pol.ike_integrity = r->ii;
		pol.dh_group = r->dh;
		pol.ipsec_encryption = r->ee;
		pol.ipsec_integrity = r->ei;
		pol.pfs_group = r->pfs;
		pol.pfs_mm = r->pfs_mm;
		struct dconf_tunnel t;
		memset(&t, 0, sizeof(t));
		const char *bad = NULL;
		bool ok = plan_azure_policy(&pol, &t, &bad);
		print_message("policy row %zu\n", i);
		if (r->bad) {
			assert_false(ok);
			assert_string_equal(bad, r->bad);
			continue;
		}
		assert_true(ok);
		char buf[PROPOSAL_STRLEN];
		assert_int_equal(t.n_ike, 1);
		proposal_fmt(&t.ike[0], buf, sizeof(buf));
		assert_string_equal(buf, r->ike);
		proposal_fmt(&t.esp[0], buf, sizeof(buf));
		assert_string_equal(buf, r->esp);
	}
}

/* A connection's custom policy, mode and DPD reach its tunnel config. */
static void test_custom_policy_gateway(void **state)
{
	(void)state;
	struct plan *p = plan_file("tests/plan/custom-policy.yaml");
	struct plan_gateways g;
	struct diag_list d;
	diag_list_init(&d);
	assert_true(plan_gateways_build(p, &g, &d));
	const struct dconf_tunnel *t = &g.gw[0].conf->tunnels[0];
	char buf[PROPOSAL_STRLEN];
	assert_int_equal(t->n_ike, 1);
	proposal_fmt(&t->ike[0], buf, sizeof(buf));
	assert_string_equal(buf, "aes256gcm16-prfsha384-ecp384");
	assert_int_equal(t->child_lifetime_s, 3600);
	assert_int_equal(t->child_lifetime_kb, 1024000);
	assert_int_equal(t->dpd_timeout_s, 30);
	assert_int_equal(t->dpd_interval_s, 10);
	assert_int_equal(t->initiation, DCONF_INIT_ADD);
	/* the second connection keeps Azure's defaults */
	const struct dconf_tunnel *t2 = &g.gw[0].conf->tunnels[1];
	assert_int_equal(t2->n_ike, 4);
	assert_int_equal(t2->child_lifetime_s, 27000);
	assert_int_equal(t2->initiation, DCONF_INIT_START);
	plan_gateways_free(&g);
	diag_list_free(&d);
	plan_free(p);
}

/* LNGs given, connections left out: connections are planned onto them. */
static void test_lngs_only(void **state)
{
	(void)state;
	struct plan *full = plan_file("tests/plan/aws-azure.yaml");
	struct plan *p = plan_file("tests/plan/lngs-only.yaml");
	const struct topo_azure *a = &full->topo.azure, *b = &p->topo.azure;
	assert_int_equal(b->n_conns, 4);
	for (size_t i = 0; i < 4; i++) {
		assert_false(p->lng_planned[i]);
		assert_true(p->conn_planned[i]);
		assert_string_equal(a->conns[i].name, b->conns[i].name);
		assert_string_equal(a->conns[i].lng, b->conns[i].lng);
		assert_string_equal(a->conns[i].shared_key,
				    b->conns[i].shared_key);
		assert_memory_equal(a->conns[i].custom_bgp,
				    b->conns[i].custom_bgp,
				    sizeof(a->conns[i].custom_bgp));
		assert_int_equal(p->tunnels[i].conn, (int)i);
	}
	plan_free(full);
	plan_free(p);
}

/* Two AWS tunnels on one outside IP cannot be planned. */
static void test_outside_unique(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct topology *t = topology_load_file("tests/plan/dup-outside-ip.yaml",
						&d);
	assert_non_null(t);
	struct plan *p = plan_new();
	assert_false(plan_build(t, p, &d));
	assert_non_null(diag_list_find(&d,
		"aws.vpn_connections[0].tunnels[1].outside_ip",
		"plan.outside_unique"));
	topology_free(t);
	plan_free(p);
	diag_list_free(&d);
}

int main(void)
{
	const char *src = getenv("VGW_SOURCE_DIR");
	if (src == NULL || chdir(src) != 0) {
		fprintf(stderr, "VGW_SOURCE_DIR not set or not usable\n");
		return 1;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_golden),
		cmocka_unit_test(test_seed_tables),
		cmocka_unit_test(test_minimal_is_seed),
		cmocka_unit_test(test_collision),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_80_columns),
		cmocka_unit_test(test_gateways_seed),
		cmocka_unit_test(test_gateways_onprem),
		cmocka_unit_test(test_write),
		cmocka_unit_test(test_keyless_warns),
		cmocka_unit_test(test_refuses_invalid),
		cmocka_unit_test(test_policy_mapping),
		cmocka_unit_test(test_custom_policy_gateway),
		cmocka_unit_test(test_lngs_only),
		cmocka_unit_test(test_apipa_given),
		cmocka_unit_test(test_outside_unique),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
