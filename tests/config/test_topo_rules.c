/*
 * Rule table: for every validation rule, a passing and a failing case.
 * Each case starts from an example topology (the seed unless stated),
 * applies up to three text substitutions, loads and validates, then checks
 * that a diagnostic with the rule id (and path / message substring /
 * level) is present, or absent for a passing case. Every case also checks
 * that no diagnostic text contains a pre-shared key (all example keys
 * contain "psk_").
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

#define SEED "aws-azure.yaml"
#define SINGLE "azure-single-instance.yaml"
#define VGW "vgw-cgw-aws.yaml"
#define MINIMAL "aws-azure-minimal.yaml"

struct mut {
	const char *from;
	const char *to;
};

enum want { FAIL = 0, PASS = 1 };

struct rule_case {
	const char *base;
	struct mut m[3];
	const char *rule;
	enum want want;
	enum diag_level level; /* FAIL cases */
	const char *path;      /* NULL: any */
	const char *msg;       /* substring, NULL: any */
};

/* Options block appended to the seed's first tunnel. */
#define T1 "          outside_ip: 198.51.100.10\n"
#define OPTS(x) T1 "          options:\n" x
#define POLICY_AT "      ipsec_policy: default\n"
#define POLICY(enc, integ, dh, ienc, iinteg, pfs, extra)                      \
	"      ipsec_policy:\n        ike_encryption: " enc                  \
	"\n        ike_integrity: " integ "\n        dh_group: " dh          \
	"\n        ipsec_encryption: " ienc "\n        ipsec_integrity: "    \
	iinteg "\n        pfs_group: " pfs "\n" extra
#define C0 "azure.connections[0]"
#define TUN0 "aws.vpn_connections[0].tunnels[0]"
#define APIPA0 "      - [169.254.21.2, 169.254.22.2]"
#define APIPA1 "      - [169.254.21.6, 169.254.22.6]"

