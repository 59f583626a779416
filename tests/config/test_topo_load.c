/*
 * Topology loader: model contents of the seed example, recorded source
 * positions, defaults, both APIPA forms, ASN text forms, lookups.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config/topology.h"

static struct topology *load_example(const char *name, struct diag_list *d)
{
	const char *src = getenv("VGW_SOURCE_DIR");
	char path[1024];
	snprintf(path, sizeof(path), "%s/examples/%s", src ? src : ".", name);
	return topology_load_file(path, d);
}

static void assert_ip(const struct ip_addr *a, const char *want)
{
	char buf[IP_ADDR_STRLEN];
	assert_string_equal(ip_addr_fmt(a, buf, sizeof(buf)), want);
}

static void assert_pfx(const struct ip_prefix *p, const char *want)
{
	char buf[IP_PREFIX_STRLEN];
	assert_string_equal(ip_prefix_fmt(p, buf, sizeof(buf)), want);
}

static void test_seed_model(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct topology *t = load_example("aws-azure.yaml", &d);
	assert_non_null(t);
	assert_int_equal(d.n, 0);
	const struct topo_azure *az = &t->azure;
	assert_string_equal(az->resource_group, "TestRG1");
	assert_string_equal(az->vnet.name, "VNet1");
	assert_pfx(&az->vnet.spaces[0], "10.1.0.0/16");
	assert_int_equal(az->vnet.n_subnets, 2);
	assert_string_equal(az->vnet.subnets[1].name, "GatewaySubnet");
	const struct topo_azure_gateway *gw = &az->gateway;
	assert_string_equal(gw->name, "VNet1GW");
	assert_int_equal(gw->sku, TOPO_SKU_VPNGW2AZ);
	assert_int_equal(gw->generation, 2);
	assert_true(gw->active_active);
	assert_true(gw->bgp_enabled);
	assert_int_equal(gw->asn, 65000);
	assert_string_equal(gw->public_ips[1].name, "VNet1GWpip2");
	assert_int_equal(gw->n_apipa_lists, 2);
	assert_ip(&gw->apipa[0][1], "169.254.22.2");
	assert_ip(&gw->apipa[1][0], "169.254.21.6");
	assert_int_equal(az->n_lngs, 4);
	assert_int_equal(az->n_conns, 4);
	const struct topo_connection *c = &az->conns[3];
	assert_string_equal(c->name, "AWSTunnel2toAzureInstance1");
	assert_true(c->custom_bgp_has[1]);
	assert_ip(&c->custom_bgp[1], "169.254.22.6");
	assert_int_equal(c->mode, TOPO_CONN_DEFAULT);
	assert_int_equal(c->dpd_timeout_s, 45);
	assert_false(c->policy.custom);
	/* Positions: value of azure.connections[2].shared_key. */
	assert_string_equal(az->conns[2].shared_key_at.path,
			    "azure.connections[2].shared_key");
	assert_int_equal(az->conns[2].shared_key_at.line, 81);
	assert_int_equal(az->conns[2].shared_key_at.col, 19);
	/* Absent key: position of the mapping, path names the key. */
	assert_string_equal(c->dpd_timeout_s_at.path,
			    "azure.connections[3].dpd_timeout_s");
	assert_int_equal(c->dpd_timeout_s_at.line, c->at.line);
	const struct topo_aws *aws = &t->aws;
	assert_int_equal(aws->vgw.asn, 64512);
	assert_true(aws->vgw.route_propagation);
	assert_int_equal(aws->n_vpns, 2);
	const struct topo_vpn *v = &aws->vpns[1];
	assert_int_equal(v->startup, TOPO_STARTUP_START);
	assert_int_equal(v->n_tunnels, 2);
	assert_pfx(&v->tunnels[1].inside_cidr, "169.254.22.4/30");
	struct ip_addr a = topology_tunnel_aws_ip(&v->tunnels[1]);
	assert_ip(&a, "169.254.22.5");
	a = topology_tunnel_peer_ip(&v->tunnels[1]);
	assert_ip(&a, "169.254.22.6");
	/* AWS defaults for omitted tunnel options. */
	const struct topo_tunnel_options *o = &v->tunnels[0].options;
	assert_int_equal(o->phase1_lifetime_s, 28800);
	assert_int_equal(o->phase2_lifetime_s, 3600);
	assert_int_equal(o->rekey_margin_s, 540);
	assert_int_equal(o->replay_window, 1024);
	assert_int_equal(o->ike_versions, TOPO_IKEV1 | TOPO_IKEV2);
	assert_true(o->phase2_dh_groups & (1u << 5));
	assert_false(o->phase1_dh_groups & (1u << 5));
	/* Lookups. */
	assert_int_equal(topology_find_cgw(t, "ToAzureInstance1"), 1);
	assert_int_equal(topology_find_cgw(t, "nope"), -1);
	assert_int_equal(topology_find_lng(t, "AWSTunnel2toAzureInstance1-lng"), 3);
	assert_int_equal(topology_vpn_instance(t, 1), 1);
	assert_false(topology_vpn_is_onprem(t, 0));
	size_t vi = 9, ki = 9;
	assert_true(topology_find_tunnel_by_outside_ip(
		t, &az->lngs[2].endpoint_ip, &vi, &ki));
	assert_int_equal(vi, 1);
	assert_int_equal(ki, 0);
	topology_free(t);
	diag_list_free(&d);
}