static const struct rule_case cases[] = {
	/* ---- names ---- */
	{ SEED, { { "- name: AWSTunnel2toAzureInstance0\n",
		    "- name: AWSTunnel1toAzureInstance0\n" } },
	  "names.duplicate", FAIL, DIAG_ERROR, "azure.connections[1].name",
	  "duplicate connection name 'AWSTunnel1toAzureInstance0'" },
	{ SEED, { { "- name: ToAzureInstance1\n      routing",
		    "- name: ToAzureInstance0\n      routing" } },
	  "names.duplicate", FAIL, DIAG_ERROR, "aws.customer_gateways[1].name",
	  NULL },
	{ SEED, { { NULL, NULL } }, "names.duplicate", PASS, 0, NULL, NULL },
	{ SEED, { { "customer_gateway: ToAzureInstance1",
		    "customer_gateway: ToAzureInstance9" } },
	  "names.unknown_ref", FAIL, DIAG_ERROR,
	  "aws.vpn_connections[1].customer_gateway",
	  "no customer gateway named 'ToAzureInstance9'" },
	{ SEED, { { "    vpc: VPC1", "    vpc: VPC2" } }, "names.unknown_ref",
	  FAIL, DIAG_ERROR, "aws.vpn_gateway.vpc", NULL },
	{ SEED, { { "local_network_gateway: AWSTunnel1toAzureInstance0-lng",
		    "local_network_gateway: nope" } },
	  "names.unknown_ref", FAIL, DIAG_ERROR,
	  C0 ".local_network_gateway", NULL },
	{ SEED, { { NULL, NULL } }, "names.unknown_ref", PASS, 0, NULL, NULL },
	/* ---- address plan ---- */
	{ SEED, { { "cidr: 10.2.0.0/16", "cidr: 168.63.0.0/16" } },
	  "addr.forbidden", FAIL, DIAG_ERROR, "aws.vpc.cidr",
	  "VPC CIDR 168.63.0.0/16 overlaps reserved range 168.63.129.16/32" },
	{ SEED, { { "address_spaces: [10.1.0.0/16]",
		    "address_spaces: [10.1.0.0/16, 224.0.0.0/24]" } },
	  "addr.forbidden", FAIL, DIAG_ERROR, "azure.vnet.address_spaces[1]",
	  "224.0.0.0/4" },
	{ SEED, { { NULL, NULL } }, "addr.forbidden", PASS, 0, NULL, NULL },
	{ SEED, { { "cidr: 10.2.0.0/16", "cidr: 10.1.128.0/17" } },
	  "addr.overlap", FAIL, DIAG_ERROR, "aws.vpc.cidr",
	  "VPC CIDR 10.1.128.0/17 overlaps VNet address space 10.1.0.0/16" },
	{ VGW, { { "[10.3.0.0/16]", "[10.2.4.0/24]" } }, "addr.overlap", FAIL,
	  DIAG_ERROR, "onprem.address_spaces[0]", NULL },
	{ SEED, { { NULL, NULL } }, "addr.overlap", PASS, 0, NULL, NULL },
	{ SEED, { { "prefix: 10.1.0.0/24", "prefix: 10.9.0.0/24" } },
	  "azure.subnet.outside", FAIL, DIAG_ERROR,
	  "azure.vnet.subnets[0].prefix", "not inside VNet VNet1" },
	{ SEED, { { NULL, NULL } }, "azure.subnet.outside", PASS, 0, NULL, NULL },
	{ SEED, { { "prefix: 10.1.1.0/24", "prefix: 10.1.0.0/25" } },
	  "azure.subnet.overlap", FAIL, DIAG_ERROR,
	  "azure.vnet.subnets[1].prefix", "overlaps subnet 'FrontEnd'" },
	{ SEED, { { NULL, NULL } }, "azure.subnet.overlap", PASS, 0, NULL, NULL },
	{ SEED, { { "- name: GatewaySubnet", "- name: GwSubnet" } },
	  "azure.gateway_subnet.missing", FAIL, DIAG_ERROR, "azure.vnet",
	  "no GatewaySubnet" },
	{ SEED, { { NULL, NULL } }, "azure.gateway_subnet.missing", PASS, 0,
	  NULL, NULL },
	{ SEED, { { "- name: GatewaySubnet", "- name: gatewaysubnet" } },
	  "azure.gateway_subnet.name", FAIL, DIAG_ERROR,
	  "azure.vnet.subnets[1].name", "named exactly 'GatewaySubnet'" },
	{ SEED, { { NULL, NULL } }, "azure.gateway_subnet.name", PASS, 0, NULL,
	  NULL },
	{ SEED, { { "prefix: 10.1.1.0/24", "prefix: 10.1.1.0/30" } },
	  "azure.gateway_subnet.size", FAIL, DIAG_ERROR,
	  "azure.vnet.subnets[1].prefix", "the minimum is /29" },
	{ SEED, { { "prefix: 10.1.1.0/24", "prefix: 10.1.1.0/28" } },
	  "azure.gateway_subnet.size", FAIL, DIAG_WARNING,
	  "azure.vnet.subnets[1].prefix", "/27 or larger is recommended" },
	{ SEED, { { "prefix: 10.1.1.0/24", "prefix: 10.1.1.0/27" } },
	  "azure.gateway_subnet.size", PASS, 0, NULL, NULL },
	{ SEED, { { "      address_space: []", "      address_space: [10.1.4.0/24]" } },
	  "azure.lng_overlap", FAIL, DIAG_ERROR,
	  "azure.local_network_gateways[0].address_space[0]",
	  "LNG address space 10.1.4.0/24 overlaps VNet address space "
	  "10.1.0.0/16" },
	{ SEED, { { "      address_space: []", "      address_space: [10.2.0.0/16]" } },
	  "azure.lng_overlap", PASS, 0, NULL, NULL },
	/* ---- AWS inside CIDRs ---- */
	{ SEED, { { "inside_cidr: 169.254.21.0/30", "inside_cidr: 169.254.21.0/29" } },
	  "aws.inside_cidr.size", FAIL, DIAG_ERROR, TUN0 ".inside_cidr",
	  "is a /29, AWS needs a /30" },
	{ SEED, { { NULL, NULL } }, "aws.inside_cidr.size", PASS, 0, NULL, NULL },
	{ SEED, { { "inside_cidr: 169.254.21.0/30", "inside_cidr: 10.0.0.0/30" } },
	  "aws.inside_cidr.range", FAIL, DIAG_ERROR, TUN0 ".inside_cidr",
	  "not inside 169.254.0.0/16" },
	{ SEED, { { NULL, NULL } }, "aws.inside_cidr.range", PASS, 0, NULL, NULL },
	{ SEED, { { "inside_cidr: 169.254.21.0/30", "inside_cidr: 169.254.5.0/30" } },
	  "aws.inside_cidr.reserved", FAIL, DIAG_ERROR, TUN0 ".inside_cidr",
	  "reserved by AWS (169.254.5.0/30)" },
	{ VGW, { { "inside_cidr: 169.254.10.0/30",
		   "inside_cidr: 169.254.169.252/30" } },
	  "aws.inside_cidr.reserved", FAIL, DIAG_ERROR, TUN0 ".inside_cidr",
	  NULL },
	{ VGW, { { "inside_cidr: 169.254.10.0/30", "inside_cidr: 169.254.6.0/30" } },
	  "aws.inside_cidr.reserved", PASS, 0, NULL, NULL },
	{ SEED, { { "inside_cidr: 169.254.21.4/30", "inside_cidr: 169.254.21.0/30" } },
	  "aws.inside_cidr.duplicate", FAIL, DIAG_ERROR,
	  "aws.vpn_connections[1].tunnels[0].inside_cidr",
	  "overlaps tunnel 1 of 'ToAzureInstance0'" },
	{ SEED, { { NULL, NULL } }, "aws.inside_cidr.duplicate", PASS, 0, NULL,
	  NULL },
	/* ---- Azure APIPA ---- */
	{ SEED, { { "inside_cidr: 169.254.21.0/30", "inside_cidr: 169.254.20.0/30" } },
	  "azure.apipa.range", FAIL, DIAG_ERROR, TUN0 ".inside_cidr",
	  "outside its APIPA range" },
	{ SEED, { { APIPA0, "      - [169.254.21.2, 169.254.23.2]" } },
	  "azure.apipa.range", FAIL, DIAG_ERROR,
	  "azure.gateway.apipa_addresses[0][1]", "169.254.23.2 is outside" },
	{ VGW, { { NULL, NULL } }, "azure.apipa.range", PASS, 0, NULL, NULL },
	{ SEED, { { NULL, NULL } }, "azure.apipa.range", PASS, 0, NULL, NULL },
	{ SEED, { { APIPA1, "      - [169.254.21.2, 169.254.22.6]" } },
	  "azure.apipa.duplicate", FAIL, DIAG_ERROR,
	  "azure.gateway.apipa_addresses[1][0]",
	  "169.254.21.2 already used by instance 0" },
	{ SEED, { { NULL, NULL } }, "azure.apipa.duplicate", PASS, 0, NULL, NULL },
	{ SEED, { { APIPA0, "      - [169.254.21.1, 169.254.22.2]" } },
	  "azure.apipa.aws_host", FAIL, DIAG_ERROR,
	  "azure.gateway.apipa_addresses[0][0]",
	  "is the AWS address (first host) of inside CIDR 169.254.21.0/30" },
	{ SEED, { { NULL, NULL } }, "azure.apipa.aws_host", PASS, 0, NULL, NULL },
	{ SEED, { { APIPA0, "      - [169.254.21.2, 169.254.22.2, 169.254.21.10]" } },
	  "azure.apipa.unused", FAIL, DIAG_WARNING,
	  "azure.gateway.apipa_addresses[0][2]", "not used by any AWS tunnel" },
	{ SEED, { { NULL, NULL } }, "azure.apipa.unused", PASS, 0, NULL, NULL },
	{ SEED, { { APIPA0, "      - [169.254.21.2]" } }, "azure.apipa.missing",
	  FAIL, DIAG_ERROR, "aws.vpn_connections[0].tunnels[1].inside_cidr",
	  "Azure address 169.254.22.2 of this tunnel (second host) is not an "
	  "APIPA address of instance 0" },
	{ SEED, { { NULL, NULL } }, "azure.apipa.missing", PASS, 0, NULL, NULL },
	/* ---- ASNs ---- */
	{ SEED, { { "    asn: 65000\n", "    asn: 65515\n" } },
	  "asn.azure_reserved", FAIL, DIAG_ERROR, "azure.gateway.asn",
	  "ASN 65515 is reserved" },
	{ SEED, { { "    asn: 65000\n", "    asn: 23456\n" } },
	  "asn.azure_reserved", FAIL, DIAG_ERROR, "azure.gateway.asn", NULL },
	{ SEED, { { "    asn: 65000\n", "    asn: 4294967295\n" } },
	  "asn.azure_reserved", FAIL, DIAG_ERROR, "azure.gateway.asn", NULL },
	{ SEED, { { "    asn: 65000\n", "    asn: 0.65000\n" } },
	  "asn.azure_reserved", PASS, 0, NULL, NULL },
	{ SEED, { { "    asn: 65000\n", "    asn: 64512\n" } }, "asn.same_as_aws",
	  FAIL, DIAG_ERROR, "azure.gateway.asn", "equals the VGW ASN" },
	{ VGW, { { "  asn: 65010", "  asn: 64512" } }, "asn.same_as_aws", FAIL,
	  DIAG_ERROR, "onprem.asn", NULL },
	{ SEED, { { NULL, NULL } }, "asn.same_as_aws", PASS, 0, NULL, NULL },
	{ SEED, { { "    asn: 64512\n", "    asn: 100\n" } }, "asn.vgw_range",
	  FAIL, DIAG_ERROR, "aws.vpn_gateway.asn", "VGW ASN 100 is not a private" },
	{ SEED, { { "    asn: 64512\n", "    asn: 4200000000\n" },
		  { "bgp_asn: 64512", "bgp_asn: 64200.0" } },
	  "asn.vgw_range", PASS, 0, NULL, NULL },
	{ SEED, { { "bgp_asn: 65000\n      ip_address: 203.0.113.10",
		    "bgp_asn: 7224\n      ip_address: 203.0.113.10" } },
	  "asn.cgw_reserved", FAIL, DIAG_ERROR,
	  "aws.customer_gateways[0].bgp_asn", "ASN 7224 is reserved by AWS" },
	{ SEED, { { NULL, NULL } }, "asn.cgw_reserved", PASS, 0, NULL, NULL },
	{ SEED, { { "bgp_asn: 65000\n      ip_address: 203.0.113.11",
		    "bgp_asn: 65001\n      ip_address: 203.0.113.11" } },
	  "asn.cgw_mismatch", FAIL, DIAG_ERROR,
	  "aws.customer_gateways[1].bgp_asn",
	  "ASN 65001 differs from the Azure gateway ASN 65000" },
	{ VGW, { { "bgp_asn: 65010", "bgp_asn: 65011" } }, "asn.cgw_mismatch",
	  FAIL, DIAG_ERROR, "aws.customer_gateways[0].bgp_asn", "on-prem" },
	{ SEED, { { NULL, NULL } }, "asn.cgw_mismatch", PASS, 0, NULL, NULL },
	{ SEED, { { "bgp_asn: 64512", "bgp_asn: 64513" } }, "asn.lng_mismatch",
	  FAIL, DIAG_ERROR, "azure.local_network_gateways[0].bgp_asn",
	  "LNG ASN 64513 differs from the VGW ASN 64512" },
	{ SEED, { { NULL, NULL } }, "asn.lng_mismatch", PASS, 0, NULL, NULL },
	/* ---- gateway kind ---- */
	{ SEED, { { "type: vpn", "type: expressroute" } }, "gw.type", FAIL,
	  DIAG_ERROR, "azure.gateway.type", NULL },
	{ SEED, { { NULL, NULL } }, "gw.type", PASS, 0, NULL, NULL },
	{ SEED, { { "vpn_type: route_based", "vpn_type: policy_based" } },
	  "gw.route_based", FAIL, DIAG_ERROR, "azure.gateway.vpn_type",
	  "need a route-based gateway" },
	{ SEED, { { NULL, NULL } }, "gw.route_based", PASS, 0, NULL, NULL },
	{ SEED, { { "sku: VpnGw2AZ\n    generation: Generation2",
		    "sku: Basic\n    generation: Generation1" } },
	  "gw.sku_basic", FAIL, DIAG_ERROR, "azure.gateway.sku", "SKU Basic" },
	{ SEED, { { NULL, NULL } }, "gw.sku_basic", PASS, 0, NULL, NULL },
	{ SEED, { { "sku: VpnGw2AZ", "sku: VpnGw1AZ" } }, "gw.generation", FAIL,
	  DIAG_ERROR, "azure.gateway.generation",
	  "SKU VpnGw1AZ is not offered in Generation2" },
	{ SEED, { { NULL, NULL } }, "gw.generation", PASS, 0, NULL, NULL },
	{ SINGLE, { { "    asn: 65000\n", "" },
		    { "bgp_asn: 65000", "bgp_asn: 65515" } },
	  "gw.asn_default", FAIL, DIAG_WARNING, "azure.gateway.asn",
	  "Azure uses its default 65515" },
	{ SEED, { { NULL, NULL } }, "gw.asn_default", PASS, 0, NULL, NULL },
	/* ---- active-active ---- */
	{ SEED, { { "      - name: VNet1GWpip2\n        address: 203.0.113.11\n",
		    "" } },
	  "aa.public_ips", FAIL, DIAG_ERROR, "azure.gateway.public_ips",
	  "active-active gateway needs 2 public IP(s), found 1" },
	{ SEED, { { NULL, NULL } }, "aa.public_ips", PASS, 0, NULL, NULL },
	{ SEED, { { APIPA1, "" } }, "aa.apipa_lists", FAIL, DIAG_ERROR,
	  "azure.gateway.apipa_addresses", "needs 2 APIPA list(s), found 1" },
	{ SEED, { { NULL, NULL } }, "aa.apipa_lists", PASS, 0, NULL, NULL },
	{ SINGLE, { { "[169.254.21.2]", "[169.254.21.2, 169.254.22.2]" } },
	  "aa.standby_one_apipa", FAIL, DIAG_WARNING,
	  "azure.gateway.apipa_addresses", "one custom APIPA address" },
	{ SINGLE, { { NULL, NULL } }, "aa.standby_one_apipa", PASS, 0, NULL, NULL },
	{ SEED, { { "active_active: true", "active_active: false" } },
	  "aa.required", FAIL, DIAG_ERROR, "azure.connections",
	  "4 connections to AWS tunnels need an active-active gateway" },
	{ SINGLE, { { NULL, NULL } }, "aa.required", PASS, 0, NULL, NULL },
	{ SEED, { { "ip_address: 203.0.113.11", "ip_address: 203.0.113.12" } },
	  "aa.cgw_ip", FAIL, DIAG_ERROR, "aws.customer_gateways[1].ip_address",
	  "203.0.113.12 is not a public IP of the Azure gateway" },
	{ VGW, { { "ip_address: 192.0.2.10", "ip_address: 192.0.2.11" } },
	  "aa.cgw_ip", FAIL, DIAG_ERROR, "aws.customer_gateways[0].ip_address",
	  "nor of onprem" },
	{ VGW, { { NULL, NULL } }, "aa.cgw_ip", PASS, 0, NULL, NULL },
	{ SEED, { { NULL, NULL } }, "aa.cgw_ip", PASS, 0, NULL, NULL },
	{ SEED, { { "ip_address: 203.0.113.11", "ip_address: 203.0.113.10" } },
	  "aa.cgw_duplicate_ip", FAIL, DIAG_ERROR,
	  "aws.customer_gateways[1].ip_address", "also used by 'ToAzureInstance0'" },
	{ SEED, { { NULL, NULL } }, "aa.cgw_duplicate_ip", PASS, 0, NULL, NULL },
	{ SEED, { { "ip_address: 203.0.113.11", "ip_address: 203.0.113.10" } },
	  "aa.instance_unreached", FAIL, DIAG_WARNING,
	  "azure.gateway.public_ips[1]", "instance 1 (VNet1GWpip2)" },
	{ SEED, { { NULL, NULL } }, "aa.instance_unreached", PASS, 0, NULL, NULL },
	{ SEED, { { "endpoint_ip: 198.51.100.10", "endpoint_ip: 198.51.100.99" } },
	  "aa.lng_endpoint", FAIL, DIAG_ERROR,
	  "azure.local_network_gateways[0].endpoint_ip",
	  "198.51.100.99 is not the outside IP of any AWS tunnel" },
	{ SEED, { { NULL, NULL } }, "aa.lng_endpoint", PASS, 0, NULL, NULL },
	{ SEED, { { "endpoint_ip: 198.51.100.11", "endpoint_ip: 198.51.100.10" } },
	  "aa.lng_duplicate_endpoint", FAIL, DIAG_ERROR,
	  "azure.local_network_gateways[1].endpoint_ip", NULL },
	{ SEED, { { NULL, NULL } }, "aa.lng_duplicate_endpoint", PASS, 0, NULL,
	  NULL },
	{ SEED, { { "bgp_peer_ip: 169.254.21.1", "bgp_peer_ip: 169.254.21.2" } },
	  "aa.lng_peer_ip", FAIL, DIAG_ERROR,
	  "azure.local_network_gateways[0].bgp_peer_ip",
	  "169.254.21.2 is not the AWS BGP address 169.254.21.1" },
	{ SEED, { { NULL, NULL } }, "aa.lng_peer_ip", PASS, 0, NULL, NULL },
	{ SEED, { { "outside_ip: 198.51.100.21", "outside_ip: 198.51.100.22" } },
	  "aa.tunnel_without_lng", FAIL, DIAG_WARNING,
	  "aws.vpn_connections[1].tunnels[1].outside_ip", "will stay down" },
	{ SEED, { { NULL, NULL } }, "aa.tunnel_without_lng", PASS, 0, NULL, NULL },
	{ MINIMAL, { { NULL, NULL } }, "aa.tunnel_without_lng", PASS, 0, NULL,
	  NULL },
	/* ---- connections: custom BGP ---- */
	{ SEED, { { "        primary: 169.254.22.2\n", "" } },
	  "conn.custom_bgp_missing", FAIL, DIAG_WARNING,
	  "azure.connections[1].custom_bgp_addresses",
	  "will use the first APIPA address 169.254.21.2 instead of "
	  "169.254.22.2 and its BGP session will not come up" },
	{ SEED, { { NULL, NULL } }, "conn.custom_bgp_missing", PASS, 0, NULL,
	  NULL },
	{ SEED, { { "primary: 169.254.22.2", "primary: 169.254.21.2" } },
	  "conn.custom_bgp_wrong", FAIL, DIAG_ERROR,
	  "azure.connections[1].custom_bgp_addresses.primary",
	  "primary custom BGP address 169.254.21.2 is not this tunnel's Azure "
	  "address 169.254.22.2 (instance 0)" },
	{ SEED, { { "        primary: 169.254.21.2       # not used\n        secondary: 169.254.21.6",
		    "        primary: 169.254.21.6       # not used\n        secondary: 169.254.21.2" } },
	  "conn.custom_bgp_wrong", FAIL, DIAG_ERROR,
	  "azure.connections[2].custom_bgp_addresses.secondary", NULL },
	{ SEED, { { NULL, NULL } }, "conn.custom_bgp_wrong", PASS, 0, NULL, NULL },
	{ SEED, { { "secondary: 169.254.21.6     # not used (instance 1 default)",
		    "secondary: 169.254.21.10" } },
	  "conn.custom_bgp_not_apipa", FAIL, DIAG_ERROR,
	  C0 ".custom_bgp_addresses.secondary",
	  "169.254.21.10 is not an APIPA address of instance 1" },
	{ SEED, { { NULL, NULL } }, "conn.custom_bgp_not_apipa", PASS, 0, NULL,
	  NULL },
	{ SINGLE, { { "        primary: 169.254.21.2\n",
		      "        primary: 169.254.21.2\n        secondary: 169.254.21.6\n" } },
	  "conn.custom_bgp_instance", FAIL, DIAG_ERROR,
	  C0 ".custom_bgp_addresses.secondary", "does not exist" },
	{ SINGLE, { { NULL, NULL } }, "conn.custom_bgp_instance", PASS, 0, NULL,
	  NULL },
	{ SEED, { { "local_network_gateway: AWSTunnel2toAzureInstance0-lng",
		    "local_network_gateway: AWSTunnel1toAzureInstance0-lng" } },
	  "conn.lng_reused", FAIL, DIAG_ERROR,
	  "azure.connections[1].local_network_gateway", NULL },
	{ SEED, { { NULL, NULL } }, "conn.lng_reused", PASS, 0, NULL, NULL },
	/* ---- BGP where the routing is dynamic ---- */
	{ SEED, { { "enable_bgp: true", "enable_bgp: false" } },
	  "bgp.conn_disabled", FAIL, DIAG_ERROR, C0 ".enable_bgp", NULL },
	{ SEED, { { NULL, NULL } }, "bgp.conn_disabled", PASS, 0, NULL, NULL },
	{ SEED, { { "      bgp_peer_ip: 169.254.21.1\n", "" } },
	  "bgp.lng_settings", FAIL, DIAG_ERROR,
	  "azure.local_network_gateways[0].name", "no BGP settings" },
	{ SEED, { { NULL, NULL } }, "bgp.lng_settings", PASS, 0, NULL, NULL },
	{ SEED, { { "bgp_enabled: true", "bgp_enabled: false" } },
	  "bgp.gateway_disabled", FAIL, DIAG_ERROR, "azure.gateway.bgp_enabled",
	  NULL },
	{ MINIMAL, { { NULL, NULL } }, "bgp.gateway_disabled", PASS, 0, NULL,
	  NULL },
	/* ---- connection options ---- */
	{ SEED, { { "      connection_mode: Default\n",
		    "      connection_mode: Default\n      dpd_timeout_s: 5\n" } },
	  "azure.dpd_timeout", FAIL, DIAG_ERROR, C0 ".dpd_timeout_s",
	  "DPD timeout 5 s out of range" },
	{ SEED, { { "      connection_mode: Default\n",
		    "      connection_mode: Default\n      dpd_timeout_s: 45\n" } },
	  "azure.dpd_timeout", PASS, 0, NULL, NULL },
	{ SEED, { { "use_policy_based_selectors: false",
		    "use_policy_based_selectors: true" } },
	  "azure.policy_selectors", FAIL, DIAG_ERROR,
	  C0 ".use_policy_based_selectors", NULL },
	{ SEED, { { NULL, NULL } }, "azure.policy_selectors", PASS, 0, NULL, NULL },
	{ SEED, { { "      routing: dynamic\n      local_ipv4",
		    "      routing: static\n      local_ipv4" } },
	  "aws.routing", FAIL, DIAG_ERROR, "aws.vpn_connections[0].routing",
	  "static routing is not supported" },
	{ SEED, { { NULL, NULL } }, "aws.routing", PASS, 0, NULL, NULL },
	{ SEED, { { "tunnel_inside_ip_version: ipv4",
		    "tunnel_inside_ip_version: ipv6" } },
	  "aws.inside_ip_version", FAIL, DIAG_ERROR,
	  "aws.vpn_connections[0].tunnel_inside_ip_version", NULL },
	{ SEED, { { NULL, NULL } }, "aws.inside_ip_version", PASS, 0, NULL, NULL },
	{ SEED, { { "local_ipv4_network_cidr: 0.0.0.0/0",
		    "local_ipv4_network_cidr: 10.1.0.0/16" } },
	  "aws.selectors", FAIL, DIAG_WARNING,
	  "aws.vpn_connections[0].local_ipv4_network_cidr", NULL },
	{ SEED, { { NULL, NULL } }, "aws.selectors", PASS, 0, NULL, NULL },
	{ SEED, { { "customer_gateway: ToAzureInstance1",
		    "customer_gateway: ToAzureInstance0" } },
	  "aws.cgw_unused", FAIL, DIAG_WARNING, "aws.customer_gateways[1].name",
	  NULL },
	{ SEED, { { NULL, NULL } }, "aws.cgw_unused", PASS, 0, NULL, NULL },
	{ SEED, { { "customer_gateway: ToAzureInstance1",
		    "customer_gateway: ToAzureInstance0" } },
	  "aws.cgw_reused", FAIL, DIAG_ERROR,
	  "aws.vpn_connections[1].customer_gateway",
	  "already has VPN connection 'ToAzureInstance0'" },
	{ SEED, { { NULL, NULL } }, "aws.cgw_reused", PASS, 0, NULL, NULL },
	{ SEED, { { "route_propagation: true", "route_propagation: false" } },
	  "aws.route_propagation", FAIL, DIAG_WARNING,
	  "aws.vpn_gateway.route_propagation", NULL },
	{ SEED, { { NULL, NULL } }, "aws.route_propagation", PASS, 0, NULL, NULL },
	/* ---- who initiates ---- */
	{ SEED, { { "startup_action: start", "startup_action: add" },
		  { "connection_mode: Default", "connection_mode: ResponderOnly" } },
	  "init.nobody", FAIL, DIAG_ERROR, C0 ".connection_mode",
	  "no side starts IKE" },
	{ SINGLE, { { NULL, NULL } }, "init.nobody", PASS, 0, NULL, NULL },
	{ VGW, { { NULL, NULL } }, "init.nobody", PASS, 0, NULL, NULL },
	{ SEED, { { "connection_mode: Default", "connection_mode: InitiatorOnly" } },
	  "init.both", FAIL, DIAG_WARNING, C0 ".connection_mode", NULL },
	{ SEED, { { NULL, NULL } }, "init.both", PASS, 0, NULL, NULL },
	{ SEED, { { T1, T1 "          bgp_passive: true\n" } }, "init.bgp_passive",
	  FAIL, DIAG_WARNING, TUN0 ".bgp_passive",
	  "Azure never opens BGP from an APIPA address" },
	{ VGW, { { "          outside_ip: 198.51.100.30\n",
		   "          outside_ip: 198.51.100.30\n          bgp_passive: true\n" } },
	  "init.bgp_passive", PASS, 0, NULL, NULL },
	/* ---- pre-shared keys ---- */
	{ SEED, { { "pre_shared_key: Tunnel1Instance0.psk_4f9a2c",
		    "pre_shared_key: psk_1" } },
	  "psk.aws_length", FAIL, DIAG_ERROR, TUN0 ".pre_shared_key",
	  "pre-shared key <redacted> has 5 characters" },
	{ SEED, { { NULL, NULL } }, "psk.aws_length", PASS, 0, NULL, NULL },
	{ SEED, { { "pre_shared_key: Tunnel1Instance0.psk_4f9a2c",
		    "pre_shared_key: Tunnel1Instance0-psk_4f9a2c" } },
	  "psk.aws_charset", FAIL, DIAG_ERROR, TUN0 ".pre_shared_key",
	  "position 17" },
	{ SEED, { { NULL, NULL } }, "psk.aws_charset", PASS, 0, NULL, NULL },
	{ SEED, { { "pre_shared_key: Tunnel1Instance0.psk_4f9a2c",
		    "pre_shared_key: 0unnel1Instance0.psk_4f9a2c" } },
	  "psk.aws_leading_zero", FAIL, DIAG_ERROR, TUN0 ".pre_shared_key", NULL },
	{ SEED, { { NULL, NULL } }, "psk.aws_leading_zero", PASS, 0, NULL, NULL },
	{ SEED, { { "shared_key: Tunnel1Instance0.psk_4f9a2c",
		    "shared_key: Tunnel1Instance0~psk_4f9a2c" },
		  { "pre_shared_key: Tunnel1Instance0.psk_4f9a2c",
		    "pre_shared_key: Tunnel1Instance0~psk_4f9a2c" } },
	  "psk.azure_charset", FAIL, DIAG_ERROR, C0 ".shared_key", "position 17" },
	{ SEED, { { NULL, NULL } }, "psk.azure_charset", PASS, 0, NULL, NULL },
	{ SEED, { { "shared_key: Tunnel2Instance0.psk_7b1e3d",
		    "shared_key: Tunnel2Instance0.psk_7b1e3e" } },
	  "psk.mismatch", FAIL, DIAG_ERROR, "azure.connections[1].shared_key",
	  "differs from the pre-shared key of AWS tunnel "
	  "aws.vpn_connections[0].tunnels[1].pre_shared_key" },
	{ SEED, { { NULL, NULL } }, "psk.mismatch", PASS, 0, NULL, NULL },
	/* ---- AWS tunnel options ---- */
	{ SEED, { { T1, OPTS("            dpd_timeout_s: 20\n") } },
	  "aws.dpd_timeout", FAIL, DIAG_ERROR, TUN0 ".options.dpd_timeout_s",
	  "DPD timeout 20 out of range" },
	{ SEED, { { T1, OPTS("            dpd_timeout_s: 30\n") } },
	  "aws.dpd_timeout", PASS, 0, NULL, NULL },
	{ SEED, { { T1, OPTS("            phase1_lifetime_s: 800\n") } },
	  "aws.phase1_lifetime", FAIL, DIAG_ERROR,
	  TUN0 ".options.phase1_lifetime_s", NULL },
	{ SEED, { { T1, OPTS("            phase1_lifetime_s: 28800\n") } },
	  "aws.phase1_lifetime", PASS, 0, NULL, NULL },
	{ SEED, { { T1, OPTS("            phase2_lifetime_s: 4000\n") } },
	  "aws.phase2_lifetime", FAIL, DIAG_ERROR,
	  TUN0 ".options.phase2_lifetime_s", "phase 2 lifetime 4000 out of range" },
	{ SEED, { { T1, OPTS("            phase1_lifetime_s: 1000\n"
			     "            phase2_lifetime_s: 1000\n"
			     "            rekey_margin_s: 60\n") } },
	  "aws.phase2_lifetime", FAIL, DIAG_ERROR,
	  TUN0 ".options.phase2_lifetime_s", "is not below phase 1" },
	{ SEED, { { T1, OPTS("            phase2_lifetime_s: 900\n"
			     "            rekey_margin_s: 450\n") } },
	  "aws.phase2_lifetime", PASS, 0, NULL, NULL },
	{ SEED, { { T1, OPTS("            rekey_margin_s: 59\n") } },
	  "aws.rekey_margin", FAIL, DIAG_ERROR, TUN0 ".options.rekey_margin_s",
	  "rekey margin 59 s out of range 60..1800" },
	{ SEED, { { T1, OPTS("            rekey_margin_s: 1801\n") } },
	  "aws.rekey_margin", FAIL, DIAG_ERROR, TUN0 ".options.rekey_margin_s",
	  NULL },
	{ SEED, { { T1, OPTS("            rekey_margin_s: 1800\n") } },
	  "aws.rekey_margin", PASS, 0, NULL, NULL },
	{ SEED, { { T1, OPTS("            rekey_fuzz_pct: 101\n") } },
	  "aws.rekey_fuzz", FAIL, DIAG_ERROR, TUN0 ".options.rekey_fuzz_pct",
	  NULL },
	{ SEED, { { T1, OPTS("            rekey_fuzz_pct: 0\n") } },
	  "aws.rekey_fuzz", PASS, 0, NULL, NULL },
	{ SEED, { { T1, OPTS("            replay_window: 32\n") } },
	  "aws.replay_window", FAIL, DIAG_ERROR, TUN0 ".options.replay_window",
	  NULL },
	{ SEED, { { T1, OPTS("            replay_window: 4096\n") } },
	  "aws.replay_window", FAIL, DIAG_ERROR, TUN0 ".options.replay_window",
	  NULL },
	{ SEED, { { T1, OPTS("            replay_window: 2048\n") } },
	  "aws.replay_window", PASS, 0, NULL, NULL },
	{ SEED, { { T1, OPTS("            phase1_encryption_algorithms: []\n") } },
	  "aws.empty_list", FAIL, DIAG_ERROR,
	  TUN0 ".options.phase1_encryption_algorithms", NULL },
	{ SEED, { { NULL, NULL } }, "aws.empty_list", PASS, 0, NULL, NULL },
	{ SEED, { { T1, OPTS("            phase1_dh_group_numbers: [5]\n") } },
	  "aws.dh_group", FAIL, DIAG_ERROR,
	  TUN0 ".options.phase1_dh_group_numbers", NULL },
	{ SEED, { { T1, OPTS("            phase2_dh_group_numbers: [5]\n") } },
	  "aws.dh_group", PASS, 0, NULL, NULL },
	{ SEED, { { T1, OPTS("            ike_versions: [ikev1]\n") } },
	  "aws.ikev2", FAIL, DIAG_WARNING, TUN0 ".options.ike_versions",
	  "IKEv1 only" },
	{ VGW, { { "ike_versions: [ikev2]", "ike_versions: [ikev1]" } },
	  "aws.ikev2", FAIL, DIAG_ERROR, TUN0 ".options.ike_versions",
	  "vgw speaks IKEv2 only" },
	{ VGW, { { NULL, NULL } }, "aws.ikev2", PASS, 0, NULL, NULL },
	/* ---- Azure custom policy against the AWS tunnel ---- */
	{ SEED, { { POLICY_AT, POLICY("AES256", "SHA256", "DHGroup14",
				      "GCMAES256", "SHA256", "PFS2048", "") } },
	  "azure.policy_gcm", FAIL, DIAG_ERROR, C0 ".ipsec_policy.ipsec_integrity",
	  "IPsec integrity SHA2-256 does not match encryption AES256-GCM-16" },
	{ SEED, { { POLICY_AT, POLICY("AES256", "SHA256", "DHGroup14",
				      "GCMAES256", "GCMAES256", "PFS2048", "") } },
	  "azure.policy_gcm", PASS, 0, NULL, NULL },
	{ SEED, { { POLICY_AT, POLICY("AES256", "SHA256", "DHGroup14", "AES256",
				      "SHA256", "PFS2048",
				      "        sa_lifetime_s: 200\n") } },
	  "azure.policy_lifetime", FAIL, DIAG_ERROR,
	  C0 ".ipsec_policy.sa_lifetime_s", "below 300 s" },
	{ SEED, { { POLICY_AT, POLICY("AES256", "SHA256", "DHGroup14", "AES256",
				      "SHA256", "PFS2048",
				      "        sa_lifetime_s: 300\n") } },
	  "azure.policy_lifetime", PASS, 0, NULL, NULL },
	{ SEED, { { POLICY_AT, POLICY("DES3", "SHA256", "DHGroup14", "AES256",
				      "SHA256", "PFS2048", "") } },
	  "crypto.no_common", FAIL, DIAG_ERROR, C0 ".ipsec_policy.ike_encryption",
	  "IKE encryption 3DES is not allowed by AWS tunnel" },
	{ SEED, { { POLICY_AT, POLICY("AES256", "SHA256", "DHGroup14", "AES256",
				      "SHA256", "PFS2048", "") },
		  { T1, OPTS("            phase1_dh_group_numbers: [19, 20]\n") } },
	  "crypto.no_common", FAIL, DIAG_ERROR, C0 ".ipsec_policy.dh_group",
	  "DH group 14 is not allowed" },
	{ SEED, { { POLICY_AT, POLICY("AES256", "SHA256", "DHGroup14", "AES256",
				      "SHA256", "PFS2048", "") } },
	  "crypto.no_common", PASS, 0, NULL, NULL },
	{ SEED, { { POLICY_AT, POLICY("AES256", "SHA256", "DHGroup14", "AES256",
				      "SHA256", "None", "") } },
	  "crypto.pfs", FAIL, DIAG_ERROR, C0 ".ipsec_policy.pfs_group",
	  "AWS always negotiates a phase 2 DH group" },
	{ SEED, { { POLICY_AT, POLICY("AES256", "SHA256", "DHGroup14", "AES256",
				      "SHA256", "PFS24", "") },
		  { T1, OPTS("            phase2_dh_group_numbers: [14]\n") } },
	  "crypto.pfs", FAIL, DIAG_ERROR, C0 ".ipsec_policy.pfs_group",
	  "PFS group 24 is not allowed" },
	{ SEED, { { POLICY_AT, POLICY("AES256", "SHA256", "DHGroup14", "AES256",
				      "SHA256", "PFSMM", "") } },
	  "crypto.pfs", PASS, 0, NULL, NULL },
};