static void test_minimal_and_onprem(void **state)
{
	(void)state;
	struct diag_list d;
	diag_list_init(&d);
	struct topology *t = load_example("aws-azure-minimal.yaml", &d);
	assert_non_null(t);
	assert_false(t->azure.lngs_given);
	assert_false(t->azure.conns_given);
	assert_false(t->azure.gateway.apipa_set);
	assert_false(t->aws.vpns[0].tunnels[0].inside_cidr_set);
	topology_free(t);
	t = load_example("vgw-cgw-aws.yaml", &d);
	assert_non_null(t);
	assert_false(t->azure.present);
	assert_true(t->onprem.present);
	assert_int_equal(t->onprem.asn, 65010);
	assert_true(topology_vpn_is_onprem(t, 0));
	assert_int_equal(topology_vpn_instance(t, 0), -1);
	assert_int_equal(t->aws.vpns[0].tunnels[0].options.ike_versions,
			 TOPO_IKEV2);
	assert_int_equal(t->aws.vpns[0].tunnels[0].options.dpd_timeout_action,
			 TOPO_DPD_RESTART);
	topology_free(t);
	assert_int_equal(d.n, 0);
	diag_list_free(&d);
}

/* Both APIPA forms give the same model. */
static void test_apipa_forms(void **state)
{
	(void)state;
	const char *src = getenv("VGW_SOURCE_DIR");
	char path[1024];
	snprintf(path, sizeof(path), "%s/examples/aws-azure.yaml", src ? src : ".");
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	char *text = calloc(1, 65536);
	size_t n = fread(text, 1, 65535, f);
	fclose(f);
	const char *from = "      - [169.254.21.2, 169.254.22.2]   # instance 0\n"
			   "      - [169.254.21.6, 169.254.22.6]   # instance 1\n";
	const char *to = "      instance0: [169.254.21.2, 169.254.22.2]\n"
			 "      instance1: [169.254.21.6, 169.254.22.6]\n";
	char *at = strstr(text, from);
	assert_non_null(at);
	char *out = calloc(1, 65536);
	memcpy(out, text, (size_t)(at - text));
	strcat(out, to);
	strcat(out, at + strlen(from));
	struct diag_list d;
	diag_list_init(&d);
	struct topology *a = topology_load_string(text, n, "a", &d);
	struct topology *b = topology_load_string(out, strlen(out), "b", &d);
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(b->azure.gateway.n_apipa_lists, 2);
	assert_memory_equal(a->azure.gateway.apipa, b->azure.gateway.apipa,
			    sizeof(a->azure.gateway.apipa));
	assert_string_equal(b->azure.gateway.apipa_addr_at[1][1].path,
			    "azure.gateway.apipa_addresses.instance1[1]");
	assert_true(topology_validate(b, &d));
	assert_int_equal(d.n, 0);
	topology_free(a);
	topology_free(b);
	diag_list_free(&d);
	free(text);
	free(out);
}

static void test_asn_forms(void **state)
{
	static const struct {
		const char *text;
		bool ok;
		uint32_t v;
	} cases[] = {
		{ "65000", true, 65000 },
		{ "1.10", true, 65546 },
		{ "0.65000", true, 65000 },
		{ "65535.65535", true, 4294967295u },
		{ "4294967295", true, 4294967295u },
		{ "4294967296", false, 0 },
		{ "1.65536", false, 0 },
		{ "1.", false, 0 },
		{ ".1", false, 0 },
		{ "1.2.3", false, 0 },
		{ "-1", false, 0 },
		{ "", false, 0 },
		{ "AS65000", false, 0 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t v = 0;
		bool ok = topology_asn_parse(cases[i].text, &v);
		if (ok != cases[i].ok || (ok && v != cases[i].v))
			fail_msg("asn '%s': ok=%d v=%u", cases[i].text, ok, v);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seed_model),
		cmocka_unit_test(test_minimal_and_onprem),
		cmocka_unit_test(test_apipa_forms),
		cmocka_unit_test(test_asn_forms),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