static char *read_example(const char *name)
{
	const char *src = getenv("VGW_SOURCE_DIR");
	char path[1024];
	snprintf(path, sizeof(path), "%s/examples/%s", src ? src : ".", name);
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = calloc(1, 65536);
	size_t n = buf ? fread(buf, 1, 65535, f) : 0;
	(void)n;
	fclose(f);
	return buf;
}

/* Replaces the first occurrence of from by to; false if not found. */
static bool substitute(char **text, const char *from, const char *to)
{
	char *at = strstr(*text, from);
	if (at == NULL)
		return false;
	size_t pre = (size_t)(at - *text), fl = strlen(from), tl = strlen(to);
	size_t rest = strlen(at + fl);
	char *out = malloc(pre + tl + rest + 1);
	assert_non_null(out);
	memcpy(out, *text, pre);
	memcpy(out + pre, to, tl);
	memcpy(out + pre + tl, at + fl, rest + 1);
	free(*text);
	*text = out;
	return true;
}

static void assert_no_secret(const struct diag_list *d)
{
	for (size_t i = 0; i < d->n; i++) {
		char buf[1024];
		diag_format(&d->v[i], buf, sizeof(buf));
		if (strstr(buf, "psk_") != NULL)
			fail_msg("diagnostic leaks a key: %s", buf);
	}
}

static const struct diag *find_rule(const struct diag_list *d,
				    const struct rule_case *c)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *x = &d->v[i];
		if (strcmp(x->rule, c->rule) != 0)
			continue;
		if (c->want == PASS || c->path == NULL ||
		    strcmp(x->path, c->path) == 0)
			return x;
	}
	return NULL;
}

static void run_case(size_t idx, const struct rule_case *c)
{
	char *text = read_example(c->base);
	assert_non_null(text);
	for (size_t i = 0; i < 3 && c->m[i].from != NULL; i++)
		if (!substitute(&text, c->m[i].from, c->m[i].to))
			fail_msg("case %zu (%s): mutation %zu not applicable",
				 idx, c->rule, i);
	struct diag_list d;
	diag_list_init(&d);
	struct topology *t = topology_load_string(text, strlen(text), c->base, &d);
	if (t == NULL) {
		diag_list_print(&d, stderr);
		fail_msg("case %zu (%s): mutated file does not load", idx,
			 c->rule);
	}
	topology_validate(t, &d);
	assert_no_secret(&d);
	const struct diag *x = find_rule(&d, c);
	if (c->want == PASS && x != NULL) {
		diag_list_print(&d, stderr);
		fail_msg("case %zu (%s): unexpected diagnostic", idx, c->rule);
	}
	if (c->want == FAIL) {
		if (x == NULL) {
			diag_list_print(&d, stderr);
			fail_msg("case %zu (%s): expected diagnostic at %s", idx,
				 c->rule, c->path ? c->path : "?");
		}
		assert_int_equal(x->level, c->level);
		if (c->msg != NULL && strstr(x->message, c->msg) == NULL)
			fail_msg("case %zu (%s): message '%s' lacks '%s'", idx,
				 c->rule, x->message, c->msg);
		assert_true(x->line > 0);
		if (x->hint == NULL)
			fail_msg("case %zu (%s): no hint", idx, c->rule);
	}
	topology_free(t);
	diag_list_free(&d);
	free(text);
}

static void test_rule_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(i, &cases[i]);
}

/* Every FAIL rule id in the table also has a PASS case. */
static void test_table_complete(void **state)
{
	(void)state;
	size_t n = sizeof(cases) / sizeof(cases[0]);
	for (size_t i = 0; i < n; i++) {
		bool pass = false, fail = false;
		for (size_t j = 0; j < n; j++) {
			if (strcmp(cases[i].rule, cases[j].rule) != 0)
				continue;
			pass |= cases[j].want == PASS;
			fail |= cases[j].want == FAIL;
		}
		if (!pass || !fail)
			fail_msg("rule %s lacks a %s case", cases[i].rule,
				 pass ? "failing" : "passing");
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rule_table),
		cmocka_unit_test(test_table_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
